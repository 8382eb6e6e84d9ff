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
    "django_otp",  # staff second factor (docs/decisions/0012-staff-two-factor.md)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time recovery codes
    "csp",
    "ninja",  # serves Swagger UI for /api/docs from its own static files, not a CDN
    "oauth2_provider",  # the OpenID Connect provider (docs/decisions/0011-oidc-provider.md)
    # platform
    "yiwang.core",
    "yiwang.audit",
    "yiwang.identity",
    "yiwang.sso",
    "yiwang.events",  # transactional outbox and event bus (docs/decisions/)
    "yiwang.notifications",  # site inbox, e-mail and SMS notices
    # domain
    "yiwang.catalog",
    "yiwang.workflow",
    "yiwang.intake",
    "yiwang.exchange",
    "yiwang.registries",
    "yiwang.sharing",
    "yiwang.supervision",
    # services
    "yiwang.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yiwang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): second factor done this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yiwang.audit.middleware.AuditContextMiddleware",
    # Staff (and citizens who enrolled) reach nothing before their second factor; staff idle timeout.
    "yiwang.identity.middleware.StaffSecondFactorMiddleware",
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
                "yiwang.core.context_processors.menus",
                "yiwang.notifications.context_processors.inbox",
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
    # Staff only (等保 L3): at least 12 characters from at least three of four character classes.
    {"NAME": "yiwang.identity.validators.StaffPasswordValidator",
     "OPTIONS": {"min_length": int(os.environ.get("YIWANG_STAFF_PASSWORD_MIN_LENGTH", "12"))}},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failures (django-axes), counted two ways: an account is locked after
