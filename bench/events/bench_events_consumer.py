"""The benchmark's consumer, installed by bench_events_settings.py in every bench process.

Its effect is one row in ``bench_applied`` per event (plain SQL, in the handler's transaction). When that
transaction commits, the worker notes each event id with the commit time in ``$BENCH_EVENTS_APPLIED_LOG``,
which is how run.py measures the lag from the publisher's commit to the consumer's commit.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.apps import AppConfig

CONSUMER = "bench.applied"
TOPIC = "bench.event.created"

_committing: list[str] = []


def _flush() -> None:
    now = time.time()
    path = os.environ.get("BENCH_EVENTS_APPLIED_LOG")
    if path:
        with open(path, "a") as log:
            log.write("".join(f"{message_id} {now:.6f}\n" for message_id in _committing))
    _committing.clear()


def handle(event: Any) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_applied (message_id, n) VALUES (%s, %s)", [event.id, event.payload["n"]])
    if not _committing:
        transaction.on_commit(_flush)
    _committing.append(event.id)


class BenchConsumerConfig(AppConfig):
    name = "bench_events_consumer"
    label = "bench_events_consumer"

    def ready(self) -> None:
        from yiwang.events.public import register_consumer

        register_consumer(CONSUMER, topics=["bench.#"], handler=handle)
