"""The contract every notification channel fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class DeliveryError(Exception):
    """The channel could not hand the message on (mail server down, SMS gateway refused …)."""


class NoAddress(DeliveryError):
    """The recipient has no address on this channel (no e-mail address, no mobile number)."""


class ChannelBackend(ABC):
    @abstractmethod
    def deliver(self, *, recipient: Any, subject: str, body: str, url: str) -> None:
        """Send one notice to ``recipient`` or raise :class:`DeliveryError` (:class:`NoAddress` if unreachable)."""
