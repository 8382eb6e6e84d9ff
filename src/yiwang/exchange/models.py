"""The exchange (统一交换): members and their certificates, services, access grants, the message log.

X-Road's shape (docs/exchange.md): every department or external system is a *member* with an identifier
``INSTANCE/CLASS/MEMBER_CODE/SUBSYSTEM`` and a certificate from the platform's own CA; a provider member
registers *services*; an *access grant* lets a consumer member call a service, for some fields; the gateway
writes every call to the hash-chained, gateway-signed *message log*.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberClass(models.TextChoices):
    GOV = "GOV", _("Government body")
    PUB = "PUB", _("Public institution (事业单位)")
    COM = "COM", _("Enterprise")
    NGO = "NGO", _("Social organisation")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class Member(models.Model):
    """A department's or an external system's subsystem on the exchange."""

    identifier = models.CharField(_("member identifier"), max_length=200, unique=True)
    instance = models.CharField(_("instance"), max_length=20)
    member_class = models.CharField(_("member class"), max_length=3, choices=MemberClass.choices)
    member_code = models.CharField(_("member code"), max_length=40)
    subsystem = models.CharField(_("subsystem"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="exchange_members")
    status = models.CharField(_("status"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    current_certificate = models.ForeignKey("exchange.Certificate", verbose_name=_("current certificate"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("exchange member")
        verbose_name_plural = _("exchange members")

    def __str__(self) -> str:
        return self.identifier

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class CertificateRole(models.TextChoices):
    CA = "ca", _("Certificate authority")
    GATEWAY = "gateway", _("Gateway (message log signing)")
    MEMBER = "member", _("Member signing")


class Certificate(models.Model):
    """An X.509 certificate from the platform CA (or the CA's own). Never deleted: old log entries and
    signatures made before a rotation are verified with the certificate they name."""

    role = models.CharField(_("role"), max_length=8, choices=CertificateRole.choices)
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="certificates")
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    pem = models.TextField(_("certificate (PEM)"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    # Name of the private key in the key store; empty when the member keeps its own key (it sent a public key).
    key_name = models.CharField(_("key store name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # One live CA and one live gateway certificate at a time (first use creates them; a race loses here).
            models.UniqueConstraint(fields=["role"], condition=models.Q(role__in=["ca", "gateway"],
                                                                         superseded_at__isnull=True),
                                    name="exchange_one_live_platform_cert"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} #{self.serial}"


class ServiceKind(models.TextChoices):
    HTTP = "http", _("External HTTP endpoint")
    LOCAL = "local", _("In-process handler")


class Service(models.Model):
    """A synchronous service a provider member offers through the gateway (``/exchange/v1/<code>/…``)."""

    provider = models.ForeignKey(Member, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="services")
    code = models.CharField(_("service code"), max_length=64, unique=True)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    openapi = models.JSONField(_("OpenAPI document"))
    kind = models.CharField(_("where it runs"), max_length=5, choices=ServiceKind.choices)
    base_url = models.URLField(_("base URL"), max_length=500, blank=True)
    timeout_seconds = models.FloatField(_("timeout (seconds)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("exchange service")
        verbose_name_plural = _("exchange services")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class AccessGrant(models.Model):
    """Lets one consumer member call one service; ``fields`` None means every field, else only those."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="grants")
    consumer = models.ForeignKey(Member, verbose_name=_("consumer"), on_delete=models.PROTECT,
                                 related_name="grants")
    fields = models.JSONField(_("granted fields"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    granted_by_name = models.CharField(_("granted by (name)"), max_length=150, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by_name = models.CharField(_("revoked by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        indexes = [models.Index(fields=["service", "consumer"], name="exchange_grant_lookup")]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.service}"


class UsedNonce(models.Model):
    """Nonces of accepted signed requests; the unique pair refuses a replay, even from another server."""

    member = models.CharField(max_length=200)
    nonce = models.CharField(max_length=128)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "nonce"], name="exchange_nonce_once")]

    def __str__(self) -> str:
        return f"{self.member} {self.nonce}"


class EntryKind(models.TextChoices):
    REQUEST = "request", _("Request")
    RESPONSE = "response", _("Response")
    REFUSAL = "refusal", _("Refused call")


class MessageLogEntry(models.Model):
    """One entry of the message log: hash-chained like the audit chain, and signed by the gateway.

    Bodies are not kept, only their SHA-256 (the log proves what was exchanged without becoming a second
    copy of the registries); a response entry carries ``request_hash``, the hash of its request entry.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    message_id = models.CharField(_("message id"), max_length=36, db_index=True)
    consumer = models.ForeignKey(Member, verbose_name=_("consumer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    consumer_identifier = models.CharField(_("consumer (as claimed)"), max_length=200, blank=True)
    provider = models.ForeignKey(Member, verbose_name=_("provider"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField(_("service"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=1000, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40)
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64, blank=True)
    request_hash = models.CharField(_("request entry hash"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    signer = models.ForeignKey(Certificate, verbose_name=_("signed with"), on_delete=models.PROTECT,
                               related_name="+")
    signature = models.CharField(_("gateway signature"), max_length=200)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("message log entry")
        verbose_name_plural = _("message log entries")
        indexes = [
            models.Index(fields=["consumer_identifier", "-seq"], name="exchange_log_consumer"),
            models.Index(fields=["provider", "-seq"], name="exchange_log_provider"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.service_code} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("message log entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("message log entries are append-only")


class MessageLogHead(models.Model):
    """The single row that serialises appends and remembers the log's end (so a cut tail shows)."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"message log head #{self.last_seq}"


class DirectoryVersion(models.Model):
    """One row, bumped in the same transaction as every change to members, certificates, services or grants.

    The gateway keeps what it looked up (members, services, grants) per process and re-reads this number on every
    call: a revocation or a new grant reaches every server at the next call, for one tiny query instead of the
    lookups themselves (ADR 0019)."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"exchange directory v{self.version}"
