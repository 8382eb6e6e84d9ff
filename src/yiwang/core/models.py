"""The official working-day calendar and the deadline clocks that run on it (SPEC §3.6).

The State Council publishes each year's holiday schedule (with its adjusted working weekends, 调休)
only in the autumn before, so the schedule lives in the database: a year is *known* only when a
``CalendarYear`` row exists. See docs/decisions/0003-working-day-calendar.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """One year of the official schedule, loaded as a whole from a library or a published notice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=200,
        help_text=_("Where the schedule comes from, e.g. the State Council notice number."),
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    # A fresh value on every change; process caches of the calendar compare it to know they are stale.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Make-up working day (调休)")


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, or a weekend worked in lieu."""

    year = models.ForeignKey(CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE,
                             related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="core_calendarday_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind} {self.name}".strip()


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Clock(models.Model):
    """A deadline of ``limit_days`` working days after ``started_on``, which may pause and resume.

    Other apps own clocks by a foreign key from their own models (an application, a disclosure
    request, a hotline ticket), change them only through ``core.services.clock_*`` and read them with
    ``core.calendar.clock_state_on``.
    ``due_on`` is stored so that lists and supervision can filter on it; it is recomputed when a pause
    ends and when the calendar of a year it depends on is loaded or changed.
    """

    purpose = models.CharField(_("purpose"), max_length=100,
                               help_text=_("What the clock measures, e.g. “disclosure reply”."))
    started_on = models.DateField(_("started on"))
    limit_days = models.PositiveIntegerField(_("limit (working days)"))
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    due_on = models.DateField(_("due on"), db_index=True)
    provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The due date runs into a year whose official schedule is not loaded yet."),
    )
    paused_days = models.PositiveIntegerField(
        _("paused working days"), default=0,
        help_text=_("Working days spent paused; they do not count against the limit."),
    )
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    # A clock in hours (a rule that says "within 2 hours": hotline tickets, urgent supervision notices) counts
    # natural hours from ``started_at`` round the clock, holidays included; its pauses add their length to
    # ``due_at``. ``limit_days`` is 0 and the date fields are the local dates of the moments (ADR 0029).
    limit_hours = models.PositiveIntegerField(_("limit (hours)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ClockState.values), name="core_clock_state_valid"),
            models.CheckConstraint(
                condition=Q(state=ClockState.STOPPED, stopped_on__isnull=False)
                | (~Q(state=ClockState.STOPPED) & Q(stopped_on__isnull=True)),
                name="core_clock_stopped_on_iff_stopped",
            ),
            models.CheckConstraint(
                condition=Q(limit_hours__isnull=True, started_at__isnull=True, due_at__isnull=True,
                            stopped_at__isnull=True)
                | Q(limit_hours__gte=1, limit_days=0, started_at__isnull=False, due_at__isnull=False),
                name="core_clock_hours_complete",
            ),
        ]
        indexes = [models.Index(fields=["state", "provisional"], name="core_clock_state_prov_idx")]

    def __str__(self) -> str:
        if self.in_hours:
            return f"{self.purpose} ({self.started_at:%Y-%m-%d %H:%M} + {self.limit_hours} h)"
        return f"{self.purpose} ({self.started_on.isoformat()} + {self.limit_days})"

    @property
    def in_hours(self) -> bool:
        return self.limit_hours is not None


class ClockPause(models.Model):
    """A stretch during which a clock does not run (supplement 补正, third-party consultation …)."""

    clock = models.ForeignKey(Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=200)
    started_on = models.DateField(_("paused on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    started_at = models.DateTimeField(_("paused at"), null=True, blank=True)  # clocks in hours only
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    # Working days this pause added to the deadline once it ended (0 for a pause begun after the due
    # date: a late pause does not cure an overdue clock).
    working_days = models.PositiveIntegerField(_("working days paused"), null=True, blank=True)

    class Meta:
        ordering = ["clock", "started_on", "pk"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(fields=["clock"], condition=Q(ended_on__isnull=True),
                                    name="core_clockpause_one_open_per_clock"),
        ]

    def __str__(self) -> str:
        end = self.ended_on.isoformat() if self.ended_on else "…"
        return f"{self.reason}: {self.started_on.isoformat()} – {end}"
