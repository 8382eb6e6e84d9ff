"""The message log: every gateway call as request and response entries, hash-chained and signed (ADR 0019).

Chained like the audit chain (``yiwang.audit``): each entry stores ``prev_hash`` and
``hash = SHA-256(canonical JSON of its fields + prev_hash)``; a single head row remembers the end so a cut tail
shows, and no two entries can link to the same one. On PostgreSQL an append is one statement that moves the head
only if it is still where the entry links to (compare-and-set, ADR 0030) — no transaction held across round trips —
and the processes of one server take turns on a lock file that remembers the head, so their guesses are right;
on SQLite the IMMEDIATE transaction holds the write lock. In addition the gateway signs each entry's hash with its
own key (Ed25519, certificate from the platform CA), and a response entry carries the hash of its request entry.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from . import pki
from .client import b64url, b64url_decode, canonical_request
from .models import Certificate, Member, MessageLogEntry, MessageLogHead, UsedNonce

GENESIS = "0" * 64
logger = logging.getLogger(__name__)


def _canonical(entry: MessageLogEntry) -> bytes:
    at = entry.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = {
        "seq": entry.seq,
        "at": at,
        "kind": entry.kind,
        "message_id": entry.message_id,
        "consumer_id": entry.consumer_id,
        "consumer_identifier": entry.consumer_identifier,
        "provider_id": entry.provider_id,
        "service_code": entry.service_code,
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
        "outcome": entry.outcome,
        "body_sha256": entry.body_sha256,
        "request_hash": entry.request_hash,
        "details": entry.details,
        "signer_id": entry.signer_id,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: MessageLogEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database will give back.
    return dict(json.loads(json.dumps(details, ensure_ascii=False, default=str)))


class NonceUsed(Exception):
    """The request's nonce was recorded before: the request is a replay (nothing was written)."""


NONCE_TABLE = UsedNonce._meta.db_table
NONCE_CONSTRAINT = "exchange_nonce_once"
# Appends that lose the race for the head this many times in a row take its row lock instead (always succeeds).
OPTIMISTIC_TRIES = 5


class _HostTurn:
    """Appends from every process of this server take turns on a lock file that also holds the head the last
    one wrote, so the next one's guess is right: without it, server processes kept losing the compare-and-set
    to each other (ADR 0030). Several servers still race, and the compare-and-set decides between them.

    Only for appends outside a transaction: inside one, the head's row stays locked until the caller commits,
    and waiting for this file while holding that row could deadlock with a process that holds the file and
    waits for the row.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory  # default: settings.VAR_DIR, read when first used
        self._threads = threading.Lock()  # flock excludes processes; the threads of one process share its file
        self._file: BinaryIO | None = None
        self._pid = 0

    def _open(self) -> BinaryIO | None:
        if self._file is None or self._pid != os.getpid():  # a forked worker opens its own (flock is per open)
            directory = self._directory or Path(settings.VAR_DIR)
            path = directory / f"exchange-log-{connection.settings_dict['NAME']}.head"
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._file = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
            except OSError:  # no place for the file: appends still work, the compare-and-set keeps them apart
                logger.warning("exchange: cannot open %s; message log appends will race", path, exc_info=True)
                self._file = None
            self._pid = os.getpid()
        return self._file

    @contextmanager
    def __call__(self) -> Iterator[list[tuple[int, str] | None]]:
        """Yields ``[head]`` (None if unknown); put the head you wrote in it before leaving."""
        with self._threads:
            file = self._open()
            if file is None:
                yield [None]
                return
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                file.seek(0)
                seq, _, last_hash = file.read(100).decode(errors="replace").partition(" ")
                shared = [(int(seq), last_hash) if seq.isdigit() and len(last_hash) == 64 else None]
                yield shared
                if shared[0] is not None:
                    file.seek(0)
                    file.truncate()
                    file.write(f"{shared[0][0]} {shared[0][1]}".encode())
                    file.flush()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)


_host_turn = _HostTurn()


def message_log_append(*, kind: str, message_id: str, outcome: str, consumer: Member | None = None,
                       consumer_identifier: str = "", provider: Member | None = None, service_code: str = "",
                       method: str = "", path: str = "", status: int | None = None, body_sha256: str = "",
                       request_hash: str = "", details: dict[str, Any] | None = None,
                       nonce: tuple[str, str] | None = None) -> MessageLogEntry:
    """Append one signed entry; with ``nonce`` (member identifier, nonce) record the nonce with it, atomically.

    Outside a transaction the append commits on its own; inside one it is part of the caller's. Raises
    ``NonceUsed`` for a nonce seen before (nothing written), and whatever the database or the key store raises:
    the gateway then refuses the call (fail closed).
    """
    signer, key = pki.gateway_signer()
    fields = {
        "kind": kind, "message_id": message_id, "consumer": consumer, "consumer_identifier": consumer_identifier[:200],
        "provider": provider, "service_code": service_code[:64], "method": method[:10], "path": path[:1000],
        "status": status, "outcome": outcome[:40], "body_sha256": body_sha256, "request_hash": request_hash,
        "details": _jsonable(details or {}), "signer": signer,
    }

    def after(head: tuple[int, str]) -> MessageLogEntry:
        entry = MessageLogEntry(seq=head[0] + 1, at=timezone.now(), prev_hash=head[1], **fields)
        entry.hash = compute_hash(entry)
        entry.signature = b64url(key.sign(entry.hash.encode()))
        return entry

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":  # SQLite: the IMMEDIATE transaction holds the write lock
            with transaction.atomic():
                entry = after(_read_head(cursor))
                if not insert_entry(cursor, entry, nonce):
                    raise DatabaseError("the message log head moved under its write lock")
            return entry
        if connection.in_atomic_block:
            return _append_racing(cursor, after, nonce, _read_head(cursor))
        with _host_turn() as shared:
            entry = _append_racing(cursor, after, nonce, shared[0] or _read_head(cursor))
            shared[0] = (entry.seq, entry.hash)
        return entry


def _append_racing(cursor: Any, after: Callable[[tuple[int, str]], MessageLogEntry], nonce: tuple[str, str] | None,
                   head: tuple[int, str]) -> MessageLogEntry:
    """Compare-and-set from ``head`` (a guess: a wrong one costs a round trip, never a fork, as the statement
    checks sequence number and hash); after ``OPTIMISTIC_TRIES`` lost races, under the head's row lock."""
    for _attempt in range(OPTIMISTIC_TRIES):
        entry = after(head)
        if _insert_alone(cursor, entry, nonce):
            return entry
        head = _read_head(cursor)
    with transaction.atomic():  # lost the race too often: wait for the head's row lock instead
        entry = after(_read_head(cursor, lock=True))
        if not insert_entry(cursor, entry, nonce):
            raise DatabaseError("the message log head moved under its row lock")
    return entry


