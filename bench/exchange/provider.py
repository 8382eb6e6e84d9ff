"""The benchmark's provider: a department system that answers one legal-person record from PostgreSQL as JSON.

A plain WSGI application (no Django), so that the direct calls measure the provider and nothing else:
``GET /persons/<credit code>`` → one indexed row of ``bench_person`` in ``$BENCH_PROVIDER_DB``.
``$BENCH_PROVIDER_MS`` (default 0) adds that much waiting per call, for a provider that is slower than one query.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

_local = threading.local()
DELAY = float(os.environ.get("BENCH_PROVIDER_MS", "0")) / 1000


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["BENCH_PROVIDER_DB"], autocommit=True)
        _local.conn = conn
    return conn


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    code = path.rsplit("/", 1)[-1]
    row = _connection().execute(
        "SELECT credit_code, name, legal_representative, registered_address, status, industry "
        "FROM bench_person WHERE credit_code = %s", (code,)).fetchone()
    if DELAY:
        time.sleep(DELAY)
    if row is None:
        body, status = b'{"error": "not found"}', "404 Not Found"
    else:
        keys = ("credit_code", "name", "legal_representative", "registered_address", "status", "industry")
        body, status = json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False).encode(), "200 OK"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
