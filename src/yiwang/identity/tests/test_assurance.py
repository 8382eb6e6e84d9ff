"""Assurance levels: recorded with how and when, never lowered, raised in person by a window clerk."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.audit.models import AuditRecord
from yiwang.conftest import english_client, staff_login
from yiwang.core.public import ValidationFailed
from yiwang.identity import services
from yiwang.identity.models import AssuranceEvent, AssuranceLevel, AssuranceMethod, OrgKind, Role
from yiwang.identity.public import assurance_meets
from yiwang.identity.services_accounts import assurance_raise

pytestmark = pytest.mark.django_db
URL = "/workbench/counter/verify/"


@pytest.fixture
def clerk(district, make_staff):
    centre = services.organisation_create(kind=OrgKind.CENTRE, code="PD-CC", name="市民中心", parent=district)
    return make_staff(centre, Role.WINDOW_CLERK, username="clerk")


def test_raising_records_how_when_and_by_whom(citizen, platform_admin):
    event = assurance_raise(user=citizen, level=AssuranceLevel.REGISTRY_VERIFIED,
                            method=AssuranceMethod.REGISTRY_CHECK, by=platform_admin, note="人口库比对")
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.REGISTRY_VERIFIED
    assert (event.level, event.method, event.by, event.note) == (2, "registry_check", platform_admin, "人口库比对")
    assert event.at is not None
    record = AuditRecord.objects.get(action="identity.assurance.raise")
    assert record.details == {"from": 1, "to": 2, "method": "registry_check"} and record.actor == platform_admin


def test_a_level_is_never_lowered(citizen):
    assurance_raise(user=citizen, level=AssuranceLevel.IN_PERSON, method=AssuranceMethod.ADMIN)
    with pytest.raises(ValidationFailed, match="never lowered"):
        assurance_raise(user=citizen, level=AssuranceLevel.REGISTRY_VERIFIED, method=AssuranceMethod.REGISTRY_CHECK)
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.IN_PERSON
    assert AssuranceEvent.objects.filter(user=citizen).count() == 1


def test_assurance_meets(citizen):
    assert assurance_meets(user=citizen, required=AssuranceLevel.SELF_ASSERTED)
    assert not assurance_meets(user=citizen, required=AssuranceLevel.IN_PERSON)
    assurance_raise(user=citizen, level=AssuranceLevel.IN_PERSON, method=AssuranceMethod.ADMIN)
    assert assurance_meets(user=citizen, required=AssuranceLevel.IN_PERSON)
    from django.contrib.auth.models import AnonymousUser

    assert not assurance_meets(user=AnonymousUser(), required=AssuranceLevel.SELF_ASSERTED)


def test_a_window_clerk_raises_a_visitor_to_verified_in_person(citizen, clerk):
    client = english_client()
    staff_login(client, clerk)
    page = client.post(URL, {"action": "lookup", "id_number": "11010519491231002x"}).content.decode()
    assert "张三" in page and "110105********002X" in page and "Self-asserted" in page
    # without ticking "I checked the card" nothing changes
    response = client.post(URL, {"action": "verify", "id_number": citizen.id_number})
    assert response.status_code == 400 and "only after checking the card" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.SELF_ASSERTED
    response = client.post(URL, {"action": "verify", "id_number": citizen.id_number, "card_checked": "on",
                                 "note": "二代证"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.IN_PERSON
    event = citizen.assurance_events.get()
    assert (event.method, event.by, event.note) == (AssuranceMethod.COUNTER_CHECK, clerk, "二代证")
    assert AuditRecord.objects.filter(action="identity.assurance.counter_lookup", actor=clerk).count() == 3
    assert AuditRecord.objects.get(action="identity.assurance.raise").actor == clerk


def test_an_unknown_or_invalid_number_is_explained(clerk, db):
    client = english_client()
    staff_login(client, clerk)
    page = client.post(URL, {"action": "lookup", "id_number": "440524188001010014"}).content.decode()
    assert "Nobody has registered with this identity number yet." in page
    page = client.post(URL, {"action": "lookup", "id_number": "440524188001010015"}).content.decode()
    assert "The check character of this identity number is wrong." in page


@pytest.mark.parametrize("persona", ["citizen", "tax_handler", "platform_admin"])
def test_anyone_else_is_refused_and_the_refusal_audited(request, persona, citizen, clerk):
    user = request.getfixturevalue(persona)
    client = Client()
    staff_login(client, user) if user.is_staff_member else client.force_login(user)
    response = client.post(URL, {"action": "verify", "id_number": citizen.id_number, "card_checked": "on"})
    assert response.status_code == 403
    denied = AuditRecord.objects.filter(action="audit.access.denied").latest("seq")
    assert denied.actor == user and denied.details == {"what": "identity.counter_verification"}
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.SELF_ASSERTED
    assert not AuditRecord.objects.filter(action="identity.assurance.counter_lookup").exists()
