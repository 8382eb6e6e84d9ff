"""Writes of supervision: watching clocks, the sweep that grades them, notices, complaints, ratings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import (
    Clock,
    ClockState,
    FieldErrors,
    PermissionDeniedError,
    clock_start,
    clock_start_hours,
    clock_stop,
    current_calendar,
)
from yiwang.identity.public import Organisation, Role, StaffRole, User, has_role
from yiwang.notifications.public import notification_send

from . import selectors
from .grading import grade_dates, grade_moments, used_days
from .models import (
    BAD_SCORES,
    AppealStatus,
    Channel,
    Complaint,
    ComplaintOutcome,
    Grade,
    Notice,
    Rating,
    Rectification,
    SweepRun,
    Watch,
)
from .registry import ClockKind, clock_kind, clock_kinds

MAX_LIMIT_DAYS = 3650


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, f"YIWANG_SUPERVISION_{name}", default)


def warn_percent_for(kind: str) -> int:
    """The warning threshold of a kind: settings per kind, else the kind's own, else the default (80)."""
    per_kind = _setting("WARN_PERCENT_BY_KIND", {}) or {}
    if kind in per_kind:
        return int(per_kind[kind])
    registered = clock_kind(kind)
    if registered is not None and registered.warn_percent is not None:
        return registered.warn_percent
    return int(_setting("WARN_PERCENT", 80))


def _copy_of_clock(clock: Clock, warn_percent: int, calendar: Any) -> dict[str, Any]:
    copy = {
        "clock_state": clock.state, "started_on": clock.started_on, "limit_days": clock.limit_days,
        "due_on": clock.due_on, "paused_days": clock.paused_days, "stopped_on": clock.stopped_on,
        "used_days": None if clock.stopped_on is None else used_days(
            calendar, started_on=clock.started_on, stopped_on=clock.stopped_on, paused_days=clock.paused_days),
        "limit_hours": clock.limit_hours, "due_at": clock.due_at, "stopped_at": clock.stopped_at,
        "warn_at": None, "overdue_at": None,
    }
    if clock.limit_hours is not None:  # a clock in hours: graded by the moment (ADR 0029)
        assert clock.started_at is not None and clock.due_at is not None
        warn_at, overdue_at = grade_moments(started_at=clock.started_at, limit_hours=clock.limit_hours,
                                            due_at=clock.due_at, warn_percent=warn_percent)
        return copy | {"warn_at": warn_at, "overdue_at": overdue_at, "warn_on": timezone.localdate(warn_at),
                       "overdue_on": timezone.localdate(overdue_at) + dt.timedelta(days=1)}
    warn_on, overdue_on = grade_dates(calendar, started_on=clock.started_on, limit_days=clock.limit_days,
                                      paused_days=clock.paused_days, warn_percent=warn_percent)
    return copy | {"warn_on": warn_on, "overdue_on": overdue_on}


# --- watching clocks ----------------------------------------------------------------------------------------

@transaction.atomic
def clock_watch(*, clock: Clock, kind: str, subject: str, label: str, reference: str = "", url: str = "",
                organisation: Organisation | None = None, user: User | None = None,
                warn_percent: int | None = None) -> Watch:
    """Put an existing core clock under supervision (idempotent: a watched clock keeps its row)."""
    existing = Watch.objects.filter(clock=clock).first()
    if existing is not None:
        return existing
    errors = FieldErrors()
    if clock is None or clock.pk is None:
        errors.add("clock", _("Name the clock to watch."))
    if not kind or len(kind) > 60:
        errors.add("kind", _("Say in at most 60 characters what kind of clock this is."))
    if not (label or "").strip() or len(label) > 200:
        errors.add("label", _("Say in at most 200 characters what the clock times."))
    if not subject or len(subject) > 100:
        errors.add("subject", _("Name what is timed in at most 100 characters."))
    if warn_percent is not None and not (isinstance(warn_percent, int) and 1 <= warn_percent <= 100):
        errors.add("warn_percent", _("The warning threshold is a share of the limit between 1 and 100 %."))
    errors.raise_if_any(_("The clock cannot be watched."))
    percent = warn_percent if warn_percent is not None else warn_percent_for(kind)
    return Watch.objects.create(clock=clock, kind=kind, subject=subject, reference=reference[:100],
                                label=label.strip(), url=url[:300], organisation=organisation, user=user,
                                warn_percent=percent, **_copy_of_clock(clock, percent, current_calendar()))


