"""A test-only app for the worker subprocesses of test_kill.py: one consumer with a slow, countable effect.

Its handler notes each call in a progress file (outside the database, so calls survive a rollback) and
then publishes a ``kill.effect`` event in its own transaction: that outbox row is the countable effect.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.apps import AppConfig

CONSUMER = "test.kill"
TOPIC = "kill.work"
EFFECT_TOPIC = "kill.effect"


def handle(event: Any) -> None:
    from yiwang.events.public import event_publish

    progress = os.environ.get("YIWANG_EVENTS_TEST_PROGRESS")
    if progress:
        with open(progress, "a") as f:
            f.write(event.id + "\n")
    time.sleep(float(os.environ.get("YIWANG_EVENTS_TEST_SLEEP", "0")))
    event_publish(topic=EFFECT_TOPIC, payload={"source": event.id}, key=event.key)


class KillConsumerConfig(AppConfig):
    name = "yiwang.events.tests.kill_consumer"
    label = "events_kill_test"

    def ready(self) -> None:
        from yiwang.events.public import register_consumer

        register_consumer(CONSUMER, topics=[TOPIC], handler=handle)
