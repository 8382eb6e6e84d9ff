"""The RabbitMQ transport against the broker on this machine (127.0.0.1:5672): relay with publisher confirms,
quorum queues, acknowledgement after commit, dedup of redeliveries, retries and dead letters.

Under CI=true these tests fail when the broker is unreachable; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import json

import pika
import pytest
from django.conf import settings
from django.utils import timezone

from yiwang.events.backends import transport
from yiwang.events.models import Delivery, DeliveryStatus, OutboxMessage, ProcessedMessage
from yiwang.events.public import Event, event_publish
from yiwang.events.selectors import queue_states

from .conftest import broker_count, effects_of, record_effect

pytestmark = pytest.mark.django_db(transaction=True)


def worker_for(*consumers, relay=True, batch=50):
    return transport().worker(list(consumers), batch=batch, poll=1.0, relay=relay, once=True)


def run(worker, rounds=20) -> int:
    total = 0
    for _ in range(rounds):
        relayed = worker.relay()
        handled = worker.step()
        total += handled
        if not relayed and not handled:
            break
    return total


def test_the_relay_sends_only_committed_events_marks_them_after_the_confirm_and_queues_them(rabbitmq,
                                                                                        make_consumer):
    make_consumer("test.rmq-people", ["registries.person.*"])
    make_consumer("test.rmq-all", ["registries.#"])
    ids = [event_publish(topic="registries.person.changed", payload={"n": n}) for n in range(5)]
    event_publish(topic="registries.legal_person.changed", payload={})

    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 6  # the broker transport relays
    assert not Delivery.objects.exists()
    states = {s.consumer: s for s in queue_states()}
    assert (states["test.rmq-people"].pending, states["test.rmq-all"].pending) == (5, 6)

    worker = transport().worker([], batch=4, poll=0, relay=True, once=True)
    try:
        assert worker.relay() == 4
        assert worker.relay() == 2
        assert worker.relay() == 0
    finally:
        worker.close()

    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert broker_count(f"{rabbitmq}.test.rmq-people") == 5
    assert broker_count(f"{rabbitmq}.test.rmq-all") == 6
    states = {s.consumer: s for s in queue_states()}
    assert (states["test.rmq-people"].pending, states["test.rmq-all"].pending) == (5, 6)
    connection = pika.BlockingConnection(pika.URLParameters(settings.YIWANG_EVENTS_RABBITMQ_URL))
    method, properties, body = connection.channel().basic_get(f"{rabbitmq}.test.rmq-people", auto_ack=False)
    connection.close()  # not acknowledged: the message goes back to the queue
    assert properties.delivery_mode == 2 and properties.message_id == ids[0]
    assert json.loads(body)["payload"] == {"n": 0}


def test_queues_are_durable_quorum_queues_bound_to_the_topics(rabbitmq, make_consumer):
    make_consumer("test.rmq-q", ["a.*"])
    transport().worker([], batch=1, poll=0, relay=True, once=True).close()
    connection = pika.BlockingConnection(pika.URLParameters(settings.YIWANG_EVENTS_RABBITMQ_URL))
    channel = connection.channel()
    # Re-declaring with other arguments would fail: the queue exists exactly as a durable quorum queue.
    channel.queue_declare(f"{rabbitmq}.test.rmq-q", durable=True, passive=False,
                          arguments={"x-queue-type": "quorum", "x-dead-letter-exchange": f"{rabbitmq}.dlx"})
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="PRECONDITION_FAILED"):
        connection.channel().queue_declare(f"{rabbitmq}.test.rmq-q", durable=True,
                                           arguments={"x-queue-type": "classic"})
    connection.close()


def test_each_consumer_applies_each_message_once_and_the_broker_forgets_it_after_commit(rabbitmq, make_consumer):
    people = make_consumer("test.rmq-a", ["a.#"])
    ids = [event_publish(topic="a.b", payload={"n": n}) for n in range(30)]
    worker = worker_for(people, batch=8)
    try:
        assert run(worker) == 30
    finally:
        worker.close()
    assert all(effects_of(i) == 1 for i in ids)
    assert ProcessedMessage.objects.filter(consumer="test.rmq-a").count() == 30
    assert broker_count(f"{rabbitmq}.test.rmq-a") == 0


def test_a_batch_committed_but_not_acknowledged_is_redelivered_and_skipped(rabbitmq, make_consumer):
    consumer = make_consumer("test.rmq-crash", ["a.b"])
    ids = [event_publish(topic="a.b", payload={"n": n}) for n in range(5)]
    worker = worker_for(consumer)
    worker.relay()
    channel = worker.channels["test.rmq-crash"]
    channel.basic_ack = lambda **kwargs: None  # the worker "dies" after its commit, before acknowledging
    assert worker.step() == 5
    worker.close()
    assert all(effects_of(i) == 1 for i in ids)
    assert broker_count(f"{rabbitmq}.test.rmq-crash") == 5  # unacknowledged: back in the queue

    again = worker_for(consumer)
    try:
        assert again.step() == 5  # handled as duplicates
    finally:
        again.close()
    assert all(effects_of(i) == 1 for i in ids)
    assert broker_count(f"{rabbitmq}.test.rmq-crash") == 0


def test_a_failing_message_is_retried_from_the_database_then_dead_lettered(rabbitmq, make_consumer, settings):
    settings.YIWANG_EVENTS_RETRY_BASE_SECONDS = 0
    settings.YIWANG_EVENTS_MAX_ATTEMPTS = 2
    broken = {"yes": True}

    def handle(event: Event) -> None:
        record_effect(event)
        if broken["yes"] and event.payload.get("bad"):
            raise RuntimeError("cannot")

    consumer = make_consumer("test.rmq-fail", ["a.b"], handler=handle)
    good = event_publish(topic="a.b", payload={})
    bad = event_publish(topic="a.b", payload={"bad": True})
    worker = worker_for(consumer)
    try:
        run(worker)
    finally:
        worker.close()

    assert (effects_of(good), effects_of(bad)) == (1, 0)
    assert broker_count(f"{rabbitmq}.test.rmq-fail") == 0  # acknowledged: the database holds it now
    dead = Delivery.objects.get()
    assert (str(dead.message_id), dead.status, dead.attempts) == (bad, DeliveryStatus.DEAD, 2)

    broken["yes"] = False
    Delivery.objects.update(status=DeliveryStatus.PENDING, attempts=0, available_at=timezone.now())
    worker = worker_for(consumer)
    try:
        run(worker)
    finally:
        worker.close()
    assert effects_of(bad) == 1
    assert not Delivery.objects.exists()


def test_an_unreadable_message_goes_to_the_dead_letter_queue(rabbitmq, make_consumer):
    consumer = make_consumer("test.rmq-junk", ["a.b"])
    worker = worker_for(consumer)
    try:
        worker.channels["test.rmq-junk"].basic_publish(rabbitmq, "a.b", b"not json")
        good = event_publish(topic="a.b", payload={})
        run(worker)
    finally:
        worker.close()
    assert effects_of(good) == 1
    assert broker_count(f"{rabbitmq}.test.rmq-junk") == 0
    assert broker_count(f"{rabbitmq}.unreadable") == 1


def test_an_unreachable_broker_is_reported_clearly_and_the_outbox_keeps_the_events(make_consumer, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.YIWANG_EVENTS_TRANSPORT = "yiwang.events.backends.rabbitmq.RabbitMQTransport"
    settings.YIWANG_EVENTS_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:1/%2F?connection_attempts=1"
    make_consumer("test.rmq-down", ["a.b"])
    message_id = event_publish(topic="a.b", payload={})

    with pytest.raises(CommandError, match="cannot connect to RabbitMQ"):
        call_command("events", "work", "--once")
    with pytest.raises(CommandError, match="cannot connect to RabbitMQ"):
        call_command("events", "relay", "--once")

    assert OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).exists()
    [state] = [s for s in queue_states() if s.consumer == "test.rmq-down"]
    assert state.pending is None  # the broker's part is unknown, and the API says so
