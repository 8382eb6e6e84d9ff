"""Channels that carry a notice beyond the site inbox, each picked by a setting (STYLE: external systems).

``YIWANG_NOTIFICATION_BACKENDS`` maps a channel name to the dotted path of its backend class. The inbox is no
backend: it is the :class:`~yiwang.notifications.models.Notification` row itself and is always written.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ChannelBackend, DeliveryError, NoAddress

INBOX = "inbox"
DEFAULT_BACKENDS = {
    "email": "yiwang.notifications.backends.email.EmailChannel",
    "sms": "yiwang.notifications.backends.sms.SmsChannel",
}


def configured() -> dict[str, str]:
    return dict(getattr(settings, "YIWANG_NOTIFICATION_BACKENDS", DEFAULT_BACKENDS))


@lru_cache(maxsize=16)
def _instance(path: str) -> ChannelBackend:
    return import_string(path)()  # type: ignore[no-any-return]


def get_backend(channel: str) -> ChannelBackend | None:
    """The backend of ``channel``, or ``None`` when the channel is not configured (switched off)."""
    path = configured().get(channel)
    return _instance(path) if path else None


def known_channels() -> set[str]:
    return {INBOX, *configured()}


__all__ = ["INBOX", "ChannelBackend", "DeliveryError", "NoAddress", "get_backend", "known_channels"]
