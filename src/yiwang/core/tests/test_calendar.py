"""The official working-day calendar: real 2025 holiday periods, unknown years, loading and importing.

Hand-checked facts used below (国办发明电〔2024〕12号, the 2025 schedule):
* Spring Festival: off Tue 28 Jan – Tue 4 Feb 2025; make-up working days Sun 26 Jan and Sat 8 Feb.
* National Day (with Mid-autumn): off Wed 1 – Wed 8 Oct 2025; make-up working days Sun 28 Sep and Sat 11 Oct.
Counting rule (承诺时限): day 1 is the first working day *after* the start date.

Any 2027 data here is MADE UP FOR TESTS — it is not the official 2027 schedule.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from yiwang.audit.models import AuditRecord
from yiwang.core import calendar, services
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import CalendarDay, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

D = dt.date


# MADE-UP 2027 TEST DATA (not official): New Year's Day Fri 1 Jan off, Sat 9 Jan worked in lieu.
TEST_2027_CSV = "date,kind,name\n2027-01-01,holiday,元旦(测试数据)\n2027-01-09,workday,元旦(测试数据)\n"


def days_of(year: int) -> list[tuple[dt.date, str, str]]:
    return list(CalendarDay.objects.filter(year__year=year).order_by("date").values_list("date", "kind", "name"))


# --- the seeded official calendar ---------------------------------------------------------------------

def test_a_fresh_database_has_the_official_calendar_of_every_library_year():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert CalendarYear.objects.get(year=2025).source.startswith("chinesecalendar ")
    assert CalendarDay.objects.get(date=D(2025, 1, 28)).name == "春节"
    assert CalendarDay.objects.get(date=D(2025, 2, 8)).kind == DayKind.WORKDAY


@pytest.mark.parametrize(("day", "working"), [
    (D(2025, 1, 24), True),    # Fri: ordinary
    (D(2025, 1, 25), False),   # Sat: ordinary weekend
    (D(2025, 1, 26), True),    # Sun: make-up working day for the Spring Festival
    (D(2025, 1, 28), False),   # Tue: Spring Festival Eve, off
    (D(2025, 2, 4), False),    # Tue: last day of the Spring Festival holiday
    (D(2025, 2, 5), True),     # Wed: back to work
    (D(2025, 2, 8), True),     # Sat: make-up working day
    (D(2025, 9, 28), True),    # Sun: make-up working day for National Day
    (D(2025, 10, 6), False),   # Mon: Mid-autumn, inside the National Day holiday
    (D(2025, 10, 8), False),   # Wed: last day of the holiday
    (D(2025, 10, 11), True),   # Sat: make-up working day
    (D(2025, 10, 12), False),  # Sun: ordinary weekend
])
def test_is_working_day_in_2025(day, working):
    assert calendar.is_working_day(day) is working


# --- deadlines across real holiday periods ----------------------------------------------------------

def test_spring_festival_2025_deadlines():
    # From Fri 24 Jan, 5 working days: Sun 26 Jan (make-up) 1, Mon 27 Jan 2, [28 Jan – 4 Feb off],
    # Wed 5 Feb 3, Thu 6 Feb 4, Fri 7 Feb 5.  A weekends-only count would give Fri 31 Jan.
    assert calendar.add_working_days(D(2025, 1, 24), 5) == (D(2025, 2, 7), False)
    # From Mon 20 Jan, 10: 21,22,23,24 Jan (4), Sun 26 (5), Mon 27 (6), [off], 5,6,7 Feb (9), Sat 8 Feb (10).
    assert calendar.add_working_days(D(2025, 1, 20), 10) == (D(2025, 2, 8), False)
    # From Wed 5 Feb, 3: Thu 6 (1), Fri 7 (2), Sat 8 Feb make-up (3) — a Saturday deadline.
    assert calendar.add_working_days(D(2025, 2, 5), 3).date == D(2025, 2, 8)
    # Starting inside the holiday (Thu 30 Jan), 1 working day is the first day back: Wed 5 Feb.
    assert calendar.add_working_days(D(2025, 1, 30), 1).date == D(2025, 2, 5)
    # After Fri 24 Jan up to Mon 10 Feb: Sun 26, Mon 27, Wed 5, Thu 6, Fri 7, Sat 8, Mon 10 = 7.
    assert calendar.working_days_between(D(2025, 1, 24), D(2025, 2, 10)) == 7


def test_national_day_2025_deadlines():
    # From Fri 26 Sep, 5: Sun 28 Sep (make-up) 1, Mon 29 2, Tue 30 3, [1–8 Oct off], Thu 9 Oct 4, Fri 10 Oct 5.
    assert calendar.add_working_days(D(2025, 9, 26), 5) == (D(2025, 10, 10), False)
    # …and the 6th is Sat 11 Oct, the second make-up working day.
    assert calendar.add_working_days(D(2025, 9, 26), 6).date == D(2025, 10, 11)
    # A disclosure reply (20 working days, 政府信息公开条例 §33) from Thu 18 Sep: Fri 19 (1), 22–26 Sep (6),
    # Sun 28 (7), 29–30 Sep (9), [off], 9–11 Oct (12), 13–17 Oct (17), 20–22 Oct (20) -> Wed 22 Oct.
    assert calendar.add_working_days(D(2025, 9, 18), 20) == (D(2025, 10, 22), False)
    # Between Tue 30 Sep and Sun 12 Oct: Thu 9, Fri 10, Sat 11 Oct = 3.
    assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 12)) == 3


def test_counting_rules_for_zero_and_reversed_ranges():
    assert calendar.add_working_days(D(2025, 2, 1), 0) == (D(2025, 2, 1), False)
    assert calendar.working_days_between(D(2025, 2, 10), D(2025, 2, 10)) == 0
    assert calendar.working_days_between(D(2025, 2, 10), D(2025, 1, 24)) == -7
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(D(2025, 2, 1), -1)


@pytest.mark.parametrize("start", [D(2025, 1, 20), D(2025, 9, 26), D(2025, 12, 25), D(2026, 2, 13)])
def test_add_and_between_agree(start):
    for n in range(0, 45):
        due = calendar.add_working_days(start, n).date
        assert calendar.working_days_between(start, due) == n
        assert n == 0 or calendar.is_working_day(due)


# --- years not yet published ----------------------------------------------------------------------

def test_a_deadline_into_an_unpublished_year_is_provisional_on_weekends_only(unpublished_2027):
    assert calendar.last_known_year() == 2026
    # From Thu 24 Dec 2026, 10: Fri 25 (1), 28–31 Dec (5), then 2027 on Monday–Friday rules:
    # Fri 1 Jan (6, New Year's Day is not known yet), 4–7 Jan (10) -> Thu 7 Jan 2027, provisional.
    assert calendar.add_working_days(D(2026, 12, 24), 10) == (D(2027, 1, 7), True)
    # Within 2026 nothing is provisional; the 2026 National Day holiday still counts (off 1–7 Oct,
    # make-up Sat 10 Oct): from Wed 30 Sep, 1 working day is Thu 8 Oct.
    assert calendar.add_working_days(D(2026, 9, 30), 1) == (D(2026, 10, 8), False)
    assert calendar.count_working_days(D(2026, 12, 24), D(2027, 1, 7)) == (10, True)

    services.calendar_year_import(year=2027, data=TEST_2027_CSV.encode(), source="TEST DATA, not official")
    # Now Fri 1 Jan is off: 25, 28–31 Dec (5), 4–8 Jan (10) -> Fri 8 Jan 2027, no longer provisional.
    assert calendar.add_working_days(D(2026, 12, 24), 10) == (D(2027, 1, 8), False)
    assert calendar.is_working_day(D(2027, 1, 9))  # the made-up make-up Saturday
    assert calendar.last_known_year() == 2027


def test_a_deadline_is_computed_without_a_query_per_day(django_assert_max_num_queries):
    calendar.current_calendar()  # warm the process cache
    with django_assert_max_num_queries(1):  # only the revision check
        due = calendar.add_working_days(D(2015, 1, 5), 3650)
    assert due.date > D(2029, 1, 1) and due.provisional
    CalendarYear.objects.filter(year=2025).update(revision="00000000-0000-0000-0000-000000000001")
    with django_assert_max_num_queries(2):  # a changed year: revision check + one reload of all days
        calendar.add_working_days(D(2025, 1, 24), 5)


# --- loading and correcting years -----------------------------------------------------------------

def test_loading_a_year_is_audited(platform_admin, unpublished_2027):
    loaded = services.calendar_year_load(
        year=2027, days=[(D(2027, 1, 1), "holiday", "元旦(测试数据)"), (D(2027, 1, 9), "班", "元旦(测试数据)")],
        source="TEST DATA, not official", by=platform_admin,
    )
    assert loaded.loaded_by == platform_admin
    assert days_of(2027) == [(D(2027, 1, 1), "holiday", "元旦(测试数据)"), (D(2027, 1, 9), "workday", "元旦(测试数据)")]
    record = AuditRecord.objects.get(action="core.calendar.year_load")
    assert record.actor == platform_admin and record.object_id == str(loaded.pk)
    assert record.details["holidays"] == 1 and record.details["workdays"] == 1


@pytest.mark.parametrize(("days", "fragment"), [
    ([(D(2026, 12, 31), "holiday", "x")], "is not in 2025"),
    ([(D(2025, 1, 28), "vacation", "x")], "unknown kind"),
    ([(D(2025, 1, 28), "workday", "x")], "is a weekday"),
    ([(D(2025, 1, 28), "holiday", "x"), (D(2025, 1, 28), "holiday", "y")], "more than once"),
    ([("2025-01-28", "holiday", "x")], "is not a date"),
    ([(D(2025, 1, 28), "holiday")], "expected a date, a kind and a name"),
])
def test_a_bad_load_changes_nothing(days, fragment):
    before = days_of(2025)
    source_before = CalendarYear.objects.get(year=2025).source
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_load(year=2025, days=[(D(2025, 5, 1), "holiday", "劳动节"), *days], source="bad")
    assert any(fragment in message for message in caught.value.field_errors["days"])
    assert days_of(2025) == before and len(before) > 20
    assert CalendarYear.objects.get(year=2025).source == source_before
    assert not AuditRecord.objects.filter(action="core.calendar.year_load").exists()


def test_reloading_a_library_year_is_idempotent_and_unknown_library_years_are_refused():
    before = days_of(2025)
    services.calendar_year_load_from_library(year=2025)
    assert days_of(2025) == before
    with pytest.raises(ValidationFailed):
        services.calendar_year_load_from_library(year=2099)


def test_setting_one_day_changes_deadlines_at_once():
    assert calendar.add_working_days(D(2025, 3, 3), 5).date == D(2025, 3, 10)
    services.calendar_day_set(date=D(2025, 3, 5), kind="holiday", name="测试")
    assert calendar.add_working_days(D(2025, 3, 3), 5).date == D(2025, 3, 11)
    services.calendar_day_set(date=D(2025, 3, 5), kind=None)
    assert calendar.add_working_days(D(2025, 3, 3), 5).date == D(2025, 3, 10)
    assert AuditRecord.objects.filter(action="core.calendar.day_set").count() == 2


def test_a_day_of_an_unpublished_year_cannot_be_set_alone(unpublished_2027):
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_set(date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert "date" in caught.value.field_errors
    assert not CalendarYear.objects.filter(year=2027).exists()


# --- import files -----------------------------------------------------------------------------------

def test_import_csv_with_bom_comments_and_slashed_dates(unpublished_2027):
    data = ("\ufeff# MADE-UP TEST DATA\ndate,kind,name\n2027/1/1,holiday,元旦\n\n2027-01-09,workday,\n").encode()
    services.calendar_year_import(year=2027, data=data, filename="2027.csv", source="TEST DATA")
    assert days_of(2027) == [(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 9), "workday", "")]


def test_import_gb18030_csv_from_a_spreadsheet(unpublished_2027):
    data = TEST_2027_CSV.encode("gb18030")
    services.calendar_year_import(year=2027, data=data, filename="2027.csv", source="TEST DATA")
    assert days_of(2027)[0][2] == "元旦(测试数据)"


def test_import_json_takes_its_source_and_checks_its_year(unpublished_2027):
    document = {"year": 2027, "source": "TEST DATA, not official",
                "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_import(year=2028, data=json.dumps(document).encode(), filename="x.json")
    assert "year" in caught.value.field_errors
    loaded = services.calendar_year_import(year=2027, data=json.dumps(document).encode(), filename="x.json")
    assert loaded.source == "TEST DATA, not official" and days_of(2027) == [(D(2027, 1, 1), "holiday", "元旦")]


@pytest.mark.parametrize(("data", "fragment"), [
    (b"day,type\n2025-01-01,holiday\n", "header"),
    (b"date,kind,name\n2025-13-01,holiday,x\n", "not a date"),
    (b"date,kind,name\n2025-01-01,holiday,x,extra\n", "too many columns"),
    (b"date,kind,name\n", "no days"),
    (b"\xff\xfe\x00garbage\xff", ""),
    (b'[{"date": "2025-01-01"', "not valid JSON"),
    (b'{"days": {"date": "2025-01-01"}}', "list of days"),
    (b"date,kind,name\n2025-01-01,holiday,x\n2026-01-01,holiday,y\n", "is not in 2025"),
    (b"date,kind,name\n2025-01-01,sunday,x\n", "unknown kind"),
])
def test_a_malformed_import_is_refused_with_a_clear_error_and_nothing_written(data, fragment):
    before = days_of(2025)
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_import(year=2025, data=data, filename="upload", source="bad", replace=True)
    assert fragment in " ".join(caught.value.field_errors["file"])
    assert days_of(2025) == before and len(before) > 20
    assert not AuditRecord.objects.filter(action="core.calendar.year_load").exists()


def test_a_loaded_year_is_only_replaced_on_purpose():
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_import(year=2025, data=b"date,kind,name\n2025-01-01,holiday,x\n", source="s")
    assert "replace" in caught.value.field_errors
    assert len(days_of(2025)) > 20


# --- the command line ------------------------------------------------------------------------------

def test_command_deadline_show_and_import(capsys, tmp_path, unpublished_2027):
    call_command("calendar", "deadline", "2025-01-24", "5")
    assert capsys.readouterr().out.startswith("2025-02-07")
    call_command("calendar", "deadline", "2026-12-24", "10")
    assert "2027-01-07" in (out := capsys.readouterr().out) and "PROVISIONAL" in out
    call_command("calendar", "show", "--year", "2025")
    assert "2025-02-08" in capsys.readouterr().out
    path = tmp_path / "2027-test.csv"
    path.write_text(TEST_2027_CSV, encoding="utf-8")
    call_command("calendar", "import", str(path), "--year", "2027", "--source", "TEST DATA")
    assert CalendarYear.objects.filter(year=2027).exists()
    assert AuditRecord.objects.get(action="core.calendar.year_load").actor_name.startswith("cli")
    with pytest.raises(CommandError, match="already loaded"):
        call_command("calendar", "import", str(path), "--year", "2027", "--source", "TEST DATA")
    call_command("calendar", "set-day", "2027-01-04", "holiday", "--name", "测试")
    assert not calendar.is_working_day(D(2027, 1, 4))