# The gateway's hot path, in plain statements: the ORM's model machinery cost more CPU than the statements, and
# every round trip costs the caller latency (bench/exchange/README.md, ADR 0030). Values are prepared by each model
# field, as save() would.
ENTRY_TABLE = MessageLogEntry._meta.db_table
HEAD_TABLE = MessageLogHead._meta.db_table
_ENTRY_FIELDS = [f for f in MessageLogEntry._meta.concrete_fields if not f.primary_key]
_COLUMNS = ", ".join(connection.ops.quote_name(f.column) for f in _ENTRY_FIELDS)
_PLACEHOLDERS = ", ".join(["%s"] * len(_ENTRY_FIELDS))


def nonce_record(cursor: Any, member: str, nonce: str) -> bool:
    """Record a member's nonce; False if it was recorded before (a replay).

    ``ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite) instead of catching an IntegrityError: no savepoint, one
    statement, and the unique constraint still decides between two servers racing with the same nonce.
    """
    cursor.execute(f"INSERT INTO {NONCE_TABLE} (member, nonce, seen_at) VALUES (%s, %s, %s) "  # noqa: S608
                   "ON CONFLICT (member, nonce) DO NOTHING", [member, nonce, timezone.now()])
    return bool(cursor.rowcount == 1)


def _read_head(cursor: Any, *, lock: bool = False) -> tuple[int, str]:
    """The head's (last sequence number, last hash); ``lock`` holds its row until the transaction ends."""
    sql = f"SELECT last_seq, last_hash FROM {HEAD_TABLE} WHERE id = 1" + (" FOR UPDATE" if lock else "")  # noqa: S608
    cursor.execute(sql)
    row = cursor.fetchone()
    if row is None:  # the migration creates the row; a database restored without it gets it back here
        MessageLogHead.objects.get_or_create(pk=1)
        cursor.execute(sql)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _insert_alone(cursor: Any, entry: MessageLogEntry, nonce: tuple[str, str] | None) -> bool:
    """``insert_entry`` as one statement: its own transaction in autocommit; inside the caller's transaction, a
    savepoint when a nonce could be refused, so that the refusal leaves the caller's transaction usable."""
    if nonce is not None and connection.in_atomic_block:
        with transaction.atomic():
            return insert_entry(cursor, entry, nonce)
    return insert_entry(cursor, entry, nonce)


