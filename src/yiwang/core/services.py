"""Writes of core: the official working-day calendar and the deadline clocks that run on it.

Every calendar change is audited and, in the same transaction, moves the due dates of the clocks it
affects — in particular every provisional one, computed on weekends-only rules for a year that had
not been published yet (docs/decisions/0003-working-day-calendar.md).

Clock services are not audited here: a clock always belongs to something else (an application, a
disclosure request, a ticket), and the owning app audits its own domain action (``supplement
requested``, ``consultation sent``) in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record

from .calendar import ClockPlan, clock_plan, current_calendar
from .errors import FieldErrors as _Errors
from .errors import ValidationFailed
from .models import CalendarDay, CalendarYear, Clock, ClockPause, ClockState, DayKind
from .signals import clocks_moved

if TYPE_CHECKING:
    from yiwang.identity.public import User

DayRow = tuple[dt.date, str, str]

# Alternatives accepted in import files: the one-character marks of the printed schedules.
KIND_ALIASES = {
    "holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY,
}
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_LIMIT_DAYS = 3650
MAX_LIMIT_HOURS = 24 * 366
MAX_IMPORT_BYTES = 256 * 1024
_AUDIT_LIST_MAX = 60


# --- the calendar ------------------------------------------------------------------------------------

def _normalise_kind(kind: Any) -> str | None:
    return KIND_ALIASES.get(str(kind).strip().lower()) if kind is not None else None


def _check_year(errors: _Errors, year: Any) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors.add("year", _("Enter a year between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR})


def _validate_days(errors: _Errors, year: int, days: Iterable[Sequence[Any]]) -> list[DayRow]:
    rows: list[DayRow] = []
    seen: set[dt.date] = set()
    for number, row in enumerate(days, start=1):
        try:
            date, kind, name = row
        except (TypeError, ValueError):
            errors.add("days", _("Entry %(n)d: expected a date, a kind and a name.") % {"n": number})
            continue
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            errors.add("days", _("Entry %(n)d: %(value)s is not a date.") % {"n": number, "value": date})
            continue
        where = {"n": number, "date": date.isoformat(), "year": year}
        normal = _normalise_kind(kind)
        name = str(name or "").strip()
        if date.year != year:
            errors.add("days", _("Entry %(n)d: %(date)s is not in %(year)d.") % where)
        if date in seen:
            errors.add("days", _("Entry %(n)d: %(date)s appears more than once.") % where)
        seen.add(date)
        if normal is None:
            errors.add("days", _("Entry %(n)d: unknown kind “%(kind)s”; use “holiday” or “workday”.")
                       % {**where, "kind": kind})
        elif normal == DayKind.WORKDAY and date.weekday() < 5:
            errors.add("days", _("Entry %(n)d: %(date)s is a weekday; a make-up working day is a Saturday "
                                 "or Sunday.") % where)
        if len(name) > 100:
            errors.add("days", _("Entry %(n)d: the name is longer than 100 characters.") % where)
        if normal is not None:
            rows.append((date, normal, name))
    return rows


def _actor_name(by: User | None, by_name: str) -> str:
    return by_name or (by.get_username() if by is not None else "system")


@transaction.atomic
def calendar_year_load(*, year: int, days: Iterable[Sequence[Any]], source: str, by: User | None = None,
                       by_name: str = "") -> CalendarYear:
    """Replace one year of the official schedule with ``days`` (date, kind, name), all or nothing.

    ``kind`` is ``holiday`` (a day off: a statutory holiday or a weekday or weekend inside a holiday
    period) or ``workday`` (a weekend worked in lieu, 调休上班). Every other day follows the
    Monday–Friday rule. Loading a year makes it *known*; every running clock that was provisional, or
    whose deadline the year touches, is recomputed in the same transaction.
    """
    errors = _Errors()
    _check_year(errors, year)
    source = (source or "").strip()
    if not source:
        errors.add("source", _("Say where the schedule comes from (e.g. the State Council notice)."))
    elif len(source) > 200:
        errors.add("source", _("The source is longer than 200 characters."))
    rows = _validate_days(errors, year, days) if "year" not in errors.fields else []
    errors.raise_if_any(_("The calendar for this year was not loaded: please correct the errors."))

    now = timezone.now()
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    previous: dict[dt.date, tuple[str, str]] = {}
    previous_source = ""
    if calendar_year is None:
        calendar_year = CalendarYear(year=year)
    else:
        previous_source = calendar_year.source
        previous = {d: (k, n) for d, k, n in calendar_year.days.values_list("date", "kind", "name")}
        calendar_year.days.all().delete()
    calendar_year.source = source
    calendar_year.loaded_at = now
    calendar_year.loaded_by = by
    calendar_year.updated_at = now
    calendar_year.revision = uuid.uuid4()
    try:
        with transaction.atomic():
            calendar_year.save()
    except IntegrityError as exc:  # someone loaded the same new year at the same moment
        raise ValidationFailed(_("The calendar for %(year)s was loaded by someone else just now; check it "
                                 "and load again with “replace” if needed.") % {"year": year},
                               field_errors={"year": [_("Loaded concurrently.")]}) from exc
    CalendarDay.objects.bulk_create(
        CalendarDay(year=calendar_year, date=date, kind=kind, name=name) for date, kind, name in rows
    )
    clocks_changed = _clocks_recompute(begin=dt.date(year, 1, 1), end=dt.date(year, 12, 31))

    new = {date: (kind, name) for date, kind, name in rows}
    details: dict[str, Any] = {
        "year": year,
        "source": source,
        "holidays": sum(1 for _d, kind, _n in rows if kind == DayKind.HOLIDAY),
        "workdays": sum(1 for _d, kind, _n in rows if kind == DayKind.WORKDAY),
        "clocks_changed": clocks_changed,
    }
    if previous_source:
        details["previous_source"] = previous_source
        details["added_or_changed"] = [f"{d.isoformat()} {k} {n}".strip() for d, (k, n) in sorted(new.items())
                                       if previous.get(d) != (k, n)][:_AUDIT_LIST_MAX]
        details["removed"] = [f"{d.isoformat()} {k} {n}".strip() for d, (k, n) in sorted(previous.items())
                              if d not in new][:_AUDIT_LIST_MAX]
    audit_record(action="core.calendar.year_load", actor=by, actor_name=_actor_name(by, by_name),
                 obj=calendar_year, details=details)
    return calendar_year


def _chinese_holiday_name(english: str) -> str:
    from chinese_calendar.constants import Holiday

    try:
        return str(Holiday(english).chinese)  # type: ignore[attr-defined]
    except ValueError:
        return english


def library_source() -> str:
    return f"chinesecalendar {metadata.version('chinesecalendar')}"


def library_years() -> list[int]:
    """Years the installed ``chinesecalendar`` package has a schedule for."""
    from chinese_calendar.constants import holidays, workdays

    return sorted({d.year for d in holidays} | {d.year for d in workdays})


def library_days(year: int) -> list[DayRow]:
    from chinese_calendar.constants import holidays, workdays

    rows = [(d, DayKind.HOLIDAY.value, _chinese_holiday_name(n)) for d, n in holidays.items() if d.year == year]
    rows += [(d, DayKind.WORKDAY.value, _chinese_holiday_name(n)) for d, n in workdays.items() if d.year == year]
    return sorted(rows)


def calendar_year_load_from_library(*, year: int, by: User | None = None, by_name: str = "") -> CalendarYear:
    """Load ``year`` from the installed ``chinesecalendar`` package (see ``calendar_year_load``)."""
    if year not in library_years():
        raise ValidationFailed(
            _("The installed chinesecalendar package has no schedule for %(year)s.") % {"year": year},
            field_errors={"year": [_("Not in the library; import the published schedule instead.")]},
        )
    return calendar_year_load(year=year, days=library_days(year), source=library_source(), by=by, by_name=by_name)


@dataclass(frozen=True)
class CalendarFile:
    """What an import file holds. JSON files may name their year and source; CSV files cannot."""

    days: list[tuple[Any, str, str]]
    year: int | None = None
    source: str = ""


def _parse_date(value: Any) -> dt.date | None:
    text = str(value or "").strip()
    for parse in (dt.date.fromisoformat, lambda s: dt.datetime.strptime(s, "%Y/%m/%d").date()):  # noqa: DTZ007
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def calendar_file_parse(data: bytes, *, filename: str = "") -> CalendarFile:
    """Read an import file: CSV with a ``date,kind,name`` header, or JSON.

    JSON is either a list of ``{"date", "kind", "name"}`` objects or an object
    ``{"year": 2027, "source": "…", "days": [...]}``. CSV may be UTF-8 (with or without BOM) or GB18030
    (what spreadsheet programs write on Chinese systems); dates are ``2027-01-01`` or ``2027/1/1``.
    Lines starting with ``#`` are comments. Only the shape is checked here; ``calendar_year_load``
    checks the content.
    """
    errors = _Errors()
    if len(data) > MAX_IMPORT_BYTES:
        errors.add("file", _("The file is larger than %(kb)d KB.") % {"kb": MAX_IMPORT_BYTES // 1024})
        errors.raise_if_any(_("The file could not be read."))
    is_json = filename.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    parsed = _parse_json(errors, data) if is_json else _parse_csv(errors, data)
    if not errors.fields and not parsed.days:
        errors.add("file", _("The file holds no days."))
    errors.raise_if_any(_("The file could not be read."))
    return parsed


def _parse_json(errors: _Errors, data: bytes) -> CalendarFile:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        errors.add("file", _("This is not valid JSON: %(error)s") % {"error": exc})
        return CalendarFile(days=[])
    year: Any = None
    source = ""
    items = document
    if isinstance(document, dict):
        year, source, items = document.get("year"), str(document.get("source") or ""), document.get("days")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            errors.add("file", _("“year” must be a whole number."))
            year = None
    if not isinstance(items, list):
        errors.add("file", _("Expected a list of days (or an object with a “days” list)."))
        return CalendarFile(days=[])
    days: list[tuple[Any, str, str]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "date" not in item or "kind" not in item:
            errors.add("file", _("Day %(n)d: expected an object with “date” and “kind”.") % {"n": number})
            continue
        date = _parse_date(item["date"])
        if date is None:
            errors.add("file", _("Day %(n)d: “%(value)s” is not a date (use YYYY-MM-DD).")
                       % {"n": number, "value": item["date"]})
            continue
        days.append((date, str(item["kind"]), str(item.get("name") or "")))
    return CalendarFile(days=days, year=year, source=source)


def _parse_csv(errors: _Errors, data: bytes) -> CalendarFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            errors.add("file", _("The file is neither UTF-8 nor GB18030 text."))
            return CalendarFile(days=[])
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "date" not in header or "kind" not in header:
        errors.add("file", _("The first line must be the header “date,kind,name”."))
        return CalendarFile(days=[])
    reader.fieldnames = header
    days: list[tuple[Any, str, str]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if None in record:  # more cells than header columns
                errors.add("file", _("Row %(n)d: too many columns.") % {"n": number})
                continue
            date = _parse_date(record.get("date"))
            if date is None:
                errors.add("file", _("Row %(n)d: “%(value)s” is not a date (use YYYY-MM-DD).")
                           % {"n": number, "value": record.get("date") or ""})
                continue
            days.append((date, (record.get("kind") or "").strip(), (record.get("name") or "").strip()))
    except csv.Error as exc:
        errors.add("file", _("This is not valid CSV: %(error)s") % {"error": exc})
    return CalendarFile(days=days)


@transaction.atomic
def calendar_year_import(*, year: int, data: bytes, filename: str = "", source: str = "",
                         by: User | None = None, by_name: str = "", replace: bool = False) -> CalendarYear:
    """Load a newly published year from an uploaded CSV or JSON file (see ``calendar_file_parse``).

    A year that is already known is only replaced when ``replace`` is true, so a mistyped year cannot
    silently overwrite an official schedule.
    """
    parsed = calendar_file_parse(data, filename=filename)
    if parsed.year is not None and parsed.year != year:
        raise ValidationFailed(_("The file is for %(file)s, not %(year)s.") % {"file": parsed.year, "year": year},
                               field_errors={"year": [_("Does not match the year named in the file.")]})
    if not replace and CalendarYear.objects.filter(year=year).exists():
        raise ValidationFailed(
            _("The calendar for %(year)s is already loaded.") % {"year": year},
            field_errors={"replace": [_("Tick “replace” to overwrite the loaded schedule of this year.")]},
        )
    try:
        return calendar_year_load(year=year, days=parsed.days, source=source or parsed.source, by=by,
                                  by_name=by_name)
    except ValidationFailed as exc:
        if "days" in exc.field_errors:  # for the person uploading, the problem is in the file
            exc.field_errors["file"] = exc.field_errors.pop("days")
        raise


@transaction.atomic
def calendar_day_set(*, date: dt.date, kind: str | None, name: str = "", by: User | None = None,
                     by_name: str = "") -> CalendarDay | None:
    """Correct one day of a loaded year: make it a holiday or make-up working day, or (``kind=None``)
    an ordinary day again. The year must be loaded as a whole first — one day does not make a
    year known. Clocks whose deadline the day touches are recomputed.
    """
    errors = _Errors()
    calendar_year = CalendarYear.objects.select_for_update().filter(year=date.year).first()
    if calendar_year is None:
        errors.add("date", _("The calendar for %(year)s is not loaded; load the whole year first.")
                   % {"year": date.year})
    normal = _normalise_kind(kind) if kind is not None else None
    if kind is not None and normal is None:
        errors.add("kind", _("Unknown kind “%(kind)s”; use “holiday” or “workday”.") % {"kind": kind})
    if normal == DayKind.WORKDAY and date.weekday() < 5:
        errors.add("kind", _("%(date)s is a weekday; a make-up working day is a Saturday or Sunday.")
                   % {"date": date.isoformat()})
    name = (name or "").strip()
    if len(name) > 100:
        errors.add("name", _("The name is longer than 100 characters."))
    errors.raise_if_any()
    assert calendar_year is not None

    existing = CalendarDay.objects.filter(date=date).first()
    before = f"{existing.kind} {existing.name}".strip() if existing else ""
    day: CalendarDay | None = None
    if normal is None:
        if existing is not None:
            existing.delete()
    elif existing is None:
        day = CalendarDay.objects.create(year=calendar_year, date=date, kind=normal, name=name)
    else:
        existing.kind, existing.name = normal, name
        existing.save(update_fields=["kind", "name"])
        day = existing
    calendar_year.updated_at = timezone.now()
    calendar_year.revision = uuid.uuid4()
    calendar_year.save(update_fields=["updated_at", "revision"])
    clocks_changed = _clocks_recompute(begin=date, end=date)
    audit_record(action="core.calendar.day_set", actor=by, actor_name=_actor_name(by, by_name),
                 obj=calendar_year,
                 details={"date": date.isoformat(), "before": before,
                          "after": f"{normal} {name}".strip() if normal else "", "clocks_changed": clocks_changed})
    return day


# --- clocks ------------------------------------------------------------------------------------------

def _apply(clock: Clock, plan: ClockPlan) -> list[ClockPause]:
    """Copy a plan onto the clock; return the pauses whose stored count changed."""
    clock.due_on, clock.provisional, clock.paused_days = plan.due_on, plan.provisional, plan.paused_days
    changed = []
    for span in plan.spans:
        if span.working_days is not None and span.pause.working_days != span.working_days:
            span.pause.working_days = span.working_days
            changed.append(span.pause)
    return changed


def _pauses_of(clock: Clock) -> list[ClockPause]:
    return list(clock.pauses.order_by("started_on", "pk"))


def _clocks_recompute(*, begin: dt.date, end: dt.date) -> int:
    """Recompute the not-yet-stopped clocks that the days ``begin``..``end`` can move, and every
    provisional one. Locks them (in id order) for the rest of the transaction; returns how many moved."""
    touched = (
        Q(provisional=True)
        | Q(started_on__lt=end, due_on__gte=begin)
        | Q(pauses__started_on__lt=end, pauses__ended_on__gte=begin)
        | Q(pauses__started_on__lt=end, pauses__ended_on__isnull=True)
    )
    ids = sorted(set(Clock.objects.exclude(state=ClockState.STOPPED).filter(limit_hours__isnull=True)
                     .filter(touched).values_list("pk", flat=True)))  # a clock in hours ignores the calendar
    if not ids:
        return 0
    calendar = current_calendar()
    now = timezone.now()
    ordered_pauses = Prefetch("pauses", queryset=ClockPause.objects.order_by("started_on", "pk"))
    changed = 0
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset:offset + 1000]
        clocks = list(Clock.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
                      .prefetch_related(ordered_pauses))
        # Many clocks share a due date: one UPDATE per distinct outcome is far cheaper than bulk_update's
        # CASE per row, and clocks whose outcome did not change are not written at all.
        clock_groups: dict[tuple[dt.date, bool, int], list[int]] = defaultdict(list)
        pause_groups: dict[int, list[int]] = defaultdict(list)
        for clock in clocks:
            before = (clock.due_on, clock.provisional, clock.paused_days)
            for pause in _apply(clock, clock_plan(calendar, clock, list(clock.pauses.all()))):
                pause_groups[pause.working_days or 0].append(pause.pk)
            after = (clock.due_on, clock.provisional, clock.paused_days)
            if after != before:
                clock_groups[after].append(clock.pk)
        moved: list[int] = []
        for (due_on, provisional, paused_days), pks in clock_groups.items():
            Clock.objects.filter(pk__in=pks).update(due_on=due_on, provisional=provisional,
                                                    paused_days=paused_days, updated_at=now)
            changed += len(pks)
            moved += pks
        if moved:
            clocks_moved.send(sender=Clock, clock_ids=moved)
        for working_days, pks in pause_groups.items():
            ClockPause.objects.filter(pk__in=pks).update(working_days=working_days)
    return changed


def _locked(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


def _refresh(target: Clock, source: Clock) -> Clock:
    """Let the caller's instance see what the service wrote to the locked copy."""
    for field in Clock._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    getattr(target, "_prefetched_objects_cache", {}).pop("pauses", None)
    return target


