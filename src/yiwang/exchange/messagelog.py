"""The message log: every gateway call as request and response entries, hash-chained and signed (ADR 0019).

Chained exactly like the audit chain (``yiwang.audit``): each entry stores ``prev_hash`` and
``hash = SHA-256(canonical JSON of its fields + prev_hash)``; a single head row, locked with
``select_for_update()`` (on SQLite the IMMEDIATE transaction already holds the write lock), serialises appends
and remembers the end so a cut tail shows. In addition the gateway signs each entry's hash with its own key
(Ed25519, certificate from the platform CA), and a response entry carries the hash of its request entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction
from django.utils import timezone

from . import pki
from .client import b64url, b64url_decode, canonical_request
from .models import Certificate, Member, MessageLogEntry, MessageLogHead

GENESIS = "0" * 64


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


def message_log_append(*, kind: str, message_id: str, outcome: str, consumer: Member | None = None,
                       consumer_identifier: str = "", provider: Member | None = None, service_code: str = "",
                       method: str = "", path: str = "", status: int | None = None, body_sha256: str = "",
                       request_hash: str = "", details: dict[str, Any] | None = None) -> MessageLogEntry:
    """Append one signed entry, inside the caller's transaction (the gateway's nonce goes in the same one).

    Raises whatever the database or the key store raises: the gateway then refuses the call (fail closed).
    """
    signer, key = pki.gateway_signer()
    # No savepoint when the caller has a transaction open: a failure rolls back the caller's whole transaction
    # (the gateway's nonce with it), which is what fail-closed needs.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        seq, prev_hash = _claim_head(cursor)
        entry = MessageLogEntry(
            seq=seq, at=timezone.now(), kind=kind, message_id=message_id, consumer=consumer,
            consumer_identifier=consumer_identifier[:200], provider=provider, service_code=service_code[:64],
            method=method[:10], path=path[:1000], status=status, outcome=outcome[:40], body_sha256=body_sha256,
            request_hash=request_hash, details=_jsonable(details or {}), signer=signer, prev_hash=prev_hash,
        )
        entry.hash = compute_hash(entry)
        entry.signature = b64url(key.sign(entry.hash.encode()))
        insert_entry(cursor, entry)
    return entry


# The gateway's hot path, in plain statements: the ORM's model machinery cost more CPU than the statements, and
# every round trip made while the head row is locked is paid by every other call waiting for it
# (bench/exchange/README.md). Values are prepared by each model field, as save() would.
ENTRY_TABLE = MessageLogEntry._meta.db_table
HEAD_TABLE = MessageLogHead._meta.db_table
_ENTRY_FIELDS = [f for f in MessageLogEntry._meta.concrete_fields if not f.primary_key]


def _claim_head(cursor: Any) -> tuple[int, str]:
    """Lock the head row and take the next sequence number, in one statement: (new seq, previous hash).

    The UPDATE takes the row lock as ``SELECT … FOR UPDATE`` would (on SQLite the IMMEDIATE transaction already
    holds the write lock); the hash is moved by ``insert_entry`` in the same transaction.
    """
    sql = f"UPDATE {HEAD_TABLE} SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash"  # noqa: S608
    cursor.execute(sql)
    row = cursor.fetchone()
    if row is None:  # the migration creates the row; a database restored without it gets it back here
        MessageLogHead.objects.get_or_create(pk=1)
        cursor.execute(sql)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def insert_entry(cursor: Any, entry: MessageLogEntry) -> None:
    """Insert the entry and move the head's hash to it (one statement on PostgreSQL)."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _ENTRY_FIELDS)
    placeholders = ", ".join(["%s"] * len(_ENTRY_FIELDS))
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _ENTRY_FIELDS]
    insert = f"INSERT INTO {ENTRY_TABLE} ({columns}) VALUES ({placeholders})"  # noqa: S608 (our columns)
    move = f"UPDATE {HEAD_TABLE} SET last_hash = %s WHERE id = 1"  # noqa: S608 (our table)
    if connection.vendor == "postgresql":
        # A data-modifying WITH runs exactly once, whether or not the INSERT reads it.
        cursor.execute(f"WITH moved AS ({move}) {insert}", [entry.hash, *values])
    else:
        cursor.execute(insert, values)
        cursor.execute(move, [entry.hash])


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