@transaction.atomic
def clock_open(*, kind: str, subject: str, label: str, limit_days: Any = None, limit_hours: Any = None,
               started_on: dt.date | None = None, started_at: dt.datetime | None = None,
               reference: str = "", url: str = "", organisation: Organisation | None = None,
               user: User | None = None, warn_percent: int | None = None) -> Watch:
    """Start a core clock of ``limit_days`` working days — or, where the rule is in hours, of
    ``limit_hours`` natural hours from ``started_at`` (default now; ADR 0029) — and watch it, in one step
    (complaints, rectifications and notices use this; so may any module that has no clock of its own yet)."""
    errors = FieldErrors()
    no_days, no_hours = limit_days in (None, ""), limit_hours in (None, "")
    if no_days and no_hours:
        errors.add("limit_days", _("A supervised clock needs a time limit in working days or in hours."))
    elif not no_days and not no_hours:
        errors.add("limit_hours", _("Give the limit in working days or in hours, not both."))
    elif not no_days and (isinstance(limit_days, bool) or not isinstance(limit_days, int)
                          or not 1 <= limit_days <= MAX_LIMIT_DAYS):
        errors.add("limit_days", _("The limit must be between 1 and %(max)d working days.") % {"max": MAX_LIMIT_DAYS})
    errors.raise_if_any(_("The clock cannot be started."))
    if not no_hours:
        clock = clock_start_hours(purpose=f"{kind} {label}"[:100], started_at=started_at or timezone.now(),
                                  limit_hours=limit_hours)
    else:
        clock = clock_start(purpose=f"{kind} {label}"[:100], started_on=started_on or timezone.localdate(),
                            limit_days=limit_days)
    return clock_watch(clock=clock, kind=kind, subject=subject, label=label, reference=reference, url=url,
                       organisation=organisation, user=user, warn_percent=warn_percent)


def _discover_kind(kind: ClockKind, calendar: Any) -> int:
    """Watch the clocks of ``kind.model`` not watched yet: one query for the rows, one insert for all."""
    model = kind.model
    assert model is not None
    clock_id = f"{kind.clock_field}_id" if not kind.clock_field.endswith("_id") else kind.clock_field
    fields = {"clock_id": clock_id, "pk": "pk", "reference": kind.reference or "pk"}
    if kind.organisation:
        fields["organisation"] = kind.organisation
    if kind.user:
        fields["user"] = kind.user
    if kind.label_field:
        fields["label"] = kind.label_field
    rows = list(model._default_manager.filter(**{f"{clock_id}__isnull": False})
                .exclude(**{f"{clock_id}__in": Watch.objects.values("clock_id")})
                .values(*fields.values()))
    if not rows:
        return 0
    clocks = Clock.objects.in_bulk([row[clock_id] for row in rows])
    quoted = kind.references(sorted({str(row[fields["reference"]]) for row in rows})) if kind.references else {}
    percent = warn_percent_for(kind.key)
    prefix = model._meta.label_lower
    watches = []
    for row in rows:
        clock = clocks[row[clock_id]]
        org = row.get(fields.get("organisation", ""))
        user = row.get(fields.get("user", ""))
        label = str(row.get(fields.get("label", ""), "") or kind.label)
        watches.append(Watch(
            clock=clock, kind=kind.key, subject=f"{prefix}:{row['pk']}",
            reference=quoted.get(str(row[fields["reference"]]), str(row[fields["reference"]]))[:100],
            label=label[:200], url=(kind.url(row["pk"]) if kind.url else "")[:300],
            organisation_id=getattr(org, "pk", org), user_id=getattr(user, "pk", user), warn_percent=percent,
            **_copy_of_clock(clock, percent, calendar)))
    Watch.objects.bulk_create(watches, batch_size=1000, ignore_conflicts=True)
    return len(watches)


def watches_discover(calendar: Any = None) -> int:
    """Watch every clock of the registered kinds that is not watched yet."""
    calendar = calendar or current_calendar()
    return sum(_discover_kind(kind, calendar) for kind in clock_kinds().values() if kind.model is not None)


