"""Accounts (citizen, enterprise, staff), the government organisation tree and staff roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.public import EncryptedTextField, mask


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise")
    STAFF = "staff", _("Staff")


class AssuranceLevel(models.IntegerChoices):
    """How sure we are that the account holder is the person named (SPEC §3.1); exposed as OIDC ``acr``."""

    SELF_ASSERTED = 1, _("Self-asserted")
    REGISTRY_VERIFIED = 2, _("Verified against the population registry")
    IN_PERSON = 3, _("Verified in person at a counter")


class User(AbstractUser):
    """Every login. Citizens carry their identity number encrypted, found through a blind index."""

    kind = models.CharField(_("account kind"), max_length=12, choices=AccountKind.choices,
                            default=AccountKind.CITIZEN)
    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    id_number = EncryptedTextField(_("resident identity number"), blank=True, default="")
    id_number_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    phone = EncryptedTextField(_("mobile number"), blank=True, default="")
    assurance_level = models.PositiveSmallIntegerField(_("identity assurance level"), choices=AssuranceLevel.choices,
                                                       default=AssuranceLevel.SELF_ASSERTED)
    organisation = models.ForeignKey(
        "identity.Organisation", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
        help_text=_("The organisation a staff member belongs to."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4)

    @property
    def is_citizen(self) -> bool:
        return self.kind == AccountKind.CITIZEN

    @property
    def is_staff_member(self) -> bool:
        return self.kind == AccountKind.STAFF


class OrgKind(models.TextChoices):
    DISTRICT = "district", _("District government")
    DEPARTMENT = "department", _("Department (委办局)")
    ZONE = "zone", _("Functional zone")
    STREET = "street", _("Street (街道)")
    TOWN = "town", _("Town (镇)")
    CENTRE = "centre", _("Citizen centre")
    WINDOW = "window", _("Service window")


class Organisation(models.Model):
    """A node of the government tree: the district, its departments, zones, streets, towns, windows."""

    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(_("kind"), max_length=12, choices=OrgKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True,
                            help_text=_("Department code, or the GB/T 10114 code of a street or town."))
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~models.Q(credit_code=""),
                                    name="identity_org_unique_credit_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Role(models.TextChoices):
    HANDLER = "handler", _("Handler (承办人)")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    WINDOW_CLERK = "window_clerk", _("Window clerk (窗口人员)")
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent (话务员)")
    SUPERVISOR = "supervisor", _("Supervision officer (监察)")
    LEADER = "leader", _("Leader (领导)")
    DATA_STEWARD = "data_steward", _("Data steward (数据管理员)")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class StaffRole(models.Model):
    """A role a staff member holds, scoped to one organisation unit."""

    user = models.ForeignKey(User, verbose_name=_("staff member"), on_delete=models.CASCADE,
                             related_name="staff_roles")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="staff_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="identity_staffrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Enterprise(models.Model):
    """A legal person (法人), identified by its unified social credit code; acts through agents."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    account = models.OneToOneField(User, verbose_name=_("enterprise account"), on_delete=models.PROTECT,
                                   related_name="enterprise")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class AgentRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    AGENT = "agent", _("Authorised agent")


class AgentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REVOKED = "revoked", _("Refused or revoked")


class EnterpriseAgent(models.Model):
    """A citizen authorised to act for an enterprise. Only a confirmed agent may act for it."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="agents")
    user = models.ForeignKey(User, verbose_name=_("agent"), on_delete=models.CASCADE,
                             related_name="enterprise_agencies")
    role = models.CharField(_("role"), max_length=24, choices=AgentRole.choices, default=AgentRole.AGENT)
    authorised_at = models.DateTimeField(_("authorised at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=AgentStatus.choices, default=AgentStatus.PENDING)
    confirmed_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise agent")
        verbose_name_plural = _("enterprise agents")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="identity_agent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class PhonePurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PHONE_CHANGE = "phone_change", _("Change of mobile number")


class PhoneVerification(models.Model):
    """A one-time code sent by SMS. The code is kept only as a keyed hash; the number encrypted."""

    purpose = models.CharField(_("purpose"), max_length=16, choices=PhonePurpose.choices)
    phone = EncryptedTextField(_("mobile number"))
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    code_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {mask(self.phone, keep_start=3, keep_end=4)}"


class AssuranceMethod(models.TextChoices):
    SMS_CONFIRMED_PHONE = "sms_confirmed_phone", _("Mobile number confirmed by SMS code")
    REGISTRY_CHECK = "registry_check", _("Checked against the population registry")
    COUNTER_CHECK = "counter_check", _("Identity card checked at a counter")
    ADMIN = "admin", _("Set by an administrator")


class AssuranceEvent(models.Model):
    """How and when an account reached an assurance level (SPEC §3.1). Append-only history."""

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE,
                             related_name="assurance_events")
    level = models.PositiveSmallIntegerField(_("identity assurance level"), choices=AssuranceLevel.choices)
    method = models.CharField(_("method"), max_length=24, choices=AssuranceMethod.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(User, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assurance event")
        verbose_name_plural = _("assurance events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_level_display()} · {self.get_method_display()}"
