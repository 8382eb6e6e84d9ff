"""The JSON API: list my department's tasks, claim, approve / reject with an opinion."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.conftest import staff_login
from yiwang.workflow import services

from .conftest import task_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tax_handler) -> Client:
    return staff_login(Client(), tax_handler)


def test_list_claim_and_approve(api, tax_handler, single_definition, start):
    instance = start(single_definition)
    tasks = api.get("/api/v1/workflow/tasks").json()
    assert [(t["subject"], t["organisation"], t["status"], t["can_act"]) for t in tasks] == [
        (instance.subject, "SWJ", "open", True)]
    task_id = tasks[0]["id"]
    claimed = api.post(f"/api/v1/workflow/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == tax_handler.username
    assert [t["id"] for t in api.get("/api/v1/workflow/tasks", {"scope": "mine"}).json()] == [task_id]
    done = api.post(f"/api/v1/workflow/tasks/{task_id}/approve", {"opinion": "同意"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["decision"] == "approved"
    instance.refresh_from_db()
    assert instance.outcome == "approved"
    assert api.get("/api/v1/workflow/tasks").json() == []
    assert [t["id"] for t in api.get("/api/v1/workflow/tasks", {"scope": "done"}).json()] == [task_id]


def test_reject_needs_an_opinion_and_twice_is_refused(api, tax_handler, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    empty = api.post(f"/api/v1/workflow/tasks/{task.pk}/reject", {"opinion": " "}, content_type="application/json")
    assert empty.status_code == 422 and "opinion" in empty.json()["error"]["fields"]
    missing = api.post(f"/api/v1/workflow/tasks/{task.pk}/reject", {}, content_type="application/json")
    assert missing.status_code == 422
    task.refresh_from_db()
    assert task.status == "open"
    ok = api.post(f"/api/v1/workflow/tasks/{task.pk}/reject", {"opinion": "不符合条件"},
                  content_type="application/json")
    assert ok.status_code == 200
    again = api.post(f"/api/v1/workflow/tasks/{task.pk}/approve", {"opinion": "x"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["error"]["code"] == "task_closed"
    task.refresh_from_db()
    assert task.decision == "rejected"


def test_filter_by_department_code_and_bad_filters(api, single_definition, start, tax_handler):
    start(single_definition)
    assert len(api.get("/api/v1/workflow/tasks", {"organisation": "SWJ"}).json()) == 1
    assert api.get("/api/v1/workflow/tasks", {"organisation": "SCJGJ"}).status_code == 403
    assert api.get("/api/v1/workflow/tasks", {"scope": "everything"}).status_code == 422
    by_deadline = api.get("/api/v1/workflow/tasks", {"scope": "done", "sort": "due"})
    assert by_deadline.status_code == 422 and "sort" in by_deadline.json()["error"]["fields"]
    assert api.get("/api/v1/workflow/tasks", {"scope": "done", "sort": "finished"}).json() == []
    assert services.holds_task_role(tax_handler, task_of(start(single_definition), "SWJ"))


def test_an_unknown_task_is_refused_like_a_foreign_one(api):
    assert api.get("/api/v1/workflow/tasks/999999").status_code == 403
