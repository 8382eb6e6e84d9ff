"""Consumers and topic patterns (RabbitMQ topic-exchange semantics, so both transports route alike)."""

from __future__ import annotations

import pytest

from yiwang.events.registry import consumers_of, register_consumer, topic_matches, unregister_consumer


@pytest.mark.parametrize(("pattern", "topic", "expected"), [
    ("registries.person.changed", "registries.person.changed", True),
    ("registries.person.changed", "registries.person.created", False),
    ("registries.*.changed", "registries.person.changed", True),
    ("registries.*.changed", "registries.person.address.changed", False),
    ("registries.#", "registries.person.changed", True),
    ("registries.#", "registries", True),  # '#' is zero or more words
    ("registries.#", "registriesx.person", False),
    ("#", "anything.at.all", True),
    ("#.changed", "registries.person.changed", True),
    ("#.changed", "changed", True),
    ("#.changed", "registries.person.created", False),
    ("*", "registries.person", False),
    ("a.#.z", "a.z", True),
    ("a.#.z", "a.b.c.z", True),
    ("a.#.z", "a.b.c", False),
])
def test_topic_patterns_match_like_a_rabbitmq_topic_exchange(pattern, topic, expected):
    assert topic_matches(pattern, topic) is expected


def handler(event):
    return None


def test_a_consumer_receives_only_its_topics():
    register_consumer("test.registry-a", topics=["registries.person.*"], handler=handler)
    register_consumer("test.registry-b", topics=["registries.#"], handler=handler)
    try:
        assert [c.name for c in consumers_of("registries.person.changed")] == ["test.registry-a", "test.registry-b"]
        assert [c.name for c in consumers_of("registries.legal_person.changed")] == ["test.registry-b"]
        assert consumers_of("intake.application.submitted") == []
    finally:
        unregister_consumer("test.registry-a")
        unregister_consumer("test.registry-b")
    assert consumers_of("registries.person.changed") == []


@pytest.mark.parametrize(("name", "topics", "message"), [
    ("Bad Name", ["a.b"], "consumer name"),
    ("test.empty", [], "no topic"),
    ("test.bad-topic", ["a..b"], "not a topic pattern"),
    ("test.bad-topic", ["a.b*"], "not a topic pattern"),
])
def test_a_malformed_registration_is_refused(name, topics, message):
    with pytest.raises(ValueError, match=message):
        register_consumer(name, topics=topics, handler=handler)
    assert consumers_of("a.b") == []


def test_one_name_cannot_serve_two_handlers():
    register_consumer("test.twice", topics=["a.b"], handler=handler)
    try:
        register_consumer("test.twice", topics=["a.b", "a.c"], handler=handler)  # same handler: updated
        assert [c.topics for c in consumers_of("a.c")] == [("a.b", "a.c")]
        with pytest.raises(ValueError, match="already registered"):
            register_consumer("test.twice", topics=["a.b"], handler=lambda event: None)
    finally:
        unregister_consumer("test.twice")
