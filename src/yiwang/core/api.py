"""Core's part of the JSON API: the official working-day calendar (any logged-in user may read it)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from . import calendar
from .services import MAX_LIMIT_DAYS

router = Router(tags=["core"])


class DeadlineQuery(Schema):
    start: dt.date = Field(..., description="The day the time limit starts (it does not count).")
    days: int = Field(..., ge=0, le=MAX_LIMIT_DAYS, description="Working days allowed.")


class DeadlineOut(Schema):
    due_on: dt.date
    provisional: bool = Field(..., description="True when the deadline runs into a year whose official "
                                               "schedule is not loaded; it was counted on weekends only.")
    last_known_year: int | None


class CalendarYearOut(Schema):
    year: int
    source: str
    loaded_at: dt.datetime
    holidays: int
    workdays: int


@router.get("/calendar/deadline", response=DeadlineOut, summary="The deadline N working days after a date")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> dict:
    """Day 1 is the first working day after ``start``; ``days=0`` gives ``start`` itself."""
    due = calendar.add_working_days(query.start, query.days)
    return {"due_on": due.date, "provisional": due.provisional, "last_known_year": calendar.last_known_year()}


@router.get("/calendar/years", response=list[CalendarYearOut], summary="Years of the official calendar loaded")
def years(request: HttpRequest) -> list[dict]:
    return [{"year": y.year, "source": y.source, "loaded_at": y.loaded_at,
             "holidays": y.holiday_count, "workdays": y.workday_count}  # type: ignore[attr-defined]
            for y in calendar.calendar_years()]
