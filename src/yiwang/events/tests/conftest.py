"""Fixtures of the event bus tests: consumers registered for one test, and a worker run in-process."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from yiwang.events.delivery import BatchResult, relay_to_database_queue, work_database_queue
from yiwang.events.models import OutboxMessage
from yiwang.events.public import Event, event_publish
from yiwang.events.registry import Consumer, register_consumer, unregister_consumer

EFFECT_TOPIC = "test.effect"


def effects_of(source_id: str) -> int:
    """How many times a consumer applied the message ``source_id`` (its effect: one outbox row each time)."""
    return OutboxMessage.objects.filter(topic=EFFECT_TOPIC, payload__source=source_id).count()


def record_effect(event: Event) -> None:
    """A countable effect in the handler's transaction: publishing a follow-up event (nobody consumes it)."""
    event_publish(topic=EFFECT_TOPIC, payload={"source": event.id, "topic": event.topic}, key=event.key)


@pytest.fixture
def make_consumer() -> Iterator[Callable[..., Consumer]]:
    names: list[str] = []

    def make(name: str, topics: list[str], handler: Callable[[Event], None] = record_effect) -> Consumer:
        names.append(name)
        return register_consumer(name, topics=topics, handler=handler)

    yield make
    for name in names:
        unregister_consumer(name)


def relay() -> int:
    """Move the whole outbox into the database queue (what a worker's relay step does); how many messages."""
    moved = 0
    while n := relay_to_database_queue(batch=100):
        moved += n
    return moved


def drain(consumer: Consumer, *, batch: int = 100) -> BatchResult:
    """Relay the outbox, then run the database queue of ``consumer`` until nothing is due; the results added up."""
    total = BatchResult()
    while True:
        relay()
        result = work_database_queue(consumer, batch=batch)
        if not result.count:
            return total
        total.applied += result.applied
        total.skipped += result.skipped
        total.failed += result.failed


RABBITMQ_TRANSPORT = "yiwang.events.backends.rabbitmq.RabbitMQTransport"


def rabbitmq_reachable(url: str) -> str | None:
    """None when the broker answers, else why not."""
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(url)).close()
    except Exception as exc:  # noqa: BLE001 — any failure to connect means "unreachable"
        return repr(exc)
    return None


@pytest.fixture
def rabbitmq(settings, make_consumer) -> Iterator[str]:
    """Switch the transport to RabbitMQ with an exchange (and queues) of this test's own; removed afterwards.

    Under CI=true an unreachable broker fails the test; elsewhere the test is skipped with the reason.
    """
    import os

    import pika

    problem = rabbitmq_reachable(settings.YIWANG_EVENTS_RABBITMQ_URL)
    if problem is not None:
        message = f"RabbitMQ at {settings.YIWANG_EVENTS_RABBITMQ_URL} is unreachable: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    exchange = f"yiwang.test.{uuid.uuid4().hex[:12]}"
    settings.YIWANG_EVENTS_TRANSPORT = RABBITMQ_TRANSPORT
    settings.YIWANG_EVENTS_RABBITMQ_EXCHANGE = exchange
    yield exchange
    connection = pika.BlockingConnection(pika.URLParameters(settings.YIWANG_EVENTS_RABBITMQ_URL))
    channel = connection.channel()
    for queue in broker_queues(exchange):
        channel.queue_delete(queue)
    for name in (exchange, f"{exchange}.dlx"):
        channel.exchange_delete(name)
    connection.close()


def broker_queues(exchange: str) -> list[str]:
    """The queues whose names start with ``exchange`` (through the management-free way: our known names)."""
    from yiwang.events.registry import consumers

    names = [f"{exchange}.unreadable"] + [f"{exchange}.{c.name}" for c in consumers()]
    return names + [f"{exchange}.test.kill"]


def broker_count(queue: str) -> int:
    import pika
    from django.conf import settings

    connection = pika.BlockingConnection(pika.URLParameters(settings.YIWANG_EVENTS_RABBITMQ_URL))
    try:
        return int(connection.channel().queue_declare(queue, passive=True).method.message_count)
    finally:
        connection.close()
