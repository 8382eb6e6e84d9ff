"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import signals
from django.utils import timezone

from .context import current
from .models import AuditChainHead, AuditRecord, AuditResult
from .registry import get_action

GENESIS = "0" * 64
DB = DEFAULT_DB_ALIAS  # the chain lives in one database, written inside the callers' transactions


def _canonical(record: AuditRecord) -> bytes:
    at = record.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = {
        "seq": record.seq,
        "at": at,
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "on_behalf_of": record.on_behalf_of,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "result": record.result,
        "client_ip": record.client_ip,
        "details": record.details,
        "prev_hash": record.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(record: AuditRecord) -> str:
    return hashlib.sha256(_canonical(record)).hexdigest()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_name: str = "",
    on_behalf_of: str = "",
    obj: models.Model | None = None,
    result: str = AuditResult.SUCCESS,
    details: dict[str, Any] | None = None,
    client_ip: str | None = None,
) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction.

    The head row is locked (``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction already holds
    the write lock), so concurrent writers get consecutive sequence numbers and a single chain.

    Three statements in the usual case (lock and read the head, insert, move the head; on PostgreSQL the
    last two are one) and no savepoint of its own: inside a caller's transaction the record stands or
    falls with it — if anything here fails, that transaction can only roll back (Django marks it so),
    which is what a record of the caller's change needs. Called outside a transaction, the block is a
    transaction of its own. The head is read and moved, and the record inserted, with plain SQL: this
    runs on every audited action, and the ORM's query building cost more than the statements themselves
    (bench/oidc).
    """
    get_action(action)  # raises on an unregistered action id
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic(using=DB, savepoint=False):
        head = _lock_head()
        if head is None:  # the very first record of this database
            AuditChainHead.objects.using(DB).get_or_create(pk=1)
            head = _lock_head()
            if head is None:
                raise RuntimeError("the audit chain head could not be created")
        last_seq, last_hash = head
        record = AuditRecord(
            seq=last_seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_name=actor_name or (actor.get_username() if actor is not None else current.get().system_actor),
            on_behalf_of=on_behalf_of,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            result=str(result),
            client_ip=client_ip if client_ip is not None else current.get().client_ip,
            details=_jsonable(details or {}),
            prev_hash=last_hash,
        )
        record.hash = compute_hash(record)
        _append(record)
    return record


def _append(record: AuditRecord) -> None:
    """INSERT the new record and move the head to it (inside the caller's transaction, head locked).

    ``record.save()`` without the query compiler: each field is prepared as the ORM would. On PostgreSQL the
    insert and the head update are one statement (a data-modifying CTE), one round trip instead of two.
    """
    connection = connections[DB]
    move_head = f"UPDATE {_head_table()} SET last_seq = %s, last_hash = %s WHERE id = 1"  # noqa: S608
    if signals.pre_save.has_listeners(AuditRecord) or signals.post_save.has_listeners(AuditRecord):
        record.save(using=DB)  # nobody's signal is skipped
        with connection.cursor() as cursor:
            cursor.execute(move_head, [record.seq, record.hash])
        return
    meta = AuditRecord._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    insert = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
              f"VALUES ({', '.join(['%s'] * len(fields))})")  # identifiers from the model's metadata
    params = [f.get_db_prep_save(f.pre_save(record, True), connection) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pk = qn(meta.pk.column)
            cursor.execute(f"WITH inserted AS ({insert} RETURNING {pk}) {move_head} "  # noqa: S608
                           f"RETURNING (SELECT {pk} FROM inserted)", [*params, record.seq, record.hash])
            record.pk = cursor.fetchone()[0]
        else:
            cursor.execute(insert, params)
            record.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
            cursor.execute(move_head, [record.seq, record.hash])
    record._state.adding = False
    record._state.db = DB


def _head_table() -> str:
    return str(connections[DB].ops.quote_name(AuditChainHead._meta.db_table))


def _lock_head() -> tuple[int, str] | None:
    """The chain head's (last_seq, last_hash), locked for this transaction; None before the first record."""
    connection = connections[DB]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: BEGIN IMMEDIATE locks
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {_head_table()} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database will give back.
    return dict(json.loads(json.dumps(details, ensure_ascii=False, default=str)))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def audit_chain_verify() -> ChainReport:
    """Walk the chain from the start; report the first record altered, deleted or inserted."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"record #{expected_seq} is missing (next present is #{record.seq})")
        if record.prev_hash != expected_prev:
            return ChainReport(False, checked, record.seq,
                               f"record #{record.seq} does not link to record #{record.seq - 1}")
        if compute_hash(record) != record.hash:
            return ChainReport(False, checked, record.seq, f"record #{record.seq} was altered")
        expected_prev = record.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return ChainReport(False, checked, checked + 1,
                           f"the chain ends at #{checked} but its head records #{head.last_seq}")
    return ChainReport(True, checked)
