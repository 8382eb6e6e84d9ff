"""The production transport: RabbitMQ with quorum queues and publisher confirms (ADR 0018).

- **Relay.** Outbox rows (``sent_at`` empty) are claimed in batches (``SKIP LOCKED``), published to a durable
  topic exchange as persistent messages, and marked sent only for the messages the broker *confirmed*. A
  relay that dies before marking leaves the rows unsent: they are published again (at least once).
- **Queues.** One durable quorum queue per consumer (``<exchange>.<consumer>``), bound with the consumer's
  topic patterns. The relay declares every registered consumer's queue before it publishes, so a message is
  never dropped for a consumer whose worker has not started yet.
- **Consuming.** Manual acknowledgements with a prefetch of one batch: the worker applies a batch in one
  transaction (with the dedup ledger) and acknowledges only after that transaction committed. A worker that
  dies in between gets the batch redelivered, and the ledger skips what was already applied.
- **Failures.** A failing message is acknowledged only together with a database :class:`Delivery` row written
  in the same transaction; its retries with back-off, and its dead letter, then run from the database exactly
  as with the database transport. A body that is not one of our messages is rejected to the dead-letter
  exchange (``<exchange>.dlx`` → queue ``<exchange>.unreadable``).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pika
import pika.exceptions
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..delivery import apply_batch, record_failure, work_database_queue
from ..models import OutboxMessage
from ..registry import Consumer, Event, consumers
from .base import BrokerQueueState, Transport, TransportError, Worker

logger = logging.getLogger("yiwang.events")

CONFIRM_TIMEOUT_SECONDS = 30.0
LINGER_SECONDS = 0.01  # after the first message of a batch, wait this long for more before applying


def exchange_name() -> str:
    return str(settings.YIWANG_EVENTS_RABBITMQ_EXCHANGE)


def queue_name(consumer: str) -> str:
    return f"{exchange_name()}.{consumer}"


def connect() -> pika.BlockingConnection:
    try:
        params = pika.URLParameters(settings.YIWANG_EVENTS_RABBITMQ_URL)
        params.client_properties = {"connection_name": "yiwang-events"}
        return pika.BlockingConnection(params)
    except pika.exceptions.AMQPError as exc:
        raise TransportError(f"cannot connect to RabbitMQ: {exc!r}") from exc


def declare_topology(channel: Any, subscribers: list[Consumer]) -> None:
    """The topic exchange, the dead-letter exchange and queue, and one quorum queue per consumer."""
    exchange = exchange_name()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    channel.exchange_declare(f"{exchange}.dlx", exchange_type="fanout", durable=True)
    channel.queue_declare(f"{exchange}.unreadable", durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(f"{exchange}.unreadable", f"{exchange}.dlx")
    for consumer in subscribers:
        name = queue_name(consumer.name)
        channel.queue_declare(name, durable=True, arguments={"x-queue-type": "quorum",
                                                             "x-dead-letter-exchange": f"{exchange}.dlx"})
        for pattern in consumer.topics:
            channel.queue_bind(name, exchange, routing_key=pattern)


def message_body(message: OutboxMessage) -> bytes:
    return json.dumps({"id": str(message.id), "topic": message.topic, "key": message.key,
                       "payload": message.payload, "published_at": message.published_at.isoformat()},
                      ensure_ascii=False, separators=(",", ":")).encode()


def event_from_body(body: bytes) -> Event:
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise ValueError("not an event")
    return Event(id=str(uuid.UUID(data["id"])), topic=str(data["topic"]), key=str(data.get("key", "")),
                 payload=data["payload"], published_at=datetime.fromisoformat(data["published_at"]))


class ConfirmingPublisher:
    """Publishes a batch and waits once for all the broker's confirms.

    pika's ``BlockingChannel`` in confirm mode waits for each message's confirm in turn (about 650 messages/s
    to a quorum queue on our test machine); the channel underneath it (``BlockingChannel._impl``) takes an
    acknowledgement callback, so a whole batch is in flight at once and confirmed together.
    """

    def __init__(self, connection: pika.BlockingConnection) -> None:
        self.connection = connection
        self.channel = connection.channel()
        self._impl = self.channel._impl
        self._next_tag = 1
        self._outstanding: set[int] = set()
        self._acked: set[int] = set()
        ready: list[bool] = []
        self._impl.confirm_delivery(ack_nack_callback=self._on_confirm, callback=lambda frame: ready.append(True))
        self._wait(lambda: bool(ready), CONFIRM_TIMEOUT_SECONDS)
        if not ready:
            raise TransportError("RabbitMQ did not enable publisher confirms")

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        tags = {t for t in self._outstanding if t <= method.delivery_tag} if method.multiple else {method.delivery_tag}
        self._outstanding -= tags
        if isinstance(method, pika.spec.Basic.Ack):
            self._acked |= tags

    def _wait(self, done: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=min(0.05, max(0.0, deadline - time.monotonic())))

    def publish(self, messages: list[OutboxMessage]) -> list[OutboxMessage]:
        """Publish ``messages``; return those the broker confirmed (a nack or a timeout leaves the rest)."""
        tags: dict[int, OutboxMessage] = {}
        for message in messages:
            properties = pika.BasicProperties(
                content_type="application/json", delivery_mode=pika.DeliveryMode.Persistent,
                message_id=str(message.id), type=message.topic,
                timestamp=int(message.published_at.timestamp()))
            self._impl.basic_publish(exchange_name(), message.topic, message_body(message), properties)
            tags[self._next_tag] = message
            self._outstanding.add(self._next_tag)
            self._next_tag += 1
        self._wait(lambda: not (self._outstanding & tags.keys()), CONFIRM_TIMEOUT_SECONDS)
        confirmed = [tags[t] for t in sorted(tags) if t in self._acked]
        self._acked -= tags.keys()
        return confirmed


class RabbitMQWorker(Worker):
    def __init__(self, subscribers: list[Consumer], *, batch: int, poll: float, relay: bool, once: bool) -> None:
        self.subscribers = subscribers
        self.batch = batch
        self.poll = max(poll, 1.0) if once else poll  # draining: a second without messages means empty
        self.relaying = relay
        self.once = once
        self.connection = connect()
        self.publisher: ConfirmingPublisher | None = None
        self.buffers: dict[str, list[tuple[int, bytes]]] = {}
        self.channels: dict[str, Any] = {}
        try:
            setup = self.connection.channel()
            # The relay publishes for every registered consumer: declare all their queues before it does.
            declare_topology(setup, consumers() if relay else subscribers)
            setup.close()
            if relay:
                self.publisher = ConfirmingPublisher(self.connection)
            for consumer in subscribers:
                channel = self.connection.channel()
                channel.basic_qos(prefetch_count=batch)
                buffer: list[tuple[int, bytes]] = []
                self.buffers[consumer.name] = buffer
                self.channels[consumer.name] = channel
                channel.basic_consume(
                    queue_name(consumer.name), auto_ack=False,
                    on_message_callback=lambda ch, method, props, body, buffer=buffer:
                        buffer.append((method.delivery_tag, body)))
        except pika.exceptions.AMQPError as exc:
            self.close()
            raise TransportError(f"RabbitMQ: {exc!r}") from exc

    # -- relay -------------------------------------------------------------------------------------------------
    def relay(self) -> int:
        if self.publisher is None:
            return 0
        try:
            with transaction.atomic():
                rows = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                            .filter(sent_at__isnull=True).order_by("published_at")[:self.batch])
                if not rows:
                    return 0
                confirmed = self.publisher.publish(rows)
                OutboxMessage.objects.filter(pk__in=[m.pk for m in confirmed]).update(sent_at=timezone.now())
        except pika.exceptions.AMQPError as exc:
            raise TransportError(f"RabbitMQ: {exc!r}") from exc
        if len(confirmed) < len(rows):
            logger.warning("relay: the broker confirmed %d of %d messages; the rest stay in the outbox",
                           len(confirmed), len(rows))
        return len(confirmed)

    # -- consume -----------------------------------------------------------------------------------------------
    def _fill(self) -> None:
        """Wait up to ``poll`` for the first message, then linger briefly so that a batch can fill."""
        deadline = time.monotonic() + self.poll
        self.connection.process_data_events(time_limit=0)
        while not any(self.buffers.values()) and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=max(0.0, deadline - time.monotonic()))
        if not any(self.buffers.values()):
            return
        linger = time.monotonic() + LINGER_SECONDS
        while time.monotonic() < linger and all(len(b) < self.batch for b in self.buffers.values()):
            self.connection.process_data_events(time_limit=max(0.0, linger - time.monotonic()))

    def step(self) -> int:
        handled = 0
        if not self.subscribers:  # a relay-only worker: idle like the database worker
            if not self.once:
                time.sleep(self.poll)
            return 0
        try:
            self._fill()
            for consumer in self.subscribers:
                buffer = self.buffers[consumer.name]
                if buffer:
                    taken = buffer[:]
                    del buffer[:]
                    handled += self._apply(consumer, taken)
        except pika.exceptions.AMQPError as exc:
            raise TransportError(f"RabbitMQ: {exc!r}") from exc
        for consumer in self.subscribers:  # retries of failed messages run from the database
            handled += work_database_queue(consumer, batch=self.batch).count
        return handled

    def _apply(self, consumer: Consumer, taken: list[tuple[int, bytes]]) -> int:
        channel = self.channels[consumer.name]
        events: list[Event] = []
        good: list[int] = []
        for tag, body in taken:
            try:
                events.append(event_from_body(body))
                good.append(tag)
            except (ValueError, KeyError, TypeError) as exc:
                logger.error("consumer %s: unreadable message rejected to the dead-letter exchange: %r",
                             consumer.name, exc)
                channel.basic_nack(delivery_tag=tag, requeue=False)
        if events:
            def failed(event: Event, exc: BaseException) -> None:
                record_failure(consumer=consumer.name, event=event, exc=exc)

            with transaction.atomic():
                apply_batch(consumer, events, on_failure=failed)
            # Only now, with the effects and the dedup rows committed, may the broker forget the batch.
        if good:
            channel.basic_ack(delivery_tag=max(good), multiple=True)
        return len(events)

    def close(self) -> None:
        try:
            if self.connection.is_open:
                self.connection.close()
        except pika.exceptions.AMQPError:
            logger.debug("RabbitMQ connection already gone", exc_info=True)


class RabbitMQTransport(Transport):
    name = "rabbitmq"
    relays = True
    has_broker = True

    def published(self, message: OutboxMessage, consumers: list[Consumer]) -> None:
        """Nothing: the relay moves the row to the broker after the commit."""

    def worker(self, consumers: list[Consumer], *, batch: int, poll: float, relay: bool = True,
               once: bool = False) -> Worker:
        return RabbitMQWorker(consumers, batch=batch, poll=poll, relay=relay, once=once)

    def broker_state(self, consumer: Consumer) -> BrokerQueueState:
        connection = connect()
        try:
            frame = connection.channel().queue_declare(queue_name(consumer.name), passive=True)
            return BrokerQueueState(messages=frame.method.message_count)
        except pika.exceptions.ChannelClosedByBroker:
            return BrokerQueueState(messages=0)  # no queue yet: nothing was ever relayed to it
        except pika.exceptions.AMQPError as exc:
            raise TransportError(f"RabbitMQ: {exc!r}") from exc
        finally:
            if connection.is_open:
                connection.close()
