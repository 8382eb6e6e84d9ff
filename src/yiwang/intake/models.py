"""The case (办件) and what hangs off it: materials, supplement notices (一次性告知), case numbers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_PREFIX = "intake.application"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    COUNTER = "counter", _("Citizen-centre counter")
    HOTLINE = "hotline", _("12345 hotline")
    API = "api", _("API")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplement")
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECIDED_ON_SPOT = "decided_on_spot", _("Decided on the spot")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.AWAITING_SUPPLEMENT, Status.IN_PROGRESS)


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CaseNumberSequence(models.Model):
    """The last case number handed out on one Shanghai calendar day (row-locked while a number is taken)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Application(models.Model):
    """One case (办件), whatever the channel it came through, pinned to the matter version it was made for."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    version = models.ForeignKey("catalog.MatterVersion", verbose_name=_("matter version"),
                                on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="applications")
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="applications",
                                   help_text=_("The enterprise an agent applied for."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="applications_submitted",
                                     help_text=_("The applicant, or the clerk or hotline agent who took it in."))
    form_data = models.JSONField(_("form data"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices, default=Outcome.NONE,
                               blank=True)
    decisions = models.JSONField(_("departments' decisions"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    clock = models.OneToOneField("core.Clock", verbose_name=_("case clock"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    status_token = models.CharField(max_length=64, unique=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("application (办件)")
        verbose_name_plural = _("applications (办件)")
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="intake_application_idempotency_key_once"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="intake_application_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="intake_application_channel_valid"),
        ]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="intake_app_applicant_idx"),
            models.Index(fields=["enterprise", "-submitted_at"], name="intake_app_enterprise_idx"),
            models.Index(fields=["submitted_by", "-submitted_at"], name="intake_app_submitter_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self) -> str:
        """How the workflow engine and the worklists name this case."""
        return f"{SUBJECT_PREFIX}:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Material(models.Model):
    """One uploaded file, listed against a requirement of the matter's materials list."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="materials")
    requirement_code = models.CharField(_("material"), max_length=50)
    requirement_name = models.CharField(_("material name"), max_length=200)
    original_name = models.CharField(_("file name given"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100,
                                    help_text=_("Detected from the file's content, not its name."))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to="intake/", max_length=200)
    supplement = models.ForeignKey("SupplementRequest", verbose_name=_("answers notice"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="materials")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["application", "requirement_code", "uploaded_at", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return f"{self.requirement_name} ({self.original_name})"


class SupplementRequest(models.Model):
    """A one-time notice (一次性告知) of everything missing; the case clock pauses until it is answered."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="supplement_requests")
    items = models.JSONField(_("what is missing"), default=list,
                             help_text=_("One entry per missing material or correction: code, name, reason."))
    note = models.TextField(_("note to the applicant"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("applicant's note"), blank=True)

    class Meta:
        ordering = ["application", "-requested_at", "-pk"]
        verbose_name = _("supplement notice (一次性告知)")
        verbose_name_plural = _("supplement notices (一次性告知)")
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(answered_at__isnull=True),
                                    name="intake_one_open_supplement_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {len(self.items)}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
