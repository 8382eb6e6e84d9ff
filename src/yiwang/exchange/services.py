"""Writes of the exchange: members and their keys, services, access grants. Each one is audited.

The calls themselves (the gateway) are in ``gateway.py`` and are recorded in the message log.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import NotFound, ValidationFailed
from yiwang.identity.public import Organisation

from . import directory, pki
from .models import (
    AccessGrant,
    Certificate,
    CertificateRole,
    Member,
    MemberClass,
    MemberStatus,
    Service,
    ServiceKind,
    UsedNonce,
)
from .registry import local_handler
from .signals import grant_revoked

INSTANCE_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,5})?$")
MEMBER_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,29}$")
SUBSYSTEM_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")
SERVICE_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,63}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]{0,19}$")
FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class MemberIdentifier:
    instance: str
    member_class: str
    member_code: str
    subsystem: str

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member_code}/{self.subsystem}"


def parse_member_identifier(identifier: str) -> MemberIdentifier:
    """``CN-SH/GOV/PD-SWJ/tax-core`` → its four parts; raises ``ValidationFailed`` naming what is wrong."""
    parts = identifier.split("/")
    problems: list[str] = []
    if len(parts) != 4:
        raise ValidationFailed(_("The member identifier is not valid."), field_errors={"identifier": [
            _("Write it as INSTANCE/CLASS/MEMBER_CODE/SUBSYSTEM, e.g. CN-SH/GOV/PD-SWJ/tax-core.")]})
    instance, member_class, code, subsystem = parts
    if not INSTANCE_RE.match(instance):
        problems.append(_("The instance must look like CN-SH."))
    elif instance != settings.YIWANG_EXCHANGE_INSTANCE:
        problems.append(_("This exchange is instance %(instance)s.") % {"instance": settings.YIWANG_EXCHANGE_INSTANCE})
    if member_class not in MemberClass.values:
        problems.append(_("The member class must be one of %(classes)s.") % {"classes": ", ".join(MemberClass.values)})
    if not MEMBER_CODE_RE.match(code):
        problems.append(_("The member code has 1–30 capital letters, digits or hyphens."))
    if not SUBSYSTEM_RE.match(subsystem):
        problems.append(_("The subsystem code has 1–20 small letters, digits or hyphens."))
    if problems:
        raise ValidationFailed(_("The member identifier is not valid."), field_errors={"identifier": problems})
    return MemberIdentifier(instance, member_class, code, subsystem)


@dataclass(frozen=True)
class MemberKeys:
    """A member with its certificate; ``private_key_pem`` only when the platform generated the key, to hand
    to the member's system once (the platform keeps its own encrypted copy for in-process consumers)."""

    member: Member
    certificate: Certificate
    private_key_pem: bytes | None


def _public_key(pem: str | None) -> Any:
    if pem is None:
        return None
    try:
        return pki.load_public_key(pem)
    except ValueError as exc:
        raise ValidationFailed(_("The public key is not valid."), field_errors={"public_key": [
            _("Send an Ed25519 public key in PEM (SubjectPublicKeyInfo).")]}) from exc


def member_create(*, identifier: str, name: str, organisation: Organisation | None = None,
                  public_key_pem: str | None = None, actor: Any = None) -> MemberKeys:
    """Admit a member and issue its first certificate from the platform CA.

    A GOV member is a government unit and must name its organisation (its staff read its message log). Without
    ``public_key_pem`` a key pair is generated and kept in the key store; with it, the member keeps its own key.
    """
    errors: dict[str, list[str]] = {}
    try:
        parts = parse_member_identifier(identifier)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        parts = None
    if not name.strip():
        errors["name"] = [_("Give the member's name.")]
    if parts is not None and parts.member_class == MemberClass.GOV and organisation is None:
        errors["organisation"] = [_("A government member must name its organisation.")]
    if Member.objects.filter(identifier=identifier).exists():
        errors["identifier"] = [_("This member exists already.")]
    try:
        public_key = _public_key(public_key_pem)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors or parts is None:
        raise ValidationFailed(_("The member cannot be created."), field_errors=errors)
    with transaction.atomic():
        member = Member.objects.create(identifier=identifier, instance=parts.instance,
                                       member_class=parts.member_class, member_code=parts.member_code,
                                       subsystem=parts.subsystem, name=name.strip()[:200],
                                       organisation=organisation)
        issued = pki.issue(role=CertificateRole.MEMBER, common_name=identifier, organisation=member.name,
                           member=member, public_key=public_key)
        member.current_certificate = issued.certificate
        member.save(update_fields=["current_certificate"])
        directory.changed()
        audit_record(action="exchange.member.create", actor=actor, obj=member,
                     details={"identifier": identifier, "certificate": issued.certificate.serial,
                              "own_key": public_key is not None})
    return MemberKeys(member, issued.certificate, issued.private_key_pem)


