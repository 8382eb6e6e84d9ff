"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current
from .models import AuditChainHead, AuditRecord, AuditResult
from .registry import get_action

GENESIS = "0" * 64


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

    The head row is locked (``select_for_update``; on SQLite the IMMEDIATE transaction already holds
    the write lock), so concurrent writers get consecutive sequence numbers and a single chain.
    """
    get_action(action)  # raises on an unregistered action id
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        record = AuditRecord(
            seq=head.last_seq + 1,
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
            prev_hash=head.last_hash,
        )
        record.hash = compute_hash(record)
        record.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=record.seq, last_hash=record.hash)
    return record


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
