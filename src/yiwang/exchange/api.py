"""Exchange's part of the JSON API (session auth, staff): the service directory and the own message log.

Member systems read the same with signed requests at /exchange/meta/… (docs/exchange.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["exchange"])


class ServiceOut(Schema):
    code: str
    version: str
    title: str
    description: str
    provider: str
    provider_name: str
    kind: str


class ServiceDetailOut(ServiceOut):
    openapi: dict[str, Any]


def _service(service: Any) -> dict[str, Any]:
    return {"code": service.code, "version": service.version, "title": service.title,
            "description": service.description, "provider": service.provider.identifier,
            "provider_name": service.provider.name, "kind": service.kind, "openapi": service.openapi}


@router.get("/exchange/services", response=list[ServiceOut], summary="Services on the exchange")
def services(request: HttpRequest) -> list[dict[str, Any]]:
    return [_service(s) for s in selectors.access_service_directory(user=request.user)]


@router.get("/exchange/services/{code}", response=ServiceDetailOut, summary="A service and its OpenAPI document")
def service(request: HttpRequest, code: str) -> dict[str, Any]:
    return _service(selectors.access_service(user=request.user, code=code))


class MemberOut(Schema):
    id: int
    identifier: str
    name: str
    status: str


class EntryOut(Schema):
    seq: int
    at: datetime
    kind: str
    message_id: str
    consumer: str
    provider: str | None
    service: str
    method: str
    path: str
    status: int | None
    outcome: str
    body_sha256: str
    request_hash: str
    details: dict[str, Any]
    hash: str
    prev_hash: str
    signature: str


class LogOut(Schema):
    members: list[MemberOut]
    entries: list[EntryOut]
    next_before: int | None


PAGE = 50


@router.get("/exchange/log", response=LogOut, summary="Message log entries of my department's members")
def log(request: HttpRequest, member: int | None = None, before: int | None = None) -> dict[str, Any]:
    members, entries = selectors.access_member_log(user=request.user, member_id=member)
    if before is not None:
        entries = entries.filter(seq__lt=before)
    page = list(entries[:PAGE])
    return {
        "members": [{"id": m.pk, "identifier": m.identifier, "name": m.name, "status": m.status} for m in members],
        "entries": [{"seq": e.seq, "at": e.at, "kind": e.kind, "message_id": e.message_id,
                     "consumer": e.consumer_identifier, "provider": e.provider.identifier if e.provider else None,
                     "service": e.service_code, "method": e.method, "path": e.path, "status": e.status,
                     "outcome": e.outcome, "body_sha256": e.body_sha256, "request_hash": e.request_hash,
                     "details": {k: v for k, v in e.details.items() if k != "consumer_signature"},
                     "hash": e.hash, "prev_hash": e.prev_hash, "signature": e.signature} for e in page],
        "next_before": page[-1].seq if len(page) == PAGE else None,
    }