def insert_entry(cursor: Any, entry: MessageLogEntry, nonce: tuple[str, str] | None = None) -> bool:
    """Write the entry (and the nonce) if the head is still where the entry links to, and move the head to it.

    False if another append moved the head first (nothing written). Raises ``NonceUsed`` for a replayed nonce.
    On PostgreSQL it is one statement (a compare-and-set of the head that the inserts depend on); on SQLite the
    caller's IMMEDIATE transaction holds the write lock and the statements run one after the other.
    """
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _ENTRY_FIELDS]
    move = (f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s "  # noqa: S608 (our table)
            "WHERE id = 1 AND last_seq = %s AND last_hash = %s")
    moved = [entry.seq, entry.hash, entry.seq - 1, entry.prev_hash]
    if connection.vendor == "postgresql":
        # Data-modifying WITHs run exactly once; the inserts take their one row from the head's move, so a lost
        # race writes nothing, and a replayed nonce fails the whole statement on its unique constraint.
        record = (f", used AS (INSERT INTO {NONCE_TABLE} (member, nonce, seen_at) "  # noqa: S608 (our table)
                  "SELECT %s, %s, %s FROM moved)") if nonce is not None else ""
        seen = [*nonce, timezone.now()] if nonce is not None else []
        sql = (f"WITH moved AS ({move} RETURNING 1){record} "  # noqa: S608 (our columns)
               f"INSERT INTO {ENTRY_TABLE} ({_COLUMNS}) SELECT {_PLACEHOLDERS} FROM moved")
        try:
            cursor.execute(sql, [*moved, *seen, *values])
        except IntegrityError as exc:
            if nonce is not None and NONCE_CONSTRAINT in str(exc):
                raise NonceUsed from None
            raise
        return bool(cursor.rowcount == 1)
    if nonce is not None and not nonce_record(cursor, *nonce):
        raise NonceUsed
    cursor.execute(move, moved)
    if cursor.rowcount != 1:
        return False
    cursor.execute(f"INSERT INTO {ENTRY_TABLE} ({_COLUMNS}) VALUES ({_PLACEHOLDERS})", values)  # noqa: S608
    return True


@dataclass(frozen=True)
class LogReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def _signer_key(cache: dict[int, Ed25519PublicKey | None], signer_id: int) -> Ed25519PublicKey | None:
    if signer_id not in cache:
        cert = Certificate.objects.filter(pk=signer_id).first()
        # Valid at signing time is what matters; checked against the entry's time by the caller's order.
        cache[signer_id] = None if cert is None else pki.verified_public_key(cert, at=cert.not_before)
    return cache[signer_id]


def _consumer_signature_ok(entry: MessageLogEntry, certs: dict[str, Ed25519PublicKey | None]) -> bool:
    """A request entry keeps the member's own signature; verify it with the certificate it was made with
    (still there after a rotation or a revocation)."""
    details = entry.details
    fp, signature = details.get("consumer_cert"), details.get("consumer_signature")
    if not fp or not signature:
        return False
    if fp not in certs:
        cert = Certificate.objects.filter(fingerprint=fp).first()
        certs[fp] = None if cert is None else pki.verified_public_key(cert, at=entry.at)
    key = certs[fp]
    if key is None:
        return False
    try:
        key.verify(b64url_decode(signature), canonical_request(
            method=entry.method, target=entry.path, member=entry.consumer_identifier,
            timestamp=str(details.get("timestamp", "")), nonce=str(details.get("nonce", "")),
            body_sha256=entry.body_sha256))
    except (InvalidSignature, ValueError):
        return False
    return True


def message_log_verify() -> LogReport:
    """Walk the log from the start; report the first entry missing, altered, relinked, wrongly signed, or a
    response not bound to its request."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    signers: dict[int, Ed25519PublicKey | None] = {}
    consumer_certs: dict[str, Ed25519PublicKey | None] = {}
    open_requests: dict[str, str] = {}
    for entry in MessageLogEntry.objects.order_by("seq").iterator(chunk_size=2000):
        seq = entry.seq
        if seq != expected_seq:
            return LogReport(False, checked, expected_seq,
                             f"entry #{expected_seq} is missing (next present is #{seq})")
        if entry.prev_hash != expected_prev:
            return LogReport(False, checked, seq, f"entry #{seq} does not link to entry #{seq - 1}")
        if compute_hash(entry) != entry.hash:
            return LogReport(False, checked, seq, f"entry #{seq} was altered")
        key = _signer_key(signers, entry.signer_id)
        try:
            if key is None:
                raise InvalidSignature
            key.verify(b64url_decode(entry.signature), entry.hash.encode())
        except (InvalidSignature, ValueError):
            return LogReport(False, checked, seq, f"entry #{seq} is not signed by the gateway")
        if entry.kind == "request":
            if not _consumer_signature_ok(entry, consumer_certs):
                return LogReport(False, checked, seq, f"entry #{seq}: the member's request signature does not verify")
            open_requests[entry.message_id] = entry.hash
        elif (entry.kind == "response" or entry.request_hash) and open_requests.pop(
                entry.message_id, None) != entry.request_hash:
            # A response, or a refusal after the request was logged (provider timeout or error), answers it.
            return LogReport(False, checked, seq, f"entry #{seq} is not bound to its request entry")
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = MessageLogHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return LogReport(False, checked, checked + 1,
                         f"the log ends at #{checked} but its head records #{head.last_seq}")
    return LogReport(True, checked)
