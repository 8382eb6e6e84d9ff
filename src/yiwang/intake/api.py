"""Intake's JSON API: submit a case (with an ``Idempotency-Key``), read one's cases."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from yiwang.core.public import ValidationFailed
from yiwang.identity.public import enterprises_of

from . import selectors, services, uploads
from .models import Application, Channel

router = Router(tags=["intake"])


class MaterialIn(Schema):
    requirement: str = Field(..., max_length=40, description="Code of the material in the matter's list")
    name: str = Field("", max_length=200, description="The file's name (informative; the type is read from content)")
    content_base64: str = Field(..., description="The file, base64-encoded")


class ApplicationIn(Schema):
    matter: str = Field(..., max_length=40, description="Matter code, e.g. PD-SWJ-0001")
    form: dict[str, Any] = Field(default_factory=dict, description="Answers to the matter's application form")
    enterprise: str = Field("", max_length=18, description="Unified social credit code when acting for an enterprise")
    materials: list[MaterialIn] = Field(default_factory=list)


class DepartmentOut(Schema):
    department: str
    step: str
    status: str
    decision: str


class ApplicationOut(Schema):
    number: str
    matter: str
    matter_version: int
    channel: str
    status: str
    outcome: str
    submitted_at: dt.datetime
    due_on: dt.date | None
    status_url: str
    departments: list[DepartmentOut]


def _out(request: HttpRequest, application: Application) -> dict[str, Any]:
    from yiwang.workflow.public import tasks_of_subject

    path = reverse("intake:status", kwargs={"number": application.number})
    return {
        "number": application.number, "matter": application.version.matter.code,
        "matter_version": application.version.number, "channel": application.channel,
        "status": application.status, "outcome": application.outcome, "submitted_at": application.submitted_at,
        "due_on": application.clock.due_on if application.clock is not None else None,
        "status_url": request.build_absolute_uri(f"{path}?t={application.status_token}"),
        "departments": [{"department": t.organisation.code, "step": t.name, "status": t.status,
                         "decision": t.decision}
                        for t in tasks_of_subject(subject=application.subject, departments_only=True)],
    }


def _decode(materials: list[MaterialIn]) -> list[uploads.Upload]:
    errors: dict[str, list[str]] = {}
    result = []
    limit = uploads.global_max_bytes()
    for item in materials:
        field = f"materials.{item.requirement}"
        if len(item.content_base64) > (limit // 3 + 1) * 4 + 4:  # refuse before decoding a huge body
            errors.setdefault(field, []).append(_("The file is larger than the largest upload allowed."))
            continue
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            errors.setdefault(field, []).append(_("The content is not valid base64."))
            continue
        result.append(uploads.Upload(requirement=item.requirement, name=item.name, content=content))
    if errors:
        raise ValidationFailed(_("The application was not submitted: please correct the errors below."),
                               field_errors=errors)
    return result


@router.post("/applications", response={200: ApplicationOut, 201: ApplicationOut},
             summary="Submit an application (办件); send an Idempotency-Key header")
def application_create(request: HttpRequest, response: HttpResponse, payload: ApplicationIn) -> Status[dict[str, Any]]:
    """A retried request with the same ``Idempotency-Key`` and the same body returns the case made the first
    time (200, header ``Idempotent-Replayed: true``) instead of a second one; the same key with a different body
    is refused (422, code ``idempotency_key_reused``)."""
    user: Any = request.user
    enterprise = None
    if payload.enterprise:
        enterprise = enterprises_of(user=user).filter(credit_code=payload.enterprise.strip().upper()).first()
        if enterprise is None:
            raise ValidationFailed(_("You may not act for this enterprise."),
                                   field_errors={"enterprise": [_("You may not act for this enterprise.")]})
    files = _decode(payload.materials)
    application, created = services.application_submit_idempotent(
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        fingerprint=services.fingerprint_of(payload.model_dump()),
        code=payload.matter, applicant=user, by=user, channel=Channel.API, form_data=payload.form, files=files,
        enterprise=enterprise)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return Status(201 if created else 200, _out(request, application))


@router.get("/applications", response=list[ApplicationOut], summary="My applications")
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(request, a) for a in selectors.applications_of(user=request.user)[:100]]


@router.get("/applications/{number}", response=ApplicationOut, summary="One of my applications")
def application_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(request, selectors.access_own_application(user=request.user, number=number))
