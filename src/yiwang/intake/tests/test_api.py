import base64

import pytest
from django.test import Client

from yiwang.intake.models import Application

from .conftest import EXE, FORM, PDF, media_files

pytestmark = pytest.mark.django_db


def body(**changes):
    data = {"matter": "PD-SWJ-0001", "form": FORM,
            "materials": [{"requirement": "licence", "name": "licence.pdf",
                           "content_base64": base64.b64encode(PDF).decode()}]}
    return data | changes


@pytest.fixture
def api(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen)
    return client


def post(client, data, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/applications", data, content_type="application/json", **headers)


def test_submit_then_replay_returns_the_same_case(api, matter):
    first = post(api, body())
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    assert first.json()["status"] == "accepted" and first.json()["departments"][0]["department"] == "SWJ"
    assert f"/cases/{number}/status/?t=" in first.json()["status_url"]
    again = post(api, body())
    assert again.status_code == 200
    assert again.json()["number"] == number and again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1 and len(media_files()) == 1


def test_same_key_different_body_is_refused(api, matter):
    post(api, body())
    response = post(api, body(form=FORM | {"employees": 1}))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_the_key_is_required(api, matter):
    response = post(api, body(), key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Application.objects.exists()


def test_bad_input_gets_field_errors_and_nothing_is_written(api, matter):
    lying = base64.b64encode(EXE).decode()
    bad = body(form={"employees": "many"},
               materials=[{"requirement": "licence", "name": "l.pdf", "content_base64": lying}])
    response = post(api, bad)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"company_name", "employees", "materials.licence"} <= set(fields)
    assert not Application.objects.exists() and media_files() == []


def test_invalid_base64_is_refused(api, matter):
    response = post(api, body(materials=[{"requirement": "licence", "content_base64": "not base64!"}]))
    assert response.status_code == 422
    assert "materials.licence" in response.json()["error"]["fields"]


def test_unknown_and_closed_matters(api, platform_admin, matter):
    assert post(api, body(matter="PD-NOPE-0001")).status_code == 404
    from yiwang.catalog import services as catalog

    catalog.matter_version_retire(version=matter, by=platform_admin)
    response = post(api, body(), key="key-2")
    assert response.status_code == 422 and response.json()["error"]["code"] == "matter_not_open"


def test_acting_for_an_enterprise_one_may_not_act_for_is_refused(api, matter):
    response = post(api, body(enterprise="91350100M000100Y43"))
    assert response.status_code == 422 and "enterprise" in response.json()["error"]["fields"]


def test_read_own_cases_and_not_someone_elses(api, other_citizen, matter):
    number = post(api, body()).json()["number"]
    assert [a["number"] for a in api.get("/api/v1/applications").json()] == [number]
    assert api.get(f"/api/v1/applications/{number}").json()["matter"] == "PD-SWJ-0001"
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(other_citizen)
    assert other.get(f"/api/v1/applications/{number}").status_code == 403
    assert other.get("/api/v1/applications").json() == []


def test_anonymous_callers_are_refused(matter):
    assert post(Client(), body()).status_code == 401
