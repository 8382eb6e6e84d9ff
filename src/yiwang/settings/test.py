"""Test settings: fast hashing, throw-away keys, in-memory SQLite unless DATABASE_URL names PostgreSQL."""

from __future__ import annotations

import atexit
import base64
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

# Throw-away keys for the test suite only; they protect nothing.
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(b"yiwang test key; protects nothing"[:32]).decode()]
BLIND_INDEX_KEY = "test-only-blind-index-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 is tested explicitly
AXES_FAILURE_LIMIT = 5

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

_tmp = Path(tempfile.mkdtemp(prefix="yiwang-test-"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
VAR_DIR = _tmp
MEDIA_ROOT = _tmp / "media"
YIWANG_BACKUP_DIR = _tmp / "backups"
