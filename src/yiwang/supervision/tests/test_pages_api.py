"""Pages and the API: who sees what, the portal's rating and complaint forms, the published figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from yiwang.conftest import english_client, staff_login
from yiwang.identity.models import AssuranceLevel
from yiwang.intake.public import Application, application_submit
from yiwang.intake.tests.conftest import FORM, make_matter
from yiwang.intake.tests.conftest import licence as a_licence
from yiwang.supervision import services
from yiwang.supervision.models import Complaint, Rating, Watch


@pytest.fixture
def client():
    """Pages negotiate Chinese by default; these tests read the English text."""
    return english_client()


@pytest.fixture
def case(citizen, platform_admin, tax) -> Application:
    make_matter(platform_admin, code="PD-SWJ-0001")
    citizen.assurance_level = AssuranceLevel.IN_PERSON
    citizen.save(update_fields=["assurance_level"])
    return application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen, channel="portal",
                              form_data=FORM, files=[a_licence()])


def finish(case: Application) -> None:
    Application.objects.filter(pk=case.pk).update(status="approved", decided_at=timezone.now())  # as intake would


@pytest.mark.parametrize("who", ["supervisor", "leader", "tax_head"])
def test_the_dashboard_shows_the_ranking_to_office_leaders_and_heads(client, request, who, tax):
    watch = services.clock_open(kind="test.case", subject="test.case:1", label="x", limit_days=5,
                                started_on=dt.date(2026, 3, 2), organisation=tax)
    services.sweep(today=dt.date(2026, 3, 20))
    staff_login(client, request.getfixturevalue(who))
    page = client.get("/workbench/supervision/?month=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert tax.name in html and "Matters that can be handled fully online" in html
    assert "Information disclosure rate" in html  # not reported yet, and says so
    drill = client.get(f"/workbench/supervision/departments/{tax.pk}/?grade=red")
    assert drill.status_code == 200 and watch.label in drill.content.decode()


def test_a_handler_may_not_see_the_dashboard_nor_another_department_its_cases(client, tax_handler, commerce_head,
                                                                               tax):
    staff_login(client, tax_handler)
    assert client.get("/workbench/supervision/").status_code == 403
    staff_login(client, commerce_head)
    assert client.get(f"/workbench/supervision/departments/{tax.pk}/").status_code == 403


def test_the_applicant_rates_a_finished_case_once_on_the_portal(client, citizen, case, tax, tax_head):
    client.force_login(citizen)
    page = client.get(f"/supervision/rate/{case.number}/")
    assert "not finished yet" in page.content.decode()
    refused = client.post(f"/supervision/rate/{case.number}/", {"score": "5"})
    assert refused.status_code == 200 and "not finished yet" in refused.content.decode()
    assert not Rating.objects.exists()
    finish(case)
    sent = client.post(f"/supervision/rate/{case.number}/", {"score": "2", "comment": "等太久"})
    assert sent.status_code == 302
    rating = Rating.objects.get()
    assert (rating.subject, rating.organisation, rating.score) == (f"intake.application:{case.pk}", tax, 2)
    assert Watch.objects.filter(kind="supervision.rectification").count() == 1
    again = client.post(f"/supervision/rate/{case.number}/", {"score": "5"})
    assert again.status_code == 200 and Rating.objects.get().score == 2


def test_someone_else_cannot_rate_or_see_a_case(client, case, make_staff):
    from yiwang.identity import services as identity

    other = identity.citizen_register(username="lisi", password="Pudong-Test-2026!", real_name="李四",
                                      id_number="440524188001010014", phone="13900139000")
    finish(case)
    client.force_login(other)
    assert client.post(f"/supervision/rate/{case.number}/", {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_citizen_complains_about_a_case_on_the_portal(client, citizen, case, tax):
    client.force_login(citizen)
    refused = client.post("/supervision/complaints/new/", {"text": "x"})
    assert "which department or case" in refused.content.decode() and not Complaint.objects.exists()
    sent = client.post("/supervision/complaints/new/", {"reference": case.number, "text": "一直没人处理"})
    assert sent.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.organisation == tax and complaint.subject == f"intake.application:{case.pk}"


def test_the_office_closes_a_complaint_from_its_task_page(client, citizen, supervisor, tax):
    complaint = services.complaint_file(by=citizen, channel="portal", organisation=tax, text="x")
    staff_login(client, supervisor)
    assert "x" in client.get("/workbench/supervision/work/").content.decode()
    client.post(f"/workbench/supervision/complaints/{complaint.pk}/close/", {"outcome": "upheld", "note": "已整改"})
    complaint.refresh_from_db()
    assert complaint.outcome == "upheld"


def test_the_api_publishes_aggregates_and_takes_ratings(client, citizen, case, tax):
    services.clock_open(kind="test.case", subject="test.case:1", label="x", limit_days=5,
                        started_on=dt.date(2026, 3, 2), organisation=tax)
    services.sweep(today=dt.date(2026, 3, 20))
    figures = client.get("/api/v1/supervision/assessment?month=2026-03")
    assert figures.status_code == 200
    (row,) = figures.json()
    assert row["name"] == tax.name and row["open_red"] == 1 and row["on_time_rate"] == 0.0
    client.force_login(citizen)
    refused = client.post("/api/v1/supervision/ratings", json.dumps({"case_number": case.number, "score": 5}),
                          content_type="application/json")
    assert refused.status_code == 422 and not Rating.objects.exists()
    finish(case)
    made = client.post("/api/v1/supervision/ratings", json.dumps({"case_number": case.number, "score": 1}),
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["rectification_due_on"]


def test_a_form_never_redirects_off_site(client, citizen, supervisor, tax):
    complaint = services.complaint_file(by=citizen, channel="portal", organisation=tax, text="x")
    staff_login(client, supervisor)
    response = client.post(f"/workbench/supervision/complaints/{complaint.pk}/close/",
                           {"outcome": "upheld", "note": "n", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/workbench/supervision/work/"


def test_the_office_issues_an_urgent_notice_in_hours_from_its_page(client, supervisor, tax, tax_head):
    from yiwang.supervision.models import Notice

    staff_login(client, supervisor)
    client.post("/workbench/supervision/notices/",
                {"organisation": tax.pk, "text": "请四小时内说明", "reply_hours": "4"})
    notice = Notice.objects.get()
    assert notice.clock.limit_hours == 4 and notice.organisation == tax
    staff_login(client, tax_head)
    due = timezone.localtime(notice.clock.due_at).strftime("%Y-%m-%d %H:%M")
    assert f"Reply by {due}." in client.get("/workbench/supervision/work/").content.decode()
