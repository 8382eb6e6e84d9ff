"""Writes of the OpenID provider: clients, keys, consent, authorisations. Each one is audited."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken, get_application_model

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import ValidationFailed
from yiwang.identity.public import Enterprise, Organisation

from .backends.base import KeySet
from .claims import ENTERPRISE_ACCOUNT_ROLE
from .keys import forget_cached_keys, key_id, key_store, signing_keys
from .models import Authorisation, ClientProfile, Consent, Scope
from .validators import code_hash

Application = get_application_model()
LOOPBACK_HOSTS = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be registered, or None. https only; http only to loopback when development allows."""
    parts = urlsplit(uri)
    if not parts.scheme or not parts.hostname:
        return _("%(uri)s is not an absolute URL.") % {"uri": uri}
    if parts.fragment or "#" in uri or "*" in uri or parts.username or parts.password:
        return _("%(uri)s must not contain a fragment, a wildcard or user information.") % {"uri": uri}
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and settings.YIWANG_OIDC_ALLOW_HTTP_LOOPBACK and _is_loopback(parts.hostname):
        return None
    return _("%(uri)s must use https (http only to 127.0.0.1 or localhost during development).") % {"uri": uri}


@dataclass(frozen=True)
class ClientRegistration:
    application: Any
    client_secret: str  # plaintext, shown once; empty for a public client


def client_create(*, organisation_code: str, name: str, redirect_uris: Iterable[str],
                  post_logout_redirect_uris: Iterable[str] = (), confidential: bool = True,
                  scopes: Iterable[str] = (Scope.OPENID, Scope.PROFILE), allow_idcard: bool = False,
                  created_by: Any = None) -> ClientRegistration:
    """Register a department system as an OIDC client (authorisation code + PKCE, RS256 ID tokens).

    ``idcard`` is granted only with ``allow_idcard`` (a platform administrator's decision, recorded in the
    audit log). A confidential client gets a secret, returned here once and stored only as a hash.
    """
    errors: dict[str, list[str]] = {}
    organisation = Organisation.objects.filter(code=organisation_code).first()
    if organisation is None:
        errors.setdefault("organisation", []).append(
            _("No department has the code %(code)s.") % {"code": organisation_code})
    name = name.strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the system a name that people will recognise."))
    redirects = [u.strip() for u in redirect_uris if u.strip()]
    logouts = [u.strip() for u in post_logout_redirect_uris if u.strip()]
    if not redirects:
        errors.setdefault("redirect_uris", []).append(_("At least one redirect URI is needed."))
    for field, uris in (("redirect_uris", redirects), ("post_logout_redirect_uris", logouts)):
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem:
                errors.setdefault(field, []).append(problem)
    wanted = {Scope.OPENID.value, *scopes} - {Scope.IDCARD.value}
    if allow_idcard:
        wanted.add(Scope.IDCARD.value)
    unknown = wanted - set(Scope.values)
    if unknown:
        errors.setdefault("scopes", []).append(_("Unknown scopes: %(scopes)s.") % {"scopes": " ".join(sorted(unknown))})
    if errors or organisation is None:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    secret = generate_client_secret() if confidential else ""
    ordered = " ".join(s for s in Scope.values if s in wanted)
    with transaction.atomic():
        application = Application.objects.create(
            name=name, client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=" ".join(redirects),
            post_logout_redirect_uris=" ".join(logouts), algorithm=Application.RS256_ALGORITHM,
            client_secret=secret, hash_client_secret=True, skip_authorization=False,
        )
        ClientProfile.objects.create(application=application, organisation=organisation, allowed_scopes=ordered,
                                     created_by=created_by if getattr(created_by, "is_authenticated", False) else None)
        audit_record(action="sso.client.create", actor=created_by, obj=application,
                     details={"client_id": application.client_id, "department": organisation_code,
                              "client_type": application.client_type, "scopes": ordered,
                              "redirect_uris": redirects, "post_logout_redirect_uris": logouts})
    return ClientRegistration(application=application, client_secret=secret)


def client_profile_changed(*, application: Any, actor: Any, created: bool) -> None:
    """The Django admin saved a client: audit it (the admin writes the rows itself)."""
    profile = ClientProfile.objects.filter(application=application).first()
    audit_record(action="sso.client.create" if created else "sso.client.change", actor=actor, obj=application,
                 details={"client_id": application.client_id, "redirect_uris": application.redirect_uris.split(),
                          "scopes": profile.allowed_scopes if profile else "",
                          "department": profile.organisation.code if profile else ""})


