"""Working days on the official PRC calendar (法定节假日 and 调休). Reads only; writes are in services.

Rules (SPEC §3.6, docs/decisions/0003-working-day-calendar.md):

* In a *known* year (one with a ``CalendarYear`` row) a day is a working day when it is a make-up
  working day (调休上班, usually a Saturday or Sunday), or a Monday–Friday that is not a holiday.
* In an *unknown* year (the State Council has not published it yet, or nobody loaded it) a day is a
  working day when it is a Monday–Friday; anything computed across such a day is **provisional** and
  is recomputed when the year is loaded.
* Counting follows the usual reading of a promised time limit (承诺时限): the day something starts
  does not count; day 1 is the first working day *after* it.

The whole calendar is small (about 35 special days a year), so each process keeps one immutable
snapshot of it and checks, with one small query per call, whether any year changed since
(``CalendarYear.revision``). Batch work (e.g. grading every clock) should take one snapshot with
``current_calendar()`` and use its methods, which issue no queries at all.

Clocks are read here too (``clock_state_on``: elapsed, remaining, overdue on a given day); they are
started, paused, resumed and stopped by ``core.services``.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import CalendarDay, CalendarYear, Clock, ClockPause, ClockState, DayKind

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5


class Deadline(NamedTuple):
    """A due date; ``provisional`` when it was computed across a year whose schedule is unknown."""

    date: dt.date
    provisional: bool


class WorkingDays(NamedTuple):
    """A count of working days; ``provisional`` as for ``Deadline``."""

    days: int
    provisional: bool


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the official calendar. Its methods never touch the database."""

    known_years: frozenset[int]
    holidays: Mapping[dt.date, str]
    workdays: Mapping[dt.date, str]

    @property
    def last_known_year(self) -> int | None:
        return max(self.known_years) if self.known_years else None

    def is_known(self, year: int) -> bool:
        return year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day.year in self.known_years:
            if day in self.workdays:
                return True
            return day.weekday() < SATURDAY and day not in self.holidays
        return day.weekday() < SATURDAY

    def add_working_days(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``n`` = 0 gives ``start`` itself).

        Provisional when any day after ``start`` up to the result lies in an unknown year.
        """
        if n < 0:
            raise ValueError("the number of working days must not be negative")
        day = start
        provisional = False
        remaining = n
        while remaining:
            day += ONE_DAY
            if day.year not in self.known_years:
                provisional = True
            if self.is_working_day(day):
                remaining -= 1
        return Deadline(day, provisional)

    def count_working_days(self, a: dt.date, b: dt.date) -> WorkingDays:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

        ``count(a, a) == 0``; ``count(b, a) == -count(a, b)``; and for ``n >= 0``,
        ``count(start, add_working_days(start, n).date) == n``.
        """
        if b < a:
            days, provisional = self.count_working_days(b, a)
            return WorkingDays(-days, provisional)
        count = 0
        provisional = False
        day = a
        while day < b:
            day += ONE_DAY
            if day.year not in self.known_years:
                provisional = True
            if self.is_working_day(day):
                count += 1
        return WorkingDays(count, provisional)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        return self.count_working_days(a, b).days

    def special_day(self, day: dt.date) -> tuple[str, str] | None:
        """``(kind, name)`` of a holiday or make-up working day, ``None`` for an ordinary day."""
        if day in self.workdays:
            return DayKind.WORKDAY.value, self.workdays[day]
        if day in self.holidays:
            return DayKind.HOLIDAY.value, self.holidays[day]
        return None


class _Cache:
    """One snapshot per process, tagged with the (year, revision) pairs it was built from."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: frozenset[tuple[int, uuid.UUID]] | None = None
        self.calendar: WorkingCalendar | None = None


_cache = _Cache()


def current_calendar() -> WorkingCalendar:
    """The calendar as the database has it now: one query when cached, two after any change.

    Inside a transaction that has just loaded a year this sees the new data (it reads through the
    same connection); if that transaction rolls back, the next call sees the old revisions again and
    rebuilds, so a snapshot of uncommitted data is never served for long.
    """
    token = frozenset(CalendarYear.objects.values_list("year", "revision"))
    with _cache.lock:
        if _cache.calendar is not None and _cache.token == token:
            return _cache.calendar
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for date, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (workdays if kind == DayKind.WORKDAY else holidays)[date] = name
    calendar = WorkingCalendar(
        known_years=frozenset(year for year, _ in token),
        holidays=MappingProxyType(holidays),
        workdays=MappingProxyType(workdays),
    )
    with _cache.lock:
        _cache.token, _cache.calendar = token, calendar
    return calendar


# --- clocks, read on the calendar ---------------------------------------------------------------------

@dataclass(frozen=True)
class PauseSpan:
    """One pause as it bears on the deadline."""

    pause: ClockPause
    counts: bool  # begun on or before the due date of the time: it moves the deadline
    working_days: int | None  # None while the pause is open


@dataclass(frozen=True)
class ClockPlan:
    """What a clock's stored fields should be, given its pauses and the calendar."""

    due_on: dt.date
    provisional: bool
    paused_days: int
    spans: list[PauseSpan]


