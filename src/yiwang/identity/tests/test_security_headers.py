"""Security headers on pages and the API, and the cookie flags production sets."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.test import Client, override_settings

from yiwang.conftest import PASSWORD, staff_login

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in header.split(";")) if part}


def assert_hardened(response) -> None:
    csp = policy(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["base-uri"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_portal_page(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert_hardened(response)
    # htmx must not inject its inline indicator <style>, which the policy would refuse
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in response.content.decode()


def test_a_workbench_page(tax_handler):
    client = Client()
    staff_login(client, tax_handler)
    response = client.get("/workbench/")
    assert response.status_code == 200
    assert_hardened(response)


def test_an_api_response(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.get("/api/v1/me")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert_hardened(response)


def test_the_second_factor_pages_are_not_cached(tax_handler):
    client = Client()
    client.force_login(tax_handler)
    response = client.get("/accounts/otp/setup/")
    assert_hardened(response)
    assert "no-store" in response["Cache-Control"]


def test_pages_have_no_inline_script(tax_handler):
    client = Client()
    staff_login(client, tax_handler)
    for url in ["/", "/accounts/login/", "/workbench/", "/accounts/otp/recovery-codes/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and "onclick=" not in html, url


def test_production_settings_set_secure_cookies_hsts_and_upgrade(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://yiwang@db.invalid:5432/yiwang")
    monkeypatch.setenv("YIWANG_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("YIWANG_FIELD_ENCRYPTION_KEYS", "a" * 43 + "=")
    monkeypatch.setenv("YIWANG_BLIND_INDEX_KEY", "y" * 32)
    sys.modules.pop("yiwang.settings.production", None)
    try:
        production = importlib.import_module("yiwang.settings.production")
    finally:
        sys.modules.pop("yiwang.settings.production", None)
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE and production.SESSION_COOKIE_HTTPONLY
    assert production.CSRF_COOKIE_SECURE and production.CSRF_COOKIE_HTTPONLY
    assert production.SECURE_SSL_REDIRECT and production.SECURE_HSTS_SECONDS >= 31536000
    assert production.X_FRAME_OPTIONS == "DENY"
    directives = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["upgrade-insecure-requests"] is True and directives["frame-ancestors"] == ["'none'"]


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_with_production_cookie_flags_the_cookies_are_secure_and_http_only(citizen):
    client = Client()
    form = client.get("/accounts/login/")
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
