"""Publishing through the transactional outbox; re-queueing dead letters; purging."""

from __future__ import annotations

import math
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.core.public import ValidationFailed
from yiwang.events.models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from yiwang.events.public import event_publish
from yiwang.events.services import dead_letter_requeue, outbox_purge

from .conftest import relay

pytestmark = pytest.mark.django_db


def test_publishing_writes_the_outbox_row_and_the_relay_one_delivery_per_subscribed_consumer(make_consumer):
    make_consumer("test.people", ["registries.person.*"])
    make_consumer("test.everything", ["registries.#"])
    make_consumer("test.other", ["intake.#"])

    message_id = event_publish(topic="registries.person.changed", payload={"id": 42, "fields": ["name"]},
                               key="person:42")

    message = OutboxMessage.objects.get(pk=message_id)
    assert str(uuid.UUID(message_id)) == message_id
    assert (message.topic, message.key, message.payload) == ("registries.person.changed", "person:42",
                                                             {"id": 42, "fields": ["name"]})
    assert message.sent_at is None  # one INSERT in the business transaction; the worker fans out
    assert not Delivery.objects.exists()

    assert relay() == 1

    message.refresh_from_db()
    assert message.sent_at is not None
    assert sorted(Delivery.objects.filter(message=message).values_list("consumer", "status")) == [
        ("test.everything", DeliveryStatus.PENDING), ("test.people", DeliveryStatus.PENDING)]
    assert relay() == 0


def test_an_event_of_a_rolled_back_transaction_is_never_published(make_consumer):
    make_consumer("test.people", ["registries.#"])
    with pytest.raises(RuntimeError), transaction.atomic():
        event_publish(topic="registries.person.changed", payload={"id": 1})
        raise RuntimeError("the business change failed")
    assert not OutboxMessage.objects.exists()
    assert not Delivery.objects.exists()


def test_an_event_without_subscribers_is_kept_in_the_outbox():
    message_id = event_publish(topic="nobody.listens", payload={})
    assert relay() == 1
    assert OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=False).exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"topic": "", "payload": {}}, "topic", "dot-separated words"),
    ({"topic": "Registries.Person", "payload": {}}, "topic", "dot-separated words"),
    ({"topic": "registries.*", "payload": {}}, "topic", "dot-separated words"),  # patterns are for consumers
    ({"topic": "a." + "b" * 300, "payload": {}}, "topic", "at most"),
    ({"topic": "a.b", "payload": {}, "key": "k" * 201}, "key", "200"),
    ({"topic": "a.b", "payload": ["not", "a", "dict"]}, "payload", "JSON object"),
    ({"topic": "a.b", "payload": {"day": date(2026, 1, 1)}}, "payload", "not JSON-serialisable"),
    ({"topic": "a.b", "payload": {"amount": Decimal("1.5")}}, "payload", "not JSON-serialisable"),
    ({"topic": "a.b", "payload": {"tags": {"a", "b"}}}, "payload", "not JSON-serialisable"),
    ({"topic": "a.b", "payload": {"x": math.nan}}, "payload", "not JSON-serialisable"),
    ({"topic": "a.b", "payload": {1: "integer key"}}, "payload", "round trip"),
    ({"topic": "a.b", "payload": {"pair": (1, 2)}}, "payload", "round trip"),
    ({"topic": "a.b", "payload": {"blob": "x" * (256 * 1024)}}, "payload", "larger than"),
])
def test_a_bad_event_is_refused_clearly_and_writes_nothing(make_consumer, kwargs, field, message):
    make_consumer("test.all", ["#"])
    with pytest.raises(ValidationFailed) as refused:
        event_publish(**kwargs)
    assert message in " ".join(refused.value.field_errors[field])
    assert not OutboxMessage.objects.exists()
    assert not Delivery.objects.exists()


def _dead_letter(consumer: str, topic: str = "a.b") -> Delivery:
    message_id = event_publish(topic=topic, payload={})
    return Delivery.objects.create(message_id=message_id, consumer=consumer, status=DeliveryStatus.DEAD,
                                   attempts=8, last_error="RuntimeError: boom", dead_at=timezone.now())


def test_requeue_puts_dead_letters_back_with_fresh_attempts_and_audits_each(platform_admin):
    first = _dead_letter("test.a")
    second = _dead_letter("test.b")

    assert dead_letter_requeue(consumer="test.a", actor=platform_admin) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.dead_at) == (DeliveryStatus.PENDING, 0, None)
    assert first.available_at <= timezone.now()
    assert second.status == DeliveryStatus.DEAD
    record = AuditRecord.objects.get(action="events.delivery.requeue")
    assert record.actor == platform_admin
    assert record.details["message_id"] == str(first.message_id)
    assert dead_letter_requeue(message_id=str(second.message_id)) == 1
    assert not Delivery.objects.filter(status=DeliveryStatus.DEAD).exists()


def test_requeue_of_a_malformed_message_id_is_refused_and_changes_nothing():
    dead = _dead_letter("test.a")
    with pytest.raises(ValidationFailed) as refused:
        dead_letter_requeue(message_id="not-a-uuid")
    assert "message_id" in refused.value.field_errors
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD
    assert not AuditRecord.objects.filter(action="events.delivery.requeue").exists()


def test_purge_removes_only_old_delivered_messages_and_old_dedup_rows(make_consumer):
    make_consumer("test.a", ["a.#"])
    old = timezone.now() - timedelta(days=40)
    delivered = event_publish(topic="x.delivered", payload={})  # nobody subscribed: nothing owed
    owed = event_publish(topic="a.owed", payload={})  # a delivery still pending
    recent = event_publish(topic="x.recent", payload={})
    unsent = event_publish(topic="x.unsent", payload={})
    relay()
    OutboxMessage.objects.filter(pk=unsent).update(sent_at=None)
    OutboxMessage.objects.filter(pk__in=[unsent]).update(published_at=old)
    OutboxMessage.objects.filter(pk__in=[delivered, owed]).update(published_at=old)
    ProcessedMessage.objects.create(consumer="test.a", message_id=uuid.uuid4(), processed_at=old)
    fresh_ledger = ProcessedMessage.objects.create(consumer="test.a", message_id=uuid.uuid4())

    assert outbox_purge(older_than_days=30) == (1, 1)

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {uuid.UUID(owed), uuid.UUID(recent),
                                                                      uuid.UUID(unsent)}
    assert list(ProcessedMessage.objects.all()) == [fresh_ledger]
    assert AuditRecord.objects.filter(action="events.outbox.purge").count() == 1


@pytest.mark.parametrize("days", [0, -1, 0.5, math.inf, math.nan])
def test_purge_keeps_at_least_a_day(days):
    message_id = event_publish(topic="x.y", payload={})
    relay()
    OutboxMessage.objects.filter(pk=message_id).update(published_at=timezone.now() - timedelta(days=3))
    with pytest.raises(ValidationFailed):
        outbox_purge(older_than_days=days)
    assert OutboxMessage.objects.filter(pk=message_id).exists()