# YIWANG_LOGIN_FAILURE_LIMIT failures from any address, and an address after
# YIWANG_ADDRESS_FAILURE_LIMIT failures across accounts (identity/lockout.py). Wrong second-factor
# codes count as failures too. The order of AXES_LOCKOUT_PARAMETERS matters to that handler.
AXES_FAILURE_LIMIT = int(os.environ.get("YIWANG_LOGIN_FAILURE_LIMIT", "5"))
YIWANG_ADDRESS_FAILURE_LIMIT = int(os.environ.get("YIWANG_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("YIWANG_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "yiwang.identity.lockout.AccountAndAddressHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SESSION_COOKIE_AGE = int(os.environ.get("YIWANG_SESSION_SECONDS", str(30 * 60)))
# Not saved on every request (an UPDATE and a commit each): identity's middleware notes the activity at most once
# per YIWANG_SESSION_ACTIVITY_SECONDS, which saves the session and renews its expiry; both idle timeouts count from it.
SESSION_SAVE_EVERY_REQUEST = False
YIWANG_SESSION_ACTIVITY_SECONDS = int(os.environ.get("YIWANG_SESSION_ACTIVITY_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True  # pages hand the token to htmx in the markup; no script reads the cookie

# --- staff second factor (django-otp; identity/otp.py, identity/middleware.py) ------------------------
# A staff member idle this long is logged out, whatever SESSION_COOKIE_AGE allows.
YIWANG_STAFF_IDLE_SECONDS = int(os.environ.get("YIWANG_STAFF_IDLE_SECONDS", str(15 * 60)))
OTP_TOTP_ISSUER = os.environ.get("YIWANG_OTP_ISSUER", "Pudong yiwang")
# The Django admin never shows a key or QR code: an administrator must not be able to copy a
# colleague's second factor (they may delete a device, and its owner enrols again).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-otp's own back-off per device (1 s, 2 s, 4 s … after consecutive wrong codes); it survives
# a new password login, unlike the django-axes count. 0 turns it off.
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("YIWANG_OTP_THROTTLE_FACTOR", "1"))
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
YIWANG_RECOVERY_CODE_COUNT = 10

# --- Content-Security-Policy (django-csp 4) -----------------------------------------------------------
# No inline or third-party script anywhere. Inline style *attributes* are allowed (style-src-attr),
# <style> elements are not; htmx's own indicator <style> is switched off in core/base.html.
CONTENT_SECURITY_POLICY: dict[str, dict[str, object]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Browsers apply form-action to the redirects after a POST as well: an OIDC consent form that
        # redirects to a department system needs that system's origin listed here.
        "form-action": ["'self'", *env_list("YIWANG_CSP_FORM_ACTION")],
        "frame-ancestors": ["'none'"],
    },
}

# --- SMS one-time codes (identity/sms/, identity/phone_codes.py; ADR 0013) ---------------------------
# Dotted path of the backend. The console one logs the message (with the code!) for development; production
# sets yiwang.identity.sms.http.HttpGatewayBackend and the gateway settings below.
YIWANG_SMS_BACKEND = os.environ.get("YIWANG_SMS_BACKEND", "yiwang.identity.sms.console.ConsoleBackend")
YIWANG_SMS_GATEWAY_URL = os.environ.get("YIWANG_SMS_GATEWAY_URL", "")
YIWANG_SMS_GATEWAY_TOKEN = os.environ.get("YIWANG_SMS_GATEWAY_TOKEN", "")
YIWANG_SMS_GATEWAY_TIMEOUT = float(os.environ.get("YIWANG_SMS_GATEWAY_TIMEOUT", "5"))
YIWANG_SMS_SENDER = os.environ.get("YIWANG_SMS_SENDER", "")
YIWANG_SMS_CODE_TTL_SECONDS = int(os.environ.get("YIWANG_SMS_CODE_TTL_SECONDS", "300"))
YIWANG_SMS_CODE_MAX_ATTEMPTS = int(os.environ.get("YIWANG_SMS_CODE_MAX_ATTEMPTS", "5"))
YIWANG_SMS_RESEND_SECONDS = int(os.environ.get("YIWANG_SMS_RESEND_SECONDS", "60"))
YIWANG_SMS_DAILY_LIMIT = int(os.environ.get("YIWANG_SMS_DAILY_LIMIT", "10"))
YIWANG_PASSWORD_RESET_PER_HOUR = int(os.environ.get("YIWANG_PASSWORD_RESET_PER_HOUR", "10"))

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

# --- OpenID Connect provider (yiwang.sso, django-oauth-toolkit; docs/identity.md, ADR 0011) ---------------
# Signing keys come from a key store (sso/backends/): "local" keeps PEM files under var/oidc/ (created on first
# use, mode 0600, rotated with `yiwang oidc rotate-key`); "environment" reads YIWANG_OIDC_PRIVATE_KEY_FILES
# (comma-separated paths, newest first: the first signs, the others stay in the JWKS) for production.
YIWANG_OIDC_KEY_STORE = os.environ.get("YIWANG_OIDC_KEY_STORE", "yiwang.sso.backends.local.LocalKeyStore")
# Unset: $VAR_DIR/oidc, resolved when first used (so the test settings' temporary VAR_DIR applies).
YIWANG_OIDC_KEY_DIR = os.environ.get("YIWANG_OIDC_KEY_DIR", "")
YIWANG_OIDC_KEYS_KEPT = int(os.environ.get("YIWANG_OIDC_KEYS_KEPT", "3"))  # active + previous keys in the JWKS
# http redirect URIs are accepted only for loopback hosts (127.0.0.1, localhost, [::1]) and only when this is on.
YIWANG_OIDC_ALLOW_HTTP_LOOPBACK = env_bool("YIWANG_OIDC_ALLOW_HTTP_LOOPBACK", DEBUG)
# Named so that migrations can refer to the (swappable) model; we use DOT's own.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER: dict[str, object] = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("YIWANG_OIDC_ISSUER", ""),
    "OAUTH2_VALIDATOR_CLASS": "yiwang.sso.validators.YiwangOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "yiwang.sso.scopes.ClientScopes",
    "SCOPES": {
        "openid": "Log you in (an identifier for you that only this department's systems see)",
        "profile": "Your real name",
        "phone": "Your mobile number",
        "idcard": "Your resident identity number",
        "enterprise": "The enterprise you act for, and your role in it",
    },
    "DEFAULT_SCOPES": ["openid"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207 iss in the authorization response
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # bearer tokens never in a URL query string
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # access and refresh tokens kept only as SHA-256 checksums
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("YIWANG_OIDC_ACCESS_TOKEN_SECONDS", "600")),
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("YIWANG_OIDC_ACCESS_TOKEN_SECONDS", "600")),
    # A refresh token dies this long after its access token expired (or at once when used twice).
    "REFRESH_TOKEN_EXPIRE_SECONDS": int(os.environ.get("YIWANG_OIDC_REFRESH_TOKEN_SECONDS", str(8 * 3600))),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a replayed refresh token revokes its whole family
    # 256 random bits per access/refresh token from one os.urandom call (oauthlib's default: 30 characters,
    # one SystemRandom call each, ~180 bits)
    "ACCESS_TOKEN_GENERATOR": "yiwang.sso.validators.generate_token",
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,  # ask only when the id_token_hint is missing or not ours
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if YIWANG_OIDC_ALLOW_HTTP_LOOPBACK else ["https"],
    "REQUEST_APPROVAL_PROMPT": "force",  # remembered consent is ours (sso.Consent), not DOT's token check
    "APPLICATION_ADMIN_CLASS": "yiwang.sso.admin.ApplicationAdmin",
    "OIDC_JWKS_MAX_AGE_SECONDS": 300,  # relying parties pick up a rotated key within five minutes
}

