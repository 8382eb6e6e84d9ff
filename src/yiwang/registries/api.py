"""registries' JSON API (mounted at /api/v1/): lookups by number and version histories, field by field.

Numbers travel in POST bodies, not in URLs (access logs). A field outside the department's grant is
refused with 403 for the whole request; an unknown field or an invalid number is 422; nobody found 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import selectors
from .models import Registry

router = Router(tags=["registries"])


class PersonLookupIn(Schema):
    id_number: str = Field(..., max_length=20, description="Resident identity number (GB 11643-1999)")
    fields: list[str] = Field(..., description="Field names, e.g. [\"name\", \"birth_date\"]")


class LegalPersonLookupIn(Schema):
    credit_code: str = Field(..., max_length=20, description="Unified social credit code (GB 32100-2015)")
    fields: list[str]


class LookupOut(Schema):
    registry: str
    organisation: str = Field(..., description="The department the fields were granted to")
    fields: dict[str, Any]


class ChangeOut(Schema):
    field: str
    old: Any
    new: Any


class VersionOut(Schema):
    number: int
    at: datetime
    by: str
    source: str
    bulk_import: bool
    changes: list[ChangeOut]
    hidden: int


class GrantsOut(Schema):
    organisation: str
    fields: dict[str, list[str]]


@router.post("/registries/people/lookup", response=LookupOut, summary="Look up a resident by identity number")
def person_lookup(request: HttpRequest, body: PersonLookupIn) -> dict[str, Any]:
    org = selectors.access_registry_department(user=request.user)
    fields = selectors.access_person(user=request.user, id_number=body.id_number, fields=body.fields)
    return {"registry": Registry.PERSON, "organisation": org.code, "fields": fields}


@router.post("/registries/legal-persons/lookup", response=LookupOut,
             summary="Look up a legal person by unified social credit code")
def legal_person_lookup(request: HttpRequest, body: LegalPersonLookupIn) -> dict[str, Any]:
    org = selectors.access_registry_department(user=request.user)
    fields = selectors.access_legal_person(user=request.user, credit_code=body.credit_code, fields=body.fields)
    return {"registry": Registry.LEGAL_PERSON, "organisation": org.code, "fields": fields}


def _versions(versions: list[selectors.VersionView]) -> list[dict[str, Any]]:
    return [{"number": v.number, "at": v.at, "by": v.by, "source": v.source, "bulk_import": v.bulk_import,
             "hidden": v.hidden, "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in v.changes]}
            for v in versions]


@router.get("/registries/people/{pk}/history", response=list[VersionOut],
            summary="Version history of a resident's record (granted fields only)")
def person_history(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    _person, versions = selectors.access_person_history(user=request.user, pk=pk)
    return _versions(versions)


@router.get("/registries/legal-persons/{credit_code}/history", response=list[VersionOut],
            summary="Version history of a legal person's record (granted fields only)")
def legal_person_history(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    _legal_person, versions = selectors.access_legal_person_history(user=request.user, credit_code=credit_code)
    return _versions(versions)


@router.get("/registries/grants", response=GrantsOut, summary="The registry fields my department may read")
def grants(request: HttpRequest) -> dict[str, Any]:
    org = selectors.access_registry_department(user=request.user)
    return {"organisation": org.code,
            "fields": {registry: sorted(selectors.granted_fields(organisation=org, registry=registry))
                       for registry in Registry.values}}
