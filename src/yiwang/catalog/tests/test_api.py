"""The catalogue's JSON API: public, read-only."""

from __future__ import annotations

from django.test import Client

from yiwang.catalog import services

from .conftest import SCHEMA


def test_matters_lists_published_matters_without_login(published, guide, platform_admin):
    services.matter_create(code="PD-SCJGJ-0003", guide={**guide, "name": "草稿"}, by=platform_admin)
    response = Client().get("/api/v1/matters")
    assert response.status_code == 200
    body = response.json()
    assert [m["code"] for m in body] == ["PD-SCJGJ-0001"]
    assert body[0]["promised_days"] == 5 and body[0]["apply_url"] == "/matters/PD-SCJGJ-0001/apply/"
    assert body[0]["lead_department"]["code"] == "PD-SCJGJ"


def test_matters_search_and_filters(published):
    client = Client()
    assert len(client.get("/api/v1/matters", {"q": "食品"}).json()) == 1
    assert client.get("/api/v1/matters", {"q": "婚姻"}).json() == []
    assert len(client.get("/api/v1/matters", {"department": "PD-SWJ"}).json()) == 1
    assert client.get("/api/v1/matters", {"event": "birth"}).json() == []
    assert client.get("/api/v1/matters", {"page": 2}).json() == []


def test_a_matters_guide_has_its_form_schema_in_order_and_materials(published):
    body = Client().get("/api/v1/matters/PD-SCJGJ-0001", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["open"] is True and body["version"] == 1
    assert list(body["form_schema"]["properties"]) == list(SCHEMA["properties"])
    assert body["form_schema"]["required"] == SCHEMA["required"]
    assert [m["code"] for m in body["materials"]] == ["application", "lease"]
    assert body["materials"][0]["content_types"] == ["application/pdf"]
    assert body["legal_basis"].startswith("《中华人民共和国食品安全法》")
    assert {d["code"] for d in body["departments"]} == {"PD-SCJGJ", "PD-SWJ"}


def test_english_names_when_asked(published):
    body = Client().get("/api/v1/matters/PD-SCJGJ-0001", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["name"] == "Food business licence"


def test_unknown_or_unpublished_matters_are_404_in_the_api_error_shape(draft):
    for code in ("PD-SCJGJ-0001", "PD-NONE-0001"):
        response = Client().get(f"/api/v1/matters/{code}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_retired_matter_is_marked_closed(published, platform_admin):
    services.matter_version_retire(version=published, by=platform_admin)
    assert Client().get("/api/v1/matters/PD-SCJGJ-0001").json()["open"] is False
    assert Client().get("/api/v1/matters").json() == []


def test_life_events_in_use(published, platform_admin):
    event = services.life_event_create(code="business_startup", name="开办企业", name_en="Starting a business",
                                       by=platform_admin)
    services.life_event_create(code="birth", name="出生", by=platform_admin)
    published.life_events.add(event)
    body = Client().get("/api/v1/life-events", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body == [{"code": "business_startup", "name": "Starting a business", "audience": "both"}]
