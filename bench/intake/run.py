"""Benchmark of intake and collaborative handling: submissions/s and task completions/s through the HTTP API,
against a plain Django baseline endpoint in the same run; then the department worklist query with a million
applications in the database.

    flock /tmp/yiwang-bench.lock .venv/bin/python bench/intake/run.py [--workers 4] [--clients 8]
        [--submissions 1200] [--baseline 2000] [--applications 1000000] [--queries 200] [--skip-http]
        [--skip-million] [--profile] [--keep-db] [--time-only]

Creates a fresh PostgreSQL database (``yiwang_bench_intake`` on postgres@127.0.0.1:5432), migrates it, loads
identity's and the catalogue's demo data (departments, the 企业开办 matter PD-SCJGJ-0002: three departments in
parallel, a fourth only for foreign capital), creates ``--clients`` citizens and handlers of the three
departments (each with an authenticator), serves yiwang with gunicorn (production settings, throw-away keys)
plus a baseline view (``bench_urls.py``), logs every client in over HTTP (handlers with their second factor)
and then, with the CSRF token of its session:

1. **baseline**: each client POSTs ``/bench/baseline/`` (one INSERT, same middleware);
2. **submissions**: citizens POST ``/api/v1/applications`` (form + five PDF materials, an
   ``Idempotency-Key``) for PD-SCJGJ-0002;
3. **task completions**: handlers claim and approve (with an opinion) every task the submissions made, through
   ``/api/v1/workflow/tasks/<id>/claim`` and ``…/approve``; the last approval of a case completes it;
4. **worklist**: with gunicorn stopped, adds ``--applications`` applications set-wise in SQL (each with a process
   instance and three department tasks with their clocks, over ~20 departments), then times the worklist page
   query (what ``/workbench/workflow/`` runs: the selector, the paginator's count, one page of rows and their
   subject descriptions) across departments, scopes and sorts.

Prints rates, p50/p99 latencies, the ratio to the baseline and to the targets, and where the CPU went.
"""

from __future__ import annotations

import argparse
import base64
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
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from cpumeter import CpuMeter  # noqa: E402 (bench/ is not a package)
from processes import stop  # noqa: E402

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = os.environ.get("YIWANG_BENCH_DB", "yiwang_bench_intake")
DB_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
MATTER = "PD-SCJGJ-0002"
DEPARTMENTS = ("PD-SCJGJ", "PD-SWJ", "PD-TJJ")
PASSWORD = "Bench-Intake-2026!" + secrets.token_hex(4)
TARGET_SUBMISSIONS = 150
TARGET_COMPLETIONS = 300
TARGET_WORKLIST_P95_MS = 50
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MATERIALS = ("registration_application", "articles", "shareholder_identity", "officers", "premises")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", HOST, "-U", "postgres", "-d", database, "-qAtc", sql],  # noqa: S603, S607
                          check=True, capture_output=True, text=True, timeout=3600).stdout


def environment(media: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "yiwang.settings.production",
        "DATABASE_URL": f"{DB_URL}?server_side_binding=true",
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "YIWANG_SSL_REDIRECT": "0",  # plain http on the loopback interface; no proxy in front
        "YIWANG_MEDIA_ROOT": str(media),
        "YIWANG_LOG_LEVEL": "ERROR",
        "YIWANG_ALLOWED_HOSTS": HOST,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)]),
    })
    return env


