"""Benchmark of the event bus: events/s from the publisher's commit to delivered-and-applied, and the lag.

    .venv/bin/python bench/events/run.py [--events 20000] [--workers 2] [--publishers 2] [--per-tx 50]
                                         [--batch 500] [--transports database,rabbitmq] [--keep-db]

For each transport, on a fresh PostgreSQL database (``yiwang_bench_events`` on postgres@127.0.0.1:5432):

- **live**: ``--workers`` processes of ``yiwang events work`` run while ``--publishers`` processes publish
  ``--events`` events, ``--per-tx`` per transaction, as fast as they can. Each event's lag is the time from
  its publisher's commit to the commit of the consumer transaction that applied it (one row in a table).
  Throughput = events / (last applied commit − first published commit).
- **backlog**: the same number of events is published first, then the workers start; throughput of draining.

Afterwards it checks that every event was applied exactly once. Only 127.0.0.1 is contacted. Target (issue 5):
at least 2,000 events/s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DB_NAME = "yiwang_bench_events"
DB_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
TARGET = 2000
_watch: Any = None  # the benchmark's own connection, polling the applied count


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", db, "-Atqc", sql],  # noqa: S603, S607
                          check=True, capture_output=True, text=True, timeout=120).stdout.strip()


def environment(transport: str, exchange: str, applied_log: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench_events_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": DB_URL,
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_LOG_LEVEL": "WARNING",
        "YIWANG_EVENTS_TRANSPORT": transport,
        "YIWANG_EVENTS_RABBITMQ_EXCHANGE": exchange,
        "BENCH_EVENTS_APPLIED_LOG": str(applied_log),
    })
    return env


def fresh_database(env: dict[str, str]) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([sys.executable, "-m", "yiwang.manage", "migrate", "-v", "0"], env=env, cwd=ROOT,  # noqa: S603
                   check=True, timeout=600)
    psql("CREATE TABLE bench_applied (message_id uuid NOT NULL, n integer NOT NULL)", DB_NAME)


def publish(count: int, per_tx: int, out: str) -> None:
    """A publisher process: ``count`` events, ``per_tx`` per transaction; logs each id with its commit time."""
    import django

    django.setup()
    from django.db import transaction

    from yiwang.events.public import event_publish

    lines = []
    done = 0
    while done < count:
        ids = []
        with transaction.atomic():
            for _ in range(min(per_tx, count - done)):
                ids.append(event_publish(topic="bench.event.created", payload={"n": done, "kind": "bench"},
                                         key=f"bench:{done}"))
                done += 1
        committed = time.time()
        lines += [f"{i} {committed:.6f}\n" for i in ids]
    Path(out).write_text("".join(lines))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backend_pids() -> list[int]:
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{DB_NAME}'"  # noqa: S608 (a constant)
    out = psql(sql)  # noqa: S608
    return [int(p) for p in out.split() if p.isdigit()]


def broker_pids() -> list[int]:
    """The RabbitMQ server (Erlang VM) processes."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"beam.smp" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class CpuMeter:
    """CPU seconds spent by the workers, the PostgreSQL backends serving them and the broker, during a phase."""

    def __init__(self, workers: list[subprocess.Popen]) -> None:
        self.workers = [w.pid for w in workers]
        self.start = self._snapshot()

    def _snapshot(self) -> dict[str, dict[int, float]]:
        return {"workers": {p: cpu_seconds(p) for p in self.workers},
                "postgres": {p: cpu_seconds(p) for p in backend_pids()},
                "broker": {p: cpu_seconds(p) for p in broker_pids()}}

    def per_event(self, events: int) -> str:
        end = self._snapshot()
        spent = {k: sum(v - self.start[k].get(p, 0.0) for p, v in end[k].items()) for k in end}
        parts = ", ".join(f"{k} {1000 * v / events:.2f} ms" for k, v in spent.items() if v > 0)
        total = sum(spent.values())
        return (f"CPU per event: {parts} (all {1000 * total / events:.2f} ms → "
                f"{events / total if total else 0:.0f} events/s per fully used core)")


def applied_count() -> int:
    """Rows in bench_applied, over one kept-open connection (a psql per poll would cost CPU we measure)."""
    global _watch
    import psycopg

    if _watch is None or _watch.closed:
        _watch = psycopg.connect(f"host={HOST} user=postgres dbname={DB_NAME}", autocommit=True)
    row = _watch.execute("SELECT count(*) FROM bench_applied").fetchone()
    return int(row[0]) if row else 0


def close_watch() -> None:
    global _watch
    if _watch is not None:
        _watch.close()
        _watch = None


def wait_applied(total: int, label: str, timeout: float) -> None:
    from tqdm import tqdm

    deadline = time.monotonic() + timeout
    with tqdm(total=total, desc=label, unit="ev", leave=False) as bar:
        seen = 0
        while seen < total:
            if time.monotonic() > deadline:
                raise SystemExit(f"{label}: only {seen} of {total} applied after {timeout:.0f} s")
            time.sleep(0.2)
            now = applied_count()
            bar.update(now - seen)
            seen = now


