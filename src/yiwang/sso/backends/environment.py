"""Keys from the secret store, for production: PEM files mounted by the platform, or PEM text in the environment.

``YIWANG_OIDC_PRIVATE_KEY_FILES``: comma-separated paths, newest first — the first signs, the others are
published in the JWKS until removed. ``YIWANG_OIDC_PRIVATE_KEY`` (PEM text) is used when no files are named.
Rotation happens in the secret store: put the new key first, keep the old one second, restart or roll the
servers; remove the old key once the ID tokens it signed have expired.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .base import KeySet, KeyStore, KeyStoreError


class EnvironmentKeyStore(KeyStore):
    def __init__(self, directory: Path | None = None, keep: int = 3) -> None:
        self.keep = keep

    def _pems(self) -> list[str]:
        files = [p.strip() for p in os.environ.get("YIWANG_OIDC_PRIVATE_KEY_FILES", "").split(",") if p.strip()]
        if files:
            try:
                return [Path(f).read_text() for f in files]
            except OSError as exc:
                raise KeyStoreError(f"cannot read an OIDC signing key file: {exc}") from exc
        pem = os.environ.get("YIWANG_OIDC_PRIVATE_KEY", "")
        if not pem:
            raise KeyStoreError("set YIWANG_OIDC_PRIVATE_KEY_FILES or YIWANG_OIDC_PRIVATE_KEY")
        return [pem]

    def version(self) -> str:
        # Keys change only with the environment, i.e. on restart; one value for the life of the process.
        return "environment"

    def load(self) -> KeySet:
        pems = self._pems()
        digest = hashlib.sha256("".join(pems).encode()).hexdigest()[:16]
        return KeySet(active=pems[0], inactive=tuple(pems[1:]), version=digest)