_SYNCED = ("clock_state", "started_on", "limit_days", "due_on", "paused_days", "stopped_on")


def watches_sync(calendar: Any = None, *, since: dt.datetime | None = None) -> int:
    """Recompute ``warn_on``/``overdue_on`` (and ``used_days`` of stopped clocks) for the watched clocks
    that changed: paused, resumed, stopped, or moved by a calendar change. Set-wise: the changed rows are
    found by one join — limited to the clocks core changed ``since`` (core stamps ``updated_at`` on every
    write, bulk ones included) — and written with one UPDATE per distinct outcome."""
    calendar = calendar or current_calendar()
    changed = ~Q(clock_state=F("clock__state")) | ~Q(due_on=F("clock__due_on")) | ~Q(
        paused_days=F("clock__paused_days")) | Q(stopped_on__isnull=True, clock__stopped_on__isnull=False)
    candidates = Watch.objects.exclude(clock_state=ClockState.STOPPED)
    if since is not None:
        candidates = candidates.filter(clock__updated_at__gte=since)
    # Clocks in hours: few, and core's services (whose saves signals.py follows) are all that move them.
    in_hours = list(candidates.filter(changed, limit_hours__isnull=False).select_related("clock"))
    for watch in in_hours:
        Watch.objects.filter(pk=watch.pk).update(**_copy_of_clock(watch.clock, watch.warn_percent, calendar))
    candidates = candidates.filter(limit_hours__isnull=True)
    rows = list(candidates.filter(changed).values_list(
        "pk", "warn_percent", "clock__state", "clock__started_on", "clock__limit_days", "clock__due_on",
        "clock__paused_days", "clock__stopped_on"))
    groups: dict[tuple, list[int]] = defaultdict(list)
    dates: dict[tuple, tuple[dt.date, dt.date]] = {}
    for pk, percent, state, started_on, limit_days, due_on, paused_days, stopped_on in rows:
        key = (started_on, limit_days, paused_days, percent)
        if key not in dates:
            dates[key] = grade_dates(calendar, started_on=started_on, limit_days=limit_days,
                                     paused_days=paused_days, warn_percent=percent)
        used = None if stopped_on is None else used_days(calendar, started_on=started_on, stopped_on=stopped_on,
                                                         paused_days=paused_days)
        groups[(state, due_on, paused_days, stopped_on, *dates[key], used)].append(pk)
    for (state, due_on, paused_days, stopped_on, warn_on, overdue_on, used), pks in groups.items():
        Watch.objects.filter(pk__in=pks).update(clock_state=state, due_on=due_on, paused_days=paused_days,
                                                stopped_on=stopped_on, warn_on=warn_on, overdue_on=overdue_on,
                                                used_days=used)
    return len(rows) + len(in_hours)


# --- the sweep ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepResult:
    today: dt.date
    discovered: int
    synced: int
    yellow: int
    red: int
    cards: int
    notices: int


def grade_open_clocks(*, today: dt.date, now: dt.datetime) -> tuple[int, int, int]:
    """Grade every running watched clock by date comparison in one UPDATE (normal → yellow, normal or
    yellow → red; a clock that passed both thresholds since the last run gets both moments, ``now``), and
    record the run. Paused clocks keep their grade (their time does not run).
    Returns (yellow cards, red cards, all cards) this run gave."""
    # Clocks in working days by the day; clocks in hours (ADR 0029), a handful, by the moment.
    for running, overdue, warned in (
        (Q(clock_state=ClockState.RUNNING, overdue_at__isnull=True), Q(overdue_on__lte=today), Q(warn_on__lte=today)),
        (Q(clock_state=ClockState.RUNNING, overdue_at__isnull=False), Q(overdue_at__lt=now), Q(warn_at__lte=now)),
    ):
        moving = (Q(grade=Grade.NORMAL) & warned) | (Q(grade=Grade.YELLOW) & overdue)
        Watch.objects.filter(running).filter(moving).update(
            grade=Case(When(overdue, then=Value(Grade.RED)), default=Value(Grade.YELLOW)),
            yellow_at=Coalesce(F("yellow_at"), Value(now)),
            red_at=Case(When(overdue, then=Value(now)), default=F("red_at")),
        )
    counts = Watch.objects.aggregate(yellow=Count("id", filter=Q(yellow_at=now)), red=Count("id", filter=Q(red_at=now)))
    yellow, red = counts["yellow"], counts["red"]
    SweepRun.objects.create(at=now, today=today, yellow=yellow, red=red,
                            notified_at=None if yellow or red else now)
    return yellow, red, yellow + red


