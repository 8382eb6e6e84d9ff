"""Sensitive personal data at rest: Fernet-encrypted fields and keyed blind indexes.

Why our own ~50 lines rather than a package: the maintained encrypted-field packages either pin old
Django versions or cannot rotate keys; MultiFernet from ``cryptography`` gives rotation, and a blind
index (HMAC-SHA256 of the normalised value) lets us enforce "one identity number, one account"
without ever storing the number in clear. See docs/decisions/0004-encrypted-personal-data.md.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("YIWANG_FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered ciphertext: never return garbage
        raise ImproperlyConfigured("cannot decrypt a stored value: wrong or missing field key") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of ``value`` for equality lookups; ``purpose`` keeps indexes of different fields apart."""
    if not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured("YIWANG_BLIND_INDEX_KEY is empty")
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int = 6, keep_end: int = 4) -> str:
    """``310115199001010016`` -> ``310115********0016``."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code sees the plain value."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