def _purpose(purpose: str, errors: _Errors) -> str:
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 100:
        errors.add("purpose", _("Say in at most 100 characters what the clock measures."))
    return purpose


def clock_start(*, purpose: str, started_on: dt.date, limit_days: int) -> Clock:
    """Start a clock of ``limit_days`` working days; day 1 is the first working day after ``started_on``.

    Refused before anything is read or written. The start itself runs in the caller's transaction without a
    savepoint of its own (two round trips saved on every case and task that starts a clock): should the insert
    fail, the caller's transaction can only roll back.
    """
    errors = _Errors()
    purpose = _purpose(purpose, errors)
    if isinstance(limit_days, bool) or not isinstance(limit_days, int) or not 1 <= limit_days <= MAX_LIMIT_DAYS:
        errors.add("limit_days", _("The limit must be between 1 and %(max)d working days.") % {"max": MAX_LIMIT_DAYS})
    errors.raise_if_any()
    with transaction.atomic(savepoint=False):
        deadline = current_calendar().add_working_days(started_on, limit_days)
        return Clock.objects.create(purpose=purpose, started_on=started_on, limit_days=limit_days,
                                    due_on=deadline.date, provisional=deadline.provisional)


@transaction.atomic
def clock_start_hours(*, purpose: str, started_at: dt.datetime, limit_hours: int) -> Clock:
    """Start a clock of ``limit_hours`` natural hours from ``started_at``, for a rule stated in hours
    ("contact the caller within 2 hours"): it runs round the clock, nights and holidays included (ADR 0029)."""
    errors = _Errors()
    purpose = _purpose(purpose, errors)
    if (isinstance(limit_hours, bool) or not isinstance(limit_hours, int)
            or not 1 <= limit_hours <= MAX_LIMIT_HOURS):
        errors.add("limit_hours", _("The limit must be between 1 and %(max)d hours.") % {"max": MAX_LIMIT_HOURS})
    if not isinstance(started_at, dt.datetime) or timezone.is_naive(started_at):
        errors.add("started_at", _("Give the start as a date and time with its time zone."))
    errors.raise_if_any()
    due_at = started_at + dt.timedelta(hours=limit_hours)
    return Clock.objects.create(purpose=purpose, started_on=timezone.localdate(started_at), limit_days=0,
                                limit_hours=limit_hours, started_at=started_at, due_at=due_at,
                                due_on=timezone.localdate(due_at))


