"""Event bus transports; ``transport()`` returns the one ``YIWANG_EVENTS_TRANSPORT`` names."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Transport


@lru_cache(maxsize=4)
def _load(path: str) -> Transport:
    transport_class = import_string(path)
    return transport_class()  # type: ignore[no-any-return]


def transport() -> Transport:
    return _load(settings.YIWANG_EVENTS_TRANSPORT)