def start_publishers(env: dict[str, str], args: argparse.Namespace, tmp: Path, tag: str) -> list[tuple]:
    procs = []
    share = args.events // args.publishers
    for p in range(args.publishers):
        count = share + (args.events % args.publishers if p == 0 else 0)
        out = tmp / f"published-{tag}-{p}.log"
        proc = subprocess.Popen([sys.executable, __file__, "--role", "publisher", "--count", str(count),  # noqa: S603
                                 "--per-tx", str(args.per_tx), "--out", str(out)], env=env, cwd=ROOT)
        procs.append((proc, out))
    return procs


def start_workers(env: dict[str, str], args: argparse.Namespace) -> list[subprocess.Popen]:
    """Start the workers and wait until each has connected to the database (Django start-up is not measured)."""
    workers = [subprocess.Popen([sys.executable, "-m", "yiwang.manage", "events", "work",  # noqa: S603
                              "--batch", str(args.batch)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(args.workers)]
    deadline = time.monotonic() + 120
    while len(backend_pids()) < args.workers:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise SystemExit("the workers did not start")
        time.sleep(0.1)
    return workers


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_times(path: Path) -> dict[str, float]:
    times = {}
    for line in path.read_text().splitlines():
        message_id, at = line.split()
        times[message_id] = float(at)
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def check_exactly_once(total: int) -> str:
    rows, distinct = psql("SELECT count(*), count(DISTINCT message_id) FROM bench_applied", DB_NAME).split("|")
    assert int(rows) == total and int(distinct) == total, f"applied {rows} rows for {distinct} of {total} events"
    return f"exactly once: {rows} effects for {distinct} distinct events"


def run_transport(transport: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    exchange = f"yiwang.bench.{uuid.uuid4().hex[:8]}"
    applied_log = tmp / f"applied-{transport}.log"
    env = environment(transport, exchange, applied_log)
    out = []
    print(f"[{transport}] fresh database, migrate …", flush=True)
    fresh_database(env)
    try:
        # live: workers running, publishers publishing
        workers = start_workers(env, args)
        started = time.time()
        meter = CpuMeter(workers)
        publishers = start_publishers(env, args, tmp, f"{transport}-live")
        wait_applied(args.events, f"{transport} live", args.timeout)
        live_cpu = meter.per_event(args.events)
        for proc, _ in publishers:
            proc.wait()
        published: dict[str, float] = {}
        for _, path in publishers:
            published.update(read_times(path))
        applied = read_times(applied_log)
        assert set(applied) == set(published), "an event was lost"
        first, last = min(published.values()), max(applied.values())
        publish_rate = len(published) / (max(published.values()) - first)
        rate = len(published) / (last - first)
        lags = [applied[i] - published[i] for i in published]
        out.append(f"{transport:<9} live     {rate:8.0f} events/s   lag p50 {1000 * percentile(lags, 0.5):7.1f} ms"
                   f"  p99 {1000 * percentile(lags, 0.99):7.1f} ms   (publishers alone: {publish_rate:.0f} events/s; "
                   f"setup {first - started:.1f} s)")
        out.append(f"{'':<9}          {live_cpu} (publishers not counted)")
        out.append(f"{'':<9}          {check_exactly_once(args.events)}")
        stop(workers)

        # backlog: publish everything, then drain
        applied_count()
        assert _watch is not None
        _watch.execute("TRUNCATE bench_applied")
        applied_log.unlink()
        for proc, _ in start_publishers(env, args, tmp, f"{transport}-backlog"):
            proc.wait()
        workers = start_workers(env, args)
        meter = CpuMeter(workers)
        wait_applied(args.events, f"{transport} backlog", args.timeout)
        backlog_cpu = meter.per_event(args.events)
        applied = read_times(applied_log)
        rate = len(applied) / (max(applied.values()) - min(applied.values()))
        out.append(f"{transport:<9} backlog  {rate:8.0f} events/s   (draining {args.events} queued events; "
                   f"first to last applied commit)")
        out.append(f"{'':<9}          {backlog_cpu}")
        out.append(f"{'':<9}          {check_exactly_once(args.events)}")
        stop(workers)
    finally:
        if transport == "rabbitmq":
            delete_broker_objects(exchange)
        close_watch()
        if not args.keep_db:
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return out


def delete_broker_objects(exchange: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
    channel = connection.channel()
    for queue in (f"{exchange}.bench.applied", f"{exchange}.unreadable"):
        channel.queue_delete(queue)
    for name in (exchange, f"{exchange}.dlx"):
        channel.exchange_delete(name)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--per-tx", type=int, default=50)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--transports", default="database,rabbitmq")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--role", default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "publisher":
        publish(args.count, args.per_tx, args.out)
        return

    import tempfile

    print(f"{args.events} events, {args.publishers} publishers × {args.per_tx} events per transaction, "
          f"{args.workers} workers × batch {args.batch}, on {os.cpu_count()} CPUs; target {TARGET} events/s")
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        for transport in args.transports.split(","):
            lines += run_transport(transport.strip(), args, Path(tmp))
    print()
    print("\n".join(lines))
    print(f"machine load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
