"""Local development and the embedded demo: SQLite, debug on, keys kept in ``var/``."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool
from .keys import local_keys

DEBUG = env_bool("YIWANG_DEBUG", True)

# No secret lives in the repository: the first run writes random keys to var/keys.json.
_keys = local_keys(VAR_DIR)
SECRET_KEY = os.environ.get("YIWANG_SECRET_KEY", _keys["secret_key"])
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("YIWANG_FIELD_ENCRYPTION_KEYS", "").split(",") if k] or [
    _keys["field_key"]
]
BLIND_INDEX_KEY = os.environ.get("YIWANG_BLIND_INDEX_KEY", _keys["blind_index_key"])