def _member(identifier: str) -> Member:
    member = Member.objects.select_for_update().filter(identifier=identifier).first()
    if member is None:
        raise NotFound(_("No exchange member %(id)s.") % {"id": identifier})
    return member


def member_rotate(*, identifier: str, public_key_pem: str | None = None, actor: Any = None) -> MemberKeys:
    """A new key pair and certificate; the old certificate is kept (superseded) so that request signatures in
    the message log made with it still verify. From now on requests must be signed with the new key."""
    public_key = _public_key(public_key_pem)
    with transaction.atomic():
        member = _member(identifier)
        if not member.is_active:
            raise ValidationFailed(_("A revoked member cannot get a new key."), field_errors={
                "identifier": [_("This member is revoked.")]})
        old = member.current_certificate
        issued = pki.issue(role=CertificateRole.MEMBER, common_name=identifier, organisation=member.name,
                           member=member, public_key=public_key)
        if old is not None:
            Certificate.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
        member.current_certificate = issued.certificate
        member.save(update_fields=["current_certificate"])
        directory.changed()
        audit_record(action="exchange.member.rotate", actor=actor, obj=member,
                     details={"old_certificate": old.serial if old else None,
                              "certificate": issued.certificate.serial})
    return MemberKeys(member, issued.certificate, issued.private_key_pem)