@transaction.atomic
def sweep(*, today: dt.date | None = None, now: dt.datetime | None = None, notify: bool = True) -> SweepResult:
    """Discover, resynchronise and grade all watched clocks, then tell the people concerned once.

    Run daily (docs/supervision.md gives the cron line); running it again the same day changes nothing.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    _lock_sweep()
    calendar = current_calendar()
    discovered = watches_discover(calendar)
    # Clocks saved through core's services are resynchronised at once (signals.py); this catches core's
    # bulk writes (calendar reloads) since the previous run, with a day's margin for late commits.
    previous = SweepRun.objects.order_by("-at").values_list("at", flat=True).first()
    synced = watches_sync(calendar, since=previous - dt.timedelta(days=1) if previous else None)
    yellow, red, cards = grade_open_clocks(today=today, now=now)
    notices = cards_notify(now=now) if notify else 0
    result = SweepResult(today, discovered, synced, yellow, red, cards, notices)
    audit_record(action="supervision.clocks.sweep", actor_name="supervision sweep",
                 details={"today": today.isoformat(), "discovered": discovered, "synced": synced,
                          "yellow": yellow, "red": red, "cards": cards, "notices": notices})
    return result


def _refresh_responsible(pending: Any) -> None:
    """Before telling the handler, read the current one from the registering model (a task is claimed
    after its clock started): one UPDATE per kind and person, over the watches about to be told."""
    for kind_key in set(pending.values_list("kind", flat=True).distinct()):
        kind = clock_kind(kind_key)
        if kind is None or kind.model is None or not kind.user:
            continue
        field = f"{kind.clock_field}_id" if not kind.clock_field.endswith("_id") else kind.clock_field
        clock_ids = pending.filter(kind=kind_key).values("clock_id")
        current = kind.model._default_manager.filter(**{f"{field}__in": clock_ids}).values_list(field, kind.user)
        groups: dict[Any, list[int]] = defaultdict(list)
        for clock, user in current:
            groups[user].append(clock)
        for user, clocks in groups.items():
            Watch.objects.filter(clock_id__in=clocks).exclude(user_id=user).update(user_id=user)


DIGEST_LINES = 20


@dataclass
class _Digest:
    yellow: int = 0
    red: int = 0
    lines: list[tuple[dt.date, int, str]] | None = None

    def add(self, yellow: int, red: int, lines: list[tuple[dt.date, int, str]]) -> None:
        self.yellow, self.red = self.yellow + yellow, self.red + red
        self.lines = sorted({*(self.lines or []), *lines})[:DIGEST_LINES]


def _line(row: dict[str, Any], moments: set[dt.datetime]) -> tuple[dt.date, int, str]:
    grade = _("Red card (overdue)") if row["red_at"] in moments else _("Yellow card (warning)")
    ref = f" {row['reference']}" if row["reference"] else ""
    due = (timezone.localtime(row["due_at"]).strftime("%Y-%m-%d %H:%M") if row["due_at"] is not None
           else row["due_on"].isoformat())  # a clock in hours is due at a moment (ADR 0029)
    return row["due_on"], row["pk"], _("%(grade)s: %(label)s%(ref)s — due %(due)s") % {
        "grade": grade, "label": row["label"], "ref": ref, "due": due}


def _digests(pending: Any, moments: list[dt.datetime], office: list[int]) -> dict[int, _Digest]:
    """Every recipient's counts and first lines, in a fixed number of queries whatever the number of cards
    or people: totals for the office, GROUP BY department for heads and by person for handlers, and the
    first lines of each group with ROW_NUMBER() (the office, each department, each handler)."""
    moment_set = set(moments)
    counting = {"yellow": Count("id", filter=Q(yellow_at__in=moments)),
                "red": Count("id", filter=Q(red_at__in=moments))}
    fields = ("pk", "due_on", "due_at", "reference", "label", "red_at")
    digests: dict[int, _Digest] = defaultdict(_Digest)
    if office:
        total = pending.aggregate(**counting)
        lines = [_line(row, moment_set) for row in pending.order_by("due_on", "pk").values(*fields)[:DIGEST_LINES]]
        for user in office:
            digests[user].add(total["yellow"], total["red"], lines)

    def grouped(key: str, recipients: dict[int, set[int]]) -> None:
        if not recipients:
            return
        scoped = pending.filter(**{f"{key}__in": list(recipients)})
        counts = {row[key]: row for row in scoped.values(key).annotate(**counting).order_by()}
        lines: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
        ranked = scoped.annotate(n=Window(RowNumber(), partition_by=[F(key)], order_by=[F("due_on"), F("pk")]))
        for row in ranked.filter(n__lte=DIGEST_LINES).values(key, *fields):
            lines[row[key]].append(_line(row, moment_set))
        for group, users in recipients.items():
            for user in users - set(office):
                if group in counts:
                    digests[user].add(counts[group]["yellow"], counts[group]["red"], lines[group])

    heads: dict[int, set[int]] = defaultdict(set)
    orgs = pending.exclude(organisation__isnull=True).values("organisation_id")
    for org, user in StaffRole.objects.filter(role=Role.DEPARTMENT_HEAD, organisation_id__in=orgs,
                                              user__is_active=True).values_list("organisation_id", "user_id"):
        heads[org].add(user)
    grouped("organisation_id", heads)
    handlers = {user: {user} for user in pending.exclude(user__isnull=True).values_list("user_id", flat=True)
                .distinct().order_by()}
    grouped("user_id", handlers)
    return digests


def _lock_sweep() -> None:
    """One sweep at a time (PostgreSQL; SQLite serialises writers anyway): a second cron run waits and
    then finds nothing left to grade or tell."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [6_2026_0024])


