"""Where the OpenID provider's ID-token signing keys live (STYLE: swappable backends).

A key store hands out RSA private keys as PEM text, newest first. The first key signs; every key it
returns is published in the JWKS, so ID tokens signed before a rotation still verify until their key
drops out of the list.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class KeySet:
    """The active signing key and the previous keys that stay in the JWKS. ``version`` changes on rotation."""

    active: str
    inactive: tuple[str, ...]
    version: str

    @property
    def all(self) -> tuple[str, ...]:
        return (self.active, *self.inactive)


class KeyStoreError(Exception):
    """The key store cannot give or change keys (missing secret file, read-only store …)."""


class KeyStore(abc.ABC):
    @abc.abstractmethod
    def version(self) -> str:
        """A cheap token that changes whenever the keys change (checked on every use, so keep it cheap)."""

    @abc.abstractmethod
    def load(self) -> KeySet:
        """The current keys; creates the first key where the store can (local development)."""

    def rotate(self) -> KeySet:
        """Make a new active key, keep the previous ones for verification, drop the oldest beyond the limit."""
        raise KeyStoreError(f"{type(self).__name__} cannot rotate keys; rotate them in the secret store")
