"""Text messages (SMS) behind a swappable backend, picked by ``YIWANG_SMS_BACKEND`` (STYLE: external systems).

The embedded default is :class:`~yiwang.identity.sms.console.ConsoleBackend`: it logs the message and keeps it
in an in-process outbox, so a developer (and the test suite) can read the one-time code. Production names
:class:`~yiwang.identity.sms.http.HttpGatewayBackend`, which posts to the operator's SMS gateway.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SmsBackend, SmsDeliveryError

DEFAULT_BACKEND = "yiwang.identity.sms.console.ConsoleBackend"


@lru_cache(maxsize=4)
def _backend(path: str) -> SmsBackend:
    backend_class = import_string(path)
    return backend_class()  # type: ignore[no-any-return]


def get_backend() -> SmsBackend:
    """The configured backend (one instance per dotted path, so the console outbox survives between calls)."""
    return _backend(getattr(settings, "YIWANG_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND)


def send_sms(phone: str, message: str) -> None:
    """Send one text message; raises :class:`SmsDeliveryError` when the backend could not deliver it."""
    get_backend().send(phone, message)


__all__ = ["DEFAULT_BACKEND", "SmsBackend", "SmsDeliveryError", "get_backend", "send_sms"]
