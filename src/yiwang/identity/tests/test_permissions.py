"""Role × page: every persona against every page, expected allow or deny (STYLE: table-driven)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, staff_login
from yiwang.identity import services
from yiwang.identity.models import OrgKind, Role

PERSONAS = ["anonymous", "citizen", "enterprise", "tax_handler", "tax_head", "commerce_head", "window_clerk",
            "hotline_agent", "supervisor", "leader", "platform_admin"]
STAFF = {"tax_handler", "tax_head", "commerce_head", "window_clerk", "hotline_agent", "supervisor", "leader",
         "platform_admin"}

PAGES = {
    # page: personas allowed (everyone else: anonymous -> login, logged in -> 403)
    "home": set(PERSONAS),
    "me": set(PERSONAS) - {"anonymous"},
    "enterprise_register": {"citizen"},
    "workbench": STAFF,
    "organisation_tree": STAFF,
    "tax_staff": {"tax_head", "platform_admin"},
    "audit_log": {"supervisor", "platform_admin"},
    "calendar": {"platform_admin"},
    "account": set(PERSONAS) - {"anonymous"},
    "enterprise_agents": set(PERSONAS) - {"anonymous"},  # each sees only what they may decide
    "counter_verify": {"window_clerk"},
}


@pytest.fixture
def world(db, district, tax, commerce, make_staff, citizen):
    centre = services.organisation_create(kind=OrgKind.CENTRE, code="PD-CC", name="市民中心", parent=district)
    hotline = services.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-CYZX", name="区城运中心",
                                           parent=district)
    enterprise = services.enterprise_register(credit_code="91110108551385082Q", name="示例公司",
                                              legal_representative="张三", password=PASSWORD)
    users = {
        "citizen": citizen,
        "enterprise": enterprise.account,
        "tax_handler": make_staff(tax, Role.HANDLER),
        "tax_head": make_staff(tax, Role.DEPARTMENT_HEAD),
        "commerce_head": make_staff(commerce, Role.DEPARTMENT_HEAD),
        "window_clerk": make_staff(centre, Role.WINDOW_CLERK),
        "hotline_agent": make_staff(hotline, Role.HOTLINE_AGENT),
        "supervisor": make_staff(district, Role.SUPERVISOR),
        "leader": make_staff(district, Role.LEADER),
        "platform_admin": make_staff(district, Role.PLATFORM_ADMIN),
    }
    urls = {
        "home": reverse("portal:home"),
        "me": reverse("portal:me"),
        "enterprise_register": reverse("identity:enterprise_register"),
        "workbench": reverse("workbench:workbench"),
        "organisation_tree": reverse("workbench:organisation_tree"),
        "tax_staff": reverse("workbench:organisation_staff", args=[tax.pk]),
        "audit_log": reverse("audit:log"),
        "calendar": "/workbench/calendar/",
        "account": reverse("portal:account"),
        "enterprise_agents": reverse("identity:enterprise_agents"),
        "counter_verify": reverse("workbench:counter_verify"),
    }
    return users, urls


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_by_page(world, persona, page):
    users, urls = world
    client = Client()
    if persona in STAFF:
        staff_login(client, users[persona])
    elif persona != "anonymous":
        client.force_login(users[persona])
    denied_before = AuditRecord.objects.filter(action="audit.access.denied").count()
    response = client.get(urls[page])
    if persona in PAGES[page]:
        assert response.status_code == 200, f"{persona} should see {page}"
    elif persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, f"{persona} must not see {page}"
        denied = AuditRecord.objects.filter(action="audit.access.denied")
        assert denied.count() == denied_before + 1
        assert denied.latest("seq").actor == users[persona]


def test_django_admin_is_for_platform_administrators_only(world):
    users, _ = world
    for persona, expected in [("platform_admin", 200), ("tax_head", 302), ("citizen", 302)]:
        client = Client()
        staff_login(client, users[persona]) if persona in STAFF else client.force_login(users[persona])
        assert client.get("/admin/").status_code == expected, persona


def test_a_department_head_sees_only_their_own_department(world, commerce):
    users, urls = world
    client = Client()
    staff_login(client, users["tax_head"])
    page = client.get(urls["tax_staff"])
    assert users["tax_handler"].username in page.content.decode()
    assert client.get(reverse("workbench:organisation_staff", args=[commerce.pk])).status_code == 403
