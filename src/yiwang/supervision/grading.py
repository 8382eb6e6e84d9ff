"""Clock arithmetic of supervision: the day a clock turns yellow and the day it turns red.

Pure functions over a working calendar (``yiwang.core`` ``WorkingCalendar``), no database: the sweep
stores their results per clock, so grading all open clocks is a comparison of dates in SQL (ADR 0024).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class _Calendar(Protocol):
    def add_working_days(self, start: dt.date, n: int) -> tuple[dt.date, bool]: ...
    def count_working_days(self, a: dt.date, b: dt.date) -> tuple[int, bool]: ...


def warn_days(limit_days: int, warn_percent: int) -> int:
    """The working days used at which a clock of ``limit_days`` reaches ``warn_percent`` % (at least 1)."""
    return max(1, -(-limit_days * warn_percent // 100))  # ceil without floats


def grade_dates(calendar: _Calendar, *, started_on: dt.date, limit_days: int, paused_days: int,
                warn_percent: int) -> tuple[dt.date, dt.date]:
    """``(warn_on, overdue_on)``: the first day on which the clock has used ``warn_percent`` % of its
    limit, and the first day on which it has used more than its limit (the working day after the due
    date — a weekend right after the due date is not yet overdue).

    Like core's due date, the working days of the closed pauses (``paused_days``) push both days back.
    """
    warn_on = calendar.add_working_days(started_on, warn_days(limit_days, warn_percent) + paused_days)[0]
    overdue_on = calendar.add_working_days(started_on, limit_days + paused_days + 1)[0]
    return warn_on, overdue_on


def used_days(calendar: _Calendar, *, started_on: dt.date, stopped_on: dt.date, paused_days: int) -> int:
    """Working days a stopped clock used: after ``started_on`` up to ``stopped_on``, less its pauses."""
    return max(0, calendar.count_working_days(started_on, stopped_on)[0] - paused_days)


def grade_moments(*, started_at: dt.datetime, limit_hours: int, due_at: dt.datetime,
                  warn_percent: int) -> tuple[dt.datetime, dt.datetime]:
    """``(warn_at, overdue_at)`` of a clock in natural hours: the moment ``warn_percent`` % of the limit is
    used, and the due moment, after which it is overdue. The closed pauses are already in ``due_at``
    (core pushed it back by their length); they push the warning back as much."""
    paused = due_at - started_at - dt.timedelta(hours=limit_hours)
    warn_after = dt.timedelta(seconds=limit_hours * 3600 * warn_percent // 100)
    return started_at + warn_after + paused, due_at


def grade_at(moment: dt.datetime, warn_at: dt.datetime, overdue_at: dt.datetime) -> str:
    if moment > overdue_at:
        return "red"
    if moment >= warn_at:
        return "yellow"
    return "normal"


def grade_on(day: dt.date, warn_on: dt.date, overdue_on: dt.date) -> str:
    if day >= overdue_on:
        return "red"
    if day >= warn_on:
        return "yellow"
    return "normal"
