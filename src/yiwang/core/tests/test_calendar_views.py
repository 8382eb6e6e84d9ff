"""The calendar workbench page and the calendar API, through HTTP. 2027 data is MADE UP FOR TESTS."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yiwang.audit.models import AuditRecord
from yiwang.conftest import english_client, staff_login
from yiwang.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

PAGE = "/workbench/calendar/"
IMPORT = "/workbench/calendar/import/"
DEADLINE_API = "/api/v1/calendar/deadline"
TEST_2027_CSV = "date,kind,name\n2027-01-01,holiday,元旦(测试数据)\n2027-01-09,workday,元旦(测试数据)\n"


@pytest.fixture(autouse=True)
def _late_2026(unpublished_2027):
    """These pages are seen in late 2026, before the 2027 schedule is published."""


def client_for(user) -> Client:
    client = english_client()
    if user is not None:
        staff_login(client, user) if user.is_staff_member else client.force_login(user)
    return client


def result_box(html: str) -> str:
    match = re.search(r'<p class="result"[^>]*id="deadline-result">(.*?)</p>', html, re.S)
    assert match, "no deadline result on the page"
    return match.group(1)


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content, "text/csv")


# --- the workbench page ------------------------------------------------------------------------------

def test_the_page_lists_years_and_the_days_of_the_chosen_year(platform_admin):
    html = client_for(platform_admin).get(PAGE, {"year": 2025}).content.decode()
    assert "chinesecalendar" in html and "2004" in html
    assert "2025-01-28" in html and "春节" in html and "2025-10-11" in html
    assert "The official schedule for 2027 is not loaded yet" in html


@pytest.mark.parametrize("year", ["abc", "99999999999", "-5"])
def test_a_nonsense_year_shows_the_last_known_one(platform_admin, year):
    response = client_for(platform_admin).get(PAGE, {"year": year})
    assert response.status_code == 200 and response.context["shown_year"] == 2026


def test_the_calculator_gives_exact_2025_deadlines(platform_admin):
    response = client_for(platform_admin).get(PAGE, {"start": "2025-01-24", "days": "5"})
    box = result_box(response.content.decode())
    assert "2025-02-07" in box and "provisional" not in box


def test_the_calculator_marks_a_deadline_into_2027_provisional(platform_admin):
    response = client_for(platform_admin).get(PAGE, {"start": "2026-12-24", "days": "10"})
    box = result_box(response.content.decode())
    assert "2027-01-07" in box and '<span class="provisional">' in box


def test_the_calculator_rejects_bad_input(platform_admin):
    response = client_for(platform_admin).get(PAGE, {"start": "2025-02-30", "days": "-1"})
    assert response.status_code == 200 and 'id="deadline-result"' not in response.content.decode()
    assert response.context["deadline_form"].errors.keys() == {"start", "days"}


def test_uploading_a_year_loads_it_and_audits_who_did_it(platform_admin):
    client = client_for(platform_admin)
    response = client.post(IMPORT, {"year": 2027, "source": "TEST DATA, not official",
                                    "file": upload("2027.csv", TEST_2027_CSV)})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    assert CalendarYear.objects.get(year=2027).loaded_by == platform_admin
    assert CalendarDay.objects.filter(year__year=2027).count() == 2
    record = AuditRecord.objects.get(action="core.calendar.year_load")
    assert record.actor == platform_admin
    # …and the calculator no longer says provisional: Fri 1 Jan is off -> Fri 8 Jan 2027.
    box = result_box(client.get(PAGE, {"start": "2026-12-24", "days": "10"}).content.decode())
    assert "2027-01-08" in box and "provisional" not in box


@pytest.mark.parametrize(("name", "content", "message"), [
    ("2025.csv", "date,kind,name\n2026-01-01,holiday,x\n", "is not in 2025"),
    ("2025.csv", "date,kind,name\n2025-01-01,feast,x\n", "unknown kind"),
    ("2025.csv", "when,what\n2025-01-01,holiday\n", "header"),
    ("2025.json", "[{\"date\": ", "not valid JSON"),
    ("2025.txt", "date,kind,name\n2025-01-01,holiday,x\n", "File extension"),
])
def test_a_bad_upload_is_refused_and_nothing_changes(platform_admin, name, content, message):
    before = list(CalendarDay.objects.filter(year__year=2025).values_list("date", "kind", "name"))
    response = client_for(platform_admin).post(IMPORT, {"year": 2025, "source": "bad", "replace": "on",
                                                        "file": upload(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(CalendarDay.objects.filter(year__year=2025).values_list("date", "kind", "name")) == before
    assert not AuditRecord.objects.filter(action="core.calendar.year_load").exists()


def test_replacing_a_loaded_year_needs_the_replace_box(platform_admin):
    response = client_for(platform_admin).post(IMPORT, {"year": 2025, "source": "x",
                                                        "file": upload("2025.csv", TEST_2027_CSV)})
    assert response.status_code == 400 and "replace" in response.content.decode()
    assert CalendarDay.objects.filter(year__year=2025).count() > 20


@pytest.mark.parametrize("persona", ["tax_handler", "citizen"])
def test_only_platform_administrators_may_open_or_post_to_the_calendar(request, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(PAGE).status_code == 403
    assert client.post(IMPORT, {"year": 2027, "source": "x", "file": upload("2027.csv", TEST_2027_CSV)}
                       ).status_code == 403
    denied = AuditRecord.objects.filter(action="audit.access.denied", actor=user)
    assert denied.count() == 2 and all(r.details == {"what": "core.calendar"} for r in denied)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_anonymous_visitors_are_sent_to_log_in():
    response = client_for(None).get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the API -----------------------------------------------------------------------------------------

def test_api_deadline_for_any_logged_in_user(citizen):
    response = client_for(citizen).get(DEADLINE_API, {"start": "2025-09-26", "days": "5"})
    assert response.status_code == 200
    assert response.json() == {"due_on": "2025-10-10", "provisional": False, "last_known_year": 2026}


def test_api_deadline_into_an_unpublished_year(tax_handler):
    response = client_for(tax_handler).get(DEADLINE_API, {"start": "2026-12-24", "days": "10"})
    assert response.json() == {"due_on": "2027-01-07", "provisional": True, "last_known_year": 2026}


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "2025-02-30", "days": "5"}, "start"),
    ({"start": "yesterday", "days": "5"}, "start"),
    ({"start": "2025-01-24", "days": "3651"}, "days"),
    ({"start": "2025-01-24", "days": "-1"}, "days"),
    ({"start": "2025-01-24"}, "days"),
])
def test_api_deadline_validates_its_input(citizen, params, field):
    response = client_for(citizen).get(DEADLINE_API, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]


def test_api_needs_a_login():
    response = client_for(None).get(DEADLINE_API, {"start": "2025-01-24", "days": "5"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_api_lists_the_known_years(citizen):
    years = {y["year"]: y for y in client_for(citizen).get("/api/v1/calendar/years").json()}
    assert set(range(2004, 2027)) <= set(years)
    assert years[2025]["workdays"] == 5 and years[2025]["source"].startswith("chinesecalendar")
    assert "loaded_by" not in years[2025]