@transaction.atomic
def cards_notify(*, now: dt.datetime | None = None) -> int:
    """Tell the handler, the department's heads and the supervision office about the cards of the runs not
    told yet: one digest notice per person (counts and the first clocks by due date), never a second time
    for the same card. Set-wise: counts come from aggregates, whatever the number of cards. Returns the
    number of notices sent."""
    now = now or timezone.now()
    _lock_sweep()
    runs = list(SweepRun.objects.filter(notified_at__isnull=True).values_list("pk", "at"))
    if not runs:
        return 0
    moments = [at for _pk, at in runs]
    pending = Watch.objects.filter(Q(yellow_at__in=moments) | Q(red_at__in=moments))
    _refresh_responsible(pending)
    office = list(StaffRole.objects.filter(role=Role.SUPERVISOR, user__is_active=True)
                  .values_list("user_id", flat=True).distinct().order_by())
    digests = _digests(pending, moments, office)
    recipients = User.objects.in_bulk(list(digests))
    sent = 0
    for user_id, digest in digests.items():
        # A head who is also the handler of some of the department's clocks counts those twice at most
        # in this rare overlap; the lines are merged without repeats.
        lines = [text for _due, _pk, text in digest.lines or []]
        more = digest.yellow + digest.red - len(lines)
        if not lines:
            continue
        subject = _("Supervision: %(red)d overdue, %(yellow)d warnings") % {"red": digest.red, "yellow": digest.yellow}
        body = "\n".join(lines + ([_("… and more: see the cards page.")] if more > 0 and len(lines) == DIGEST_LINES
                                  else []))
        notification_send(recipient=recipients[user_id], subject=subject, body=body,
                          url="/workbench/supervision/cards/", kind="supervision.card")
        sent += 1
    SweepRun.objects.filter(pk__in=[pk for pk, _at in runs]).update(notified_at=now)
    return sent


# --- supervision notices (督办) -------------------------------------------------------------------------------

