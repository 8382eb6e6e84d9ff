"""The signing keys in use, read from the configured key store and handed to django-oauth-toolkit.

Every use asks the store for its ``version`` (for local files: the file names), so a rotation made by
``yiwang oidc rotate-key`` reaches running servers at their next request without a restart. The keys
themselves are re-read only when the version changes.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from jwcrypto import jwk
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from .backends.base import KeySet, KeyStore

_lock = threading.Lock()
_cached: KeySet | None = None


def key_dir() -> Path:
    return Path(settings.YIWANG_OIDC_KEY_DIR or Path(settings.VAR_DIR) / "oidc")


def key_store() -> KeyStore:
    store_class = import_string(settings.YIWANG_OIDC_KEY_STORE)
    return store_class(key_dir(), keep=settings.YIWANG_OIDC_KEYS_KEPT)  # type: ignore[no-any-return]


def signing_keys() -> KeySet:
    """The current key set; also published as DOT's OIDC_RSA_PRIVATE_KEY(S_INACTIVE), which its views read."""
    global _cached
    store = key_store()
    version = store.version()
    keys = _cached
    if keys is None or keys.version != version:
        with _lock:
            keys = store.load()
            _cached = keys
    if oauth2_settings.__dict__.get("OIDC_RSA_PRIVATE_KEY") != keys.active:
        _publish(keys)
    return keys


def _publish(keys: KeySet) -> None:
    # DOT caches each setting as an attribute and drops it again on reload (override_settings in tests);
    # registering the names in _cached_attrs keeps reload() working.
    oauth2_settings.OIDC_RSA_PRIVATE_KEY = keys.active
    oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE = list(keys.inactive)
    oauth2_settings._cached_attrs.update({"OIDC_RSA_PRIVATE_KEY", "OIDC_RSA_PRIVATE_KEYS_INACTIVE"})


def forget_cached_keys() -> None:
    global _cached
    with _lock:
        _cached = None


def key_id(pem: str) -> str:
    """The ``kid`` of a key: its RFC 7638 thumbprint, as django-oauth-toolkit puts in the ID token header."""
    return str(jwk_from_pem(pem).thumbprint())


def verification_key(kid: str) -> jwk.JWK | None:
    """The key (active or kept) whose thumbprint is ``kid``."""
    for pem in signing_keys().all:
        if key_id(pem) == kid:
            return jwk_from_pem(pem)
    return None


def public_jwks() -> dict[str, Any]:
    keys = []
    for pem in signing_keys().all:
        key = jwk_from_pem(pem)
        keys.append({"alg": "RS256", "use": "sig", "kid": key.thumbprint(), **json.loads(key.export_public())})
    return {"keys": keys}