def id_number(n: int) -> str:
    """A resident identity number with a valid check digit (born 1980-01-01 + n days, Pudong)."""
    import datetime as dt

    born = dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000)
    body = f"310115{born:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def prepare(n_citizens: int, handlers_per_department: int) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    """Demo departments and matters; citizens (assurance 2); handlers with a known authenticator key."""
    import django

    django.setup()
    from django.db import connections

    from yiwang.audit.public import system_actor
    from yiwang.catalog.demo import demo_matters_load
    from yiwang.identity import services as identity
    from yiwang.identity.demo import demo_data_load
    from yiwang.identity.models import AssuranceLevel, Organisation, Role, User
    from yiwang.identity.otp import totp_device_install

    with system_actor("cli:bench-intake"):
        demo_data_load()
        demo_matters_load()
        citizens = []
        for n in range(n_citizens):
            user = identity.citizen_register(username=f"bench_citizen_{n}", password=PASSWORD,
                                             real_name=f"测试{n}", id_number=id_number(n), phone="")
            citizens.append(user.username)
        User.objects.filter(username__in=citizens).update(assurance_level=AssuranceLevel.REGISTRY_VERIFIED)
        handlers: dict[str, list[tuple[str, str]]] = {}
        for code in DEPARTMENTS:
            org = Organisation.objects.get(code=code)
            for n in range(handlers_per_department):
                user = identity.staff_create(username=f"bench_{code.lower()}_{n}", password=PASSWORD,
                                             real_name=f"办理{n}", organisation=org, roles=[Role.HANDLER])
                key = secrets.token_hex(20)
                totp_device_install(user=user, key_hex=key)
                handlers.setdefault(code, []).append((user.username, key))
    connections.close_all()
    return citizens, handlers


def totp_now(key_hex: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0).token():06d}"


# --- a small HTTP/1.1 client: one kept-alive socket, a cookie jar, the CSRF token of the session -----------

class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.sock: socket.socket | None = None

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
                ) -> tuple[int, dict[str, str], bytes]:
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection((HOST, self.port), timeout=60)
                self.sock.sendall(raw)
                return self._read()
            except (OSError, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read(self) -> tuple[int, dict[str, str], bytes]:
        assert self.sock is not None
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the headers")
            data += chunk
        header, payload = data.split(b"\r\n\r\n", 1)
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(": ")
            if name.lower() == "set-cookie":
                cookie, _, _attrs = value.partition(";")
                k, _, v = cookie.partition("=")
                if v and "max-age=0" not in value.lower():
                    self.cookies[k.strip()] = v.strip().strip('"')
                else:
                    self.cookies.pop(k.strip(), None)
            fields[name.lower()] = value
        length = int(fields.get("content-length", "0"))
        while len(payload) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the body")
            payload += chunk
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, fields, payload

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def form_token(self, path: str) -> str:
        import re

        status, _fields, page = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or found is None:
            raise RuntimeError(f"no form at {path}: {status}")
        return found.group(1).decode()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        import urllib.parse

        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def log_in(self, username: str, totp_key: str | None = None) -> None:
        token = self.form_token("/accounts/login/")
        status, fields, _ = self.post_form("/accounts/login/", {"csrfmiddlewaretoken": token, "username": username,
                                                                "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {username}: {status}")
        if totp_key is not None:
            token = self.form_token("/accounts/otp/verify/")
            status, fields, _ = self.post_form("/accounts/otp/verify/", {"csrfmiddlewaretoken": token,
                                                                        "code": totp_now(totp_key)})
            if status != 302 or "otp" in fields.get("location", ""):
                raise RuntimeError(f"second factor of {username}: {status} {fields.get('location')}")
        if "sessionid" not in self.cookies or "csrftoken" not in self.cookies:
            raise RuntimeError(f"no session for {username}: {sorted(self.cookies)}")

    def api(self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None,
            ) -> tuple[int, bytes, float]:
        body = json.dumps(payload).encode() if payload is not None else b""
        all_headers = {"X-CSRFToken": self.cookies["csrftoken"], "Accept": "application/json"}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        started = time.perf_counter()
        try:
            status, _fields, answer = self.request(method, path, body, all_headers)
        except OSError as exc:
            status, answer = 0, str(exc).encode()
        return status, answer, time.perf_counter() - started


class Phase:
    """Runs one callable per client in threads; collects latencies and errors."""

    def __init__(self, name: str, unit: str, meter: CpuMeter) -> None:
        self.name, self.unit, self.meter = name, unit, meter
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()
        self.units = 0

    def record(self, status: int, answer: bytes, elapsed: float, ok: tuple[int, ...] = (200, 201)) -> bool:
        with self.lock:
            if status in ok:
                self.latencies.append(elapsed)
                return True
            key = f"{status} {answer[:160]!r}"
            self.errors[key] = self.errors.get(key, 0) + 1
            return False

    def done(self, n: int = 1) -> None:
        with self.lock:
            self.units += n

    def run(self, jobs: list[Any], work: Any) -> dict[str, float]:
        before = self.meter.snapshot()
        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(self, job)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        after = self.meter.snapshot()
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        rate = self.units / elapsed if elapsed else 0.0
        requests = len(self.latencies) / elapsed if elapsed else 0.0
        print(f"{self.name:<17} {self.units:>6} {self.unit}s in {elapsed:5.1f} s = {rate:7.1f} {self.unit}s/s "
              f"({requests:6.1f} requests/s)   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
              f"errors {sum(self.errors.values())}")
        print(CpuMeter.report(before, after, self.units, self.unit))
        for error, count in self.errors.items():
            print(f"    {count} × {error}")
        return {"rate": rate, "p50": p50, "p99": p99}


def submission_payload(n: int) -> dict[str, Any]:
    content = base64.b64encode(PDF).decode()
    return {
        "matter": MATTER,
        "form": {"company_name": f"浦东基准测试{n}有限公司", "enterprise_type": "llc", "registered_capital": 100,
                 "address": "浦东新区世纪大道100号", "business_scope": "软件开发；信息技术咨询服务",
                 "legal_representative": "张三", "legal_representative_id": "11010519491231002X",
                 "employees": 5, "foreign_capital": False, "contact_phone": "13800138000"},
        "materials": [{"requirement": code, "name": f"{code}.pdf", "content_base64": content} for code in MATERIALS],
    }


# --- a million applications, set-wise ------------------------------------------------------------------

def generate_million(total: int, batch: int = 20_000) -> None:
    """``total`` applications of the last two years, each with a process instance and three department tasks
    (with their clocks) spread over every department; one case in twenty still being handled."""
    from django.db import connection

    try:
        from tqdm import tqdm
    except ImportError:  # a plain progress line instead
        tqdm = None  # noqa: N806

    with connection.cursor() as c:
        c.execute("SELECT id FROM identity_organisation WHERE kind = 'department' ORDER BY code")
        departments = [r[0] for r in c.fetchall()]
        c.execute("SELECT v.id, d.id FROM catalog_matterversion v JOIN catalog_matter m ON m.id = v.matter_id "
                  "JOIN workflow_processdefinition d ON d.id = v.process_id WHERE m.code = %s", [MATTER])
        version_id, definition_id = c.fetchone()
        c.execute("SELECT id FROM identity_user WHERE username LIKE 'bench_citizen_%%' ORDER BY id")
        citizens = [r[0] for r in c.fetchall()]
        c.execute("SELECT u.id, s.organisation_id FROM identity_user u JOIN identity_staffrole s ON s.user_id = u.id "
                  "WHERE s.role = 'handler' ORDER BY u.id")
        handler_of: dict[int, int] = {}
        for user_id, org_id in c.fetchall():
            handler_of.setdefault(org_id, user_id)
        offsets = {}
        for table in ("intake_application", "workflow_processinstance", "workflow_departmenttask", "core_clock"):
            c.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608 (constant names)
            offsets[table] = c.fetchone()[0]
    n_dep = len(departments)
    dep_array = "ARRAY[" + ",".join(map(str, departments)) + "]::bigint[]"
    handler_array = "ARRAY[" + ",".join(str(handler_of.get(d, citizens[0])) for d in departments) + "]::bigint[]"
    citizen_array = "ARRAY[" + ",".join(map(str, citizens)) + "]::bigint[]"
    a0, i0 = offsets["intake_application"], offsets["workflow_processinstance"]
    t0, c0 = offsets["workflow_departmenttask"], offsets["core_clock"]
    # g: 0 … total-1; the newest is g = total-1. One case in twenty (g % 20 = 0) is still running: its first
    # task unclaimed, its second claimed by the department's first handler, its third done.
    sql = f"""
    WITH s AS (
        SELECT g, now() - ((%(total)s - g) * interval '63 seconds') AS at, (g %% 20 = 0) AS running,
               ({citizen_array})[1 + g %% {len(citizens)}] AS citizen
        FROM generate_series(%(lo)s, %(hi)s - 1) AS g
    ), t AS (
        SELECT s.*, k, ({dep_array})[1 + ((g * 13) %% {n_dep} + k * (1 + g %% 5)) %% {n_dep}] AS dep,
               ({handler_array})[1 + ((g * 13) %% {n_dep} + k * (1 + g %% 5)) %% {n_dep}] AS handler
        FROM s CROSS JOIN generate_series(0, 2) AS k
    ), clocks AS (
        INSERT INTO core_clock (id, purpose, started_on, limit_days, state, due_on, provisional, paused_days,
                                stopped_on, created_at, updated_at)
        SELECT {c0} + 3 * g + k, 'workflow.task', at::date, 5,
               CASE WHEN running AND k < 2 THEN 'running' ELSE 'stopped' END, at::date + 7, false, 0,
               CASE WHEN running AND k < 2 THEN NULL ELSE at::date + 2 END, at, at
        FROM t RETURNING 1
    ), apps AS (
        INSERT INTO intake_application (id, number, channel, form_data, status, outcome, decisions, decided_at,
                                        status_token, idempotency_key, request_fingerprint, submitted_at,
                                        updated_at, applicant_id, submitted_by_id, version_id)
        SELECT {a0} + g, 'PB' || lpad(g::text, 14, '0'), 'api',
               jsonb_build_object('company_name', '浦东批量' || g || '有限公司', 'employees', g %% 50),
               CASE WHEN running THEN 'in_progress' ELSE 'approved' END,
               CASE WHEN running THEN '' ELSE 'approved' END, '[]'::jsonb,
               CASE WHEN running THEN NULL ELSE at + interval '2 days' END,
               md5('bench' || g), '', '', at, at, citizen, citizen, {version_id}
        FROM s RETURNING 1
    ), instances AS (
        INSERT INTO workflow_processinstance (id, subject, state, status, outcome, cancel_reason, started_at,
                                              finished_at, updated_at, definition_id, started_by_id)
        SELECT {i0} + g, 'intake.application:' || ({a0} + g), '',
               CASE WHEN running THEN 'running' ELSE 'completed' END,
               CASE WHEN running THEN '' ELSE 'approved' END, '', at,
               CASE WHEN running THEN NULL ELSE at + interval '2 days' END, at, {definition_id}, citizen
        FROM s RETURNING 1
    ), tasks AS (
        INSERT INTO workflow_departmenttask (id, role, name, bpmn_id, engine_task_id, status, decision, opinion,
                                             created_at, claimed_at, completed_at, assignee_id, clock_id,
                                             due_on, completed_by_id, organisation_id, instance_id)
        SELECT {t0} + 3 * g + k, 'handler', '并联审批', 'task_' || k, gen_random_uuid(),
               CASE WHEN running AND k = 0 THEN 'open' WHEN running AND k = 1 THEN 'claimed' ELSE 'completed' END,
               CASE WHEN running AND k < 2 THEN '' ELSE 'approved' END,
               CASE WHEN running AND k < 2 THEN '' ELSE '同意。' END,
               at, CASE WHEN running AND k = 0 THEN NULL ELSE at + interval '1 hour' END,
               CASE WHEN running AND k < 2 THEN NULL ELSE at + interval '2 days' END,
               CASE WHEN running AND k = 0 THEN NULL ELSE handler END,
               {c0} + 3 * g + k, at::date + 7,
               CASE WHEN running AND k < 2 THEN NULL ELSE handler END, dep, {i0} + g
        FROM t RETURNING 1
    )
    SELECT (SELECT count(*) FROM clocks), (SELECT count(*) FROM apps), (SELECT count(*) FROM instances),
           (SELECT count(*) FROM tasks)
    """  # noqa: S608 (numbers and arrays the script built, no input)
    started = time.perf_counter()
    bar = tqdm(total=total, unit="applications", unit_scale=True, desc="generating") if tqdm else None
    done = 0
    while done < total:
        hi = min(total, done + batch)
        with connection.cursor() as c:
            c.execute(sql, {"total": total, "lo": done, "hi": hi})
        done = hi
        if bar is not None:
            bar.update(hi - (bar.n or 0))
        else:
            print(f"\r  generating {done:>9,}/{total:,} ({100 * done / total:5.1f} %)", end="", flush=True)
    if bar is not None:
        bar.close()
    else:
        print()
    with connection.cursor() as c:
        for table in ("intake_application", "workflow_processinstance", "workflow_departmenttask", "core_clock"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    print(f"  {total:,} applications, {3 * total:,} department tasks and clocks in "
          f"{time.perf_counter() - started:.0f} s; VACUUM ANALYZE …", flush=True)
    vacuum_started = time.perf_counter()
    for table in ("intake_application", "workflow_processinstance", "workflow_departmenttask", "core_clock"):
        psql(f"VACUUM ANALYZE {table}", DB_NAME)
    print(f"  VACUUM ANALYZE in {time.perf_counter() - vacuum_started:.0f} s", flush=True)


def time_worklist(queries: int, seed: int = 4) -> dict[str, float]:
    """p50/p95 of the worklist page query across departments, scopes, sorts and pages, as the page runs it."""
    from django.db import connection, reset_queries

    from yiwang.core.public import CappedPaginator
    from yiwang.identity.models import StaffRole, User
    from yiwang.workflow import selectors
    from yiwang.workflow.registry import describe_subjects
    from yiwang.workflow.services import holds_task_role
    from yiwang.workflow.views import LIST_CAP, PAGE_SIZE

    rng = random.Random(seed)  # noqa: S311 (a reproducible mix of queries)
    handler_ids = list(StaffRole.objects.filter(role="handler").order_by("organisation_id", "user_id")
                       .distinct("organisation_id").values_list("user_id", flat=True))
    combos = [(scope, sort, page) for scope in selectors.SCOPES for sort in selectors.SCOPE_SORTS[scope]
              for page in (1, 1, 3)]
    timings: dict[tuple[str, str], list[float]] = {}
    everything: list[float] = []
    statements: list[int] = []
    # a warm-up round (the first query of each kind reads its index pages from disk)
    for n in range(queries + len(combos)):
        scope, sort, page_number = combos[n % len(combos)]
        user_id = rng.choice(handler_ids)
        connection.force_debug_cursor = True
        reset_queries()
        started = time.perf_counter()
        user = User.objects.get(pk=user_id)  # a fresh user, as a request has: its roles are not cached yet
        _orgs, tasks = selectors.access_worklist(user=user, scope=scope, sort=sort)
        page = CappedPaginator(tasks, PAGE_SIZE, cap=LIST_CAP).get_page(page_number)
        subjects = describe_subjects(t.instance.subject for t in page.object_list)  # as the view does
        rows = [(t, subjects[t.instance.subject], holds_task_role(user, t)) for t in page.object_list]
        elapsed = time.perf_counter() - started
        statements.append(len(connection.queries))
        connection.force_debug_cursor = False
        assert rows is not None
        if n >= len(combos):
            timings.setdefault((scope, sort), []).append(elapsed)
            everything.append(elapsed)
    lat = sorted(everything)
    p50 = statistics.median(lat) * 1000
    p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
    print(f"worklist page      {len(lat)} queries over {len(handler_ids)} departments: p50 {p50:6.1f} ms   "
          f"p95 {p95:6.1f} ms   max {lat[-1] * 1000:6.1f} ms   statements per page "
          f"{min(statements)}–{max(statements)}")
    for (scope, sort), values in sorted(timings.items()):
        values.sort()
        print(f"    scope {scope:<9} sort {sort:<6}  n {len(values):>3}  p50 {statistics.median(values) * 1000:6.1f} ms"
              f"  p95 {values[min(len(values) - 1, int(len(values) * 0.95))] * 1000:6.1f} ms")
    return {"p50": p50, "p95": p95}


def main() -> int:  # noqa: C901, PLR0915 (one script, phases in order)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync worker processes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent citizens and handlers per department")
    parser.add_argument("--submissions", type=int, default=1200, help="applications to submit through the API")
    parser.add_argument("--baseline", type=int, default=2000, help="baseline requests")
    parser.add_argument("--applications", type=int, default=1_000_000, help="applications for the worklist phase")
    parser.add_argument("--queries", type=int, default=200, help="worklist queries to time")
    parser.add_argument("--skip-http", action="store_true", help="only the worklist phase")
    parser.add_argument("--skip-million", action="store_true", help="no worklist phase")
    parser.add_argument("--profile", action="store_true", help="gunicorn workers write cProfile files to a temp dir")
    parser.add_argument("--keep-db", action="store_true", help="leave the database for inspection")
    parser.add_argument("--time-only", action="store_true",
                        help="only time the worklist again on a database an earlier --keep-db run left")
    args = parser.parse_args()

    port = free_port()
    media = Path(tempfile.mkdtemp(prefix="yiwang-bench-intake-"))
    os.environ.update(environment(media))
    keys = Path(tempfile.gettempdir()) / f"{DB_NAME}.keys.json"  # a kept database's throw-away keys
    key_names = ("YIWANG_SECRET_KEY", "YIWANG_FIELD_ENCRYPTION_KEYS", "YIWANG_BLIND_INDEX_KEY")
    if args.time_only:
        os.environ.update(json.loads(keys.read_text()))
    elif args.keep_db:
        keys.write_text(json.dumps({k: os.environ[k] for k in key_names}))
        keys.chmod(0o600)
    sys.path.insert(0, str(ROOT / "src"))
    if args.time_only:
        import django

        django.setup()
        count = psql("SELECT count(*) FROM intake_application", DB_NAME).strip()
        print(f"worklist of {DB_NAME} as it is ({count} applications)", flush=True)
        result = time_worklist(args.queries)
        print(f"worklist p95 {result['p95']:.1f} ms; target < {TARGET_WORKLIST_P95_MS} ms: "
              f"{'met' if result['p95'] < TARGET_WORKLIST_P95_MS else 'NOT met'}")
        media.rmdir()
        return 0
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    server = worker = None
    try:
        print(f"migrating {DB_NAME} …", flush=True)
        subprocess.run([str(VENV_BIN / "yiwang"), "migrate", "--noinput", "-v", "0"],  # noqa: S603
                       check=True, timeout=900)
        psql("CREATE TABLE bench_intake_baseline (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
             "user_id bigint NOT NULL REFERENCES identity_user (id), body text NOT NULL, "
             "created_at timestamptz NOT NULL)", DB_NAME)
        citizens, handlers = prepare(args.clients, args.clients)
        from django.db import connections

        if not args.skip_http:
            gunicorn = [str(VENV_BIN / "gunicorn"), "yiwang.wsgi:application", "--bind", f"{HOST}:{port}",
                        "--workers", str(args.workers), "--log-level", "warning", "--timeout", "120"]
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench_settings")
            if args.profile:
                profile_dir = Path(tempfile.mkdtemp(prefix="yiwang-bench-intake-profile-"))
                env["YIWANG_BENCH_PROFILE_DIR"] = str(profile_dir)
                gunicorn += ["--config", str(HERE / "profile_conf.py")]
                print(f"profiles in {profile_dir}")
            server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
            # the events worker sends the notices' e-mail and SMS copies (ADR 0017), as in a deployment
            worker = subprocess.Popen([str(VENV_BIN / "yiwang"), "events", "work"], cwd=ROOT, env=env,  # noqa: S603
                                      start_new_session=True, stdout=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)
            meter = CpuMeter({"gunicorn": server.pid, "events worker": worker.pid}, [DB_NAME])
            print("logging the clients in …", flush=True)
            citizen_clients = []
            for username in citizens:
                http = Http(port)
                http.log_in(username)
                citizen_clients.append(http)
            handler_clients: dict[str, list[Http]] = {}
            for code, staff in handlers.items():
                for username, key in staff:
                    http = Http(port)
                    http.log_in(username, key)
                    handler_clients.setdefault(code, []).append(http)
            # warm every worker: imports, the matter's process, the connection
            for n, http in enumerate(citizen_clients * 2):
                http.api("POST", "/bench/baseline/", {"warm": n})
                status, answer, _ = http.api("POST", "/api/v1/applications", submission_payload(-n - 1),
                                             {"Idempotency-Key": str(uuid.uuid4())})
                if status != 201:
                    raise RuntimeError(f"warm-up submission: {status} {answer[:300]!r}")
            from yiwang.workflow.models import DepartmentTask

            warm_tasks = set(DepartmentTask.objects.values_list("pk", flat=True))
            connections.close_all()

            print(f"\nyiwang intake — gunicorn {args.workers} sync workers, {args.clients} citizens and "
                  f"{args.clients} handlers per department, {os.cpu_count()} CPUs, PostgreSQL\n")

            def baseline_work(phase: Phase, job: tuple[Http, int]) -> None:
                http, n = job
                for i in range(n):
                    status, answer, elapsed = http.api("POST", "/bench/baseline/", {"n": i})
                    if phase.record(status, answer, elapsed):
                        phase.done()

            per_client = [args.baseline // args.clients + (1 if i < args.baseline % args.clients else 0)
                          for i in range(args.clients)]
            base = Phase("baseline", "insert", meter).run(list(zip(citizen_clients, per_client, strict=True)),
                                                          baseline_work)

            counter = iter(range(10**9))
            counter_lock = threading.Lock()

            def submit_work(phase: Phase, job: tuple[Http, int]) -> None:
                http, n = job
                for _ in range(n):
                    with counter_lock:
                        number = next(counter)
                    status, answer, elapsed = http.api("POST", "/api/v1/applications",
                                                       submission_payload(number),
                                                       {"Idempotency-Key": str(uuid.uuid4())})
                    if phase.record(status, answer, elapsed, ok=(201,)):
                        phase.done()

            per_client = [args.submissions // args.clients + (1 if i < args.submissions % args.clients else 0)
                          for i in range(args.clients)]
            sub = Phase("submissions", "submission", meter).run(
                list(zip(citizen_clients, per_client, strict=True)), submit_work)

            jobs = []
            for code, clients in handler_clients.items():
                ids = list(DepartmentTask.objects.filter(organisation__code=code, status="open")
                           .exclude(pk__in=warm_tasks).order_by("pk").values_list("pk", flat=True))
                jobs += [(http, ids[i::len(clients)]) for i, http in enumerate(clients)]
            connections.close_all()

            def complete_work(phase: Phase, job: tuple[Http, list[int]]) -> None:
                http, ids = job
                for pk in ids:
                    status, answer, elapsed = http.api("POST", f"/api/v1/workflow/tasks/{pk}/claim")
                    if not phase.record(status, answer, elapsed):
                        continue
                    status, answer, elapsed = http.api("POST", f"/api/v1/workflow/tasks/{pk}/approve",
                                                       {"opinion": "材料齐全，同意。"})
                    if phase.record(status, answer, elapsed):
                        phase.done()

            comp = Phase("task completions", "completion", meter).run(jobs, complete_work)
            print("    (a completion is two requests: claim, then approve with an opinion; latencies are per request)")
            from yiwang.intake.models import Application

            finished = Application.objects.filter(status="approved").count()
            print(f"    cases approved after their three departments: {finished} of "
                  f"{Application.objects.count()} (warm-up cases included)")
            from django.db.models import Count

            from yiwang.notifications.models import Delivery

            states = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
            print(f"    notices' e-mail and SMS copies, by the events worker: {states} (pending: not sent yet)")
            connections.close_all()

            print(f"\nsubmissions/s {sub['rate']:.1f} = {sub['rate'] / base['rate']:.2f}× the baseline's "
                  f"{base['rate']:.1f} inserts/s; target {TARGET_SUBMISSIONS}/s: "
                  f"{'met' if sub['rate'] >= TARGET_SUBMISSIONS else 'NOT met'} "
                  f"({sub['rate'] / TARGET_SUBMISSIONS:.2f}×)")
            print(f"task completions/s {comp['rate']:.1f} = {comp['rate'] / base['rate']:.2f}× the baseline; "
                  f"target {TARGET_COMPLETIONS}/s: {'met' if comp['rate'] >= TARGET_COMPLETIONS else 'NOT met'} "
                  f"({comp['rate'] / TARGET_COMPLETIONS:.2f}×)")
            stop(server)
            stop(worker)
            server = worker = None

        if not args.skip_million:
            print(f"\nworklist with {args.applications:,} more applications", flush=True)
            generate_million(args.applications)
            result = time_worklist(args.queries)
            print(f"worklist p95 {result['p95']:.1f} ms; target < {TARGET_WORKLIST_P95_MS} ms: "
                  f"{'met' if result['p95'] < TARGET_WORKLIST_P95_MS else 'NOT met'}")
        connections.close_all()
        return 0
    finally:
        stop(server)
        stop(worker)
        if not args.keep_db:
            time.sleep(0.5)
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        for f in sorted(media.rglob("*"), reverse=True):
            f.rmdir() if f.is_dir() else f.unlink()
        media.rmdir()


if __name__ == "__main__":
    sys.exit(main())
