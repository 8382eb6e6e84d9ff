"""The OpenID provider's own records, beside django-oauth-toolkit's Application, Grant and token tables.

- ``ClientProfile``: which department owns a client (a department system) and which scopes it may ask for.
- ``Consent``: what a person agreed to share with a client; remembered until withdrawn.
- ``Authorisation``: one authorisation code (kept as a hash) with the enterprise the person acted for when
  it was issued, and the token family it was exchanged for. It carries the enterprise claim across refreshes
  and lets a replayed code revoke the tokens issued for it (RFC 6749 §4.1.2).
- ``SubjectIdentifier``: the pairwise ``sub`` a person has towards one department (OIDC Core §8.1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import APPLICATION_MODEL


class Scope(models.TextChoices):
    OPENID = "openid", _("Log you in (an identifier for you that only this department's systems see)")
    PROFILE = "profile", _("Your real name")
    PHONE = "phone", _("Your mobile number")
    IDCARD = "idcard", _("Your resident identity number")
    ENTERPRISE = "enterprise", _("The enterprise you act for, and your role in it")


class ClientProfile(models.Model):
    application = models.OneToOneField(APPLICATION_MODEL, verbose_name=_("client"), on_delete=models.CASCADE,
                                       related_name="yiwang_profile")
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department"),
                                     on_delete=models.PROTECT, related_name="oidc_clients",
                                     help_text=_("The department that owns and answers for this system."))
    allowed_scopes = models.CharField(_("allowed scopes"), max_length=200, default="openid profile",
                                      help_text=_("Space-separated. A request for any other scope is refused."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")

    def __str__(self) -> str:
        return f"{self.application} · {self.organisation}"

    @property
    def scopes(self) -> list[str]:
        return self.allowed_scopes.split()


class Consent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="oidc_consents")
    application = models.ForeignKey(APPLICATION_MODEL, verbose_name=_("client"), on_delete=models.CASCADE,
                                    related_name="+")
    scopes = models.CharField(_("scopes"), max_length=200)
    # With the enterprise scope, consent covers the enterprise named here only; acting for another asks again.
    enterprise = models.ForeignKey("identity.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="sso_consent_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.application}: {self.scopes}"


class Authorisation(models.Model):
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    application = models.ForeignKey(APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey("identity.Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    enterprise_role = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")

    def __str__(self) -> str:
        return f"{self.user} → {self.application} @ {self.created_at:%Y-%m-%d %H:%M}"


class SubjectIdentifier(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(max_length=64)  # "org:<organisation pk>", or "client:<pk>" without a profile
    subject = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("subject identifier")
        verbose_name_plural = _("subject identifiers")
        constraints = [models.UniqueConstraint(fields=["user", "sector"], name="sso_subject_unique")]

    def __str__(self) -> str:
        return self.subject
