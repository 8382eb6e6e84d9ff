"""Production: every secret from the environment, HTTPS-only cookies, PostgreSQL expected."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY as _BASE_CSP
from .base import env_bool, env_list

DEBUG = False


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


_required("DATABASE_URL")  # production runs on PostgreSQL; never fall back to a local SQLite file
SECRET_KEY = _required("YIWANG_SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env_list("YIWANG_FIELD_ENCRYPTION_KEYS") or [_required("YIWANG_FIELD_ENCRYPTION_KEYS")]
BLIND_INDEX_KEY = _required("YIWANG_BLIND_INDEX_KEY")

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**_BASE_CSP["DIRECTIVES"], "upgrade-insecure-requests": True}}
SECURE_SSL_REDIRECT = env_bool("YIWANG_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("YIWANG_HSTS_SECONDS", "31536000"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("YIWANG_PROXY_COUNT", "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
