"""Benchmark of the OIDC token endpoint: refresh grants and code exchanges per second, p50 and p99.

    .venv/bin/python bench/oidc/run.py [--workers 4] [--clients 8] [--seconds 20] [--codes 3000]

Creates a fresh PostgreSQL database (``yiwang_bench_oidc`` on postgres@127.0.0.1:5432), migrates it, creates
a department, a citizen, a confidential client and tokens/codes through the ORM, serves yiwang with gunicorn
(production settings, throw-away keys) on 127.0.0.1, drives ``/oidc/token/`` from concurrent threads, prints
the figures, stops the server and drops the database. Only 127.0.0.1 is ever contacted. Target: 250 refresh
grants/s on a 2-core machine (Keycloak's published sizing: 120 per vCPU).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import os
import secrets
import signal
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


def environment(port: int, key_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.settings.production",
        "DATABASE_URL": DB_URL,
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_SSL_REDIRECT": "0",  # plain http on the loopback interface; no proxy in front
        "YIWANG_OIDC_ISSUER": f"http://{HOST}:{port}/oidc",
        "YIWANG_OIDC_KEY_DIR": str(key_dir),
        "YIWANG_LOG_LEVEL": "ERROR",
        "YIWANG_ALLOWED_HOSTS": HOST,
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
    def __init__(self, port: int, client_id: str, secret: str) -> None:
        self.port = port
        self.auth = "Basic " + base64.b64encode(
            f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(secret)}".encode()).decode()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()

    def post(self, form: dict[str, str]) -> dict[str, object] | None:
        import json

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
        elapsed = time.perf_counter() - started
        with self.lock:
            if status == 200:
                self.latencies.append(elapsed)
            else:
                key = f"{status} {payload[:80]!r}"
                self.errors[key] = self.errors.get(key, 0) + 1
        return json.loads(payload) if status == 200 else None

    def reset(self) -> None:
        self.latencies, self.errors = [], {}


def run_phase(name: str, threads: list[threading.Thread], driver: Driver) -> float:
    driver.reset()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done = len(driver.latencies)
    rate = done / elapsed if elapsed else 0.0
    lat = sorted(driver.latencies) or [0.0]
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"{name:<15} {done:>6} grants in {elapsed:5.1f} s = {rate:7.1f} grants/s   "
          f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {sum(driver.errors.values())}")
    for error, count in driver.errors.items():
        print(f"    {count} × {error}")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the refresh phase")
    parser.add_argument("--codes", type=int, default=3000, help="authorisation codes to exchange")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for inspection")
    args = parser.parse_args()

    port = free_port()
    key_dir = Path(tempfile.mkdtemp(prefix="yiwang-bench-oidc-"))
    os.environ.update(environment(port, key_dir))
    sys.path.insert(0, str(ROOT / "src"))
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    server = None
    try:
        print(f"migrating {DB_NAME} …", flush=True)
        subprocess.run([str(VENV_BIN / "yiwang"), "migrate", "--noinput", "-v", "0"],  # noqa: S603
                       check=True, timeout=600)
        client_id, secret, refresh_tokens, codes = prepare(args.clients, args.codes)
        server = subprocess.Popen(  # noqa: S603 (our own venv's gunicorn, fixed arguments)
            [str(VENV_BIN / "gunicorn"), "yiwang.wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--log-level", "warning", "--timeout", "60"],
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
        driver = Driver(port, client_id, secret)
        # warm every worker (imports, the signing key) before measuring
        for _ in range(args.workers * 4):
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", "/oidc/.well-known/jwks.json")
            conn.getresponse().read()
            conn.close()

        print(f"\nyiwang OIDC token endpoint — gunicorn {args.workers} workers, {args.clients} client threads, "
              f"{os.cpu_count()} CPUs, PostgreSQL\n")
        stop_at = time.monotonic() + args.seconds

        def refresher(token: str) -> None:
            while time.monotonic() < stop_at:
                answer = driver.post({"grant_type": "refresh_token", "refresh_token": token})
                if answer is None:
                    return  # a broken chain ends this thread; the error is counted
                token = str(answer["refresh_token"])

        refresh_rate = run_phase("refresh_token", [threading.Thread(target=refresher, args=(t,))
                                                   for t in refresh_tokens], driver)
        chunks = [codes[i::args.clients] for i in range(args.clients)]

        def exchanger(mine: list[str]) -> None:
            for code in mine:
                driver.post({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                             "code_verifier": VERIFIER})

        run_phase("authorization_code", [threading.Thread(target=exchanger, args=(c,)) for c in chunks], driver)
        ratio = refresh_rate / TARGET_REFRESH_PER_SECOND
        print(f"\nrefresh grants/s vs target {TARGET_REFRESH_PER_SECOND}/s: {ratio:.2f}×")
        return 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not args.keep_db:
            time.sleep(0.5)
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        for f in key_dir.glob("*"):
            f.unlink()
        key_dir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
