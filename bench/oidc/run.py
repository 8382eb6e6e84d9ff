"""Benchmark of the OIDC token endpoint: refresh grants and code exchanges per second, p50 and p99.

    .venv/bin/python bench/oidc/run.py [--workers 4] [--clients 8] [--seconds 20] [--codes 3000]
        [--client asyncio|threads] [--worker-class sync|gthread] [--threads 1]
        [--database-options server_side_binding=true]

Creates a fresh PostgreSQL database (``yiwang_bench_oidc`` on postgres@127.0.0.1:5432), migrates it, creates
a department, a citizen, a confidential client and tokens/codes through the ORM, serves yiwang with gunicorn
(production settings, throw-away keys) on 127.0.0.1, drives ``/oidc/token/`` from concurrent threads, prints
the figures, stops the server and drops the database. Only 127.0.0.1 is ever contacted. Target: 250 refresh
grants/s on a 2-core machine (Keycloak's published sizing: 120 per vCPU).

The load generator shares the machine with the server, so each phase also prints where the CPU went (from
``/proc``): the load generator itself, gunicorn (master and workers), the PostgreSQL backends serving the
benchmark database, and everything else on the machine (other people's work, PostgreSQL's WAL writer ...).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from cpumeter import CpuMeter  # noqa: E402 (bench/ is not a package)
from processes import stop  # noqa: E402

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = "yiwang_bench_oidc"
DB_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
TARGET_REFRESH_PER_SECOND = 250
REDIRECT_URI = "https://rp.bench.example/callback"
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-qc", sql],  # noqa: S603, S607 (fixed arguments)
                   check=True, capture_output=True, timeout=60)


def environment(port: int, key_dir: Path, database_options: str = "") -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.settings.production",
        "DATABASE_URL": f"{DB_URL}?{database_options}" if database_options else DB_URL,
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_SSL_REDIRECT": "0",  # plain http on the loopback interface; no proxy in front
        "YIWANG_OIDC_ISSUER": f"http://{HOST}:{port}/oidc",
        "YIWANG_OIDC_KEY_DIR": str(key_dir),
        "YIWANG_LOG_LEVEL": "ERROR",
        "YIWANG_ALLOWED_HOSTS": HOST,
        "PYTHONPATH": str(ROOT / "src"),  # this checkout's code, also when run from a copy of the tree
    })
    return env


def prepare(n_chains: int, n_codes: int) -> tuple[str, str, list[str], list[str]]:
    """Department, citizen, confidential client; ``n_chains`` refresh tokens and ``n_codes`` authorisation codes."""
    import uuid
    from datetime import timedelta

    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Grant, RefreshToken

    from yiwang.audit.public import system_actor
    from yiwang.identity import services as identity
    from yiwang.identity.public import OrgKind
    from yiwang.sso.models import Authorisation, Scope
    from yiwang.sso.services import client_create
    from yiwang.sso.validators import code_hash

    with system_actor("cli:bench-oidc"):
        district = identity.organisation_create(kind=OrgKind.DISTRICT, code="310115", name="浦东新区")
        identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SWJ", name="区税务局", parent=district)
        user = identity.citizen_register(username="bench-citizen", password=secrets.token_urlsafe(16) + "Aa1!",
                                         real_name="张三", id_number="11010519491231002X", phone="13800138000")
        registration = client_create(organisation_code="SWJ", name="税务办税系统", redirect_uris=[REDIRECT_URI],
                                     scopes=[Scope.PROFILE, Scope.PHONE])
    app = registration.application
    now = timezone.now()
    refresh_tokens = []
    for _ in range(n_chains):
        family = uuid.uuid4()
        access = AccessToken.objects.create(user=user, application=app, token=secrets.token_urlsafe(30),
                                            expires=now + timedelta(minutes=10), scope="openid profile phone")
        token = secrets.token_urlsafe(30)
        RefreshToken.objects.create(user=user, application=app, token=token, access_token=access, token_family=family)
        Authorisation.objects.create(code_hash=code_hash(secrets.token_urlsafe(20)), application=app, user=user,
                                     redeemed_at=now, token_family=family)
        refresh_tokens.append(token)
    codes = [secrets.token_urlsafe(30) for _ in range(n_codes)]
    Grant.objects.bulk_create([Grant(application=app, user=user, code=c, expires=now + timedelta(hours=1),
                                     redirect_uri=REDIRECT_URI, scope="openid profile phone",
                                     code_challenge=CHALLENGE, code_challenge_method="S256", nonce="n", claims="{}")
                               for c in codes], batch_size=1000)
    Authorisation.objects.bulk_create([Authorisation(code_hash=code_hash(c), application=app, user=user)
                                       for c in codes], batch_size=1000)
    connections.close_all()
    return app.client_id, registration.client_secret, refresh_tokens, codes


class Driver:
    """Counts answers and latencies; subclasses send the requests."""

    def __init__(self, port: int, client_id: str, secret: str) -> None:
        self.port = port
        self.auth = "Basic " + base64.b64encode(
            f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(secret)}".encode()).decode()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()

    def record(self, status: int, payload: bytes, elapsed: float) -> dict[str, object] | None:
        import json

        with self.lock:
            if status == 200:
                self.latencies.append(elapsed)
            else:
                key = f"{status} {payload[:80]!r}"
                self.errors[key] = self.errors.get(key, 0) + 1
        return json.loads(payload) if status == 200 else None

    def reset(self) -> None:
        self.latencies, self.errors = [], {}


class ThreadDriver(Driver):
    """One thread per simulated client, ``http.client``, a new connection per request (the first version)."""

    def post(self, form: dict[str, str]) -> dict[str, object] | None:
        body = urllib.parse.urlencode(form)
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request("POST", "/oidc/token/", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                         "Authorization": self.auth})
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except OSError as exc:
            status, payload = 0, str(exc).encode()
        finally:
            conn.close()
        return self.record(status, payload, time.perf_counter() - started)

    def run(self, jobs: list[object], work: object) -> None:
        threads = [threading.Thread(target=self._job, args=(work, job)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _job(self, work: object, job: object) -> None:
        async def post(form: dict[str, str]) -> dict[str, object] | None:
            return self.post(form)  # blocks this thread; each thread has its own loop

        asyncio.run(work(post, job))  # type: ignore[operator]


class SocketDriver(ThreadDriver):
    """One thread per simulated client, a plain blocking socket and hand-written HTTP/1.1 (the lightest here).

    The connection is kept when the server allows it and reopened when the server closes it (gunicorn's sync
    workers close after every answer). Threads spend their time blocked in the kernel, not holding the GIL.
    """

    def __init__(self, port: int, client_id: str, secret: str) -> None:
        super().__init__(port, client_id, secret)
        self.head = (f"POST /oidc/token/ HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                     f"Content-Type: application/x-www-form-urlencoded\r\nAuthorization: {self.auth}\r\n").encode()
        self.local = threading.local()

    def post(self, form: dict[str, str]) -> dict[str, object] | None:
        body = urllib.parse.urlencode(form).encode()
        started = time.perf_counter()
        sock: socket.socket | None = getattr(self.local, "sock", None)
        try:
            if sock is None:
                sock = self.local.sock = socket.create_connection((HOST, self.port), timeout=30)
            sock.sendall(self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed before the headers")
                data += chunk
            header, payload = data.split(b"\r\n\r\n", 1)
            lines = header.decode("latin-1").lower().split("\r\n")
            status = int(lines[0].split()[1])
            fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int(fields.get("content-length", "0"))
            while len(payload) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed before the body")
                payload += chunk
            if fields.get("connection") == "close":
                sock.close()
                self.local.sock = None
        except (OSError, ValueError) as exc:
            status, payload = 0, str(exc).encode()
            if sock is not None:
                sock.close()
            self.local.sock = None
        return self.record(status, payload, time.perf_counter() - started)


class AsyncDriver(Driver):
    """One event loop, one coroutine per simulated client, hand-written HTTP/1.1 on a kept-alive connection.

    Much cheaper per request than ``http.client`` in threads; a connection is reopened only when the server
    closes it (gunicorn's sync workers close after every response, gthread workers keep it alive).
    """

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(HOST, self.port)

    def run(self, jobs: list[object], work: object) -> None:
        asyncio.run(self._run(jobs, work))

    async def _run(self, jobs: list[object], work: object) -> None:
        await asyncio.gather(*(self._job(work, job) for job in jobs))

    async def _job(self, work: object, job: object) -> None:
        streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        head = (f"POST /oidc/token/ HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nAuthorization: {self.auth}\r\n").encode()

        async def post(form: dict[str, str]) -> dict[str, object] | None:
            body = urllib.parse.urlencode(form).encode()
            started = time.perf_counter()
            try:
                if not streams:
                    streams.append(await self._connection())
                reader, writer = streams[0]
                writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                header = await reader.readuntil(b"\r\n\r\n")
                lines = header.decode("latin-1").lower().split("\r\n")
                status = int(lines[0].split()[1])
                fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                payload = await reader.readexactly(int(fields.get("content-length", "0")))
                if fields.get("connection") == "close" or lines[0].startswith("http/1.0"):
                    writer.close()
                    streams.clear()
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                status, payload = 0, str(exc).encode()
                if streams:
                    streams[0][1].close()
                    streams.clear()
            return self.record(status, payload, time.perf_counter() - started)

        await work(post, job)  # type: ignore[operator]
        if streams:
            streams[0][1].close()


def run_phase(name: str, driver: Driver, jobs: list[object], work: object, meter: CpuMeter) -> float:
    driver.reset()
    before = meter.snapshot()
    started = time.perf_counter()
    driver.run(jobs, work)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    after = meter.snapshot()
    done = len(driver.latencies)
    rate = done / elapsed if elapsed else 0.0
    lat = sorted(driver.latencies) or [0.0]
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"{name:<18} {done:>6} grants in {elapsed:5.1f} s = {rate:7.1f} grants/s   "
          f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {sum(driver.errors.values())}")
    print(CpuMeter.report(before, after, done, "grant"))
    for error, count in driver.errors.items():
        print(f"    {count} × {error}")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent simulated clients")
    parser.add_argument("--client", default="sockets", choices=["sockets", "asyncio", "threads"],
                        help="load generator: threads on plain sockets (default), one asyncio loop, or the first "
                             "version's http.client threads; all but threads keep the connection when allowed")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the refresh phase")
    parser.add_argument("--codes", type=int, default=3000, help="authorisation codes to exchange")
    parser.add_argument("--database-options", default="server_side_binding=true",
                        help="query string added to the server's DATABASE_URL (default: psycopg server-side binding "
                             "and prepared statements, as recommended in the README); '' for Django's default")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for inspection")
    args = parser.parse_args()

    port = free_port()
    key_dir = Path(tempfile.mkdtemp(prefix="yiwang-bench-oidc-"))
    os.environ.update(environment(port, key_dir, args.database_options))
    sys.path.insert(0, str(ROOT / "src"))
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    server = None
    try:
        print(f"migrating {DB_NAME} …", flush=True)
        subprocess.run([str(VENV_BIN / "yiwang"), "migrate", "--noinput", "-v", "0"],  # noqa: S603
                       check=True, timeout=600)
        client_id, secret, refresh_tokens, codes = prepare(args.clients + args.workers * args.threads, args.codes)
        warm_tokens, refresh_tokens = refresh_tokens[args.clients:], refresh_tokens[:args.clients]
        server = subprocess.Popen(  # noqa: S603 (our own venv's gunicorn, fixed arguments)
            [str(VENV_BIN / "gunicorn"), "yiwang.wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
             "--log-level", "warning", "--timeout", "60"],
            cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        driver: Driver = {"sockets": SocketDriver, "asyncio": AsyncDriver, "threads": ThreadDriver}[args.client](
            port, client_id, secret)
        meter = CpuMeter({"gunicorn": server.pid}, [DB_NAME])

        async def refresh_chain(post: object, token: object, until: float) -> None:
            while time.monotonic() < until:
                answer = await post({"grant_type": "refresh_token", "refresh_token": str(token)})  # type: ignore[operator]
                if answer is None:
                    return  # a broken chain ends this client; the error is counted
                token = answer["refresh_token"]

        # Warm every worker (imports, the signing key, the database connection) with a few refreshes of
        # chains that the measured phase does not use.
        warm_until = time.monotonic() + 3
        driver.run(warm_tokens, lambda post, token: refresh_chain(post, token, warm_until))  # type: ignore[attr-defined]

        print(f"\nyiwang OIDC token endpoint — gunicorn {args.workers} {args.worker_class} workers"
              f"{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''}, "
              f"{args.clients} clients ({args.client}), {os.cpu_count()} CPUs, PostgreSQL"
              f"{f' ({args.database_options})' if args.database_options else ''}\n")
        stop_at = time.monotonic() + args.seconds
        refresh_rate = run_phase("refresh_token", driver, list(refresh_tokens),
                                 lambda post, token: refresh_chain(post, token, stop_at), meter)

        async def exchange_codes(post: object, mine: object) -> None:
            for code in mine:  # type: ignore[attr-defined]
                await post({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,  # type: ignore[operator]
                            "code_verifier": VERIFIER})

        run_phase("authorization_code", driver, [codes[i::args.clients] for i in range(args.clients)],
                  exchange_codes, meter)
        ratio = refresh_rate / TARGET_REFRESH_PER_SECOND
        print(f"\nrefresh grants/s vs target {TARGET_REFRESH_PER_SECOND}/s: {ratio:.2f}×")
        return 0
    finally:
        stop(server)
        if not args.keep_db:
            time.sleep(0.5)
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        for f in key_dir.glob("*"):
            f.unlink()
        key_dir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