# --- events (yiwang.events) ---------------------------------------------------------------------------------
# Transport (events/backends/): the embedded default "database" keeps the queue in the database (no server);
# "rabbitmq" relays the outbox to RabbitMQ (quorum queues, publisher confirms). docs/events.md, ADR 0018.
YIWANG_EVENTS_TRANSPORT = {
    "database": "yiwang.events.backends.database.DatabaseTransport",
    "rabbitmq": "yiwang.events.backends.rabbitmq.RabbitMQTransport",
}.get(os.environ.get("YIWANG_EVENTS_TRANSPORT", "database"), os.environ.get("YIWANG_EVENTS_TRANSPORT", ""))
YIWANG_EVENTS_RABBITMQ_URL = os.environ.get("YIWANG_EVENTS_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
YIWANG_EVENTS_RABBITMQ_EXCHANGE = os.environ.get("YIWANG_EVENTS_RABBITMQ_EXCHANGE", "yiwang.events")
YIWANG_EVENTS_BATCH = int(os.environ.get("YIWANG_EVENTS_BATCH", "200"))  # messages per worker transaction
YIWANG_EVENTS_POLL_SECONDS = float(os.environ.get("YIWANG_EVENTS_POLL_SECONDS", "0.2"))  # idle worker wait
# A failing handler is retried after base·2^(n-1) seconds (capped), and dead-lettered after the last attempt.
YIWANG_EVENTS_MAX_ATTEMPTS = int(os.environ.get("YIWANG_EVENTS_MAX_ATTEMPTS", "8"))
YIWANG_EVENTS_RETRY_BASE_SECONDS = float(os.environ.get("YIWANG_EVENTS_RETRY_BASE_SECONDS", "5"))
YIWANG_EVENTS_RETRY_MAX_SECONDS = float(os.environ.get("YIWANG_EVENTS_RETRY_MAX_SECONDS", "3600"))
YIWANG_EVENTS_MAX_PAYLOAD_BYTES = int(os.environ.get("YIWANG_EVENTS_MAX_PAYLOAD_BYTES", str(256 * 1024)))

# --- notifications (yiwang.notifications) -------------------------------------------------------------------
# Site inbox always; e-mail through Django's mail framework (EMAIL_BACKEND: console locally, SMTP in production
# with the usual EMAIL_HOST/PORT/HOST_USER/HOST_PASSWORD/USE_TLS); SMS through identity's YIWANG_SMS_BACKEND.
# A channel missing from YIWANG_NOTIFICATION_BACKENDS is off: its deliveries are recorded as skipped. (ADR 0017)
EMAIL_BACKEND = os.environ.get("YIWANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("YIWANG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("YIWANG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("YIWANG_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("YIWANG_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("YIWANG_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("YIWANG_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("YIWANG_DEFAULT_FROM_EMAIL", "浦东政务 <noreply@pudong.gov.cn.invalid>")
YIWANG_NOTIFICATION_BACKENDS = {
    name: path for name, path in (
        ("email", os.environ.get("YIWANG_NOTIFICATION_EMAIL", "yiwang.notifications.backends.email.EmailChannel")),
        ("sms", os.environ.get("YIWANG_NOTIFICATION_SMS", "yiwang.notifications.backends.sms.SmsChannel")),
    ) if path
}
# Channels used when a sender does not name any (the inbox is always one of them).
YIWANG_NOTIFICATION_DEFAULT_CHANNELS = env_list("YIWANG_NOTIFICATION_DEFAULT_CHANNELS") or ["inbox", "email", "sms"]
# Absolute address put in front of links in e-mails and texts (e.g. https://zwfw.pudong.gov.cn).
YIWANG_SITE_URL = os.environ.get("YIWANG_SITE_URL", "http://localhost:8000")

# --- catalog (yiwang.catalog) -------------------------------------------------------------------------------
# Largest BPMN file an administrator may upload for a matter's process (bytes).
YIWANG_CATALOG_BPMN_MAX_BYTES = int(os.environ.get("YIWANG_CATALOG_BPMN_MAX_BYTES", str(2 * 1024 * 1024)))

# --- workflow (yiwang.workflow) -----------------------------------------------------------------------------
# Working days each department task gets on its own clock unless the BPMN user task sets the extension
# property limit_days; 0 = no clock for such tasks (docs/workflow.md).
YIWANG_WORKFLOW_TASK_DAYS = int(os.environ.get("YIWANG_WORKFLOW_TASK_DAYS", "5"))
# SpiffWorkflow logs every task state change at INFO; keep the engine quiet unless asked.
_workflow_loggers = LOGGING["loggers"]
if isinstance(_workflow_loggers, dict):
    _workflow_loggers["spiff"] = {"level": os.environ.get("YIWANG_WORKFLOW_ENGINE_LOG_LEVEL", "WARNING")}

# --- intake (yiwang.intake) ---------------------------------------------------------------------------------
# Uploaded materials (ADR 0016): the type is read from the content (filetype); a matter's requirement names its
# accepted types and size, capped by this global limit. Requirements that name no types accept these.
YIWANG_INTAKE_MAX_UPLOAD_BYTES = int(os.environ.get("YIWANG_INTAKE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
YIWANG_INTAKE_DEFAULT_CONTENT_TYPES = env_list("YIWANG_INTAKE_DEFAULT_CONTENT_TYPES",
                                               "application/pdf,image/jpeg,image/png")

# --- exchange (yiwang.exchange) -----------------------------------------------------------------------------
# Members' keys and the platform CA (docs/exchange.md, ADR 0020). The key store keeps private keys encrypted at rest
# (Fernet; key from YIWANG_EXCHANGE_KEY_STORE_KEY, or derived from the first field-encryption key when unset), one
# file per key, mode 0600, under YIWANG_EXCHANGE_KEY_DIR (default $VAR_DIR/exchange-keys).
YIWANG_EXCHANGE_KEY_STORE = os.environ.get("YIWANG_EXCHANGE_KEY_STORE",
                                           "yiwang.exchange.backends.local.EncryptedFileKeyStore")
YIWANG_EXCHANGE_KEY_DIR = os.environ.get("YIWANG_EXCHANGE_KEY_DIR", "")
YIWANG_EXCHANGE_KEY_STORE_KEY = os.environ.get("YIWANG_EXCHANGE_KEY_STORE_KEY", "")
YIWANG_EXCHANGE_INSTANCE = os.environ.get("YIWANG_EXCHANGE_INSTANCE", "CN-SH")  # first part of every member id
YIWANG_EXCHANGE_CERT_DAYS = int(os.environ.get("YIWANG_EXCHANGE_CERT_DAYS", "730"))  # member certificates
YIWANG_EXCHANGE_CA_DAYS = int(os.environ.get("YIWANG_EXCHANGE_CA_DAYS", str(20 * 365)))
# Gateway (ADR 0019): signed requests older or newer than this are refused; their nonces are kept twice as long.
YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS = int(os.environ.get("YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS", "300"))
YIWANG_EXCHANGE_MAX_BODY_BYTES = int(os.environ.get("YIWANG_EXCHANGE_MAX_BODY_BYTES", str(1024 * 1024)))
YIWANG_EXCHANGE_PROVIDER_TIMEOUT = float(os.environ.get("YIWANG_EXCHANGE_PROVIDER_TIMEOUT", "10"))
YIWANG_EXCHANGE_MAX_RESPONSE_BYTES = int(os.environ.get("YIWANG_EXCHANGE_MAX_RESPONSE_BYTES", str(10 * 1024 * 1024)))

# --- registries (yiwang.registries) -------------------------------------------------------------------------
# Lookups in the base registries are audited. On: each lookup's audit record is committed durably (a disk sync per
# lookup). Off (PostgreSQL): committed with synchronous_commit off, so a power failure can lose the last fraction of
# a second of lookup records (never a change, never the chain's integrity). See docs/registries.md, ADR 0021.
YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT = env_bool("YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT", True)

# --- sharing (yiwang.sharing) ------------------------------------------------------------------------------
# Working days a provider has to answer a conditional sharing request (国发〔2016〕51号: 10). The sharing authority
# that decides disputes: platform admins, plus anyone with a role in the organisation this code names (e.g. the
# big-data centre); empty: platform admins only. docs/sharing.md, ADR 0022.
YIWANG_SHARING_ANSWER_DAYS = int(os.environ.get("YIWANG_SHARING_ANSWER_DAYS", "10"))
YIWANG_SHARING_AUTHORITY = os.environ.get("YIWANG_SHARING_AUTHORITY", "")

# --- supervision (yiwang.supervision) ----------------------------------------------------------------------
# Share of a clock's limit used at which it turns yellow (warning), in percent; per clock kind below overrides it
# (e.g. {"intake.case": 70}). Deadlines in working days: complaints, callback + rectification of a bad rating
# (GB/T 39734: 5-15 in practice), and the default reply time of a supervision notice (督办). docs/supervision.md.
YIWANG_SUPERVISION_WARN_PERCENT = int(os.environ.get("YIWANG_SUPERVISION_WARN_PERCENT", "80"))
YIWANG_SUPERVISION_WARN_PERCENT_BY_KIND: dict[str, int] = {}
YIWANG_SUPERVISION_COMPLAINT_DAYS = int(os.environ.get("YIWANG_SUPERVISION_COMPLAINT_DAYS", "15"))
YIWANG_SUPERVISION_RECTIFICATION_DAYS = int(os.environ.get("YIWANG_SUPERVISION_RECTIFICATION_DAYS", "10"))
YIWANG_SUPERVISION_NOTICE_REPLY_DAYS = int(os.environ.get("YIWANG_SUPERVISION_NOTICE_REPLY_DAYS", "5"))
