"""SMS through identity's SMS backend (``YIWANG_SMS_BACKEND``: console locally, the gateway in production)."""

from __future__ import annotations

from typing import Any

from yiwang.identity.public import SmsDeliveryError, send_sms

from .base import ChannelBackend, DeliveryError, NoAddress
from .email import absolute

MAX_LENGTH = 300  # long messages are split (and billed) per 70 characters; keep notices short


class SmsChannel(ChannelBackend):
    def unreachable(self, recipient: Any) -> str:
        return "" if (getattr(recipient, "phone", "") or "").strip() else "no mobile number"

    def deliver(self, *, recipient: Any, subject: str, body: str, url: str) -> None:
        if reason := self.unreachable(recipient):
            raise NoAddress(reason)
        phone = recipient.phone.strip()
        # A text carries the subject and the link, not the whole body: the body may hold details that do not
        # belong on a lock screen, and the link leads to the full notice after login.
        text = f"{subject} {absolute(url)}".strip() if url else subject
        try:
            send_sms(phone, text[:MAX_LENGTH])
        except SmsDeliveryError as exc:
            raise DeliveryError(str(exc)) from exc
