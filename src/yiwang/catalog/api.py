"""catalog's JSON API (mounted at /api/v1/): the published catalogue, open to everyone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router, Schema

from . import formschema, selectors
from .models import LifeEvent, MatterVersion

router = Router(tags=["catalog"])

PAGE_SIZE = 50


class DepartmentOut(Schema):
    code: str
    name: str


class LifeEventOut(Schema):
    code: str
    name: str
    audience: str


class MatterSummaryOut(Schema):
    code: str
    name: str
    version: int
    matter_type: str
    matter_type_label: str
    applicant_kind: str
    lead_department: DepartmentOut | None
    on_the_spot: bool
    statutory_days: int
    promised_days: int
    url: str
    apply_url: str


class MaterialOut(Schema):
    code: str
    name: str
    description: str
    form: str
    copies: int
    medium: str
    required: bool
    content_types: list[str]
    max_bytes: int
    sample_url: str


class MatterGuideOut(MatterSummaryOut):
    open: bool
    published_at: datetime | None
    departments: list[DepartmentOut]
    life_events: list[LifeEventOut]
    summary: str
    legal_basis: str
    acceptance_conditions: str
    charges_fee: bool
    fees: str
    fee_basis: str
    apply_online: bool
    windows: str
    hours: str
    visits_needed: int
    result_name: str
    result_delivery: str
    consultation: str
    complaint: str
    required_assurance: int
    form_schema: dict[str, Any]
    materials: list[MaterialOut]


class MatterFilter(Schema):
    q: str = ""
    event: str = ""
    department: str = ""
    page: int = 1


def _language() -> str:
    return (get_language() or "")[:2]


def _department(org: Any) -> dict[str, str] | None:
    return None if org is None else {"code": org.code, "name": org.display_name(_language())}


def _summary(version: MatterVersion) -> dict[str, Any]:
    code = version.matter.code
    return {
        "code": code, "name": version.display_name(_language()), "version": version.number,
        "matter_type": version.matter_type, "matter_type_label": str(version.get_matter_type_display()),
        "applicant_kind": version.applicant_kind, "lead_department": _department(version.lead_department),
        "on_the_spot": version.on_the_spot, "statutory_days": version.statutory_days,
        "promised_days": version.promised_days, "url": f"/matters/{code}/", "apply_url": version.matter.apply_path,
    }


def _life_event(event: LifeEvent) -> dict[str, str]:
    return {"code": event.code, "name": event.display_name(_language()), "audience": event.audience}


@router.get("/matters", response=list[MatterSummaryOut], auth=None,
            summary="Published matters: search by name or code, filter by life event or department")
def matters(request: HttpRequest, filters: Query[MatterFilter]) -> list[dict[str, Any]]:
    versions = selectors.published_versions(q=filters.q, life_event=filters.event, department=filters.department)
    start = max(filters.page - 1, 0) * PAGE_SIZE
    return [_summary(v) for v in versions[start:start + PAGE_SIZE]]


@router.get("/matters/{code}", response=MatterGuideOut, auth=None,
            summary="A matter's service guide, with its application form schema and materials")
def matter(request: HttpRequest, code: str) -> dict[str, Any]:
    found = selectors.matter_guide(code=code)
    version = found.version
    return {
        **_summary(version),
        "open": found.open,
        "published_at": version.published_at,
        "departments": [_department(d) for d in version.departments.all()],
        "life_events": [_life_event(e) for e in version.life_events.all()],
        **{key: getattr(version, key) for key in (
            "summary", "legal_basis", "acceptance_conditions", "charges_fee", "fees", "fee_basis", "apply_online",
            "windows", "hours", "visits_needed", "result_name", "result_delivery", "consultation", "complaint",
            "required_assurance")},
        "form_schema": formschema.ordered_schema(version.form_schema, version.form_order),
        "materials": [{
            "code": m.code, "name": m.display_name(_language()), "description": m.description, "form": m.form,
            "copies": m.copies, "medium": m.medium, "required": m.required, "content_types": m.content_types,
            "max_bytes": m.max_bytes, "sample_url": m.sample_url,
        } for m in selectors.materials_of(version=version)],
    }


@router.get("/life-events", response=list[LifeEventOut], auth=None, summary="Life events the catalogue is browsed by")
def life_events(request: HttpRequest) -> list[dict[str, str]]:
    return [_life_event(e) for e in selectors.life_events_in_use()]
