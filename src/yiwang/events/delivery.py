"""Applying messages to a consumer: the handler's effect and the dedup record in one transaction.

Both transports hand batches of events to :func:`apply_batch`, inside a transaction they opened (the
database transport holds its claimed delivery rows locked in it; the broker transport acknowledges the
broker only after it committed). The fast path applies the whole batch under one savepoint. When any
handler raises, that savepoint is rolled back and the batch is applied again one message per savepoint,
so one bad message cannot hold up the rest: the good ones commit, the failing one is handed to
``on_failure`` (retry with back-off, and after the last attempt a dead letter).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yiwang.audit.public import AuditResult, audit_record, system_actor

from .models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from .registry import Consumer, Event, consumers_of

logger = logging.getLogger("yiwang.events")

WORKER_ACTOR = "events-worker"


@dataclass
class BatchResult:
    applied: list[Event] = field(default_factory=list)  # handler ran and committed with its dedup row
    skipped: list[Event] = field(default_factory=list)  # already processed earlier: a redelivery
    failed: list[Event] = field(default_factory=list)  # handler raised; handed to on_failure

    @property
    def count(self) -> int:
        return len(self.applied) + len(self.skipped) + len(self.failed)


def _claim_dedup(consumer: str, ids: Sequence[str]) -> set[str]:
    """Insert the dedup rows for ``ids``; return the ids that were new (the others were processed before).

    ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35): a concurrent worker that
    inserts the same row waits for ours to commit or roll back, so two workers never both apply a message.
    """
    if not ids:
        return set()
    table = ProcessedMessage._meta.db_table
    id_field = ProcessedMessage._meta.get_field("message_id")
    processed_at = ProcessedMessage._meta.get_field("processed_at").get_db_prep_value(timezone.now(), connection)
    rows: list[Any] = []
    for message_id in ids:
        rows += [consumer, id_field.get_db_prep_value(uuid.UUID(message_id), connection), processed_at]
    placeholders = ", ".join(["(%s, %s, %s)"] * len(ids))
    sql = (f"INSERT INTO {table} (consumer, message_id, processed_at) VALUES {placeholders} "  # noqa: S608
           "ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, rows)
        return {str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()}


def apply_batch(consumer: Consumer, events: Iterable[Event], *,
                on_success: Callable[[list[Event]], None] | None = None,
                on_failure: Callable[[Event, BaseException], None]) -> BatchResult:
    """Apply ``events`` to ``consumer`` inside the caller's transaction (see the module docstring).

    ``on_success`` runs under the same savepoint as the handlers with every event that left the queue
    (applied or skipped as a duplicate), so the transport can delete its queue rows atomically with them.
    """
    assert connection.in_atomic_block, "apply_batch runs inside the transport's transaction"
    unique: dict[str, Event] = {}
    for event in events:
        unique.setdefault(event.id, event)  # a broker may hand us the same message twice in one batch
    batch = list(unique.values())
    result = BatchResult()
    try:
        with transaction.atomic():
            new = _claim_dedup(consumer.name, [e.id for e in batch])
            for event in batch:
                if event.id in new:
                    consumer.handler(event)
                    result.applied.append(event)
                else:
                    result.skipped.append(event)
            if on_success is not None:
                on_success(batch)
        return result
    except Exception:  # noqa: BLE001 — any handler error: fall back to one savepoint per message
        logger.info("consumer %s: a batch of %d failed; applying one by one", consumer.name, len(batch))
    result = BatchResult()
    for event in batch:
        try:
            with transaction.atomic():
                if _claim_dedup(consumer.name, [event.id]):
                    consumer.handler(event)
                    result.applied.append(event)
                else:
                    result.skipped.append(event)
                if on_success is not None:
                    on_success([event])
        except Exception as exc:  # noqa: BLE001 — the handler's failure is recorded, never lost
            result.failed.append(event)
            on_failure(event, exc)
    return result


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the ``attempts``-th failure, capped."""
    base = float(settings.YIWANG_EVENTS_RETRY_BASE_SECONDS)
    cap = float(settings.YIWANG_EVENTS_RETRY_MAX_SECONDS)
    return timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