@transaction.atomic
def notice_issue(*, by: Any, organisation: Organisation | None, text: str, reply_days: Any = None,
                 reply_hours: Any = None, watch: Watch | None = None) -> Notice:
    """The supervision office presses a department (about one watched clock, or in general) to reply
    within ``reply_days`` working days (default ``YIWANG_SUPERVISION_NOTICE_REPLY_DAYS``) or, when it is
    urgent, within ``reply_hours`` hours, round the clock (a clock in hours, ADR 0029)."""
    selectors.access_office(user=by)
    errors = FieldErrors()
    if organisation is None and watch is not None:
        organisation = watch.organisation
    if organisation is None:
        errors.add("organisation", _("Say which department the notice is for."))
    if not (text or "").strip():
        errors.add("text", _("Write what the department must explain or do."))
    hours = None if reply_hours in (None, "") else reply_hours
    days = _setting("NOTICE_REPLY_DAYS", 5) if reply_days in (None, "") else reply_days
    if hours is not None:
        if reply_days not in (None, ""):
            errors.add("reply_hours", _("Give the reply deadline in working days or in hours, not both."))
        elif isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 72:
            errors.add("reply_hours", _("An urgent reply deadline must be between 1 and 72 hours."))
    elif isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        errors.add("reply_days", _("The reply deadline must be between 1 and 60 working days."))
    errors.raise_if_any(_("The notice cannot be issued."))
    assert organisation is not None
    purpose = f"supervision notice {organisation.code}"[:100]
    if hours is not None:
        clock = clock_start_hours(purpose=purpose, started_at=timezone.now(), limit_hours=hours)
        assert clock.due_at is not None
        reply_by = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    else:
        clock = clock_start(purpose=purpose, started_on=timezone.localdate(), limit_days=days)
        reply_by = clock.due_on.isoformat()
    notice = Notice.objects.create(organisation=organisation, watch=watch, text=text.strip(), issued_by=by,
                                   clock=clock)
    clock_watch(clock=clock, kind="supervision.notice", subject=f"supervision.notice:{notice.pk}",
                label=_("Reply to a supervision notice"), url="/workbench/supervision/work/",
                organisation=organisation)
    for head in StaffRole.objects.filter(role=Role.DEPARTMENT_HEAD, organisation=organisation,
                                         user__is_active=True).select_related("user"):
        notification_send(recipient=head.user, subject=_("Supervision notice (督办): reply by %(date)s") % {
            "date": reply_by}, body=notice.text, url="/workbench/supervision/work/",
            kind="supervision.notice")
    audit_record(action="supervision.notice.issue", actor=by, obj=notice,
                 details={"organisation": organisation.code,
                          **({"reply_hours": hours} if hours is not None else {"reply_days": days})})
    return notice


@transaction.atomic
def notice_reply(*, by: Any, pk: int, reply: str) -> Notice:
    notice = selectors.access_notice_reply(user=by, pk=pk)
    errors = FieldErrors()
    if notice.replied_at is not None:
        errors.add("notice", _("This notice has already been answered."))
    if not (reply or "").strip():
        errors.add("reply", _("Write the department's reply."))
    errors.raise_if_any(_("The reply cannot be recorded."))
    notice.reply, notice.replied_by, notice.replied_at = reply.strip(), by, timezone.now()
    notice.save(update_fields=["reply", "replied_by", "replied_at"])
    clock_stop(clock=notice.clock, on=max(timezone.localdate(), notice.clock.started_on))
    notification_send(recipient=notice.issued_by, subject=_("Reply to your supervision notice"),
                      body=notice.reply, url="/workbench/supervision/work/", kind="supervision.notice")
    audit_record(action="supervision.notice.reply", actor=by, obj=notice)
    return notice


# --- complaints (投诉) -----------------------------------------------------------------------------------------

