"""Staff pages: lookups show only granted fields; history; departments without a grant see nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import staff_login
from yiwang.identity.models import Role
from yiwang.registries import services

from .conftest import CREDIT_CODE, ID_FEMALE, ID_PUDONG

URL = "/workbench/registries/"


@pytest.fixture
def civil_handler(make_staff, civil):
    services.field_grant_set(organisation=civil, registry="person", fields=["name", "actual_address", "area_name"])
    return staff_login(Client(), make_staff(civil, Role.HANDLER, username="civil_handler"))


def test_lookup_page_offers_only_granted_fields(civil_handler, person):
    page = civil_handler.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="actual_address"' in html and 'value="household_address"' not in html
    assert 'name="person-id_number"' in html
    assert 'name="legal-credit_code"' not in html and html.count('class="no-grant"') == 1  # no legal-person grant


def test_lookup_shows_granted_fields_and_links_history(civil_handler, person):
    page = civil_handler.post(URL, {"registry": "person", "person-id_number": ID_PUDONG})
    assert page.status_code == 200
    html = page.content.decode()
    assert "张三" in html and "锦绣路1001弄" in html and "花木街道" in html
    assert "1993-06-15" not in html  # birth date not granted
    assert reverse("registries:person_history", args=[person.pk]) in html
    assert AuditRecord.objects.filter(action="registries.person.lookup").count() == 1


def test_asking_for_an_ungranted_field_by_crafted_post_is_forbidden(civil_handler, person):
    page = civil_handler.post(URL, {"registry": "person", "person-id_number": ID_PUDONG,
                                    "person-fields": ["household_address"]})
    # Not an offered choice: the form refuses it before any lookup.
    assert page.status_code == 400 and "锦绣路" not in page.content.decode()


def test_invalid_and_unknown_numbers_are_shown_next_to_the_field(civil_handler, person):
    page = civil_handler.post(URL, {"registry": "person", "person-id_number": "310103199002290047"})
    assert page.status_code == 400
    page = civil_handler.post(URL, {"registry": "person", "person-id_number": ID_FEMALE})
    assert page.status_code == 400


def test_history_page_shows_granted_changes_only(civil_handler, person, police, civil):
    services.person_update(person=person, source=civil, changes={
        "actual_address": "上海市浦东新区碧波路690弄5号1201室", "household_code": "12500000009"})
    page = civil_handler.get(reverse("registries:person_history", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "碧波路690弄" in html and "12500000009" not in html and ID_PUDONG not in html


def test_department_without_grants_is_refused_history_and_sees_no_forms(make_staff, tax, person):
    client = staff_login(Client(), make_staff(tax, Role.HANDLER))
    page = client.get(URL)
    assert page.status_code == 200 and 'name="person-id_number"' not in page.content.decode()
    assert client.get(reverse("registries:person_history", args=[person.pk])).status_code == 403


def test_legal_person_lookup_page(make_staff, tax, legal_person):
    services.field_grant_set(organisation=tax, registry="legal_person", fields=["name", "status"])
    client = staff_login(Client(), make_staff(tax, Role.HANDLER))
    page = client.post(URL, {"registry": "legal_person", "legal-credit_code": CREDIT_CODE.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and "上海示例贸易有限公司" in html and "李四" not in html
    assert client.get(reverse("registries:legal_person_history", args=[CREDIT_CODE])).status_code == 200


def test_citizens_and_anonymous_visitors_are_kept_out(client, citizen, person):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"registry": "person", "person-id_number": ID_PUDONG}).status_code == 403