def signing_key_rotate() -> KeySet:
    """Make a new ID-token signing key; the previous ones stay in the JWKS so issued ID tokens still verify."""
    before = signing_keys()
    with transaction.atomic():
        keys = key_store().rotate()
        forget_cached_keys()
        keys = signing_keys()
        audit_record(action="sso.key.rotate", details={
            "new_kid": key_id(keys.active), "previous_kid": key_id(before.active),
            "published_kids": [key_id(pem) for pem in keys.all]})
    return keys


# --- consent -----------------------------------------------------------------------------------------------
def consent_give(*, user: Any, application: Any, scopes: Iterable[str], enterprise: Enterprise | None) -> Consent:
    """Remember that ``user`` agreed to share ``scopes`` with ``application`` (until withdrawn)."""
    wanted = [s for s in Scope.values if s in set(scopes)]
    with transaction.atomic():
        consent, _created = Consent.objects.update_or_create(
            user=user, application=application,
            defaults={"scopes": " ".join(wanted), "enterprise": enterprise, "granted_at": timezone.now(),
                      "revoked_at": None})
        audit_record(action="sso.consent.give", actor=user, obj=application,
                     details={"client_id": application.client_id, "scopes": wanted,
                              "enterprise": enterprise.credit_code if enterprise else ""})
    return consent


def consent_refuse(*, user: Any, application: Any, scopes: Iterable[str]) -> None:
    audit_record(action="sso.consent.refuse", actor=user, obj=application, result=AuditResult.DENIED,
                 details={"client_id": application.client_id, "scopes": list(scopes)})


def sso_authorisation_revoke(*, user: Any, application: Any) -> int:
    """Withdraw ``application``'s access to ``user``: forget the consent, revoke every token. Returns tokens revoked.

    The system must ask for consent again; refresh tokens it holds are dead at once, access tokens too.
    """
    with transaction.atomic():
        Consent.objects.filter(user=user, application=application, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        live = list(RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True))
        for refresh in live:
            refresh.revoke()
        access = AccessToken.objects.filter(user=user, application=application)
        revoked = len(live) + access.count()
        access.delete()
        Grant.objects.filter(user=user, application=application).delete()
        IDToken.objects.filter(user=user, application=application).delete()
        audit_record(action="sso.consent.revoke", actor=user, obj=application,
                     details={"client_id": application.client_id, "tokens_revoked": revoked})
    return revoked


# --- authorisation codes -----------------------------------------------------------------------------------
def authorisation_record(*, code: str, user: Any, application: Any, scopes: Iterable[str],
                         enterprise: Enterprise | None) -> Authorisation:
    """Remember an issued code (as a hash) and the enterprise the person acted for when they approved it."""
    role = ""
    if enterprise is not None:
        role = ENTERPRISE_ACCOUNT_ROLE if enterprise.account_id == user.pk else "agent"
    with transaction.atomic():
        authorisation = Authorisation.objects.create(code_hash=code_hash(code), application=application, user=user,
                                                     enterprise=enterprise, enterprise_role=role)
        audit_record(action="sso.authorize.grant", actor=user, obj=application,
                     details={"client_id": application.client_id, "scopes": list(scopes),
                              "enterprise": enterprise.credit_code if enterprise else ""})
    return authorisation


def authorize_refusal_record(*, user: Any, client_id: str, error: str, description: str,
                             redirect_uri: str = "") -> None:
    audit_record(action="sso.authorize.refuse", actor=user, result=AuditResult.FAILURE,
                 details={"client_id": client_id[:200], "error": error, "description": description[:300],
                          "redirect_uri": redirect_uri[:500]})


def token_refusal_record(*, user: Any, client_id: str, grant_type: str, error: str, reason: str,
                         details: dict[str, Any]) -> None:
    audit_record(action="sso.token.refuse", actor=user, actor_name="" if user else f"client:{client_id[:100]}",
                 result=AuditResult.FAILURE,
                 details={"client_id": client_id[:200], "grant_type": grant_type[:60], "error": error,
                          "reason": reason, **details})


def token_issue_record(*, token: Any, grant_type: str) -> None:
    audit_record(action="sso.token.refresh" if grant_type == "refresh_token" else "sso.token.issue",
                 actor=token.user, obj=token.application,
                 details={"client_id": token.application.client_id, "scopes": token.scope.split(),
                          "grant_type": grant_type})


def logout_record(*, user: Any, application: Any) -> None:
    audit_record(action="sso.logout.rp", actor=user, obj=application,
                 details={"client_id": getattr(application, "client_id", "")})


def logout_refusal_record(*, user: Any, error: str, description: str, client_id: str = "") -> None:
    audit_record(action="sso.logout.refuse", actor=user, result=AuditResult.FAILURE,
                 details={"error": error, "description": description[:300], "client_id": client_id[:200]})


def userinfo_refusal_record(*, status: int, error: str) -> None:
    audit_record(action="sso.userinfo.refuse", result=AuditResult.FAILURE, details={"status": status, "error": error})
