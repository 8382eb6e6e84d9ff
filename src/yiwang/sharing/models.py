"""The sharing catalogue (政务信息资源共享目录, SPEC §3.5, §5.6): resources, their fields, requests for them.

A resource is published by its provider department's data steward; another department requests some of its
fields for a purpose on a legal basis. Unconditional resources are granted at once; conditional ones wait for
the provider's answer (10 working days on a core ``Clock``). A grant becomes an exchange ``AccessGrant`` (the
gateway enforces it field by field) and, for registry resources, a registries field grant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """资源分类 of the national catalogue guideline: the first digit of the resource code."""

    BASE = "1", _("Base information resource (基础信息资源)")
    THEME = "2", _("Thematic information resource (主题信息资源)")
    DEPARTMENT = "3", _("Departmental information resource (部门信息资源)")


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Shared unconditionally (无条件共享)")
    CONDITIONAL = "conditional", _("Shared on conditions (有条件共享)")
    NONE = "none", _("Not shared (不予共享)")


class OpenAttribute(models.TextChoices):
    OPEN = "open", _("Open to the public (无条件开放)")
    CONDITIONAL = "conditional", _("Open on conditions (有条件开放)")
    CLOSED = "closed", _("Not open (不予开放)")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real time (实时)")
    DAILY = "daily", _("Daily (每日)")
    WEEKLY = "weekly", _("Weekly (每周)")
    MONTHLY = "monthly", _("Monthly (每月)")
    QUARTERLY = "quarterly", _("Quarterly (每季度)")
    YEARLY = "yearly", _("Yearly (每年)")
    IRREGULAR = "irregular", _("Irregular (不定期)")


class FieldType(models.TextChoices):
    STRING = "string", _("Text (字符型)")
    INTEGER = "integer", _("Integer (整数型)")
    DECIMAL = "decimal", _("Decimal (数值型)")
    DATE = "date", _("Date (日期型)")
    DATETIME = "datetime", _("Date and time (日期时间型)")
    BOOLEAN = "boolean", _("Yes/no (布尔型)")
    CODE = "code", _("Code (代码型)")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the provider")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    DISPUTED = "disputed", _("Disputed (with the sharing authority)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Grant revoked")


class Resource(models.Model):
    code = models.CharField(_("resource code"), max_length=40, unique=True,
                            help_text=_("Classification digit, category digits, “/”, six-digit sequence, "
                                        "e.g. 10101/000001."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("summary"), blank=True)
    provider = models.ForeignKey("identity.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="sharing_resources")
    classification = models.CharField(_("classification"), max_length=1, choices=Classification.choices)
    sharing_type = models.CharField(_("sharing type"), max_length=16, choices=SharingType.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("sharing conditions"), blank=True)
    open_attribute = models.CharField(_("open attribute"), max_length=12, choices=OpenAttribute.choices)
    update_cycle = models.CharField(_("update cycle"), max_length=12, choices=UpdateCycle.choices)
    service = models.ForeignKey("exchange.Service", verbose_name=_("exchange service"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="sharing_resources")
    registry = models.CharField(_("base registry"), max_length=20, blank=True,
                                help_text=_("The base registry the resource's fields come from, if any."))
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices,
                              default=ResourceStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields.all()]


class ResourceField(models.Model):
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE,
                                 related_name="fields")
    name = models.CharField(_("field name"), max_length=60)
    label = models.CharField(_("label"), max_length=100)
    data_type = models.CharField(_("type"), max_length=10, choices=FieldType.choices)
    length = models.PositiveIntegerField(_("length"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["resource", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["resource", "name"], name="sharing_field_unique_name")]
        verbose_name = _("resource field")
        verbose_name_plural = _("resource fields")

    def __str__(self) -> str:
        return self.name


class SharingRequest(models.Model):
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.PROTECT,
                                 related_name="requests")
    consumer = models.ForeignKey("identity.Organisation", verbose_name=_("requesting department"),
                                 on_delete=models.PROTECT, related_name="sharing_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    fields = models.JSONField(_("fields"), default=list)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED)
    clock = models.OneToOneField("core.Clock", verbose_name=_("answer clock"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    answer_reasons = models.TextField(_("reasons of the answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dispute_reasons = models.TextField(_("grounds of the dispute"), blank=True)
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    decision_reasons = models.TextField(_("the authority's reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    exchange_grant_id = models.PositiveBigIntegerField(_("exchange grant"), null=True, blank=True)
    consumer_member = models.CharField(_("consumer's exchange member"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("grant revoked at"), null=True, blank=True)
    revoke_reasons = models.TextField(_("reasons of the revocation"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.resource.code} → {self.consumer.code}"

    @property
    def registry_origin(self) -> str:
        return f"sharing:{self.pk}"