def _moment(at: dt.datetime | None, errors: _Errors) -> dt.datetime:
    if at is None:
        return timezone.now()
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        errors.add("at", _("Give the moment as a date and time with its time zone."))
        errors.raise_if_any()
    return at


def _pause_hours(locked: Clock, at: dt.datetime | None, errors: _Errors) -> dt.datetime:
    at = _moment(at, errors)
    assert locked.started_at is not None
    if at < locked.started_at:
        errors.add("at", _("A clock cannot pause before it started."))
    last_end = locked.pauses.filter(ended_at__isnull=False).order_by("-ended_at").values_list(
        "ended_at", flat=True).first()
    if last_end is not None and at < last_end:
        errors.add("at", _("A clock cannot pause before it last resumed (%(date)s).") % {
            "date": timezone.localtime(last_end).strftime("%Y-%m-%d %H:%M")})
    return at


@transaction.atomic
def clock_pause(*, clock: Clock, reason: str, on: dt.date | None = None, at: dt.datetime | None = None) -> Clock:
    """Stop a running clock from counting from the day after ``on`` (e.g. a supplement notice 补正通知
    or a third-party consultation sent on ``on``: that day still counts). A clock in hours stops at the
    moment ``at`` (default now; ``on`` does not apply to it)."""
    on = on or timezone.localdate()
    locked = _locked(clock)
    errors = _Errors()
    reason = (reason or "").strip()
    if locked.state != ClockState.RUNNING:
        errors.add("clock", _("Only a running clock can be paused."))
    if not reason or len(reason) > 200:
        errors.add("reason", _("Give the reason for the pause in at most 200 characters."))
    if locked.in_hours:
        at = _pause_hours(locked, at, errors)
        errors.raise_if_any()
        ClockPause.objects.create(clock=locked, reason=reason, started_on=timezone.localdate(at), started_at=at)
        locked.state = ClockState.PAUSED
        locked.updated_at = timezone.now()
        locked.save(update_fields=["state", "updated_at"])
        return _refresh(clock, locked)
    if on < locked.started_on:
        errors.add("on", _("A clock cannot pause before it started."))
    last_end = locked.pauses.filter(ended_on__isnull=False).order_by("-ended_on").values_list(
        "ended_on", flat=True).first()
    if last_end is not None and on < last_end:
        errors.add("on", _("A clock cannot pause before it last resumed (%(date)s).") % {"date": last_end})
    errors.raise_if_any()
    ClockPause.objects.create(clock=locked, reason=reason, started_on=on)
    locked.state = ClockState.PAUSED
    locked.updated_at = timezone.now()
    locked.save(update_fields=["state", "updated_at"])
    return _refresh(clock, locked)


