"""Where the exchange keeps private keys: the platform CA's, the gateway's and members' (STYLE: swappable backends).

A key store holds opaque private-key bytes (PKCS#8 PEM) under a name. It never hands out a list of its keys
and never overwrites one: a new key gets a new name (the certificate serial), so a rotation cannot lose the
key that signed earlier messages. ``YIWANG_EXCHANGE_KEY_STORE`` picks the class.
"""

from __future__ import annotations

import abc


class KeyStoreError(Exception):
    """The key store cannot keep or give a key (missing or unreadable file, wrong store key …)."""


class KeyStore(abc.ABC):
    @abc.abstractmethod
    def put(self, name: str, private_key_pem: bytes) -> None:
        """Keep a new key under ``name``; refuse when the name is taken."""

    @abc.abstractmethod
    def get(self, name: str) -> bytes:
        """The key kept under ``name``; raises ``KeyStoreError`` when there is none or it cannot be read."""

    @abc.abstractmethod
    def discard(self, name: str) -> None:
        """Forget a key that was never used (a lost race creating the CA); a no-op when it is absent."""
