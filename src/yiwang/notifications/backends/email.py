"""E-mail through Django's mail framework: whatever ``EMAIL_BACKEND`` names (SMTP in production, console locally)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from .base import ChannelBackend, DeliveryError, NoAddress


class EmailChannel(ChannelBackend):
    def unreachable(self, recipient: Any) -> str:
        return "" if (getattr(recipient, "email", "") or "").strip() else "no e-mail address"

    def deliver(self, *, recipient: Any, subject: str, body: str, url: str) -> None:
        if reason := self.unreachable(recipient):
            raise NoAddress(reason)
        address = recipient.email.strip()
        text = f"{body}\n\n{absolute(url)}" if url else body
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
        except Exception as exc:  # smtplib, socket and backend errors all mean "not delivered"
            raise DeliveryError(f"e-mail not sent: {type(exc).__name__}") from exc


def absolute(url: str) -> str:
    """Links in an e-mail must carry the site's address; relative ones get ``YIWANG_SITE_URL`` in front."""
    if url.startswith(("http://", "https://")):
        return url
    return getattr(settings, "YIWANG_SITE_URL", "").rstrip("/") + url
