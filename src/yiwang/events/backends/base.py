"""The event bus transport (STYLE: external systems behind swappable backends).

``YIWANG_EVENTS_TRANSPORT`` names the class. A transport decides what happens to an outbox row once it is
written (fan it out into database deliveries at once, or leave it for the relay to move to a broker) and
how a worker receives messages. The parts every transport shares — the outbox, the dedup ledger, retries
with back-off and dead letters — live in ``delivery.py`` and use the database.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from ..models import OutboxMessage
from ..registry import Consumer


class TransportError(Exception):
    """The transport cannot do its work (the broker is unreachable, refused a message …)."""


@dataclass(frozen=True)
class BrokerQueueState:
    """What the transport itself knows of a consumer's queue beyond the database (``None``: nothing)."""

    messages: int | None = None


class Worker(abc.ABC):
    """Receives and applies messages for some consumers; one per worker process."""

    @abc.abstractmethod
    def step(self) -> int:
        """Apply what is available now (an idle step waits up to ``poll``); return how many messages it handled."""

    def relay(self) -> int:
        """Move outbox rows to the broker, where the transport has one; return how many."""
        return 0

    def close(self) -> None:  # noqa: B027 — optional hook
        """Release connections."""


class Transport(abc.ABC):
    name: ClassVar[str]
    #: True when outbox rows leave through a relay (a broker); False when publishing fans out at once.
    relays: ClassVar[bool] = False
    #: True when messages wait in a broker's queues (counted by ``broker_state``) rather than in the database.
    has_broker: ClassVar[bool] = False

    @abc.abstractmethod
    def published(self, message: OutboxMessage, consumers: list[Consumer]) -> None:
        """Called in the publisher's transaction right after ``message`` was inserted."""

    @abc.abstractmethod
    def worker(self, consumers: list[Consumer], *, batch: int, poll: float, relay: bool = True,
               once: bool = False) -> Worker:
        """A worker for ``consumers``; ``poll``: how long an idle step waits; ``once``: the caller drains and exits."""

    def broker_state(self, consumer: Consumer) -> BrokerQueueState:
        return BrokerQueueState()

    def oldest_unsent(self) -> datetime | None:
        return None
