"""Delivery through the database queue: once per consumer, dedup, retries with back-off, dead letters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.events.models import Delivery, DeliveryStatus, ProcessedMessage
from yiwang.events.public import Event, event_publish
from yiwang.events.selectors import queue_states

from .conftest import drain, effects_of, record_effect, relay

pytestmark = pytest.mark.django_db


def test_every_consumer_applies_every_message_once(make_consumer):
    people = make_consumer("test.people", ["registries.person.*"])
    everything = make_consumer("test.everything", ["registries.#"])
    ids = [event_publish(topic="registries.person.changed", payload={"n": n}, key=f"person:{n}") for n in range(25)]
    other = event_publish(topic="registries.legal_person.changed", payload={})

    assert len(drain(people, batch=10).applied) == 25
    assert len(drain(everything, batch=7).applied) == 26

    assert all(effects_of(i) == 2 for i in ids)  # one effect per consumer
    assert effects_of(other) == 1
    assert not Delivery.objects.exists()
    assert ProcessedMessage.objects.filter(consumer="test.people").count() == 25
    assert ProcessedMessage.objects.filter(consumer="test.everything").count() == 26


def test_the_handler_sees_the_published_event(make_consumer):
    seen: list[Event] = []
    consumer = make_consumer("test.seen", ["a.b"], handler=seen.append)
    message_id = event_publish(topic="a.b", payload={"x": [1, "二"]}, key="k:1")
    drain(consumer)
    assert [(e.id, e.topic, e.key, e.payload) for e in seen] == [(message_id, "a.b", "k:1", {"x": [1, "二"]})]
    assert seen[0].published_at <= timezone.now()


def test_a_redelivered_message_is_skipped_and_its_effect_happens_once(make_consumer):
    consumer = make_consumer("test.dedup", ["a.b"])
    message_id = event_publish(topic="a.b", payload={})
    drain(consumer)
    # The same message arrives again (a broker redelivery, a worker that died after committing …).
    Delivery.objects.create(message_id=message_id, consumer="test.dedup")

    result = drain(consumer)

    assert ([e.id for e in result.skipped], result.applied) == ([message_id], [])
    assert effects_of(message_id) == 1
    assert not Delivery.objects.exists()


def failing_on(bad_topic: str):
    def handle(event: Event) -> None:
        record_effect(event)  # the effect is written first, then the handler fails: it must roll back
        if event.topic == bad_topic:
            raise RuntimeError(f"cannot handle {event.topic}")
    return handle


def test_a_failing_message_is_retried_later_while_the_rest_of_its_batch_is_applied(make_consumer, settings):
    settings.YIWANG_EVENTS_RETRY_BASE_SECONDS = 30
    consumer = make_consumer("test.flaky", ["a.*"], handler=failing_on("a.bad"))
    good = [event_publish(topic="a.good", payload={"n": n}) for n in range(5)]
    bad = event_publish(topic="a.bad", payload={})
    good.append(event_publish(topic="a.good", payload={"n": 5}))

    before = timezone.now()
    result = drain(consumer)

    assert [e.id for e in result.failed] == [bad]
    assert all(effects_of(i) == 1 for i in good)
    assert effects_of(bad) == 0  # its transaction rolled back
    assert not ProcessedMessage.objects.filter(message_id=bad).exists()
    delivery = Delivery.objects.get()
    assert (str(delivery.message_id), delivery.status, delivery.attempts) == (bad, DeliveryStatus.PENDING, 1)
    assert "RuntimeError: cannot handle a.bad" in delivery.last_error
    assert delivery.available_at >= before + timedelta(seconds=30)

    # Not due yet: a worker leaves it alone. The second failure waits twice as long.
    assert drain(consumer).count == 0
    Delivery.objects.update(available_at=timezone.now())
    drain(consumer)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.available_at >= timezone.now() + timedelta(seconds=59)


def test_after_the_last_attempt_the_message_is_dead_lettered_visible_and_requeueable(make_consumer, settings):
    settings.YIWANG_EVENTS_RETRY_BASE_SECONDS = 0
    settings.YIWANG_EVENTS_MAX_ATTEMPTS = 3
    broken = {"yes": True}

    def handle(event: Event) -> None:
        if broken["yes"]:
            raise ValueError("the registry is down")
        record_effect(event)

    consumer = make_consumer("test.dead", ["a.b"], handler=handle)
    message_id = event_publish(topic="a.b", payload={})

    result = drain(consumer)

    assert len(result.failed) == 3
    dead = Delivery.objects.get()
    assert (dead.status, dead.attempts) == (DeliveryStatus.DEAD, 3)
    assert dead.dead_at is not None
    record = AuditRecord.objects.get(action="events.delivery.dead_letter")
    assert (record.result, record.details["message_id"], record.actor_name) == ("failure", message_id,
                                                                              "events-worker")
    [state] = [s for s in queue_states() if s.consumer == "test.dead"]
    assert (state.pending, state.dead_lettered) == (0, 1)
    assert drain(consumer).count == 0  # parked: no worker touches it

    broken["yes"] = False
    call_command("events", "requeue", "--consumer", "test.dead")
    call_command("events", "work", "--once", "--consumer", "test.dead")

    assert effects_of(message_id) == 1
    assert not Delivery.objects.exists()


def test_queue_state_counts_pending_retrying_and_the_lag(make_consumer, settings):
    settings.YIWANG_EVENTS_RETRY_BASE_SECONDS = 60
    make_consumer("test.idle", ["a.#"])
    flaky = make_consumer("test.flaky", ["a.bad"], handler=failing_on("a.bad"))
    event_publish(topic="a.good", payload={})
    event_publish(topic="a.bad", payload={})
    relay()
    Delivery.objects.filter(consumer="test.idle").update(available_at=timezone.now())
    drain(flaky)

    states = {s.consumer: s for s in queue_states()}

    assert (states["test.idle"].pending, states["test.idle"].retrying, states["test.idle"].dead_lettered) == (2, 0, 0)
    assert states["test.idle"].lag_seconds is not None and states["test.idle"].lag_seconds >= 0
    assert states["test.idle"].last_processed_at is None
    assert (states["test.flaky"].pending, states["test.flaky"].retrying) == (1, 1)
    assert states["test.flaky"].topics == ("a.bad",)


def test_the_worker_command_delivers_and_refuses_an_unknown_consumer(make_consumer, capsys):
    make_consumer("test.cmd", ["a.b"])
    ids = [event_publish(topic="a.b", payload={}) for _ in range(3)]
    call_command("events", "work", "--once", "--consumer", "test.cmd", "--batch", "2")
    assert all(effects_of(i) == 1 for i in ids)
    assert "3 messages handled" in capsys.readouterr().out

    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="no consumer is registered as 'nobody'"):
        call_command("events", "work", "--once", "--consumer", "nobody")
    with pytest.raises(CommandError, match="message_id"):
        call_command("events", "requeue", "--message", "nonsense")
    call_command("events", "status")
    assert "test.cmd" in capsys.readouterr().out