def _close_pause(locked: Clock, on: dt.date, errors: _Errors, at: dt.datetime | None = None) -> None:
    pause = locked.pauses.filter(ended_on__isnull=True).first()
    if pause is None:  # state says paused but no open pause: a data error, not the caller's
        raise ValidationFailed(_("This clock has no open pause."), field_errors={"clock": [_("No open pause.")]})
    if locked.in_hours:
        _close_pause_hours(locked, pause, _moment(at, errors), errors)
        return
    if on < pause.started_on:
        errors.add("on", _("A clock cannot resume before it paused (%(date)s).") % {"date": pause.started_on})
    errors.raise_if_any()
    pause.ended_on = on
    pause.save(update_fields=["ended_on"])
    changed = _apply(locked, clock_plan(current_calendar(), locked, _pauses_of(locked)))
    if changed:
        ClockPause.objects.bulk_update(changed, ["working_days"])


def _close_pause_hours(locked: Clock, pause: ClockPause, at: dt.datetime, errors: _Errors) -> None:
    """A clock in hours: the pause's length pushes the deadline back, unless it began after the deadline
    (a late pause does not cure an overdue clock)."""
    assert pause.started_at is not None and locked.due_at is not None
    if at < pause.started_at:
        errors.add("at", _("A clock cannot resume before it paused (%(date)s).") % {
            "date": timezone.localtime(pause.started_at).strftime("%Y-%m-%d %H:%M")})
    errors.raise_if_any()
    pause.ended_at, pause.ended_on = at, timezone.localdate(at)
    pause.save(update_fields=["ended_at", "ended_on"])
    if pause.started_at < locked.due_at:
        locked.due_at += at - pause.started_at
        locked.due_on = timezone.localdate(locked.due_at)


