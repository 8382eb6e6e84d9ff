"""Property-based tests of supervision's clock arithmetic on the official calendar, across holiday periods
(Spring Festival, National Day and their make-up working weekends 调休). Pure: no database."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.core.calendar import WorkingCalendar
from yiwang.core.models import DayKind
from yiwang.core.services import library_days
from yiwang.supervision.grading import grade_at, grade_dates, grade_moments, grade_on, used_days, warn_days

YEARS = (2024, 2025, 2026)
_holidays: dict[dt.date, str] = {}
_workdays: dict[dt.date, str] = {}
for _year in YEARS:
    for _day, _kind, _name in library_days(_year):
        (_workdays if _kind == DayKind.WORKDAY else _holidays)[_day] = _name
CALENDAR = WorkingCalendar(known_years=frozenset(YEARS), holidays=MappingProxyType(_holidays),
                           workdays=MappingProxyType(_workdays))

# start dates clustered around the long holidays, plus anywhere in the known years
HOLIDAY_STARTS = st.sampled_from(sorted(_holidays)).flatmap(
    lambda d: st.integers(-12, 2).map(lambda k: d + dt.timedelta(days=k)))
ANY_START = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 9, 30))
STARTS = st.one_of(HOLIDAY_STARTS, ANY_START).filter(lambda d: dt.date(2024, 1, 1) <= d <= dt.date(2026, 9, 30))


def reading(start: dt.date, limit: int, percent: int, day: dt.date) -> str:
    """The grade by definition: working days used after the start up to ``day`` against the limit."""
    used = CALENDAR.count_working_days(start, day).days if day > start else 0
    if used > limit:
        return "red"
    if used * 100 >= percent * limit:
        return "yellow"
    return "normal"


@settings(max_examples=150, deadline=None)
@given(start=STARTS, limit=st.integers(1, 40), percent=st.integers(1, 100), offset=st.integers(0, 90))
def test_the_stored_dates_grade_every_day_as_the_definition_does(start, limit, percent, offset):
    warn_on, overdue_on = grade_dates(CALENDAR, started_on=start, limit_days=limit, paused_days=0,
                                      warn_percent=percent)
    day = start + dt.timedelta(days=offset)
    assert grade_on(day, warn_on, overdue_on) == reading(start, limit, percent, day)


@settings(max_examples=100, deadline=None)
@given(start=STARTS, limit=st.integers(1, 40), percent=st.integers(1, 100), paused=st.integers(0, 15))
def test_the_warning_comes_on_a_working_day_no_later_than_the_due_date(start, limit, percent, paused):
    warn_on, overdue_on = grade_dates(CALENDAR, started_on=start, limit_days=limit, paused_days=paused,
                                      warn_percent=percent)
    due_on = CALENDAR.add_working_days(start, limit + paused).date
    assert CALENDAR.is_working_day(warn_on) and CALENDAR.is_working_day(overdue_on)
    assert start < warn_on <= due_on < overdue_on
    assert CALENDAR.count_working_days(due_on, overdue_on).days == 1  # the next working day, not a weekend
    assert warn_days(limit, percent) * 100 >= percent * limit  # never warns early
    assert (warn_days(limit, percent) - 1) * 100 < percent * limit or warn_days(limit, percent) == 1


@settings(max_examples=100, deadline=None)
@given(start=STARTS, n=st.integers(0, 60), paused=st.integers(0, 10))
def test_used_days_of_a_stopped_clock_undo_adding_working_days(start, n, paused):
    stopped_on = CALENDAR.add_working_days(start, n + paused).date
    assert used_days(CALENDAR, started_on=start, stopped_on=stopped_on, paused_days=paused) == n


# --- clocks in hours (ADR 0029): natural hours, the calendar plays no part -----------------------------------

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MOMENTS = STARTS.flatmap(lambda d: st.integers(0, 24 * 60 - 1).map(
    lambda minute: dt.datetime.combine(d, dt.time(), SHANGHAI) + dt.timedelta(minutes=minute)))


def reading_in_hours(start: dt.datetime, limit: int, percent: int, paused: dt.timedelta, moment: dt.datetime) -> str:
    """By definition, for a clock whose pauses (all before ``moment``) lasted ``paused``: time used against the
    limit, whatever the day."""
    used = moment - start - paused
    if used > dt.timedelta(hours=limit):
        return "red"
    if used.total_seconds() * 100 >= percent * limit * 3600:
        return "yellow"
    return "normal"


@settings(max_examples=150, deadline=None)
@given(start=MOMENTS, limit=st.integers(1, 72), percent=st.integers(1, 100),
       paused_minutes=st.integers(0, 600), offset_minutes=st.integers(0, 100 * 60))
def test_the_stored_moments_grade_every_moment_as_the_definition_does(start, limit, percent, paused_minutes,
                                                                       offset_minutes):
    paused = dt.timedelta(minutes=paused_minutes)
    due_at = start + dt.timedelta(hours=limit) + paused  # what core stores after the pauses ended
    warn_at, overdue_at = grade_moments(started_at=start, limit_hours=limit, due_at=due_at, warn_percent=percent)
    assert start <= warn_at <= overdue_at == due_at
    moment = start + paused + dt.timedelta(minutes=offset_minutes)
    assert grade_at(moment, warn_at, overdue_at) == reading_in_hours(start, limit, percent, paused, moment)