@transaction.atomic
def complaint_file(*, by: Any, channel: str, text: str, organisation: Organisation | None = None,
                   subject: str = "", reference: str = "", complainant: User | None = None) -> Complaint:
    """File a complaint against a department, or against one of its cases (``subject`` + the department
    that handles it). Citizens file their own on the portal; clerks and hotline agents take them in."""
    errors = FieldErrors()
    staff_channels: dict[str, str] = {Channel.COUNTER: Role.WINDOW_CLERK, Channel.HOTLINE: Role.HOTLINE_AGENT}
    if channel not in Channel.values:
        errors.add("channel", _("Unknown channel."))
    elif channel in staff_channels:
        if not has_role(by, staff_channels[channel]):
            raise PermissionDeniedError(_("Only a window clerk or hotline agent takes in complaints at the "
                                          "counter or on the hotline."))
    else:
        complainant = by
    if organisation is None:
        errors.add("organisation", _("Say which department or case the complaint is about."))
    if not (text or "").strip():
        errors.add("text", _("Describe what the complaint is about."))
    if len(subject) > 100 or len(reference) > 100:
        errors.add("subject", _("The case reference is too long."))
    errors.raise_if_any(_("The complaint cannot be filed."))
    assert organisation is not None
    days = int(_setting("COMPLAINT_DAYS", 15))
    clock = clock_start(purpose=f"complaint {organisation.code}"[:100], started_on=timezone.localdate(),
                        limit_days=days)
    complaint = Complaint.objects.create(channel=channel, organisation=organisation, subject=subject,
                                         reference=reference, text=text.strip(),
                                         complainant=complainant if getattr(complainant, "pk", None) else None,
                                         filed_by=by if getattr(by, "pk", None) else None, clock=clock)
    clock_watch(clock=clock, kind="supervision.complaint", subject=f"supervision.complaint:{complaint.pk}",
                reference=reference, label=_("Handle a complaint"), url="/workbench/supervision/work/",
                organisation=organisation)
    audit_record(action="supervision.complaint.file", actor=by, obj=complaint,
                 details={"channel": channel, "organisation": organisation.code, "subject": subject})
    return complaint


@transaction.atomic
def complaint_close(*, by: Any, pk: int, outcome: str, note: str) -> Complaint:
    complaint = selectors.access_complaint_close(user=by, pk=pk)
    errors = FieldErrors()
    if complaint.closed_at is not None:
        errors.add("complaint", _("This complaint is already closed."))
    if outcome not in (ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY, ComplaintOutcome.DISMISSED):
        errors.add("outcome", _("Choose the outcome."))
    if not (note or "").strip():
        errors.add("note", _("Record what was found and done."))
    errors.raise_if_any(_("The complaint cannot be closed."))
    complaint.outcome, complaint.outcome_note = outcome, note.strip()
    complaint.closed_by, complaint.closed_at = by, timezone.now()
    complaint.save(update_fields=["outcome", "outcome_note", "closed_by", "closed_at"])
    clock_stop(clock=complaint.clock, on=max(timezone.localdate(), complaint.clock.started_on))
    if complaint.complainant_id:
        notification_send(recipient=complaint.complainant, subject=_("Your complaint has been handled"),
                          body=complaint.outcome_note, kind="supervision.complaint")
    audit_record(action="supervision.complaint.close", actor=by, obj=complaint, details={"outcome": outcome})
    return complaint


# --- ratings (好差评) ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingSubject:
    """What is rated, as the module that owns the case describes it (supervision does not read cases)."""

    kind: str  # e.g. "intake.application"
    id: Any
    reference: str
    label: str
    applicant_id: int | None
    organisation: Organisation | None
    completed_at: dt.datetime | None

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.id}"


@transaction.atomic
def rating_submit(*, by: Any, subject: RatingSubject, score: Any, channel: str = Channel.PORTAL,
                  comment: str = "") -> Rating:
    """The applicant rates a completed service once (at the counter or on the hotline a clerk or agent
    records it for them). A bad rating (1–2) opens a callback-and-rectification item with a deadline."""
    staff_channels: dict[str, str] = {Channel.COUNTER: Role.WINDOW_CLERK, Channel.HOTLINE: Role.HOTLINE_AGENT}
    recording_for = channel in staff_channels and has_role(by, staff_channels[channel])
    if not recording_for and (subject.applicant_id is None or getattr(by, "pk", None) != subject.applicant_id):
        raise PermissionDeniedError(_("Only the applicant may rate this case."))
    errors = FieldErrors()
    if channel not in Channel.values:
        errors.add("channel", _("Unknown channel."))
    if subject.completed_at is None:
        errors.add("subject", _("This case is not finished yet; it can be rated once it is completed."))
    if subject.organisation is None:
        errors.add("subject", _("The case names no department."))
    if subject.applicant_id is None:
        errors.add("subject", _("The case names no applicant."))
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors.add("score", _("Choose a rating from 1 (very dissatisfied) to 5 (very satisfied)."))
    if Rating.objects.filter(subject=subject.subject, applicant_id=subject.applicant_id).exists():
        errors.add("subject", _("This case has already been rated."))
    errors.raise_if_any(_("The rating cannot be recorded."))
    assert subject.organisation is not None and subject.completed_at is not None
    rating = Rating.objects.create(subject=subject.subject, reference=subject.reference[:100],
                                   label=subject.label[:200], applicant_id=int(subject.applicant_id or 0),
                                   organisation=subject.organisation, completed_at=subject.completed_at,
                                   score=score, channel=channel, comment=(comment or "").strip())
    if score in BAD_SCORES:
        days = int(_setting("RECTIFICATION_DAYS", 10))
        clock = clock_start(purpose=f"rectification {subject.reference}"[:100], started_on=timezone.localdate(),
                            limit_days=days)
        item = Rectification.objects.create(rating=rating, organisation=subject.organisation, clock=clock)
        clock_watch(clock=clock, kind="supervision.rectification", subject=f"supervision.rectification:{item.pk}",
                    reference=subject.reference, label=_("Callback and rectification of a bad rating"),
                    url="/workbench/supervision/work/", organisation=subject.organisation)
        for head in StaffRole.objects.filter(role=Role.DEPARTMENT_HEAD, organisation=subject.organisation,
                                             user__is_active=True).select_related("user"):
            notification_send(recipient=head.user, subject=_("Bad rating: call back and rectify by %(date)s") % {
                "date": clock.due_on.isoformat()}, body=f"{subject.reference} {subject.label}",
                url="/workbench/supervision/work/", kind="supervision.rating")
    audit_record(action="supervision.rating.submit", actor=by, obj=rating,
                 details={"subject": subject.subject, "score": score, "channel": channel})
    return rating