def member_revoke(*, identifier: str, reason: str, actor: Any = None) -> Member:
    """The member is refused by the gateway from now on, as consumer and as provider; its certificates are
    marked revoked but kept (its past log entries still verify)."""
    if not reason.strip():
        raise ValidationFailed(_("Say why the member is revoked."), field_errors={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        member = _member(identifier)
        if not member.is_active:
            raise ValidationFailed(_("This member is revoked already."), field_errors={
                "identifier": [_("This member is revoked already.")]})
        now = timezone.now()
        member.status, member.revoked_at, member.revoked_reason = MemberStatus.REVOKED, now, reason.strip()[:500]
        member.save(update_fields=["status", "revoked_at", "revoked_reason"])
        Certificate.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=now)
        directory.changed()
        audit_record(action="exchange.member.revoke", actor=actor, obj=member, details={"reason": reason[:500]})
    return member


def gateway_key_rotate(*, actor: Any = None) -> Certificate:
    """A new signing key for the message log; entries signed before name the old certificate and still verify."""
    with transaction.atomic():
        old = Certificate.objects.select_for_update().filter(role=CertificateRole.GATEWAY,
                                                             superseded_at__isnull=True).first()
        if old is not None:
            Certificate.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
        issued = pki.issue(role=CertificateRole.GATEWAY, common_name=pki.GATEWAY_NAME,
                           organisation=f"{settings.YIWANG_EXCHANGE_INSTANCE} yiwang", member=None)
        audit_record(action="exchange.gateway.rotate", actor=actor, obj=issued.certificate,
                     details={"old_certificate": old.serial if old else None,
                              "certificate": issued.certificate.serial})
    transaction.on_commit(pki.forget_caches)
    return issued.certificate


# --- services ------------------------------------------------------------------------------------------------

def _openapi_problems(document: Any) -> list[str]:
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError:
            return [_("The OpenAPI document is not JSON.")]
    if not isinstance(document, dict):
        return [_("The OpenAPI document must be a JSON object.")]
    problems = []
    if not isinstance(document.get("openapi"), str) or not document["openapi"].startswith("3."):
        problems.append(_("The document needs an \"openapi\" version 3.x."))
    if not isinstance(document.get("paths"), dict):
        problems.append(_("The document needs \"paths\"."))
    return problems


def service_register(*, provider: Member | str, code: str, version: str, title: str, openapi: Any,
                     kind: str, base_url: str = "", description: str = "", timeout_seconds: float | None = None,
                     actor: Any = None) -> Service:
    """Register (or, for the same provider and code, update) a service of a provider member.

    ``kind`` is ``http`` (``base_url``: https, or http to the loopback during development) or ``local`` (a
    handler registered with ``register_local_service(code, …)``). The OpenAPI document must be JSON with
    ``openapi`` 3.x and ``paths``.
    """
    provider_member = provider if isinstance(provider, Member) else Member.objects.filter(identifier=provider).first()
    errors: dict[str, list[str]] = {}
    if provider_member is None:
        errors["provider"] = [_("No such exchange member.")]
    elif not provider_member.is_active:
        errors["provider"] = [_("This member is revoked.")]
    if not SERVICE_CODE_RE.match(code):
        errors["code"] = [_("The service code has 2–64 small letters, digits, dots or hyphens.")]
    if not VERSION_RE.match(version):
        errors["version"] = [_("Give a version such as 1 or 2.1.")]
    if not title.strip():
        errors["title"] = [_("Give the service a title.")]
    if problems := _openapi_problems(openapi):
        errors["openapi"] = problems
    if kind == ServiceKind.HTTP:
        parts = urlsplit(base_url)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme not in {"https", "http"} or not parts.hostname or (parts.scheme == "http" and not (
                loopback or settings.DEBUG)) or parts.query or parts.fragment:
            errors["base_url"] = [_("Give the provider's https base URL (no query or fragment).")]
    elif kind == ServiceKind.LOCAL:
        if local_handler(code) is None:
            errors["kind"] = [_("No in-process handler is registered for this service code.")]
    else:
        errors["kind"] = [_("A service runs at an HTTP base URL or in-process.")]
    if timeout_seconds is not None and not (0 < timeout_seconds <= 120):
        errors["timeout_seconds"] = [_("The timeout is between 0 and 120 seconds.")]
    existing = Service.objects.filter(code=code).first()
    if existing is not None and provider_member is not None and existing.provider_id != provider_member.pk:
        errors["code"] = [_("Another member has registered this service code.")]
    if errors:
        raise ValidationFailed(_("The service cannot be registered."), field_errors=errors)
    assert provider_member is not None  # noqa: S101 (errors above)
    document = json.loads(openapi) if isinstance(openapi, str | bytes) else openapi
    values = {"version": version, "title": title.strip()[:200], "description": description, "openapi": document,
              "kind": kind, "base_url": base_url if kind == ServiceKind.HTTP else "",
              "timeout_seconds": timeout_seconds, "active": True}
    with transaction.atomic():
        if existing is None:
            service = Service.objects.create(provider=provider_member, code=code, **values)
            action = "exchange.service.register"
        else:
            service = existing
            for name, value in values.items():
                setattr(service, name, value)
            service.save()
            action = "exchange.service.change"
        directory.changed()
        audit_record(action=action, actor=actor, obj=service,
                     details={"code": code, "version": version, "kind": kind, "provider": provider_member.identifier})
    return service


def service_withdraw(*, code: str, actor: Any = None) -> Service:
    """Stop serving a service (the gateway answers 404); its grants and log entries stay."""
    with transaction.atomic():
        service = Service.objects.select_for_update().filter(code=code).first()
        if service is None:
            raise NotFound(_("No service %(code)s.") % {"code": code})
        service.active = False
        service.save(update_fields=["active", "updated_at"])
        directory.changed()
        audit_record(action="exchange.service.change", actor=actor, obj=service, details={"active": False})
    return service


# --- grants --------------------------------------------------------------------------------------------------

def grant_create(*, service: Service | str, consumer: Member | str, fields: list[str] | None,
                 granted_by: Any = None, granted_by_name: str = "", valid_from: datetime | None = None,
                 valid_until: datetime | None = None, purpose: str = "") -> AccessGrant:
    """Let ``consumer`` call ``service`` (a code or the model), returning only ``fields`` (None: every field).

    Field names are the names of a JSON record's top-level members (the gateway's filtering rule is in
    docs/exchange.md). Several live grants for the same pair add up.
    """
    service_obj = service if isinstance(service, Service) else Service.objects.filter(code=service).first()
    consumer_obj = consumer if isinstance(consumer, Member) else Member.objects.filter(identifier=consumer).first()
    errors: dict[str, list[str]] = {}
    if service_obj is None:
        errors["service"] = [_("No such service.")]
    if consumer_obj is None:
        errors["consumer"] = [_("No such exchange member.")]
    elif not consumer_obj.is_active:
        errors["consumer"] = [_("This member is revoked.")]
    if fields is not None:
        if not isinstance(fields, list) or not fields:
            errors["fields"] = [_("List at least one field, or grant every field.")]
        else:
            bad = [str(f) for f in fields if not isinstance(f, str) or not FIELD_RE.match(f)]
            if bad:
                errors["fields"] = [_("Not a field name: %(names)s.") % {"names": ", ".join(bad)}]
            elif len(set(fields)) != len(fields):
                errors["fields"] = [_("A field is listed twice.")]
    start = valid_from or timezone.now()
    if valid_until is not None and valid_until <= start:
        errors["valid_until"] = [_("The grant must end after it starts.")]
    if errors or service_obj is None or consumer_obj is None:
        raise ValidationFailed(_("The grant cannot be created."), field_errors=errors)
    name = granted_by_name or (granted_by.get_username() if getattr(granted_by, "is_authenticated", False) else "")
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            service=service_obj, consumer=consumer_obj, fields=sorted(fields) if fields is not None else None,
            purpose=purpose[:500], granted_by=granted_by if getattr(granted_by, "is_authenticated", False) else None,
            granted_by_name=name[:150], valid_from=start, valid_until=valid_until)
        directory.changed()
        audit_record(action="exchange.grant.create", actor=granted_by, obj=grant, details={
            "service": service_obj.code, "consumer": consumer_obj.identifier, "fields": grant.fields,
            "valid_until": valid_until.isoformat() if valid_until else None})
    return grant


