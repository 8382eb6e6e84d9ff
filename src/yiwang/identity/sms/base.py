"""The contract every SMS backend fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod


class SmsDeliveryError(Exception):
    """The backend could not hand the message to the network (gateway down, refused, timed out)."""


class SmsBackend(ABC):
    @abstractmethod
    def send(self, phone: str, message: str) -> None:
        """Deliver ``message`` to the mainland mobile number ``phone`` (11 digits) or raise SmsDeliveryError."""
