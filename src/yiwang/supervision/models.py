"""E-supervision (电子监察): watched clocks and their grades, cards, supervision notices, complaints,
ratings with their callbacks and appeals (SPEC §3.6, §5.7; docs/supervision.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    NORMAL = "normal", _("Normal")
    YELLOW = "yellow", _("Warning (yellow card)")
    RED = "red", _("Overdue (red card)")


class Watch(models.Model):
    """Supervision's view of one core clock: what it times, who answers for it, and its grade.

    ``clock_state``, ``due_on`` and ``paused_days`` are copies of the clock taken when ``warn_on`` was
    computed; the sweep recomputes ``warn_on`` for the rows whose copy no longer matches the clock
    (ADR 0024), then grades every open clock by comparing dates.
    """

    clock = models.OneToOneField("core.Clock", verbose_name=_("clock"), on_delete=models.CASCADE,
                                 related_name="supervision_watch")
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=100, help_text=_("“<kind>:<id>” of what is timed."))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    label = models.CharField(_("what is timed"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # No index of their own on these two: each would take a new entry at every grade change (ADR 0024).
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("responsible department"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_index=False)
    warn_percent = models.PositiveSmallIntegerField(_("warning threshold (percentage of the limit used)"))
    clock_state = models.CharField(_("clock state"), max_length=10)
    started_on = models.DateField(_("started on"))
    limit_days = models.PositiveIntegerField(_("limit (working days)"))
    due_on = models.DateField(_("due on"))
    paused_days = models.PositiveIntegerField(_("paused working days"), default=0)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    warn_on = models.DateField(_("warning from"))
    overdue_on = models.DateField(_("overdue from"))
    used_days = models.PositiveIntegerField(_("working days used"), null=True, blank=True,
                                            help_text=_("Set when the clock has stopped."))
    # A clock in hours (core's ``limit_hours``): graded by the moment, not the day (ADR 0029); the date fields
    # above hold the local dates of these moments (``limit_days`` 0), so lists and the assessment read both kinds.
    limit_hours = models.PositiveIntegerField(_("limit (hours)"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue after"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, default=Grade.NORMAL)
    yellow_at = models.DateTimeField(_("yellow card at"), null=True, blank=True)
    red_at = models.DateTimeField(_("red card at"), null=True, blank=True)
    created_at = models.DateTimeField(_("watched since"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("watched clock")
        verbose_name_plural = _("watched clocks")
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="supervision_watch_grade_valid"),
            models.CheckConstraint(condition=Q(warn_percent__gte=1, warn_percent__lte=100),
                                   name="supervision_watch_warn_percent_range"),
        ]
        # No index touches grade, yellow_at or red_at: on PostgreSQL (fillfactor 50, migration 0002) grading
        # is then a HOT update that writes no index entry; the sweep reads the table sequentially (ADR 0024).
        indexes = [
            models.Index(fields=["organisation", "stopped_on"], name="supervision_watch_closed",
                         condition=Q(stopped_on__isnull=False)),
            # the few clocks in hours, graded by the moment in their own UPDATE without reading the others (ADR
            # 0029); grading never changes overdue_at, so it stays a HOT update
            models.Index(fields=["overdue_at"], name="supervision_watch_in_hours",
                         condition=Q(overdue_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.grade})"

    @property
    def is_open(self) -> bool:
        return self.clock_state != "stopped"


class SweepRun(models.Model):
    """One run of the sweep. The clocks it moved carry its ``at`` as their ``yellow_at`` / ``red_at`` (the
    yellow and red cards); ``notified_at`` says their people have been told — once per run, hence once per
    grade change, without a row per card (ADR 0024)."""

    at = models.DateTimeField(_("run at"), unique=True)
    today = models.DateField(_("graded for"))
    yellow = models.PositiveIntegerField(_("yellow cards"), default=0)
    red = models.PositiveIntegerField(_("red cards"), default=0)
    notified_at = models.DateTimeField(_("told at"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self) -> str:
        return f"{self.today.isoformat()} {self.yellow}/{self.red}"


class Notice(models.Model):
    """A supervision notice (督办): the supervision office presses a department, which must reply in time."""

    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department"),
                                     on_delete=models.PROTECT, related_name="+")
    watch = models.ForeignKey(Watch, verbose_name=_("about"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="notices")
    text = models.TextField(_("notice"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    clock = models.OneToOneField("core.Clock", verbose_name=_("reply deadline"), on_delete=models.PROTECT,
                                 related_name="+")
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.text[:40]}"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    COUNTER = "counter", _("Citizen-centre counter")
    HOTLINE = "hotline", _("12345 hotline")
    APP = "app", _("Mobile app")


class ComplaintOutcome(models.TextChoices):
    NONE = "", _("Not decided")
    UPHELD = "upheld", _("Upheld")
    PARTLY = "partly", _("Partly upheld")
    DISMISSED = "dismissed", _("Not upheld")


class Complaint(models.Model):
    """A complaint (投诉) against a department or one of its cases, handled by the supervision office."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department complained about"),
                                     on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("case"), max_length=100, blank=True, help_text=_("“<kind>:<id>” of the case."))
    reference = models.CharField(_("case number"), max_length=100, blank=True)
    text = models.TextField(_("complaint"))
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("complainant"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken in by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    clock = models.OneToOneField("core.Clock", verbose_name=_("deadline"), on_delete=models.PROTECT,
                                 related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ComplaintOutcome.choices, blank=True,
                               default=ComplaintOutcome.NONE)
    outcome_note = models.TextField(_("what was found and done"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["organisation", "filed_at"], name="supervision_complaint_org_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation_id}"


class Score(models.IntegerChoices):
    """GB/T 39734-2020 (SPEC §5.7)."""

    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied (基本满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")


BAD_SCORES = (Score.DISSATISFIED, Score.VERY_DISSATISFIED)


class AppealStatus(models.TextChoices):
    NONE = "", _("Not appealed")
    PENDING = "pending", _("Appeal pending")
    UPHELD = "upheld", _("Appeal upheld: the rating does not count")
    REJECTED = "rejected", _("Appeal rejected")


class Rating(models.Model):
    """A rating (好差评) of one completed service by its applicant; one per case and applicant."""

    subject = models.CharField(_("case"), max_length=100, help_text=_("“<kind>:<id>” of the case rated."))
    reference = models.CharField(_("case number"), max_length=100, blank=True)
    label = models.CharField(_("service"), max_length=200, blank=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="+")
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department rated"),
                                     on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("service completed at"))
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)
    appeal_status = models.CharField(_("appeal"), max_length=10, choices=AppealStatus.choices, blank=True,
                                     default=AppealStatus.NONE)
    appeal_reason = models.TextField(_("grounds of the appeal"), blank=True)
    appealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("appealed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    appeal_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("appeal decided by"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    appeal_note = models.TextField(_("appeal decision"), blank=True)

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["subject", "applicant"], name="supervision_rating_once_per_case"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="supervision_rating_score_range"),
        ]
        indexes = [models.Index(fields=["organisation", "rated_at"], name="supervision_rating_org_idx")]

    def __str__(self) -> str:
        return f"{self.subject} {self.score}"

    @property
    def is_bad(self) -> bool:
        return self.score in BAD_SCORES


class Rectification(models.Model):
    """The callback (回访) and rectification (整改) a bad rating opens, to a deadline."""

    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.CASCADE,
                                  related_name="rectification")
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department"),
                                     on_delete=models.PROTECT, related_name="+")
    clock = models.OneToOneField("core.Clock", verbose_name=_("deadline"), on_delete=models.PROTECT,
                                 related_name="+")
    callback_note = models.TextField(_("callback"), blank=True)
    rectification_note = models.TextField(_("rectification"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.rating_id}"
