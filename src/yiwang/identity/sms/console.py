"""Local SMS backend: writes each message to the ``yiwang.sms`` logger and keeps it in memory.

For development and tests only — the log line contains the one-time code, which is the point here
and the reason production must configure the HTTP gateway backend instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .base import SmsBackend

logger = logging.getLogger("yiwang.sms")


@dataclass(frozen=True)
class SentMessage:
    phone: str
    message: str
    at: datetime = field(default_factory=timezone.now)


class ConsoleBackend(SmsBackend):
    #: Messages sent in this process, oldest first (class-level so every instance shares it).
    outbox: list[SentMessage] = []  # noqa: RUF012 (shared on purpose)
    max_kept = 200

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", phone, message)
        type(self).outbox.append(SentMessage(phone, message))
        del type(self).outbox[: -self.max_kept]

    @classmethod
    def last_to(cls, phone: str) -> SentMessage | None:
        return next((m for m in reversed(cls.outbox) if m.phone == phone), None)