def grant_revoke(*, grant: AccessGrant | int, revoked_by: Any = None, revoked_by_name: str = "") -> AccessGrant:
    """End a grant now; the gateway refuses the next call that relies on it."""
    pk = grant.pk if isinstance(grant, AccessGrant) else grant
    with transaction.atomic():
        obj = AccessGrant.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise NotFound(_("No such grant."))
        if obj.revoked_at is not None:
            raise ValidationFailed(_("This grant is revoked already."), field_errors={
                "grant": [_("This grant is revoked already.")]})
        obj.revoked_at = timezone.now()
        name = revoked_by_name or (revoked_by.get_username() if getattr(revoked_by, "is_authenticated", False)
                                   else "")
        obj.revoked_by_name = name[:150]
        obj.save(update_fields=["revoked_at", "revoked_by_name"])
        directory.changed()
        audit_record(action="exchange.grant.revoke", actor=revoked_by, obj=obj,
                     details={"service": obj.service.code, "consumer": obj.consumer.identifier})
        grant_revoked.send(sender=AccessGrant, grant=obj, revoked_by=revoked_by)
    return obj


def nonce_purge(*, actor: Any = None) -> int:
    """Forget nonces older than twice the clock-skew window (a request that old is refused on its timestamp)."""
    cutoff = timezone.now() - timedelta(seconds=2 * settings.YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS)
    with transaction.atomic():
        deleted, _counts = UsedNonce.objects.filter(seen_at__lt=cutoff).delete()
        audit_record(action="exchange.nonce.purge", actor=actor, details={"deleted": deleted})
    return deleted
