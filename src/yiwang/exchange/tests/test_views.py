"""Who reads which message log entries: staff of the member's organisation, in pages, the API and (for member
systems) signed /exchange/meta/ requests — never another member's entries."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.audit.public import AuditRecord
from yiwang.conftest import english_client, staff_login
from yiwang.exchange.models import MessageLogEntry
from yiwang.exchange.services import grant_create, member_create, service_register
from yiwang.identity.public import Role

from .conftest import OPENAPI, signed_call
from .test_gateway import TARGET

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(tax_member, commerce_member, outsider_member, name_only_grant, local_service, district):
    """tax calls commerce's service twice; an outsider calls it (refused: no grant); an unsigned call claims
    to be tax; a third department's member calls a service of its own."""
    from yiwang.identity import services as identity

    client = Client()
    assert signed_call(client, tax_member, "GET", TARGET).status_code == 200
    assert signed_call(client, tax_member, "GET", TARGET + "?fields=name").status_code == 200
    assert signed_call(client, outsider_member, "GET", TARGET).status_code == 403
    client.get(TARGET, headers={"X-Yiwang-Member": tax_member.member.identifier})
    health = identity.organisation_create(kind="department", code="WJW", name="区卫健委", parent=district)
    health_member = member_create(identifier="CN-SH/GOV/PD-WJW/his", name="卫健 HIS", organisation=health)
    from yiwang.exchange.registry import LocalResponse, register_local_service

    register_local_service("his-ping", lambda request: LocalResponse(data={"ok": True}))
    service_register(provider=health_member.member, code="his-ping", version="1", title="ping", openapi=OPENAPI,
                     kind="local")
    grant_create(service="his-ping", consumer=health_member.member, fields=None)
    assert signed_call(client, health_member, "GET", "/exchange/v1/his-ping/").status_code == 200
    return {"health": health, "health_member": health_member}


def seqs(entries) -> set[int]:
    return {e["seq"] for e in entries}


def test_consumer_staff_see_their_calls_and_attempts_in_their_name(traffic, tax_handler):
    client = staff_login(english_client(), tax_handler)
    page = client.get("/workbench/exchange/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "CN-SH/GOV/PD-SWJ/tax-core" in body and "legal-person" in body
    data = client.get("/api/v1/exchange/log").json()
    expected = set(MessageLogEntry.objects.filter(consumer_identifier="CN-SH/GOV/PD-SWJ/tax-core")
                   .values_list("seq", flat=True))
    assert seqs(data["entries"]) == expected and len(expected) == 5  # 2 × (request, response) + the unsigned try
    assert all(e["consumer"] == "CN-SH/GOV/PD-SWJ/tax-core" for e in data["entries"])
    assert "consumer_signature" not in data["entries"][0]["details"]


def test_provider_staff_see_every_use_of_their_services(traffic, make_staff, commerce):
    clerk = make_staff(commerce, Role.HANDLER)
    data = staff_login(Client(), clerk).get("/api/v1/exchange/log").json()
    consumers = {e["consumer"] for e in data["entries"]}
    assert consumers == {"CN-SH/GOV/PD-SWJ/tax-core", "CN-SH/COM/91310115MA1K4XXX7Y/erp"}
    assert all(e["service"] == "legal-person" for e in data["entries"])


def test_nobody_sees_another_members_entries(traffic, tax_handler, make_staff):
    health_clerk = make_staff(traffic["health"], Role.HANDLER)
    data = staff_login(Client(), health_clerk).get("/api/v1/exchange/log").json()
    assert {e["service"] for e in data["entries"]} == {"his-ping"}
    # tax staff cannot open health's entry, nor filter by health's member
    health_entry = MessageLogEntry.objects.filter(service_code="his-ping").first()
    assert health_entry is not None
    client = staff_login(Client(), tax_handler)
    assert client.get(f"/workbench/exchange/log/{health_entry.seq}/").status_code == 403
    assert client.get(f"/workbench/exchange/?member={traffic['health_member'].member.pk}").status_code == 403
    assert client.get(f"/api/v1/exchange/log?member={traffic['health_member'].member.pk}").status_code == 403
    assert AuditRecord.objects.filter(action="audit.access.denied", details__what="exchange.log_entry").exists()


def test_own_entry_page_shows_the_whole_call(traffic, tax_handler):
    entry = MessageLogEntry.objects.filter(consumer_identifier="CN-SH/GOV/PD-SWJ/tax-core", kind="response").first()
    assert entry is not None
    page = staff_login(english_client(), tax_handler).get(f"/workbench/exchange/log/{entry.seq}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert entry.hash in body and entry.request_hash in body and "Entries of this call" in body


@pytest.mark.parametrize("who", ["anonymous", "citizen", "platform_admin", "staff_without_member"])
def test_who_has_no_member_gets_no_log(traffic, who, citizen, platform_admin, make_staff, district):
    client = Client()
    if who == "citizen":
        client.force_login(citizen)
    elif who == "platform_admin":
        staff_login(client, platform_admin)
    elif who == "staff_without_member":
        from yiwang.identity import services as identity

        other = identity.organisation_create(kind="department", code="JW", name="区教委", parent=district)
        staff_login(client, make_staff(other, Role.HANDLER))
    page = client.get("/workbench/exchange/")
    assert page.status_code in {302, 403}
    assert client.get("/api/v1/exchange/log").status_code in {401, 403}


def test_member_systems_read_their_own_log_by_signed_request(traffic, tax_member, outsider_member):
    client = Client()
    mine = signed_call(client, tax_member, "GET", "/exchange/meta/log").json()["entries"]
    assert len(mine) == 5 and {e["consumer"] for e in mine} == {"CN-SH/GOV/PD-SWJ/tax-core"}
    theirs = signed_call(client, outsider_member, "GET", "/exchange/meta/log").json()["entries"]
    assert len(theirs) == 1 and theirs[0]["outcome"] == "no_grant"
    assert client.get("/exchange/meta/log").status_code == 401


def test_service_directory_page_and_api(traffic, tax_handler):
    client = staff_login(english_client(), tax_handler)
    page = client.get("/workbench/exchange/services/")
    assert page.status_code == 200 and "legal-person" in page.content.decode()
    detail = client.get("/workbench/exchange/services/legal-person/")
    assert detail.status_code == 200 and "/persons/{code}" in detail.content.decode()
    assert client.get("/workbench/exchange/services/legal-person/openapi.json").json() == OPENAPI
    listed = client.get("/api/v1/exchange/services").json()
    assert {s["code"] for s in listed} == {"legal-person", "his-ping"}
    assert client.get("/api/v1/exchange/services/legal-person").json()["openapi"] == OPENAPI
    assert client.get("/api/v1/exchange/services/nope").status_code == 403


def test_signed_discovery(traffic, outsider_member):
    client = Client()
    listed = signed_call(client, outsider_member, "GET", "/exchange/meta/services").json()["services"]
    assert {s["code"] for s in listed} == {"legal-person", "his-ping"}
    document = signed_call(client, outsider_member, "GET", "/exchange/meta/services/legal-person/openapi.json")
    assert document.json() == OPENAPI


def test_log_page_in_chinese_by_default(traffic, tax_handler):
    page = staff_login(Client(), tax_handler).get("/workbench/exchange/")
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode()
