"""Benchmark of the population registry: bulk load of Pudong's 5.7 million residents, then lookups by number.

    .venv/bin/python bench/registry/run.py [--people 5700000] [--workers 2] [--lookups 2000] [--keep-db]

Creates a fresh PostgreSQL database (``yiwang_bench_registry`` on postgres@127.0.0.1:5432), migrates it, creates
the district, the public security bureau (the population's source) and the civil affairs bureau (a consumer),
loads ``--people`` synthetic residents with ``yiwang.registries.bulk.people_generate`` (worker processes
generate and encrypt, the parent COPYs; a progress bar), and prints the load time and rate. Then it looks up
``--lookups`` residents, picked at random over the whole population, by identity number:

1. through the service (``person_lookup``: blind index, indexed select, decryption, audit record);
2. through the exchange gateway, in-process (Django's test client → middleware → signature check, grant,
   message log entries for request and response, our handler, field filter) — no HTTP server or network,
   so the figure is the gateway's own cost, not a load test;

printing p50/p95/p99 for each against the target (p99 < 5 ms), and the CPU each lookup cost this process and its
PostgreSQL backend (what the latency would be on an idle machine, less disk syncs). Both with the lookup's audit
record committed durably and with ``YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT`` off. Drops the database unless
``--keep-db``.
Only 127.0.0.1 is contacted. Throw-away keys are generated for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DB_NAME = "yiwang_bench_registry"
DB_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
TARGET_P99_MS = 5.0
PUDONG = 5_700_000


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-qc", sql],  # noqa: S603, S607 (fixed arguments)
                   check=True, capture_output=True, timeout=120)


def configure(key_dir: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.settings.production",
        "DATABASE_URL": DB_URL,
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_SSL_REDIRECT": "0",
        "YIWANG_ALLOWED_HOSTS": "testserver",
        "YIWANG_LOG_LEVEL": "ERROR",
        "YIWANG_EXCHANGE_KEY_DIR": str(key_dir / "exchange"),
        "YIWANG_OIDC_KEY_DIR": str(key_dir / "oidc"),
    })
    import django

    django.setup()


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    verdict = "meets" if at(0.99) < TARGET_P99_MS else "MISSES"
    return (f"p50 {at(0.50):.2f} ms  p95 {at(0.95):.2f} ms  p99 {at(0.99):.2f} ms  mean "
            f"{statistics.fmean(ordered) * 1000:.2f} ms  ({len(ordered)} lookups; {verdict} p99 < {TARGET_P99_MS} ms)")


def backend_cpu(connection: object) -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine: /proc)."""
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample_numbers(people: int, seed: int, n: int) -> list[str]:
    """``n`` identity numbers spread over the population: whole units regenerated, then sampled."""
    from yiwang.registries import generator

    rng = random.Random(seed)  # noqa: S311 (sampling for a benchmark)
    units = generator.population_plan(people)
    households = generator.household_count(people)
    chosen = rng.sample(units, min(len(units), 60))
    numbers = [p.id_number for unit in chosen for p in generator.unit_people(unit, seed=seed, households=households)]
    return rng.sample(numbers, min(n, len(numbers)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=PUDONG)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    tmp = Path(tempfile.mkdtemp(prefix="yiwang-bench-registry-"))
    try:
        configure(tmp)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from yiwang.audit.public import system_actor
        from yiwang.exchange.client import load_private_key, signed_headers
        from yiwang.exchange.services import grant_create, member_create
        from yiwang.identity import services as identity
        from yiwang.identity.public import OrgKind
        from yiwang.registries import bulk
        from yiwang.registries.exchange import registries_services_register
        from yiwang.registries.selectors import person_lookup
        from yiwang.registries.services import field_grant_set

        call_command("migrate", verbosity=0)
        with system_actor("cli:bench-registry"):
            district = identity.organisation_create(kind=OrgKind.DISTRICT, code="310115", name="浦东新区")
            police = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-GAFJ", name="区公安分局",
                                                  parent=district)
            civil = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-MZJ", name="区民政局",
                                                 parent=district)
            commerce = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-SCJGJ", name="区市场监管局",
                                                    parent=district)
            fields = ["name", "sex", "birth_date", "actual_address", "area_name"]
            field_grant_set(organisation=civil, registry="person", fields=fields)
            provider = member_create(identifier="CN-SH/GOV/PD-GAFJ/population", name="人口库", organisation=police)
            consumer = member_create(identifier="CN-SH/GOV/PD-MZJ/assistance", name="救助系统", organisation=civil)
            legal = member_create(identifier="CN-SH/GOV/PD-SCJGJ/registry", name="登记系统", organisation=commerce)
            registries_services_register(population_provider=provider.member, legal_person_provider=legal.member)
            grant_create(service="population-lookup", consumer=consumer.member, fields=fields,
                         granted_by_name="bench")

        print(f"Loading {args.people:,} synthetic residents into {DB_NAME} with {args.workers} worker process(es) …")
        started = time.monotonic()
        batch = bulk.people_generate(count=args.people, seed=args.seed, source=police, workers=args.workers,
                                     batch_size=args.batch_size, progress=True)
        load_seconds = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registries_person")
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('registries_person'))")
            size = cursor.fetchone()[0]
        rate = batch.created / load_seconds
        print(f"  loaded {batch.created:,} residents in {load_seconds:.1f} s ({rate:,.0f}/s); table with indexes "
              f"{size}")
        if args.people < PUDONG:
            print(f"  extrapolated to Pudong's {PUDONG:,}: about {PUDONG / rate / 60:.1f} min at this rate "
                  "(linear; the unique index grows as log n, so treat it as a lower bound)")

        numbers = sample_numbers(args.people, args.seed, args.lookups)
        client = Client()
        key = load_private_key(consumer.private_key_pem or b"")
        target = "/exchange/v1/population-lookup/lookup?fields=name,birth_date,area_name"

        def through_service(number: str) -> bool:
            person_lookup(id_number=number, fields=["name", "birth_date", "area_name"], organisation=civil)
            return True

        def through_gateway(number: str) -> bool:
            body = json.dumps({"id_number": number}).encode()
            headers = signed_headers(private_key=key, member=consumer.member.identifier, method="POST",
                                     target=target, body=body)
            response = client.generic("POST", target, data=body, content_type="application/json", headers=headers)
            return response.status_code == 200

        for durable in (True, False):
            settings.YIWANG_REGISTRIES_DURABLE_LOOKUP_AUDIT = durable
            mode = "durable audit commit" if durable else "lookup audit with synchronous_commit off"
            print(f"  lookups by identity number ({mode}):")
            for label, call in (("service (person_lookup)", through_service),
                                ("exchange gateway (in-process)", through_gateway)):
                for number in numbers[:50]:  # warm caches and connections
                    call(number)
                samples, errors = [], 0
                cpu_before, backend_before = time.process_time(), backend_cpu(connection)
                for number in numbers:
                    t = time.perf_counter()
                    ok = call(number)
                    elapsed = time.perf_counter() - t
                    if ok:
                        samples.append(elapsed)
                    else:
                        errors += 1
                cpu = (time.process_time() - cpu_before) / len(numbers) * 1000
                backend = (backend_cpu(connection) - backend_before) / len(numbers) * 1000
                print(f"    {label:<31} " + percentiles(samples) + (f"; {errors} errors" if errors else ""))
                print(f"    {'':<31} CPU per lookup: this process {cpu:.2f} ms, "
                      f"its PostgreSQL backend {backend:.2f} ms")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            psql(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    sys.exit(main())
