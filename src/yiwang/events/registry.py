"""Who listens to what: consumers register here from their app's ``AppConfig.ready()``.

Topics are dot-separated words (``registries.person.changed``). A consumer subscribes with patterns in
RabbitMQ's topic-exchange syntax, so the database queue and the broker route alike: ``*`` matches exactly
one word, ``#`` matches zero or more words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

CONSUMER_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
TOPIC = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
TOPIC_PATTERN = re.compile(r"^([a-z0-9_-]+|\*|#)(\.([a-z0-9_-]+|\*|#))*$")
TOPIC_MAX_LENGTH = 200


@dataclass(frozen=True)
class Event:
    """One delivered message, as a handler receives it."""

    id: str
    topic: str
    key: str
    payload: dict[str, Any]
    published_at: datetime


Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    topics: tuple[str, ...]
    handler: Handler

    def wants(self, topic: str) -> bool:
        return any(topic_matches(pattern, topic) for pattern in self.topics)


_consumers: dict[str, Consumer] = {}
_routes: dict[str, list[Consumer]] = {}  # topic -> its consumers, cleared on every change


@lru_cache(maxsize=4096)
def topic_matches(pattern: str, topic: str) -> bool:
    """RabbitMQ topic matching: ``*`` is exactly one word, ``#`` zero or more words."""
    p, t = pattern.split("."), topic.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(p):
            return j == len(t)
        if p[i] == "#":
            return match(i + 1, j) or (j < len(t) and match(i, j + 1))
        return j < len(t) and p[i] in ("*", t[j]) and match(i + 1, j + 1)

    return match(0, 0)


def register_consumer(name: str, *, topics: Iterable[str], handler: Handler) -> Consumer:
    """Subscribe ``handler`` to ``topics`` under a stable ``name`` (call it from ``AppConfig.ready()``).

    The name identifies the consumer's queue and its deduplication ledger, so it must not change between
    releases; renaming a consumer starts it afresh. Registering the same name twice with another handler
    is a programming error. Every message published *after* registration is delivered at least once; the
    handler runs in one transaction with the dedup record, so its database effect happens once.
    """
    topics = tuple(topics)
    if not CONSUMER_NAME.match(name):
        raise ValueError(f"consumer name {name!r} must match {CONSUMER_NAME.pattern}")
    if not topics:
        raise ValueError(f"consumer {name!r} subscribes to no topic")
    for pattern in topics:
        if len(pattern) > TOPIC_MAX_LENGTH or not TOPIC_PATTERN.match(pattern):
            raise ValueError(f"consumer {name!r}: {pattern!r} is not a topic pattern (words, '*', '#')")
    consumer = Consumer(name=name, topics=topics, handler=handler)
    existing = _consumers.get(name)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"a different consumer is already registered as {name!r}")
    _consumers[name] = consumer
    _routes.clear()
    return consumer


def unregister_consumer(name: str) -> None:
    """Forget a consumer (tests; a process that stops consuming)."""
    _consumers.pop(name, None)
    _routes.clear()


def consumers() -> list[Consumer]:
    return sorted(_consumers.values(), key=lambda c: c.name)


def get_consumer(name: str) -> Consumer:
    try:
        return _consumers[name]
    except KeyError:
        raise LookupError(f"no consumer is registered as {name!r}") from None


def consumers_of(topic: str) -> list[Consumer]:
    """The consumers subscribed to ``topic``, by name."""
    found = _routes.get(topic)
    if found is None:
        found = _routes[topic] = [c for c in consumers() if c.wants(topic)]
    return found
