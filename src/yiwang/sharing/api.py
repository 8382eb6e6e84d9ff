"""sharing's JSON API, mounted at /api/v1/ by yiwang.api (session auth, like the other apps' APIs).

    GET  /api/v1/sharing/resources?q=人口          the catalogue the user may see
    GET  /api/v1/sharing/resources/{id}            one resource with its fields
    POST /api/v1/sharing/requests                  {"resource": id, "fields": [...], "purpose": ..., "legal_basis": ...}
    POST /api/v1/sharing/requests/{id}/answer      {"grant": true|false, "reasons": ...} (the provider's steward)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from yiwang.core.public import NotFound

from . import selectors, services
from .models import Resource, SharingRequest

router = Router(tags=["sharing"])


class FieldOut(Schema):
    name: str
    label: str
    type: str
    length: int


class ResourceOut(Schema):
    id: int
    code: str
    name: str
    provider: str
    classification: str
    sharing_type: str
    legal_basis: str
    conditions: str
    open_attribute: str
    update_cycle: str
    service: str | None
    status: str
    fields: list[FieldOut]


class RequestIn(Schema):
    resource: int
    fields: list[str]
    purpose: str = Field(..., max_length=2000)
    legal_basis: str = ""
    consumer_member: str = Field("", max_length=200, description="Identifier of your department's exchange member "
                                 "that will call the service (INSTANCE/CLASS/MEMBER_CODE/SUBSYSTEM); its first "
                                 "when empty.")


class AnswerIn(Schema):
    grant: bool
    reasons: str = ""


class RequestOut(Schema):
    id: int
    resource: str
    consumer: str
    fields: list[str]
    status: str
    due_on: date | None
    answered_at: datetime | None
    reasons: str


def _resource_out(r: Resource) -> dict[str, Any]:
    return {"id": r.pk, "code": r.code, "name": r.name, "provider": r.provider.code,
            "classification": r.classification, "sharing_type": r.sharing_type, "legal_basis": r.legal_basis,
            "conditions": r.conditions, "open_attribute": r.open_attribute, "update_cycle": r.update_cycle,
            "service": r.service.code if r.service else None, "status": r.status,
            "fields": [{"name": f.name, "label": f.label, "type": f.data_type, "length": f.length}
                       for f in r.fields.all()]}


def _request_out(req: SharingRequest) -> dict[str, Any]:
    return {"id": req.pk, "resource": req.resource.code, "consumer": req.consumer.code, "fields": req.fields,
            "status": req.status, "due_on": req.clock.due_on if req.clock else None,
            "answered_at": req.answered_at, "reasons": req.answer_reasons}


@router.get("/sharing/resources", response=list[ResourceOut], summary="The sharing catalogue")
def resources(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    qs = selectors.access_catalogue(user=request.user, query=q[:100]).prefetch_related("fields")
    return [_resource_out(r) for r in qs[:500]]


@router.get("/sharing/resources/{pk}", response=ResourceOut, summary="One resource of the catalogue")
def resource(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _resource_out(selectors.access_resource(user=request.user, pk=pk))


@router.post("/sharing/requests", response={201: RequestOut}, summary="Request a resource for your department")
def request_submit(request: HttpRequest, body: RequestIn) -> Status:
    found = selectors.access_resource(user=request.user, pk=body.resource)
    req = services.request_submit(user=request.user, resource=found, fields=body.fields, purpose=body.purpose,
                                  legal_basis=body.legal_basis, consumer_member=body.consumer_member)
    return Status(201, _request_out(req))


@router.post("/sharing/requests/{pk}/answer", response=RequestOut, summary="Grant or refuse a request")
def request_answer(request: HttpRequest, pk: int, body: AnswerIn) -> dict[str, Any]:
    req = SharingRequest.objects.select_related("resource__provider").filter(pk=pk).first()
    if req is None:
        raise NotFound(_("No such request."))
    return _request_out(services.request_answer(user=request.user, request=req, grant=body.grant,
                                                reasons=body.reasons))