def clock_plan(calendar: WorkingCalendar, clock: Clock, pauses: Sequence[ClockPause]) -> ClockPlan:
    """The due date after the closed pauses: each adds the working days after its first day up to and
    including the day it ended, unless it began after the due date of the time (a late pause does not
    cure an overdue clock). An open pause does not move the stored due date yet."""
    paused = 0
    provisional = False
    deadline = calendar.add_working_days(clock.started_on, clock.limit_days)
    spans: list[PauseSpan] = []
    for pause in sorted(pauses, key=lambda p: (p.started_on, p.pk or 0)):
        counts = pause.started_on <= deadline.date
        if pause.ended_on is None:
            spans.append(PauseSpan(pause, counts, None))
            continue
        days = 0
        if counts:
            days, crossed = calendar.count_working_days(pause.started_on, pause.ended_on)
            provisional |= crossed
        paused += days
        spans.append(PauseSpan(pause, counts, days))
        deadline = calendar.add_working_days(clock.started_on, clock.limit_days + paused)
    return ClockPlan(deadline.date, provisional or deadline.provisional, paused, spans)


@dataclass(frozen=True)
class ClockReading:
    """Where a clock stands on a day. ``remaining`` < 0 means that many working days over the limit."""

    day: dt.date  # the day read; for a stopped clock, never later than the day it stopped
    state: str
    elapsed: int
    remaining: int
    due_on: dt.date  # for a paused clock: the due date if it resumed on ``day``
    overdue: bool
    provisional: bool

    @property
    def used_fraction(self) -> float:
        total = self.elapsed + max(self.remaining, 0)
        return self.elapsed / total if total else 1.0


def clock_state_on(clock: Clock, day: dt.date | None = None,
                   *, calendar: WorkingCalendar | None = None) -> ClockReading:
    """Elapsed and remaining working days of ``clock`` on ``day`` (a read: nothing is written).

    Pass ``calendar=current_calendar()`` and prefetch ``pauses`` when reading many clocks.
    """
    if clock.limit_hours is not None:
        raise ValueError("a clock in hours is read from its due_at, not in working days")
    day = day or timezone.localdate()
    calendar = calendar or current_calendar()
    plan = clock_plan(calendar, clock, list(clock.pauses.all()))
    if clock.stopped_on is not None:
        day = min(day, clock.stopped_on)
    total, provisional = calendar.count_working_days(clock.started_on, day) if day > clock.started_on else (0, False)
    provisional |= plan.provisional
    paused_so_far = 0
    open_span: PauseSpan | None = None
    for span in plan.spans:
        if span.pause.ended_on is None:
            open_span = span
        if not span.counts or span.pause.started_on >= day:
            continue
        until = min(span.pause.ended_on or day, day)
        paused_so_far += calendar.count_working_days(span.pause.started_on, until).days
    elapsed = max(total - paused_so_far, 0)
    due_on = plan.due_on
    overdue = day > due_on
    if clock.state == ClockState.PAUSED and open_span is not None and open_span.counts:
        extra = calendar.count_working_days(open_span.pause.started_on, max(day, open_span.pause.started_on))
        projected = calendar.add_working_days(clock.started_on, clock.limit_days + plan.paused_days + extra.days)
        due_on, overdue = projected.date, False
        provisional |= projected.provisional or extra.provisional
    return ClockReading(day=day, state=clock.state, elapsed=elapsed, remaining=clock.limit_days - elapsed,
                        due_on=due_on, overdue=overdue, provisional=provisional)


# --- the module-level reads most callers want -----------------------------------------------------------

def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> Deadline:
    """The deadline ``n`` working days after ``start``; see the module docstring for the rules."""
    return current_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b`` (0 when equal, negative when ``b < a``)."""
    return current_calendar().working_days_between(a, b)


def count_working_days(a: dt.date, b: dt.date) -> WorkingDays:
    """As ``working_days_between``, and whether the count crossed an unknown year."""
    return current_calendar().count_working_days(a, b)


def last_known_year() -> int | None:
    """The latest year whose official schedule is loaded (``None`` on an empty calendar)."""
    return CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()


def calendar_years() -> QuerySet[CalendarYear]:
    """Every known year with its source and how many holidays and make-up working days it has."""
    return CalendarYear.objects.select_related("loaded_by").annotate(
        holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        workday_count=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
    ).order_by("-year")


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The special days of one year, in date order (empty for an unknown year)."""
    return CalendarDay.objects.filter(year__year=year).order_by("date")
