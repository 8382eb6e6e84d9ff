"""Every staff URL × the state of the second factor: no staff page or API without it (table-driven)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from yiwang.conftest import staff_login
from yiwang.identity.urls import workbench_urlpatterns

pytestmark = pytest.mark.django_db

STATES = ["no_device", "device_not_verified", "verified"]
# pages a platform administrator always reaches once verified
ALWAYS_ALLOWED = {"/workbench/", "/workbench/organisation/", "/workbench/audit/", "/workbench/calendar/", "/admin/",
                  "/admin/identity/user/", "/api/v1/organisations", "/api/v1/me"}


def staff_urls(tax) -> list[str]:
    """Every workbench page (whatever identity/urls.py lists today), the audit log, the calendar, admin, API."""
    urls = [reverse(f"workbench:{p.name}", kwargs={"pk": tax.pk} if "<int:pk>" in str(p.pattern) else None)
            for p in workbench_urlpatterns]
    return [*urls, reverse("audit:log"), reverse("core:calendar"), "/admin/", "/admin/identity/user/",
            "/api/v1/organisations", "/api/v1/me"]


@pytest.fixture
def admin_user(make_staff, district, tax):
    from yiwang.identity.models import Role

    return make_staff(district, Role.PLATFORM_ADMIN, username="second_factor_admin")


def client_in(state: str, user) -> Client:
    client = Client()
    if state == "verified":
        staff_login(client, user)
    else:
        client.force_login(user)  # the password step only
        if state == "device_not_verified":
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return client


@pytest.mark.parametrize("state", STATES)
def test_every_staff_url_needs_the_second_factor(admin_user, tax, state):
    client = client_in(state, admin_user)
    for url in staff_urls(tax):
        response = client.get(url)
        if state == "verified":
            # The second factor no longer intervenes; the roles decide (a platform administrator is not,
            # say, a window clerk, so a clerk-only page answers 403).
            assert response.status_code in (200, 403), url
            assert response.status_code == 200 or url not in ALWAYS_ALLOWED, url
        elif url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.json()["error"]["code"] == "second_factor_required"
            assert response.json()["error"]["message"]
        else:
            page = "/accounts/otp/setup/" if state == "no_device" else "/accounts/otp/verify/"
            assert response.status_code == 302, url
            assert response["Location"] == f"{page}?next={quote(url, safe='')}", url


@pytest.mark.parametrize("state", ["no_device", "device_not_verified"])
def test_posts_are_stopped_too(admin_user, tax, state):
    client = client_in(state, admin_user)
    response = client.post(reverse("core:calendar_import"), {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")


@pytest.mark.parametrize("path", ["/accounts/otp/setup/", "/static/core/yiwang.css", "/healthz", "/jsi18n/"])
def test_what_stays_reachable_before_the_second_factor(admin_user, path):
    response = client_in("no_device", admin_user).get(path)
    assert response.status_code != 302 or not response["Location"].startswith("/accounts/otp/")


def test_logout_and_the_language_switch_stay_reachable(admin_user):
    client = client_in("no_device", admin_user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"})["Location"] == "/"
    assert client.post(reverse("identity:logout"))["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_htmx_requests_are_told_to_navigate(admin_user):
    response = client_in("device_not_verified", admin_user).get("/workbench/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/otp/verify/")


def test_a_citizen_without_an_authenticator_is_not_asked(citizen):
    client = Client()
    client.force_login(citizen)
    assert client.get("/me/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
