"""Who may see and act on a department task: every persona × every page and endpoint (allow / deny).

The task belongs to the tax bureau (SWJ), role handler. Only tax staff see it; only tax handlers act on
it. Staff of another department, a department head of another department, a citizen and an anonymous
visitor are refused — and each refusal of a logged-in person is audited.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import staff_login
from yiwang.identity.models import Role
from yiwang.workflow.models import DepartmentTask

from .conftest import task_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(tax_handler, tax_head, commerce_handler, make_staff, commerce, citizen, platform_admin):
    return {
        "tax_handler": tax_handler,
        "tax_head": tax_head,  # same department, other role: may see, may not act
        "commerce_handler": commerce_handler,
        "commerce_head": make_staff(commerce, Role.DEPARTMENT_HEAD, username="commerce_head"),
        "platform_admin": platform_admin,
        "citizen": citizen,
        "anonymous": None,
    }


def client_for(user) -> Client:
    client = Client()
    if user is None:
        return client
    if user.kind == "staff":
        return staff_login(client, user)
    client.force_login(user)
    return client


SEE = {"tax_handler", "tax_head"}
ACT = {"tax_handler"}

PAGES = [  # (name, method, data, who may)
    ("workflow:task", "get", None, SEE),
    ("workflow:task_claim", "post", {}, ACT),
    ("workflow:task_decide", "post", {"decision": "approve", "opinion": "同意"}, ACT),
    ("workflow:task_transfer", "post", {"to_organisation": "", "to_user": "", "opinion": "x"}, ACT),
]


@pytest.mark.parametrize("persona", ["tax_handler", "tax_head", "commerce_handler", "commerce_head",
                                     "platform_admin", "citizen", "anonymous"])
@pytest.mark.parametrize(("name", "method", "data", "allowed"), PAGES)
def test_task_pages(persona, name, method, data, allowed, personas, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    user = personas[persona]
    denied_before = AuditRecord.objects.filter(action="audit.access.denied").count()
    before = DepartmentTask.objects.filter(pk=task.pk).values("status", "decision", "assignee").get()
    response = getattr(client_for(user), method)(reverse(name, args=[task.pk]), data or {})
    if persona in allowed:
        assert response.status_code in (200, 302, 400), response.status_code
        return
    if user is None:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == 403
        assert AuditRecord.objects.filter(action="audit.access.denied").count() > denied_before
    assert DepartmentTask.objects.filter(pk=task.pk).values("status", "decision", "assignee").get() == before


@pytest.mark.parametrize(("persona", "expected"), [
    ("tax_handler", 200), ("tax_head", 200), ("commerce_handler", 200), ("commerce_head", 200),
    ("platform_admin", 200), ("citizen", 403), ("anonymous", 302),
])
def test_worklist_shows_only_ones_own_departments_tasks(persona, expected, personas, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    response = client_for(personas[persona]).get(reverse("workflow:worklist"))
    assert response.status_code == expected
    if expected == 200:
        visible = reverse("workflow:task", args=[task.pk]) in response.content.decode()
        assert visible == (persona in SEE)


@pytest.mark.parametrize(("persona", "status"), [
    ("tax_handler", 200), ("tax_head", 200), ("commerce_handler", 403), ("commerce_head", 403),
    ("platform_admin", 403), ("citizen", 403), ("anonymous", 401),
])
def test_api_task_detail(persona, status, personas, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    response = client_for(personas[persona]).get(f"/api/v1/workflow/tasks/{task.pk}")
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), [
    ("tax_handler", 200), ("tax_head", 403), ("commerce_handler", 403), ("commerce_head", 403),
    ("platform_admin", 403), ("citizen", 403), ("anonymous", 401),
])
def test_api_approve(persona, status, personas, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    response = client_for(personas[persona]).post(f"/api/v1/workflow/tasks/{task.pk}/approve",
                                                  {"opinion": "同意"}, content_type="application/json")
    assert response.status_code == status
    task.refresh_from_db()
    assert task.status == ("completed" if status == 200 else "open")
