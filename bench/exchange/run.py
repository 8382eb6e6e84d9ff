"""Benchmark of the exchange gateway: the same provider called directly and through the gateway, in one run.

    .venv/bin/python bench/exchange/run.py [--workers 2] [--threads 4] [--clients 8] [--seconds 15]
                                           [--latency-calls 300] [--provider-ms 0] [--keep-db]

Creates two fresh PostgreSQL databases on postgres@127.0.0.1:5432: ``yiwang_bench_exchange`` (yiwang, migrated)
and ``yiwang_bench_exchange_provider`` (10,000 legal persons for the provider). Serves the provider
(bench/exchange/provider.py, plain WSGI) and yiwang (production settings, throw-away keys) with gunicorn on
127.0.0.1, registers the provider's service, a consumer member and a field-limited grant through the services,
then measures:

1. latency: one client, ``--latency-calls`` calls each way — p50/p99 and the p50 the gateway adds;
2. throughput: ``--clients`` threads for ``--seconds`` each way — calls/s, p50/p99, and gateway/direct.

Every gateway call is a real one: Ed25519 signature checked against the member's certificate, nonce stored,
grant read, request and response entries hash-chained and signed, fields filtered. At the end the message log is
verified (``yiwang exchange verify-log``). Targets (issue 5): gateway ≥ 50 % of direct throughput, added p50 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from cpumeter import CpuMeter  # noqa: E402 (bench/ is not a package)
from processes import stop  # noqa: E402

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = "yiwang_bench_exchange"
PROVIDER_DB = "yiwang_bench_exchange_provider"
DB_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
PROVIDER_DB_URL = f"postgresql://postgres@{HOST}:5432/{PROVIDER_DB}"
PERSONS = 10_000
TARGET_RATIO = 0.5
TARGET_ADDED_P50_MS = 5.0
CONSUMER = "CN-SH/GOV/PD-SWJ/tax-core"
PROVIDER = "CN-SH/GOV/PD-SCJGJ/registry"
SERVICE = "legal-person"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", db, "-qc", sql],  # noqa: S603, S607
                   check=True, capture_output=True, timeout=120)


def credit_code(i: int) -> str:
    return f"91310115MA{i:07d}X"


def environment(key_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.settings.production",
        "DATABASE_URL": DB_URL,
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_EXCHANGE_KEY_STORE_KEY": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_SSL_REDIRECT": "0",
        "YIWANG_EXCHANGE_KEY_DIR": str(key_dir),
        "YIWANG_LOG_LEVEL": "ERROR",
        "YIWANG_ALLOWED_HOSTS": HOST,
    })
    return env


def prepare_provider_db() -> None:
    psql("CREATE TABLE bench_person (credit_code text PRIMARY KEY, name text, legal_representative text, "
         "registered_address text, status text, industry text)", PROVIDER_DB)
    psql("INSERT INTO bench_person SELECT '91310115MA' || lpad(i::text, 7, '0') || 'X', "  # noqa: S608 (constants)
         "'浦东示例' || i || '有限公司', '法人' || i, '上海市浦东新区张江路' || i || '号', '存续', "
         f"'软件和信息技术服务业' FROM generate_series(0, {PERSONS - 1}) AS i", PROVIDER_DB)


def prepare_yiwang(provider_port: int) -> bytes:
    """Organisations, the two members, the service and a grant — through the services. Returns the consumer key."""
    import django

    django.setup()
    from django.db import connections

    from yiwang.audit.public import system_actor
    from yiwang.exchange.public import grant_create, member_create, service_register
    from yiwang.identity import services as identity
    from yiwang.identity.public import OrgKind

    openapi = {"openapi": "3.1.0", "info": {"title": "法人库", "version": "1"},
               "paths": {"/persons/{credit_code}": {"get": {"responses": {"200": {"description": "one"}}}}}}
    with system_actor("cli:bench-exchange"):
        district = identity.organisation_create(kind=OrgKind.DISTRICT, code="310115", name="浦东新区")
        tax = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SWJ", name="区税务局", parent=district)
        scj = identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SCJGJ", name="区市场监管局", parent=district)
        consumer = member_create(identifier=CONSUMER, name="税务核心系统", organisation=tax)
        provider = member_create(identifier=PROVIDER, name="市场监管登记系统", organisation=scj)
        service_register(provider=provider.member, code=SERVICE, version="1", title="法人库查询", openapi=openapi,
                         kind="http", base_url=f"http://{HOST}:{provider_port}", timeout_seconds=10)
        grant_create(service=SERVICE, consumer=consumer.member, fields=["credit_code", "name", "status"],
                     granted_by_name="bench")
    connections.close_all()
    assert consumer.private_key_pem is not None  # noqa: S101
    return consumer.private_key_pem


def serve(args: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), *args, "--bind", f"{HOST}:{port}",  # noqa: S603
                               "--log-level", "warning", "--timeout", "60"], cwd=ROOT, env=env,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn {args[0]} did not start") from None
            time.sleep(0.2)


class Caller:
    """One client thread's keep-alive connection. ``prepare`` turns a record path into the request target and its
    headers; ``request`` returns the status (0 on a broken connection) and the body."""

    def __init__(self, port: int, prepare: Callable[[str], tuple[str, dict[str, str]]]) -> None:
        self.port, self.prepare = port, prepare
        self.conn: http.client.HTTPConnection | None = None

    def request(self, path: str) -> tuple[int, bytes]:
        for _attempt in range(2):
            target, headers = self.prepare(path)  # signed again on a retry: a nonce is used once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self.conn.request("GET", target, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
        return 0, b""


class Phase:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()

    def record(self, status: int, body: bytes, elapsed: float) -> None:
        with self.lock:
            if status == 200:
                self.latencies.append(elapsed)
            else:
                key = f"{status} {body[:100]!r}"
                self.errors[key] = self.errors.get(key, 0) + 1


def run(name: str, make_caller: Callable[[], Caller], *, threads: int, seconds: float | None = None,
        calls: int | None = None, meter: CpuMeter | None = None) -> dict[str, float]:
    phase = Phase()
    before = meter.snapshot() if meter else None
    stop_at = time.monotonic() + (seconds or 0)

    def worker() -> None:
        caller = make_caller()
        rng = random.Random()  # noqa: S311 (which record to ask for)
        done = 0
        while (calls is not None and done < calls) or (seconds is not None and time.monotonic() < stop_at):
            target = f"/persons/{credit_code(rng.randrange(PERSONS))}"
            started = time.perf_counter()
            status, body = caller.request(target)
            phase.record(status, body, time.perf_counter() - started)
            done += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    after = meter.snapshot() if meter else None
    lat = sorted(phase.latencies) or [0.0]
    figures = {"rate": len(phase.latencies) / elapsed, "p50": statistics.median(lat) * 1000,
               "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, "n": len(phase.latencies),
               "errors": sum(phase.errors.values())}
    print(f"  {name:<9} {figures['n']:>6.0f} calls in {elapsed:5.1f} s = {figures['rate']:7.1f} calls/s   "
          f"p50 {figures['p50']:6.2f} ms   p99 {figures['p99']:6.2f} ms   errors {figures['errors']:.0f}", flush=True)
    if before and after:
        print(CpuMeter.report(before, after, len(phase.latencies), "call"))
    for error, count in phase.errors.items():
        print(f"      {count} × {error}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (each server)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (throughput phase)")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each throughput phase")
    parser.add_argument("--latency-calls", type=int, default=300, help="calls each way in the latency phase")
    parser.add_argument("--provider-ms", type=float, default=0.0, help="extra time the provider takes per call")
    parser.add_argument("--async-commit", action="store_true",
                        help="diagnostic only: the yiwang database commits without waiting for the disk "
                             "(synchronous_commit off), to show what the two fsyncs per call cost")
    parser.add_argument("--keep-db", action="store_true", help="leave the databases for inspection")
    args = parser.parse_args()

    key_dir = Path(tempfile.mkdtemp(prefix="yiwang-bench-exchange-"))
    env = environment(key_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    from yiwang.exchange.client import load_private_key, signed_headers

    for db in (DB_NAME, PROVIDER_DB):
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        psql(f"CREATE DATABASE {db}")
    if args.async_commit:
        psql(f"ALTER DATABASE {DB_NAME} SET synchronous_commit TO off")
    provider_server = gateway_server = None
    try:
        print(f"migrating {DB_NAME} …", flush=True)
        subprocess.run([str(VENV_BIN / "yiwang"), "migrate", "--noinput", "-v", "0"],  # noqa: S603
                       check=True, timeout=900)
        prepare_provider_db()
        provider_port, gateway_port = free_port(), free_port()
        key = load_private_key(prepare_yiwang(provider_port))
        gthread = ["--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread"]
        provider_env = {**env, "BENCH_PROVIDER_DB": PROVIDER_DB_URL, "BENCH_PROVIDER_MS": str(args.provider_ms)}
        provider_server = serve(["provider:application", "--chdir", str(ROOT / "bench" / "exchange"), *gthread],
                                provider_port, provider_env)
        gateway_server = serve(["yiwang.wsgi:application", *gthread], gateway_port, env)

        def direct() -> Caller:
            return Caller(provider_port, lambda path: (path, {}))

        def signed(path: str) -> tuple[str, dict[str, str]]:
            target = f"/exchange/v1/{SERVICE}{path}"
            return target, signed_headers(private_key=key, member=CONSUMER, method="GET", target=target)

        def through_gateway() -> Caller:
            return Caller(gateway_port, signed)

        # warm both servers (imports, certificates, connection pools)
        run("warm-up", through_gateway, threads=args.workers * args.threads, calls=20)
        run("warm-up", direct, threads=args.workers * args.threads, calls=20)
        sample = through_gateway().request(f"/persons/{credit_code(7)}")
        print(f"\n  a gateway answer (grant: credit_code, name, status): {sample[1].decode()}")

        print(f"\nyiwang exchange gateway — gunicorn {args.workers}×{args.threads} (gthread) for the gateway and "
              f"for the provider, {os.cpu_count()} CPUs, PostgreSQL, provider +{args.provider_ms:g} ms"
              f"{', ASYNC COMMIT (diagnostic)' if args.async_commit else ''}\n")
        print(f"latency: 1 client, {args.latency_calls} calls each way")
        d1 = run("direct", direct, threads=1, calls=args.latency_calls)
        g1 = run("gateway", through_gateway, threads=1, calls=args.latency_calls)
        print(f"\nthroughput: {args.clients} clients, {args.seconds:g} s each way")
        meter = CpuMeter({"gateway": gateway_server.pid, "provider": provider_server.pid}, [DB_NAME, PROVIDER_DB])
        dn = run("direct", direct, threads=args.clients, seconds=args.seconds, meter=meter)
        gn = run("gateway", through_gateway, threads=args.clients, seconds=args.seconds, meter=meter)
        ratio = gn["rate"] / dn["rate"] if dn["rate"] else 0.0
        print(f"\nceiling: yiwang's cheapest request (GET /healthz: the whole middleware stack and SELECT 1), "
              f"{args.clients} clients, {args.seconds:g} s")
        hn = run("healthz", lambda: Caller(gateway_port, lambda path: ("/healthz", {})), threads=args.clients,
                 seconds=args.seconds, meter=meter)
        ceiling = hn["rate"] / dn["rate"] if dn["rate"] else 0.0
        added = g1["p50"] - d1["p50"]
        print(f"\ngateway/direct throughput: {ratio:.0%} (target ≥ {TARGET_RATIO:.0%})"
              f"   added p50 (1 client): {added:.2f} ms (target ≤ {TARGET_ADDED_P50_MS:g} ms)"
              f"   added p50 ({args.clients} clients): {gn['p50'] - dn['p50']:.2f} ms")
        print(f"healthz/direct throughput: {ceiling:.0%} — no request of this server, the gateway's included, can "
              "pass this share")
        verify = subprocess.run([str(VENV_BIN / "yiwang"), "exchange", "verify-log"],  # noqa: S603
                                capture_output=True, text=True, timeout=600)
        print((verify.stdout or verify.stderr).strip())
        print(json.dumps({"ratio": round(ratio, 3), "added_p50_ms": round(added, 2),
                          "healthz_ratio": round(ceiling, 3)}))
        return 0
    finally:
        stop(gateway_server)
        stop(provider_server)
        if not args.keep_db:
            time.sleep(0.5)
            for db in (DB_NAME, PROVIDER_DB):
                psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        if args.keep_db:
            print(f"kept: databases {DB_NAME}, {PROVIDER_DB}; key store {key_dir} "
                  f"(YIWANG_EXCHANGE_KEY_STORE_KEY={env['YIWANG_EXCHANGE_KEY_STORE_KEY']})")
        else:
            for f in key_dir.glob("*"):
                f.unlink()
            key_dir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
