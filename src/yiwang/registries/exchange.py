"""The registries as services on the exchange (SPEC §3.5): in-process providers behind the gateway.

    POST /exchange/v1/population-lookup/lookup?fields=name,birth_date    {"id_number": "3101…"}
    GET  /exchange/v1/legal-person-lookup/legal-persons/<credit code>?fields=name,status

The gateway authenticates the calling member, checks its grant (field names in ``?fields=`` outside the
grant are refused before we are called), logs request and answer, and filters what we return field by
field. We check again (``LocalRequest.granted_fields``) so that an ungranted field is refused as a whole
and audited here too, and read nothing we may not return. The identity number travels in the body, never
in the URL. Answers are ``{"data": {field: value}}`` (the gateway's record envelope).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from yiwang.core.public import NotFound, ValidationFailed
from yiwang.exchange.public import (
    LocalRequest,
    LocalResponse,
    Member,
    Service,
    register_local_service,
    service_register,
)

from . import selectors
from .catalogue import LEGAL_PERSON, PERSON, RegistrySpec

POPULATION_SERVICE = "population-lookup"
LEGAL_PERSON_SERVICE = "legal-person-lookup"


def _fields_of(request: LocalRequest, body: dict[str, Any]) -> list[str]:
    asked = [name.strip() for value in request.query.get("fields", []) for name in value.split(",") if name.strip()]
    if asked:
        return asked
    fields = body.get("fields")
    return [str(f) for f in fields] if isinstance(fields, list) else []


def _error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> LocalResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    # With a field-limited grant the gateway filters this too (to {}): then the status says what happened.
    return LocalResponse(status=status, body=json.dumps({"error": error}, ensure_ascii=False).encode())


def _answer(call: Callable[[], dict[str, Any]]) -> LocalResponse:
    try:
        return LocalResponse(data={"data": call()})
    except ValidationFailed as exc:
        return _error(422, exc.code, str(exc.message), exc.field_errors)
    except NotFound as exc:
        return _error(404, exc.code, str(exc.message))
    except PermissionDenied as exc:
        return _error(403, "field_not_granted", str(exc))


def _granted(request: LocalRequest) -> Any:
    return selectors.ALL_FIELDS if request.granted_fields is None else request.granted_fields


def population_lookup(request: LocalRequest) -> LocalResponse:
    if request.method != "POST" or request.path.strip("/") != "lookup":
        return _error(404, "not_found", _("POST the identity number to lookup."))
    try:
        body = request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error(400, "bad_request", _("Send a JSON object with id_number (and fields)."))
    return _answer(lambda: selectors.person_lookup(
        id_number=str(body.get("id_number") or ""), fields=_fields_of(request, body),
        organisation=request.consumer_organisation, granted=_granted(request), consumer=request.consumer))


def legal_person_lookup(request: LocalRequest) -> LocalResponse:
    parts = request.path.strip("/").split("/")
    body: dict[str, Any] = {}
    if request.method == "GET" and len(parts) == 2 and parts[0] == "legal-persons":
        code = parts[1]
    elif request.method == "POST" and parts == ["lookup"]:
        try:
            loaded = request.json()
        except ValueError:
            loaded = None
        if not isinstance(loaded, dict):
            return _error(400, "bad_request", _("Send a JSON object with credit_code (and fields)."))
        body, code = loaded, str(loaded.get("credit_code") or "")
    else:
        return _error(404, "not_found", _("GET legal-persons/<credit code>, or POST lookup."))
    return _answer(lambda: selectors.legal_person_lookup(
        credit_code=code, fields=_fields_of(request, body), organisation=request.consumer_organisation,
        granted=_granted(request), consumer=request.consumer))


def _field_schema(spec: RegistrySpec) -> dict[str, Any]:
    return {"type": "object", "properties": {name: {"description": str(f.label)} for name, f in spec.fields.items()}}


def _openapi(title: str, spec: RegistrySpec, paths: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {"schemas": {
            "Record": {"type": "object", "properties": {"data": _field_schema(spec)}},
            "Error": {"type": "object", "properties": {"error": {"type": "object"}}},
        }},
    }


_FIELDS_PARAM = {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "Comma-separated field names; every one must be granted."}
_RESPONSES = {
    "200": {"description": "The requested fields",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
    "403": {"description": "A field outside the grant was asked for (nothing is returned)"},
    "404": {"description": "No such record"},
    "422": {"description": "Invalid number or unknown field",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}

POPULATION_OPENAPI = _openapi("Population registry lookup (实有人口)", PERSON, {
    "/lookup": {"post": {
        "summary": "Look up a resident by identity number",
        "parameters": [_FIELDS_PARAM],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["id_number"],
            "properties": {"id_number": {"type": "string", "minLength": 18, "maxLength": 18},
                           "fields": {"type": "array", "items": {"type": "string"}}}}}}},
        "responses": _RESPONSES}},
})
LEGAL_PERSON_OPENAPI = _openapi("Legal-person registry lookup (法人)", LEGAL_PERSON, {
    "/legal-persons/{credit_code}": {"get": {
        "summary": "Look up a legal person by unified social credit code",
        "parameters": [{"name": "credit_code", "in": "path", "required": True, "schema": {"type": "string"}},
                       _FIELDS_PARAM],
        "responses": _RESPONSES}},
})


def register_handlers() -> None:
    """Called from ``AppConfig.ready()``: the in-process providers the gateway calls."""
    register_local_service(POPULATION_SERVICE, population_lookup)
    register_local_service(LEGAL_PERSON_SERVICE, legal_person_lookup)


def registries_services_register(*, population_provider: Member | str, legal_person_provider: Member | str,
                                 actor: Any = None) -> list[Service]:
    """Put both lookups on the exchange, provided by the registries' source departments' members."""
    return [
        service_register(provider=population_provider, code=POPULATION_SERVICE, version="1",
                         title="实有人口查询 Population registry lookup", openapi=POPULATION_OPENAPI,
                         kind="local", description="Resident by identity number; granted fields only.",
                         actor=actor),
        service_register(provider=legal_person_provider, code=LEGAL_PERSON_SERVICE, version="1",
                         title="法人查询 Legal-person registry lookup", openapi=LEGAL_PERSON_OPENAPI,
                         kind="local", description="Legal person by credit code; granted fields only.",
                         actor=actor),
    ]
