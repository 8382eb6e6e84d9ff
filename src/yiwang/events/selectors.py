"""Reads of the event bus: queue state per consumer, for the API (platform administrators) and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from yiwang.identity.public import deny, is_platform_admin

from .backends import transport
from .backends.base import TransportError
from .models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from .registry import Consumer, consumers, topic_matches


@dataclass(frozen=True)
class QueueState:
    consumer: str
    topics: tuple[str, ...]
    registered: bool  # False: rows remain for a consumer no code registers any more
    pending: int | None  # owed and not yet applied (None: the broker could not be asked)
    retrying: int  # of those, failed at least once and waiting for the next attempt
    dead_lettered: int
    oldest_pending_at: datetime | None
    lag_seconds: float | None  # age of the oldest message still owed (None: none, or unknown for the broker part)
    last_processed_at: datetime | None


def queue_states() -> list[QueueState]:
    """Per consumer: pending (database queue + unsent outbox + broker queue), retrying, dead letters, lag."""
    bus = transport()
    now = timezone.now()
    rows = {
        r["consumer"]: r for r in Delivery.objects.values("consumer").annotate(
            pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
            retrying=Count("id", filter=Q(status=DeliveryStatus.PENDING, attempts__gt=0)),
            dead=Count("id", filter=Q(status=DeliveryStatus.DEAD)),
            oldest=Min("message__published_at", filter=Q(status=DeliveryStatus.PENDING)),
        )
    }
    last = dict(ProcessedMessage.objects.values("consumer").annotate(last=Max("processed_at"))
                .values_list("consumer", "last"))
    unsent: list[dict[str, Any]] = []
    if bus.relays:
        unsent = list(OutboxMessage.objects.filter(sent_at__isnull=True).values("topic")
                      .annotate(n=Count("id"), oldest=Min("published_at")))
    registered = {c.name: c for c in consumers()}
    states = []
    for name in sorted(set(registered) | set(rows)):
        consumer: Consumer | None = registered.get(name)
        row = rows.get(name, {})
        pending: int | None = row.get("pending", 0)
        oldest: datetime | None = row.get("oldest")
        if consumer is not None:
            for group in unsent:
                if consumer.wants(group["topic"]):
                    pending = (pending or 0) + group["n"]
                    oldest = min(filter(None, [oldest, group["oldest"]]))
        if consumer is not None and bus.has_broker:
            try:
                in_broker = bus.broker_state(consumer).messages
            except TransportError:
                in_broker = None
            pending = None if in_broker is None else (pending or 0) + in_broker
        states.append(QueueState(
            consumer=name, topics=consumer.topics if consumer else (), registered=consumer is not None,
            pending=pending, retrying=row.get("retrying", 0), dead_lettered=row.get("dead", 0),
            oldest_pending_at=oldest, lag_seconds=(now - oldest).total_seconds() if oldest else None,
            last_processed_at=last.get(name),
        ))
    return states


def access_event_queues(*, user: Any) -> list[QueueState]:
    """The event bus's queues: platform administrators only (they run the workers)."""
    if not is_platform_admin(user):
        raise deny(user, "events.queues")
    return queue_states()


def access_dead_letters(*, user: Any, consumer: str = "", limit: int = 100) -> list[Delivery]:
    """Dead letters with their last error, newest first: platform administrators only."""
    if not is_platform_admin(user):
        raise deny(user, "events.dead_letters")
    dead = Delivery.objects.filter(status=DeliveryStatus.DEAD).select_related("message").order_by("-dead_at", "-id")
    if consumer:
        dead = dead.filter(consumer=consumer)
    return list(dead[:limit])


__all__ = ["QueueState", "access_dead_letters", "access_event_queues", "queue_states", "topic_matches"]
