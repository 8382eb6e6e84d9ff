"""Local key files: ``$YIWANG_OIDC_KEY_DIR`` (default ``$YIWANG_VAR_DIR/oidc``), one PEM per key, mode 0600.

File names start with a UTC timestamp, so the newest name is the active key. The first key is created on
first use; ``yiwang oidc rotate-key`` adds a new one and deletes those beyond ``YIWANG_OIDC_KEYS_KEPT``.
For development, the demo and a single server. Production with several servers uses the environment store
(keys from the secret store) or a shared, protected directory.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .base import KeySet, KeyStore, KeyStoreError

RSA_BITS = 2048


def generate_rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class LocalKeyStore(KeyStore):
    def __init__(self, directory: Path, keep: int = 3) -> None:
        self.directory = Path(directory)
        self.keep = max(2, keep)

    def _files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("rsa-*.pem"), reverse=True)  # newest first

    def version(self) -> str:
        files = self._files()
        return ",".join(f.name for f in files)

    def load(self) -> KeySet:
        files = self._files()
        if not files:
            self._write_new_key()
            files = self._files()
        pems = tuple(f.read_text() for f in files[: self.keep])
        if not all("PRIVATE KEY" in pem for pem in pems):
            raise KeyStoreError(f"an OIDC key file in {self.directory} is not a PEM private key")
        return KeySet(active=pems[0], inactive=pems[1:], version=",".join(f.name for f in files))

    def rotate(self) -> KeySet:
        self._write_new_key()
        for old in self._files()[self.keep:]:
            old.unlink(missing_ok=True)
        return self.load()

    def _write_new_key(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        suffix = secrets.token_hex(4)
        path = self.directory / f"rsa-{stamp}-{suffix}.pem"
        # Written under a name the glob does not match, then renamed: another process (a second server
        # worker creating the first key at the same moment) never reads a half-written file.
        partial = self.directory / f".partial-{stamp}-{suffix}"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(generate_rsa_pem())
            f.flush()
            os.fsync(f.fileno())
        os.rename(partial, path)
        return path