@transaction.atomic
def rectification_record(*, by: Any, pk: int, callback_note: str, rectification_note: str) -> Rectification:
    item = selectors.access_rectification(user=by, pk=pk)
    errors = FieldErrors()
    if item.done_at is not None:
        errors.add("rectification", _("This rectification is already recorded."))
    if not (callback_note or "").strip():
        errors.add("callback_note", _("Record what the applicant said when called back."))
    if not (rectification_note or "").strip():
        errors.add("rectification_note", _("Record what was put right."))
    errors.raise_if_any(_("The rectification cannot be recorded."))
    item.callback_note, item.rectification_note = callback_note.strip(), rectification_note.strip()
    item.done_by, item.done_at = by, timezone.now()
    item.save(update_fields=["callback_note", "rectification_note", "done_by", "done_at"])
    clock_stop(clock=item.clock, on=max(timezone.localdate(), item.clock.started_on))
    audit_record(action="supervision.rectification.record", actor=by, obj=item)
    return item


@transaction.atomic
def rating_appeal(*, by: Any, pk: int, reason: str) -> Rating:
    """The rated department's head contests a rating (e.g. it concerns another office's fault)."""
    rating = selectors.access_rating_appeal(user=by, pk=pk)
    errors = FieldErrors()
    if rating.appeal_status != AppealStatus.NONE:
        errors.add("rating", _("This rating has already been appealed."))
    if not (reason or "").strip():
        errors.add("reason", _("Give the grounds of the appeal."))
    errors.raise_if_any(_("The appeal cannot be filed."))
    rating.appeal_status, rating.appeal_reason, rating.appealed_by = AppealStatus.PENDING, reason.strip(), by
    rating.save(update_fields=["appeal_status", "appeal_reason", "appealed_by"])
    audit_record(action="supervision.rating.appeal", actor=by, obj=rating)
    return rating


@transaction.atomic
def rating_appeal_decide(*, by: Any, pk: int, uphold: bool, note: str) -> Rating:
    """The supervision office decides: an upheld appeal takes the rating out of the statistics."""
    rating = selectors.access_appeal_decision(user=by, pk=pk)
    errors = FieldErrors()
    if rating.appeal_status != AppealStatus.PENDING:
        errors.add("rating", _("There is no pending appeal on this rating."))
    if not (note or "").strip():
        errors.add("note", _("Give the reasons for the decision."))
    errors.raise_if_any(_("The appeal cannot be decided."))
    rating.appeal_status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    rating.appeal_note, rating.appeal_decided_by = note.strip(), by
    rating.save(update_fields=["appeal_status", "appeal_note", "appeal_decided_by"])
    audit_record(action="supervision.rating.appeal_decide", actor=by, obj=rating, details={"upheld": bool(uphold)})
    return rating
