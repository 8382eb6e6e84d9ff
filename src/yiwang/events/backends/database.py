"""The embedded default: the database is the queue (no server needed).

Publishing writes the outbox row only. A worker's relay step moves unsent outbox rows into one
:class:`~yiwang.events.models.Delivery` row per subscribed consumer (batched), and its work step claims due
deliveries in batches (``SKIP LOCKED`` on PostgreSQL, so workers scale out; one worker on SQLite) and
deletes each in the transaction that applied it.
"""

from __future__ import annotations

import time

from ..delivery import relay_to_database_queue, work_database_queue
from ..models import OutboxMessage
from ..registry import Consumer
from .base import Transport, Worker


class DatabaseWorker(Worker):
    def __init__(self, consumers: list[Consumer], *, batch: int, poll: float, relay: bool, once: bool) -> None:
        self.consumers = consumers
        self.batch = batch
        self.poll = 0 if once else poll
        self.relaying = relay

    def relay(self) -> int:
        return relay_to_database_queue(batch=self.batch) if self.relaying else 0

    def step(self) -> int:
        handled = 0
        for consumer in self.consumers:
            handled += work_database_queue(consumer, batch=self.batch).count
        if not handled and self.poll:
            time.sleep(self.poll)
        return handled


class DatabaseTransport(Transport):
    name = "database"
    relays = True

    def published(self, message: OutboxMessage, consumers: list[Consumer]) -> None:
        """Nothing more: the worker's relay step fans the row out into deliveries, in batches."""

    def worker(self, consumers: list[Consumer], *, batch: int, poll: float, relay: bool = True,
               once: bool = False) -> Worker:
        return DatabaseWorker(consumers, batch=batch, poll=poll, relay=relay, once=once)
