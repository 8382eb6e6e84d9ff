"""The kill test: a real worker process is SIGKILLed mid-batch and restarted; every event's effect happens
exactly once.

The worker runs ``yiwang events work`` in a subprocess against the test database: on SQLite a file copy of
the (migrated, in-memory) test database, on PostgreSQL the test database itself. Its consumer
(``kill_consumer.py``) notes every handler call in a file and publishes one ``kill.effect`` event per
message as its countable effect.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

N = 200
BATCH = 50
ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def worker_env(transactional_db, tmp_path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.events.tests.worker_settings",
        "YIWANG_EVENTS_TEST_BASE_SETTINGS": settings.SETTINGS_MODULE,
        "YIWANG_EVENTS_TEST_VAR_DIR": str(tmp_path),
        "YIWANG_EVENTS_TEST_PROGRESS": str(tmp_path / "progress"),
        "YIWANG_EVENTS_TEST_SLEEP": "0.02",  # a batch of 50 takes a second: the kill lands inside one
        "YIWANG_EVENTS_TRANSPORT": "database",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    })
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        env["YIWANG_EVENTS_TEST_SQLITE"] = str(path)
        env.pop("DATABASE_URL", None)
    else:
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return env


def tool(env: dict[str, str], *args: str) -> object:
    done = subprocess.run([sys.executable, "-m", "yiwang.events.tests.killtool", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def worker_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "yiwang.manage", "events", "work", "--consumer", "test.kill",
            "--batch", str(BATCH), *extra]


def calls(env: dict[str, str]) -> int:
    progress = Path(env["YIWANG_EVENTS_TEST_PROGRESS"])
    return len(progress.read_text().splitlines()) if progress.exists() else 0


def kill_mid_batch_and_restart(env: dict[str, str]) -> tuple[dict, dict, int]:
    ids = tool(env, "publish", str(N))
    assert isinstance(ids, list) and len(ids) == N
    worker = subprocess.Popen(worker_command(), env=env, cwd=ROOT, stdout=subprocess.DEVNULL,  # noqa: S603
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # Half-way through the second batch: the first batch has committed, the second is in flight.
        while calls(env) < BATCH + BATCH // 2:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == -signal.SIGKILL
    before = tool(env, "count")
    calls_before = calls(env)

    restarted = subprocess.run(worker_command("--once"), env=env, cwd=ROOT,  # noqa: S603
                               capture_output=True, text=True, timeout=300)
    assert restarted.returncode == 0, restarted.stderr
    after = tool(env, "count")
    assert isinstance(before, dict) and isinstance(after, dict)
    assert before["effects"] < calls_before  # the kill cut a batch off after some of its handlers had run
    return before, after, calls(env)


def test_a_database_queue_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(worker_env):
    before, after, total_calls = kill_mid_batch_and_restart(worker_env)

    assert BATCH <= before["effects"] < N
    assert after == {"effects": N, "distinct": N, "max_per_message": 1, "processed": N, "pending": 0,
                     "unsent": 0}
    assert total_calls > N  # the cut-off batch ran again; its first run left no trace


def test_a_rabbitmq_worker_killed_mid_batch_loses_nothing_and_applies_nothing_twice(worker_env, rabbitmq):
    env = {**worker_env, "YIWANG_EVENTS_TRANSPORT": "rabbitmq", "YIWANG_EVENTS_RABBITMQ_EXCHANGE": rabbitmq}

    before, after, total_calls = kill_mid_batch_and_restart(env)

    assert before["effects"] < N
    assert after == {"effects": N, "distinct": N, "max_per_message": 1, "processed": N, "pending": 0,
                     "unsent": 0}
    assert total_calls > N