@transaction.atomic
def clock_resume(*, clock: Clock, on: dt.date | None = None, at: dt.datetime | None = None) -> Clock:
    """Let a paused clock count again from the day after ``on`` (e.g. the day the supplement arrived).

    The working days after the pause day up to and including ``on`` extend the deadline. A clock in
    hours counts again from the moment ``at`` (default now); the pause's length extends its deadline.
    """
    on = on or timezone.localdate()
    locked = _locked(clock)
    errors = _Errors()
    if locked.state != ClockState.PAUSED:
        errors.add("clock", _("Only a paused clock can resume."))
        errors.raise_if_any()
    due_before = locked.due_on
    _close_pause(locked, on, errors, at)
    locked.state = ClockState.RUNNING
    locked.updated_at = timezone.now()
    locked.save(update_fields=["state", "due_on", "due_at", "provisional", "paused_days", "updated_at"])
    _tell_if_moved(locked, due_before)
    return _refresh(clock, locked)


def _tell_if_moved(locked: Clock, due_before: dt.date) -> None:
    """Closing a pause pushed the due date back: apps keeping a copy of it hear it (``clocks_moved``)."""
    if locked.due_on != due_before:
        clocks_moved.send(sender=Clock, clock_ids=[locked.pk])


@transaction.atomic
def clock_stop(*, clock: Clock, on: dt.date | None = None, at: dt.datetime | None = None) -> Clock:
    """Stop a clock for good (the matter was decided or withdrawn); a paused clock's pause ends on ``on``.
    A clock in hours stops at the moment ``at`` (default now)."""
    locked = _locked(clock)
    errors = _Errors()
    if locked.in_hours:
        at = _moment(at, errors)
        on = timezone.localdate(at)
        assert locked.started_at is not None
        if at < locked.started_at:
            errors.add("at", _("A clock cannot stop before it started."))
    on = on or timezone.localdate()
    if locked.state == ClockState.STOPPED:
        errors.add("clock", _("This clock has already stopped."))
    if on < locked.started_on:
        errors.add("on", _("A clock cannot stop before it started."))
    errors.raise_if_any()
    due_before = locked.due_on
    if locked.state == ClockState.PAUSED:
        _close_pause(locked, on, errors, at)
    locked.state = ClockState.STOPPED
    locked.stopped_on = on
    locked.stopped_at = at if locked.in_hours else None
    locked.updated_at = timezone.now()
    locked.save(update_fields=["state", "stopped_on", "stopped_at", "due_on", "due_at", "provisional", "paused_days",
                               "updated_at"])
    _tell_if_moved(locked, due_before)
    return _refresh(clock, locked)
