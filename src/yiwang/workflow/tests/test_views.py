"""The worklist and task pages: filter, sort, claim, decide, transfer, countersign."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.conftest import english_client, staff_login
from yiwang.workflow import services
from yiwang.workflow.models import Countersign, DepartmentTask
from yiwang.workflow.registry import _DESCRIBERS, SubjectInfo, register_subject_type

from .conftest import task_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler_client(tax_handler) -> Client:
    return staff_login(Client(), tax_handler)


@pytest.fixture
def described_subjects():
    register_subject_type("test.case", describe=lambda s: SubjectInfo(
        reference=f"PD-{s.split(':')[1]}", title="Tax permit", applicant="张三", url=f"/cases/{s.split(':')[1]}/",
        paused=s.endswith(":2")))
    yield
    _DESCRIBERS.pop("test.case", None)


def test_worklist_shows_the_departments_tasks_with_their_subject(handler_client, single_definition, start,
                                                                 described_subjects):
    start(single_definition)
    start(single_definition)
    page = handler_client.get(reverse("workflow:worklist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "PD-1" in html and "PD-2" in html and "张三" in html and "Review the application" in html
    assert "暂停" in html or "Paused" in html
    assert html.count(">认领<") + html.count(">Claim<") == 2


def test_worklist_filters_and_sorts(handler_client, tax_handler, single_definition, start, described_subjects):
    first, second = start(single_definition), start(single_definition)
    services.task_claim(task=task_of(second, "SWJ"), by=tax_handler)
    mine = handler_client.get(reverse("workflow:worklist"), {"scope": "mine"}).content.decode()
    assert "PD-2" in mine and "PD-1" not in mine
    unclaimed = handler_client.get(reverse("workflow:worklist"), {"scope": "unclaimed"}).content.decode()
    assert "PD-1" in unclaimed and "PD-2" not in unclaimed
    newest = handler_client.get(reverse("workflow:worklist"), {"sort": "newest"}).content.decode()
    assert newest.index("PD-2") < newest.index("PD-1")
    oldest = handler_client.get(reverse("workflow:worklist"), {"sort": "oldest", "status": "nonsense"}).content.decode()
    assert oldest.index("PD-1") < oldest.index("PD-2")
    assert first.pk != second.pk


def test_finished_tasks_are_read_most_recently_finished_first_and_not_by_deadline(
        handler_client, tax_handler, single_definition, start, described_subjects):
    first, second = start(single_definition), start(single_definition)
    services.task_approve(task=task_of(second, "SWJ"), by=tax_handler, opinion="同意")
    services.task_approve(task=task_of(first, "SWJ"), by=tax_handler, opinion="同意")  # finished last
    page = handler_client.get(reverse("workflow:worklist"), {"scope": "done", "sort": "due"})
    assert page.status_code == 200 and page.context["sort"] == "finished"  # deadline order does not apply
    assert [key for key, _label in page.context["sorts"]] == ["finished", "newest", "oldest"]
    html = page.content.decode()
    assert html.index("PD-1") < html.index("PD-2")
    oldest = handler_client.get(reverse("workflow:worklist"), {"scope": "done", "sort": "oldest"}).content.decode()
    assert oldest.index("PD-1") < oldest.index("PD-2")
    newest = handler_client.get(reverse("workflow:worklist"), {"scope": "done", "sort": "newest"}).content.decode()
    assert newest.index("PD-2") < newest.index("PD-1")
    open_tasks = handler_client.get(reverse("workflow:worklist"), {"sort": "finished"})
    assert open_tasks.context["sort"] == "oldest" and "due" in dict(open_tasks.context["sorts"])


def test_a_long_list_says_it_shows_only_the_first_rows(handler_client, single_definition, start, described_subjects,
                                                       monkeypatch):
    from yiwang.workflow import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "LIST_CAP", 10)
    for _n in range(11):
        start(single_definition)
    page = handler_client.get(reverse("workflow:worklist"), {"page": "3"})
    paginator = page.context["page"].paginator
    assert paginator.capped and paginator.num_pages == 2 and page.context["page"].number == 2
    html = page.content.decode()
    assert "More than 10 tasks" in html or "超过 10 项任务" in html


def test_claim_from_the_worklist(handler_client, tax_handler, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    response = handler_client.post(reverse("workflow:task_claim", args=[task.pk]), {"next": "worklist"})
    assert response.status_code == 302 and response.url == reverse("workflow:worklist")
    task.refresh_from_db()
    assert (task.status, task.assignee) == ("claimed", tax_handler)


def test_task_page_shows_the_subject_and_the_decision_form(handler_client, single_definition, start,
                                                           described_subjects):
    task = task_of(start(single_definition), "SWJ")
    html = handler_client.get(reverse("workflow:task", args=[task.pk])).content.decode()
    assert "PD-1" in html and 'href="/cases/1/"' in html
    assert reverse("workflow:task_decide", args=[task.pk]) in html
    assert reverse("workflow:task_transfer", args=[task.pk]) in html
    assert reverse("workflow:task_countersign", args=[task.pk]) in html


def test_approve_on_the_task_page(handler_client, single_definition, start):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    response = handler_client.post(reverse("workflow:task_decide", args=[task.pk]),
                                   {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == ("completed", "approved")


def test_a_decision_without_an_opinion_is_shown_again_with_the_error(tax_handler, single_definition, start):
    client = staff_login(english_client(), tax_handler)
    task = task_of(start(single_definition), "SWJ")
    response = client.post(reverse("workflow:task_decide", args=[task.pk]), {"decision": "reject", "opinion": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open" and task.decision == ""


def test_deciding_a_completed_task_again_shows_a_clear_error(tax_handler, single_definition, start):
    client = staff_login(english_client(), tax_handler)
    task = task_of(start(single_definition), "SWJ")
    services.task_approve(task=task, opinion="同意", by=tax_handler)
    response = client.post(reverse("workflow:task_decide", args=[task.pk]), {"decision": "reject", "opinion": "x"})
    assert response.status_code == 400
    assert "already completed" in response.content.decode()
    task.refresh_from_db()
    assert task.decision == "approved"


def test_transfer_on_the_task_page(handler_client, single_definition, start, commerce):
    task = task_of(start(single_definition), "SWJ")
    response = handler_client.post(reverse("workflow:task_transfer", args=[task.pk]),
                                   {"to_organisation": commerce.pk, "opinion": "属市场监管职责"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.organisation == commerce


def test_countersign_request_and_answer_through_the_pages(handler_client, tax_colleague, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    response = handler_client.post(reverse("workflow:task_countersign", args=[task.pk]),
                                   {"colleagues": [tax_colleague.pk], "opinion": "请会签"})
    assert response.status_code == 302
    request = Countersign.objects.get(task=task)
    colleague = staff_login(Client(), tax_colleague)
    worklist = colleague.get(reverse("workflow:worklist")).content.decode()
    assert reverse("workflow:task", args=[task.pk]) in worklist
    page = colleague.get(reverse("workflow:task", args=[task.pk])).content.decode()
    assert reverse("workflow:countersign_answer", args=[request.pk]) in page
    response = colleague.post(reverse("workflow:countersign_answer", args=[request.pk]),
                              {"answer": "agree", "opinion": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.opinion) == ("agreed", "同意")


def test_pages_are_in_chinese_by_default(handler_client, single_definition, start):
    task = task_of(start(single_definition), "SWJ")
    assert DepartmentTask.objects.filter(pk=task.pk).exists()
    html = handler_client.get(reverse("workflow:worklist")).content.decode()
    assert 'lang="zh-hans"' in html


def test_the_decision_is_the_button_pressed(tax_handler, single_definition, start):
    client = staff_login(english_client(), tax_handler)
    task = task_of(start(single_definition), "SWJ")
    page = client.get(reverse("workflow:task", args=[task.pk])).content.decode()
    assert 'name="decision" value="approve"' in page and 'name="decision" value="reject"' in page
    response = client.post(reverse("workflow:task_decide", args=[task.pk]), {"decision": "maybe", "opinion": "x"})
    assert response.status_code == 400 and "Press “Approve” or “Reject”." in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"
    client.post(reverse("workflow:task_decide", args=[task.pk]), {"decision": "reject", "opinion": "不符合"})
    task.refresh_from_db()
    assert (task.decision, task.opinion) == ("rejected", "不符合")
