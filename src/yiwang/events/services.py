"""Writes of the event bus: publishing (the outbox), re-queueing dead letters, purging old rows."""

from __future__ import annotations

import json
import math
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import ValidationFailed

from .backends import transport
from .models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from .registry import TOPIC, TOPIC_MAX_LENGTH, consumers_of


def _payload_errors(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return [_("The payload must be a JSON object (a dict), not %(type)s.") % {"type": type(payload).__name__}]
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        return [_("The payload is not JSON-serialisable: %(error)s. Convert dates, decimals and model objects "
                  "to strings or numbers first.") % {"error": exc}]
    # JSON object keys must be strings; json.dumps silently turns 1 or True into "1"/"true".
    if json.loads(text) != payload:
        return [_("The payload does not survive a JSON round trip (non-string keys or tuples?).")]
    if len(text.encode()) > settings.YIWANG_EVENTS_MAX_PAYLOAD_BYTES:
        return [_("The payload is larger than %(limit)d bytes; publish a reference to the data instead.")
                % {"limit": settings.YIWANG_EVENTS_MAX_PAYLOAD_BYTES}]
    return []


def event_publish(*, topic: str, payload: dict[str, Any], key: str = "") -> str:
    """Publish an event in the caller's transaction (transactional outbox); return its message id.

    The outbox row commits with the caller's business change or disappears with its rollback, so an event
    is published exactly when the change happened. Delivery to each consumer is at least once and starts
    after the commit. ``topic`` is dot-separated words (``registries.person.changed``); ``payload`` a JSON
    object (strict JSON: no dates or decimals, ≤ ``YIWANG_EVENTS_MAX_PAYLOAD_BYTES``); ``key`` names the
    entity the event is about (``person:31011519…``), for consumers and for tracing.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(topic, str) or len(topic) > TOPIC_MAX_LENGTH or not TOPIC.match(topic):
        errors["topic"] = [_("A topic is dot-separated words of a-z, 0-9, '_' and '-' "
                             "(e.g. registries.person.changed), at most %(n)d characters.") % {"n": TOPIC_MAX_LENGTH}]
    if not isinstance(key, str) or len(key) > 200:
        errors["key"] = [_("The key is a string of at most 200 characters.")]
    if payload_errors := _payload_errors(payload):
        errors["payload"] = payload_errors
    if errors:
        raise ValidationFailed(_("The event was not published."), field_errors=errors)
    bus = transport()
    now = timezone.now()
    with transaction.atomic(savepoint=False):  # no savepoint round trips inside the caller's transaction
        message = OutboxMessage(id=uuid.uuid4(), topic=topic, key=key, payload=payload, published_at=now,
                                sent_at=None if bus.relays else now)
        message.save(force_insert=True)
        bus.published(message, consumers_of(topic))
    return str(message.id)


def dead_letter_requeue(*, consumer: str = "", message_id: str = "", actor: Any = None,
                        actor_name: str = "") -> int:
    """Put dead letters back in their consumer's queue (attempts start again); return how many.

    Pick by ``consumer`` and/or ``message_id``; neither means every dead letter. With a broker the retry
    runs from the database queue as well, so this works for every transport.
    """
    errors: dict[str, list[str]] = {}
    if message_id:
        try:
            uuid.UUID(message_id)
        except ValueError:
            errors["message_id"] = [_("Not a message id (a UUID).")]
    if errors:
        raise ValidationFailed(_("Nothing was re-queued."), field_errors=errors)
    with transaction.atomic():
        dead = Delivery.objects.select_for_update().filter(status=DeliveryStatus.DEAD)
        if consumer:
            dead = dead.filter(consumer=consumer)
        if message_id:
            dead = dead.filter(message_id=uuid.UUID(message_id))
        rows = list(dead.order_by("id"))
        now = timezone.now()
        for row in rows:
            audit_record(action="events.delivery.requeue", actor=actor, actor_name=actor_name, obj=row,
                         details={"consumer": row.consumer, "message_id": str(row.message_id),
                                  "attempts": row.attempts, "last_error": row.last_error[:500]})
        Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=DeliveryStatus.PENDING, attempts=0, available_at=now, dead_at=None)
    return len(rows)


def outbox_purge(*, older_than_days: float, actor_name: str = "") -> tuple[int, int]:
    """Delete delivered outbox rows and dedup records older than ``older_than_days``; return both counts.

    A message is kept while it is unsent or any delivery (pending or dead) still needs it. The dedup
    ledger must outlive every possible redelivery: keep it longer than a broker could hold a message.
    """
    if not (isinstance(older_than_days, int | float) and math.isfinite(older_than_days) and older_than_days >= 1):
        raise ValidationFailed(_("Nothing was purged."),
                               field_errors={"older_than_days": [_("Keep at least one day.")]})
    cutoff = timezone.now() - timedelta(days=older_than_days)
    with transaction.atomic():
        messages = (OutboxMessage.objects.filter(published_at__lt=cutoff, sent_at__isnull=False)
                    .exclude(Exists(Delivery.objects.filter(message=OuterRef("pk")))))
        outbox, _x = messages.delete()
        processed, _y = ProcessedMessage.objects.filter(processed_at__lt=cutoff).delete()
        audit_record(action="events.outbox.purge", actor_name=actor_name,
                     details={"older_than_days": older_than_days, "outbox": outbox, "processed": processed})
    return outbox, processed
