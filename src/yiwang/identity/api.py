"""Identity's part of the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["identity"])


class EnterpriseOut(Schema):
    credit_code: str
    name: str


class MeOut(Schema):
    username: str
    kind: str
    real_name: str
    id_number_masked: str
    roles: list[dict[str, str]]
    enterprises: list[EnterpriseOut]


@router.get("/me", response=MeOut, summary="The logged-in account")
def me(request: HttpRequest) -> dict:
    user = selectors.access_own_account(user=request.user)
    from .models import Organisation, Role

    roles = selectors.roles_of(user)
    orgs = {o.pk: o.code for o in Organisation.objects.filter(pk__in={org for _, org in roles})}
    return {
        "username": user.username,
        "kind": user.kind,
        "real_name": user.real_name,
        "id_number_masked": user.id_number_masked,
        "roles": [{"role": Role(r).value, "organisation": orgs[o]} for r, o in sorted(roles)],
        "enterprises": list(selectors.enterprises_of(user=user)),
    }


class OrganisationOut(Schema):
    id: int
    parent_id: int | None
    kind: str
    code: str
    credit_code: str
    name: str
    name_en: str


@router.get("/organisations", response=list[OrganisationOut], summary="The government organisation tree")
def organisations(request: HttpRequest) -> list:
    return list(selectors.access_organisation_tree(user=request.user))
