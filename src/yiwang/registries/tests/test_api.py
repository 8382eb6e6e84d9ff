"""The registries' API: the same rules as the pages, in the central error shape."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.conftest import staff_login
from yiwang.identity.models import Role
from yiwang.registries import services
from yiwang.registries.models import Person

from .conftest import CREDIT_CODE, ID_FEMALE, ID_PUDONG


@pytest.fixture
def civil_api(make_staff, civil):
    services.field_grant_set(organisation=civil, registry="person", fields=["name", "birth_date", "actual_address"])
    return staff_login(Client(), make_staff(civil, Role.HANDLER))


def _lookup(client, **body):
    return client.post("/api/v1/registries/people/lookup", body, content_type="application/json")


def test_lookup_returns_granted_fields(civil_api, person):
    response = _lookup(civil_api, id_number=ID_PUDONG, fields=["name", "birth_date"])
    assert response.status_code == 200
    assert response.json() == {"registry": "person", "organisation": "MZJ",
                               "fields": {"name": "张三", "birth_date": "1993-06-15"}}


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"id_number": ID_PUDONG, "fields": ["household_address"]}, 403, "permission_denied"),
    ({"id_number": ID_PUDONG, "fields": ["salary"]}, 422, "validation_error"),
    ({"id_number": "310103199002290047", "fields": ["name"]}, 422, "validation_error"),
    ({"id_number": ID_FEMALE, "fields": ["name"]}, 404, "not_found"),
    ({"id_number": ID_PUDONG}, 422, "validation_error"),
])
def test_bad_lookups(civil_api, person, body, status, code):
    response = _lookup(civil_api, **body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "张三" not in response.content.decode()


def test_history_and_grants(civil_api, person, civil):
    services.person_update(person=person, source=civil, changes={"name": "张叁"})
    history = civil_api.get(f"/api/v1/registries/people/{person.pk}/history").json()
    assert [v["number"] for v in history] == [1, 2]
    assert history[1]["changes"] == [{"field": "name", "old": "张三", "new": "张叁"}]
    grants = civil_api.get("/api/v1/registries/grants").json()
    assert grants["fields"]["person"] == ["actual_address", "birth_date", "id_number", "name"]
    assert grants["fields"]["legal_person"] == ["credit_code"]


def test_other_department_and_citizens_are_refused(make_staff, tax, citizen, person, legal_person):
    client = staff_login(Client(), make_staff(tax, Role.HANDLER))
    assert _lookup(client, id_number=ID_PUDONG, fields=["name"]).status_code == 403
    assert client.get(f"/api/v1/registries/people/{person.pk}/history").status_code == 403
    response = client.post("/api/v1/registries/legal-persons/lookup", {"credit_code": CREDIT_CODE, "fields": ["name"]},
                           content_type="application/json")
    assert response.status_code == 403
    citizen_client = Client()
    citizen_client.force_login(citizen)
    assert _lookup(citizen_client, id_number=ID_PUDONG, fields=["name"]).status_code == 403
    assert Client().post("/api/v1/registries/people/lookup", {}, content_type="application/json").status_code == 401
    assert Person.objects.count() == 1
