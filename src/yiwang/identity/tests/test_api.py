"""The JSON API: OpenAPI document, one error shape, permissions."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.conftest import staff_login

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served_and_versioned():
    doc = Client().get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == "1"
    assert "/api/v1/me" in doc["paths"] and "/api/v1/organisations" in doc["paths"]


def test_interactive_docs_are_served_from_our_own_static_files():
    page = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui" in page
    assert "cdn." not in page


def test_unauthenticated_calls_get_the_error_shape():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "请先登录。"}}


def test_me_shows_the_identity_number_masked(citizen):
    client = Client()
    client.force_login(citizen)
    body = client.get("/api/v1/me").json()
    assert body["id_number_masked"] == "110105********002X"
    assert "11010519491231002X" not in str(body)
    assert body["kind"] == "citizen" and body["roles"] == []


def test_staff_see_their_roles_and_the_organisation_tree(tax_handler, tax):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff_login(client, tax_handler)
    assert client.get("/api/v1/me").json()["roles"] == [{"role": "handler", "organisation": "SWJ"}]
    codes = {o["code"] for o in client.get("/api/v1/organisations").json()}
    assert codes == {"310115", "SWJ"}


def test_citizens_may_not_list_the_staff_organisation_tree(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen)
    response = client.get("/api/v1/organisations")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": "You may not do this."}}


def test_unknown_paths_get_the_error_shape(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen)
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