def describe_error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]


def record_failure(*, consumer: str, event: Event, exc: BaseException, delivery: Delivery | None = None) -> Delivery:
    """Count a failed attempt: schedule the retry, or after the last attempt park it as a dead letter.

    Runs in the transport's transaction (after the failed handler's savepoint was rolled back).
    """
    if delivery is None:
        delivery, _ = Delivery.objects.get_or_create(consumer=consumer, message_id=uuid.UUID(event.id))
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_error = describe_error(exc)
    if delivery.attempts >= settings.YIWANG_EVENTS_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
        delivery.dead_at = now
        delivery.save(update_fields=["attempts", "last_error", "status", "dead_at"])
        logger.error("consumer %s: message %s (%s) dead-lettered after %d attempts: %s",
                     consumer, event.id, event.topic, delivery.attempts, delivery.last_error)
        with system_actor(WORKER_ACTOR):
            audit_record(action="events.delivery.dead_letter", obj=delivery, result=AuditResult.FAILURE,
                         details={"consumer": consumer, "message_id": event.id, "topic": event.topic,
                                  "attempts": delivery.attempts, "error": delivery.last_error[:500]})
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.available_at = now + retry_delay(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "status", "available_at"])
        logger.warning("consumer %s: message %s (%s) failed (attempt %d), retry at %s: %s", consumer, event.id,
                       event.topic, delivery.attempts, delivery.available_at.isoformat(), delivery.last_error)
    return delivery


def work_database_queue(consumer: Consumer, *, batch: int) -> BatchResult:
    """Claim up to ``batch`` due deliveries of ``consumer`` from the database and apply them, in one transaction.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so any number of workers share a consumer's queue, and
    a worker that dies releases its claim with its connection. SQLite: the IMMEDIATE transaction holds the
    database's write lock, so workers take turns (run one).
    """
    with transaction.atomic():
        # Tuples, not model instances: a third less CPU per message on the hot path.
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(consumer=consumer.name, status=DeliveryStatus.PENDING, available_at__lte=timezone.now())
            .order_by("available_at", "id")
            .values_list("id", "message_id", "message__topic", "message__key", "message__payload",
                         "message__published_at")[:batch]
        )
        if not rows:
            return BatchResult()
        pk_of = {str(row[1]): row[0] for row in rows}

        def done(events: list[Event]) -> None:
            Delivery.objects.filter(pk__in=[pk_of[e.id] for e in events]).delete()

        def failed(event: Event, exc: BaseException) -> None:
            record_failure(consumer=consumer.name, event=event, exc=exc,
                           delivery=Delivery.objects.get(pk=pk_of[event.id]))

        events = [Event(id=str(message_id), topic=topic, key=key, payload=payload, published_at=published_at)
                  for _, message_id, topic, key, payload, published_at in rows]
        return apply_batch(consumer, events, on_success=done, on_failure=failed)


def relay_to_database_queue(*, batch: int) -> int:
    """Move up to ``batch`` unsent outbox rows into the database queue: one delivery per subscribed consumer.

    Publishing is then a single INSERT in the business transaction; the fan-out is batched here (three
    statements per batch). Routing uses the consumers registered in this process. Rows are claimed with
    ``SKIP LOCKED`` so several workers relay side by side on PostgreSQL.
    """
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
                    .order_by("published_at").values_list("id", "topic", "published_at")[:batch])
        if not rows:
            return 0
        Delivery.objects.bulk_create([
            Delivery(message_id=message_id, consumer=consumer.name, available_at=published_at)
            for message_id, topic, published_at in rows for consumer in consumers_of(topic)
        ])
        OutboxMessage.objects.filter(pk__in=[row[0] for row in rows]).update(sent_at=timezone.now())
    return len(rows)
