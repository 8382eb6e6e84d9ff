"""Settings shared by every environment. Everything that differs comes from environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("YIWANG_BASE_DIR", PACKAGE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("YIWANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("YIWANG_DEBUG", False)
ALLOWED_HOSTS = env_list("YIWANG_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("YIWANG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves Swagger UI for /api/docs from its own static files, not a CDN
    # platform
    "yiwang.core",
    "yiwang.audit",
    "yiwang.identity",
    # services
    "yiwang.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yiwang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yiwang.audit.middleware.AuditContextMiddleware",
    # django-axes must be last: it turns a locked-out login into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yiwang.urls"
WSGI_APPLICATION = "yiwang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yiwang.identity.context_processors.workbench",
            ],
        },
    },
]

# --- database: SQLite (WAL, foreign keys) unless DATABASE_URL names another -------------------------
SQLITE_PATH = Path(os.environ.get("YIWANG_SQLITE_PATH", VAR_DIR / "yiwang.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
    if os.environ.get("DATABASE_URL")
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SQLITE_PATH),
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN
            # so two writers queue instead of failing half-way with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failures (django-axes): per account and address pair.
AXES_FAILURE_LIMIT = int(os.environ.get("YIWANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("YIWANG_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SESSION_COOKIE_AGE = int(os.environ.get("YIWANG_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- sensitive fields at rest ------------------------------------------------------------------------
# Comma-separated Fernet keys, newest first (MultiFernet: old keys still decrypt after rotation).
FIELD_ENCRYPTION_KEYS: list[str] = env_list("YIWANG_FIELD_ENCRYPTION_KEYS")
# Key of the keyed hash ("blind index") that lets us find and de-duplicate encrypted identity numbers.
BLIND_INDEX_KEY: str = os.environ.get("YIWANG_BLIND_INDEX_KEY", "")

# --- i18n: Simplified Chinese first, English second; Shanghai time -----------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: our own CSS plus vendor assets installed from npm at setup ------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("YIWANG_STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES_DIR = Path(os.environ.get("YIWANG_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_DIRS = [("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist")]

MEDIA_ROOT = Path(os.environ.get("YIWANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Backups (``yiwang backup``) land here unless a path is given.
YIWANG_BACKUP_DIR = Path(os.environ.get("YIWANG_BACKUP_DIR", VAR_DIR / "backups"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIWANG_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "yiwang.core.views.csrf_failure"
