"""The service catalogue: matters (事项), their versioned service guides (办事指南) and materials lists.

A ``Matter`` is only a stable code. Everything a citizen reads and everything a case depends on lives
on a ``MatterVersion``: draft → published → retired. A published version is never edited (a change
makes a new draft), so a case that holds a foreign key to the version it was accepted under keeps the
guide, form and process it started with for life.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.identity.public import AssuranceLevel, Organisation


class MatterType(models.TextChoices):
    """权力事项/公共服务 types of the national service-guide standard (GB/T 32169 family)."""

    LICENSING = "licensing", _("Administrative licensing (行政许可)")
    CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
    PAYMENT = "payment", _("Administrative payment (行政给付)")
    RULING = "ruling", _("Administrative ruling (行政裁决)")
    REWARD = "reward", _("Administrative reward (行政奖励)")
    OTHER_POWER = "other_power", _("Other administrative power (其他行政权力)")
    PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")


class ApplicantKind(models.TextChoices):
    """Who may apply (服务对象)."""

    CITIZEN = "citizen", _("Natural persons (自然人)")
    ENTERPRISE = "enterprise", _("Legal persons (法人)")
    BOTH = "both", _("Natural and legal persons")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original (原件)")
    COPY = "copy", _("Copy (复印件)")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy (原件及复印件)")


class MaterialMedium(models.TextChoices):
    PAPER = "paper", _("Paper (纸质)")
    ELECTRONIC = "electronic", _("Electronic (电子)")
    BOTH = "both", _("Paper or electronic")


class LifeEvent(models.Model):
    """A moment in a person's or an enterprise's life the catalogue is browsed by (出生, 就业, 开办企业 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    audience = models.CharField(_("for"), max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.BOTH)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Matter(models.Model):
    """A government matter (事项), known by a code that never changes across its versions."""

    code = models.CharField(_("matter code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")

    def __str__(self) -> str:
        return self.code

    @property
    def apply_path(self) -> str:
        # The intake app owns this page (docs/adding-a-matter.md).
        return f"/matters/{self.code}/apply/"


class MatterVersion(models.Model):
    """One edition of a matter's service guide, application form and process."""

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT, db_index=True)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)

    # --- the service guide (SPEC §3.2) ---
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    matter_type = models.CharField(_("type"), max_length=16, choices=MatterType.choices)
    applicant_kind = models.CharField(_("who may apply"), max_length=12, choices=ApplicantKind.choices,
                                      default=ApplicantKind.BOTH)
    lead_department = models.ForeignKey(Organisation, verbose_name=_("lead department"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_matter_versions")
    departments = models.ManyToManyField(Organisation, verbose_name=_("responsible departments"), blank=True,
                                         related_name="matter_versions")
    life_events = models.ManyToManyField(LifeEvent, verbose_name=_("life events"), blank=True,
                                         related_name="matter_versions")
    summary = models.TextField(_("summary"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    acceptance_conditions = models.TextField(_("acceptance conditions"), blank=True)
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"), default=0)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"), default=0)
    on_the_spot = models.BooleanField(_("decided on the spot (即办件)"), default=False)
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    fees = models.TextField(_("fees"), blank=True)
    fee_basis = models.TextField(_("basis of the fees"), blank=True)
    apply_online = models.BooleanField(_("can be applied for online"), default=True)
    windows = models.TextField(_("where to apply (windows)"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    visits_needed = models.PositiveSmallIntegerField(_("visits needed in person"), default=0)
    result_name = models.CharField(_("result (licence or certificate)"), max_length=200, blank=True)
    result_delivery = models.TextField(_("how the result is delivered"), blank=True)
    consultation = models.TextField(_("where to ask"), blank=True)
    complaint = models.TextField(_("where to complain"), blank=True)
    required_assurance = models.PositiveSmallIntegerField(_("identity assurance level required"),
                                                          choices=AssuranceLevel.choices,
                                                          default=AssuranceLevel.SELF_ASSERTED)

    # --- the application form (docs/decisions/0014) and the process ---
    form_schema = models.JSONField(_("application form (JSON Schema)"), default=dict, blank=True)
    # PostgreSQL's jsonb does not keep key order, so the order of the form's fields is kept beside it.
    form_order = models.JSONField(default=list, blank=True, editable=False)
    process = models.ForeignKey("workflow.ProcessDefinition", verbose_name=_("process (BPMN)"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="matter_versions")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["matter__code", "-number"]
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        constraints = [
            models.UniqueConstraint(fields=["matter", "number"], name="catalog_version_unique_number"),
            # At most one published and one draft version per matter, whatever races happen.
            models.UniqueConstraint(fields=["matter"], condition=models.Q(status="published"),
                                    name="catalog_version_one_published"),
            models.UniqueConstraint(fields=["matter"], condition=models.Q(status="draft"),
                                    name="catalog_version_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.matter.code} v{self.number} {self.name}"

    def display_name(self, language: str | None) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    @property
    def code(self) -> str:
        return self.matter.code

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class MaterialRequirement(models.Model):
    """One line of a version's materials list (申请材料)."""

    version = models.ForeignKey(MatterVersion, verbose_name=_("matter version"), on_delete=models.CASCADE,
                                related_name="materials")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    description = models.TextField(_("notes"), blank=True)
    form = models.CharField(_("original or copy"), max_length=20, choices=MaterialForm.choices,
                            default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    medium = models.CharField(_("paper or electronic"), max_length=12, choices=MaterialMedium.choices,
                              default=MaterialMedium.ELECTRONIC)
    required = models.BooleanField(_("required"), default=True)
    content_types = models.JSONField(_("accepted file types"), default=list, blank=True)
    max_bytes = models.PositiveIntegerField(_("largest file (bytes)"), default=10 * 1024 * 1024)
    sample_url = models.URLField(_("sample or blank form"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version", "sort_order", "pk"]
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_material_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        return self.name_en if language == "en" and self.name_en else self.name
