"""Reads of the OpenID provider."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oauth2_provider.models import AccessToken, RefreshToken, get_application_model

from yiwang.identity.public import Enterprise, deny

from .models import Consent, Scope
from .scopes import profile_of


@dataclass(frozen=True)
class AuthorisedApp:
    """A department system a person has let in, for the account page."""

    application_id: int
    name: str
    department: str
    scopes: list[str]  # scope names
    scope_labels: list[str]  # what each scope shares, in the reader's language
    granted_at: datetime

    def __str__(self) -> str:
        return f"{self.name} ({self.department})" if self.department else self.name


def authorised_apps_for(*, user: Any) -> list[AuthorisedApp]:
    """Systems ``user`` consented to and has not withdrawn from, newest first. Only the user's own."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (Consent.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("application").order_by("-granted_at"))
    labels = dict(Scope.choices)
    apps = []
    for consent in rows:
        profile = profile_of(consent.application)
        scopes = consent.scopes.split()
        apps.append(AuthorisedApp(
            application_id=consent.application.pk, name=str(consent.application),
            department=str(profile.organisation) if profile else "", scopes=scopes,
            scope_labels=[str(labels.get(s, s)) for s in scopes], granted_at=consent.granted_at))
    return apps


def consent_covers(*, user: Any, application: Any, scopes: Iterable[str], enterprise: Enterprise | None) -> bool:
    """Whether remembered consent already covers this request (same or fewer scopes, same enterprise)."""
    consent = Consent.objects.filter(user=user, application=application, revoked_at__isnull=True).first()
    if consent is None:
        return False
    wanted = set(scopes)
    if not wanted <= set(consent.scopes.split()):
        return False
    # Consent to the enterprise scope names one enterprise; acting for another asks again.
    return Scope.ENTERPRISE not in wanted or consent.enterprise_id == (enterprise.pk if enterprise else None)


def access_authorised_application(*, user: Any, pk: int) -> Any:
    """A system the user has consented to or holds tokens for (so may withdraw); anything else is denied."""
    application = get_application_model().objects.filter(pk=pk).first()
    if application is None or not getattr(user, "is_authenticated", False):
        raise deny(user, "sso.authorisation")
    linked = (Consent.objects.filter(user=user, application=application).exists()
              or RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True).exists()
              or AccessToken.objects.filter(user=user, application=application).exists())
    if not linked:
        raise deny(user, "sso.authorisation", application)
    return application
