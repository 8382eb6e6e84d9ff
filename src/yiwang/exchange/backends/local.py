"""Local encrypted key files, the default key store: ``$YIWANG_EXCHANGE_KEY_DIR`` (default ``$VAR_DIR/exchange-keys``).

Each key is one file ``<name>.key`` holding a Fernet token of the PEM, written exclusively with mode 0600 in a
directory of mode 0700. The Fernet key is ``YIWANG_EXCHANGE_KEY_STORE_KEY`` (comma-separated, newest first: older
keys still decrypt) or, when that is unset, derived with HKDF from the first field-encryption key, so a copy of
the directory without the settings is useless. Good for one server or a shared protected volume; an HSM or a
secret manager would be another backend (ADR 0020).
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .base import KeyStore, KeyStoreError

NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in settings.YIWANG_EXCHANGE_KEY_STORE_KEY.split(",") if k.strip()]
    if configured:
        try:
            return MultiFernet([Fernet(k.encode()) for k in configured])
        except ValueError as exc:
            raise KeyStoreError("YIWANG_EXCHANGE_KEY_STORE_KEY is not a Fernet key") from exc
    if not settings.FIELD_ENCRYPTION_KEYS:
        raise KeyStoreError("set YIWANG_EXCHANGE_KEY_STORE_KEY (or YIWANG_FIELD_ENCRYPTION_KEYS)")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"yiwang.exchange.keystore").derive(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def key_dir() -> Path:
    return Path(settings.YIWANG_EXCHANGE_KEY_DIR or Path(settings.VAR_DIR) / "exchange-keys")


class EncryptedFileKeyStore(KeyStore):
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else key_dir()

    def _path(self, name: str) -> Path:
        if not NAME.match(name):
            raise KeyStoreError(f"not a key name: {name!r}")
        return self.directory / f"{name}.key"

    def put(self, name: str, private_key_pem: bytes) -> None:
        path = self._path(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        token = _fernet().encrypt(private_key_pem)
        # Written under another name and renamed: a reader never sees half a key. O_EXCL: never overwrite.
        partial = self.directory / f".partial-{name}"
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise KeyStoreError(f"key {name} is being written by another process") from exc
        with os.fdopen(fd, "wb") as f:
            f.write(token)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            partial.unlink()
            raise KeyStoreError(f"key {name} exists already")
        os.rename(partial, path)

    def get(self, name: str) -> bytes:
        path = self._path(name)
        try:
            token = path.read_bytes()
        except OSError as exc:
            raise KeyStoreError(f"cannot read key {name}: {exc.strerror}") from exc
        try:
            return _fernet().decrypt(token)
        except InvalidToken as exc:
            raise KeyStoreError(f"cannot decrypt key {name}: wrong YIWANG_EXCHANGE_KEY_STORE_KEY") from exc

    def discard(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)
