"""The contract every notification channel fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class DeliveryError(Exception):
    """The channel could not hand the message on (mail server down, SMS gateway refused …)."""


class NoAddress(DeliveryError):
    """The recipient has no address on this channel (no e-mail address, no mobile number)."""


class ChannelBackend(ABC):
    def unreachable(self, recipient: Any) -> str:
        """Why ``recipient`` has no address on this channel (``"no e-mail address"``), or ``""`` if they have one.

        Asked when a notice is sent, so that a copy nobody can receive is recorded as skipped at once instead of
        being queued for the worker; :meth:`deliver` asks again (the address may have gone since).
        """
        return ""

    @abstractmethod
    def deliver(self, *, recipient: Any, subject: str, body: str, url: str) -> None:
        """Send one notice to ``recipient`` or raise :class:`DeliveryError` (:class:`NoAddress` if unreachable)."""
