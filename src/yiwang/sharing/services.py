"""Writes of the sharing catalogue: resources, requests, answers, disputes, grants (docs/sharing.md).

Permission checks run first and outside the transaction (a refusal is audited and stays audited); the
writes then run inside ``transaction.atomic`` with their audit record, so bad input leaves nothing behind.
Bad input is logged too: ``_refusals_logged`` records a failed attempt (the action, the fields at fault and
their messages) after the transaction has rolled back.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import FieldErrors, NotFound, ValidationFailed, clock_start, clock_stop
from yiwang.exchange.public import Member, Service
from yiwang.exchange.public import grant_create as exchange_grant_create
from yiwang.exchange.public import grant_revoke as exchange_grant_revoke
from yiwang.identity.public import Organisation, Role, StaffRole, deny, has_role
from yiwang.notifications.public import notification_send
from yiwang.registries.public import REGISTRY_FIELDS, field_grant_set

from . import selectors
from .models import (
    Classification,
    FieldType,
    OpenAttribute,
    RequestStatus,
    Resource,
    ResourceField,
    ResourceStatus,
    SharingRequest,
    SharingType,
    UpdateCycle,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _refusals_logged(action: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Log a refused write (malformed resource, a request that cannot be made, an answer out of turn): an audit
    record of ``action`` with result *failure*, written after the service's transaction has rolled back, so
    the refusal stays on record and nothing else does (issue 5: each bad input is logged)."""
    def decorate(service: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(service)
        def logged(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return service(*args, **kwargs)
            except ValidationFailed as exc:
                obj = kwargs.get("request") or kwargs.get("resource")
                audit_record(action=action, actor=kwargs.get("user"), result=AuditResult.FAILURE,
                             obj=obj if isinstance(obj, models.Model) else None,
                             details={"refused": {field: [str(m) for m in messages]
                                                  for field, messages in exc.field_errors.items()}})
                raise
        return logged
    return decorate


CODE_RE = re.compile(r"^([123])(\d{2}){1,4}/\d{6}$")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_FIELD_LENGTH = 100_000


def answer_days() -> int:
    return int(getattr(settings, "YIWANG_SHARING_ANSWER_DAYS", 10))


# --- resources -------------------------------------------------------------------------------------------


def _clean_resource(errors: FieldErrors, data: dict[str, Any], provider: Organisation,
                    resource: Resource | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    code = str(data.get("code") or "").strip()
    classification = str(data.get("classification") or "")
    if classification not in Classification.values:
        errors.add("classification", _("Choose a classification."))
    match = CODE_RE.match(code)
    if not match:
        errors.add("code", _("A resource code is the classification digit, two to eight category digits, “/” "
                             "and a six-digit sequence, e.g. 10101/000001."))
    elif classification in Classification.values and match.group(1) != classification:
        errors.add("code", _("The code's first digit must be the classification (%(digit)s).")
                   % {"digit": classification})
    elif Resource.objects.filter(code=code).exclude(pk=resource.pk if resource else 0).exists():
        errors.add("code", _("Another resource has this code."))
    clean["code"], clean["classification"] = code, classification
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 200:
        errors.add("name", _("Name the resource in at most 200 characters."))
    clean["name"] = name
    clean["description"] = str(data.get("description") or "").strip()
    sharing_type = str(data.get("sharing_type") or "")
    if sharing_type not in SharingType.values:
        errors.add("sharing_type", _("Choose a sharing type."))
    legal_basis = str(data.get("legal_basis") or "").strip()
    if sharing_type in (SharingType.CONDITIONAL, SharingType.NONE) and not legal_basis:
        errors.add("legal_basis", _("A conditional or unshared resource needs its legal basis."))
    conditions = str(data.get("conditions") or "").strip()
    if sharing_type == SharingType.CONDITIONAL and not conditions:
        errors.add("conditions", _("Say on which conditions the resource is shared."))
    clean.update(sharing_type=sharing_type, legal_basis=legal_basis, conditions=conditions)
    for key, choices, message in (("open_attribute", OpenAttribute, _("Choose an open attribute.")),
                                  ("update_cycle", UpdateCycle, _("Choose an update cycle."))):
        value = str(data.get(key) or "")
        if value not in choices.values:
            errors.add(key, message)
        clean[key] = value
    registry = str(data.get("registry") or "")
    if registry and registry not in REGISTRY_FIELDS:
        errors.add("registry", _("Unknown base registry."))
    clean["registry"] = registry
    service = data.get("service")
    service_obj = None
    if service:
        service_obj = service if isinstance(service, Service) else (
            Service.objects.select_related("provider").filter(code=str(service)).first())
        if service_obj is None:
            errors.add("service", _("No such exchange service."))
        elif service_obj.provider.organisation_id != provider.pk:
            errors.add("service", _("The service must be provided by the resource's department."))
    clean["service"] = service_obj
    clean["fields"] = _clean_fields(errors, data.get("fields"), registry if registry in REGISTRY_FIELDS else "")
    return clean


def _clean_fields(errors: FieldErrors, fields: Any, registry: str) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields:
        errors.add("fields", _("List the resource's fields (name, label, type, length)."))
        return []
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(fields):
        key = f"fields.{i}"
        if not isinstance(item, dict):
            errors.add(key, _("A field is given by name, label, type and length."))
            continue
        name = str(item.get("name") or "").strip()
        label = str(item.get("label") or "").strip()
        data_type = str(item.get("type") or item.get("data_type") or "")
        length = item.get("length")
        if not FIELD_NAME_RE.match(name):
            errors.add(key, _("A field name is lower-case letters, digits and “_”, starting with a letter."))
        elif name in seen:
            errors.add(key, _("The field %(name)s is listed twice.") % {"name": name})
        elif registry and name not in REGISTRY_FIELDS[registry].fields:
            errors.add(key, _("The registry has no field %(name)s.") % {"name": name})
        seen.add(name)
        if not label or len(label) > 100:
            errors.add(key, _("Give each field a label of at most 100 characters."))
        if data_type not in FieldType.values:
            errors.add(key, _("Choose each field's type."))
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_FIELD_LENGTH:
            errors.add(key, _("Each field's length is a whole number from 1 to %(max)d.") % {"max": MAX_FIELD_LENGTH})
        clean.append({"name": name, "label": label, "data_type": data_type, "length": length})
    return clean


def _resource_details(resource: Resource) -> dict[str, Any]:
    return {"code": resource.code, "provider": resource.provider.code, "sharing_type": resource.sharing_type,
            "service": resource.service.code if resource.service else None, "registry": resource.registry,
            "fields": resource.field_names()}


def _write_fields(resource: Resource, fields: list[dict[str, Any]]) -> None:
    resource.fields.all().delete()
    ResourceField.objects.bulk_create([ResourceField(resource=resource, position=i, **f)
                                       for i, f in enumerate(fields)])


@_refusals_logged("sharing.resource.create")
def resource_create(*, user: Any, provider: Organisation, data: dict[str, Any]) -> Resource:
    """A draft resource of ``provider`` (its data steward, or a platform admin)."""
    selectors.access_resource_edit(user=user, provider=provider)
    errors = FieldErrors()
    clean = _clean_resource(errors, data, provider, None)
    errors.raise_if_any(_("The resource cannot be saved."))
    fields = clean.pop("fields")
    with transaction.atomic():
        resource = Resource.objects.create(provider=provider, **clean)
        _write_fields(resource, fields)
        audit_record(action="sharing.resource.create", actor=user, obj=resource, details=_resource_details(resource))
    return resource


@_refusals_logged("sharing.resource.update")
def resource_update(*, user: Any, resource: Resource, data: dict[str, Any]) -> Resource:
    """Change a draft (a published resource is withdrawn first, so no grant outlives its description)."""
    selectors.access_resource_edit(user=user, provider=resource.provider, resource=resource)
    errors = FieldErrors()
    if resource.status != ResourceStatus.DRAFT:
        errors.add("status", _("Only a draft can be changed."))
    clean = _clean_resource(errors, data, resource.provider, resource)
    errors.raise_if_any(_("The resource cannot be saved."))
    fields = clean.pop("fields")
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.status != ResourceStatus.DRAFT:
            raise ValidationFailed(_("Only a draft can be changed."), field_errors={"status": [
                _("Only a draft can be changed.")]})
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.save()
        _write_fields(locked, fields)
        audit_record(action="sharing.resource.update", actor=user, obj=locked, details=_resource_details(locked))
    return locked


def _set_status(*, user: Any, resource: Resource, allowed: tuple[str, ...], status: str, action: str,
                message: str) -> Resource:
    selectors.access_resource_edit(user=user, provider=resource.provider, resource=resource)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.status not in allowed:
            raise ValidationFailed(message, field_errors={"status": [message]})
        locked.status = status
        if status == ResourceStatus.PUBLISHED:
            locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(action=action, actor=user, obj=locked, details=_resource_details(locked))
    return locked


@_refusals_logged("sharing.resource.publish")
def resource_publish(*, user: Any, resource: Resource) -> Resource:
    return _set_status(user=user, resource=resource, allowed=(ResourceStatus.DRAFT, ResourceStatus.WITHDRAWN),
                       status=ResourceStatus.PUBLISHED, action="sharing.resource.publish",
                       message=_("This resource is published already."))


@_refusals_logged("sharing.resource.withdraw")
def resource_withdraw(*, user: Any, resource: Resource) -> Resource:
    """Take a resource out of the catalogue: no new requests. Grants given stay until revoked."""
    return _set_status(user=user, resource=resource, allowed=(ResourceStatus.PUBLISHED,),
                       status=ResourceStatus.WITHDRAWN, action="sharing.resource.withdraw",
                       message=_("Only a published resource can be withdrawn."))


@_refusals_logged("sharing.resource.update")
def resource_reopen(*, user: Any, resource: Resource) -> Resource:
    """Turn a withdrawn resource back into a draft to change it."""
    return _set_status(user=user, resource=resource, allowed=(ResourceStatus.WITHDRAWN,),
                       status=ResourceStatus.DRAFT, action="sharing.resource.update",
                       message=_("Only a withdrawn resource can be reopened as a draft."))


# --- granting --------------------------------------------------------------------------------------------


def consumer_members(organisation: Organisation) -> list[Member]:
    """The department's active systems on the exchange, oldest first."""
    return list(Member.objects.filter(organisation=organisation, status="active").order_by("pk"))


def consumer_member(organisation: Organisation, identifier: str = "") -> Member | None:
    """The member a grant goes to: the one named (if it is an active member of the department), else the
    department's first."""
    members = consumer_members(organisation)
    if identifier:
        return next((m for m in members if m.identifier == identifier), None)
    return members[0] if members else None


def _check_grantable(errors: FieldErrors, resource: Resource, consumer: Organisation,
                     identifier: str = "") -> Member | None:
    member = consumer_member(consumer, identifier)
    if identifier and member is None:
        errors.add("consumer_member", _("%(member)s is not an active exchange member of %(department)s.") % {
            "member": identifier[:200], "department": consumer.name})
    elif resource.service_id is not None and member is None:
        errors.add("consumer", _("The requesting department has no active member on the exchange."))
    return member


def _grant(req: SharingRequest, by: Any, member: Member | None) -> None:
    """Turn a request into the grants the gateway and the registries enforce (inside the caller's atomic)."""
    resource = req.resource
    name = by.get_username() if getattr(by, "is_authenticated", False) else "sharing catalogue"
    if resource.service is not None and member is not None:
        grant = exchange_grant_create(service=resource.service, consumer=member, fields=list(req.fields),
                                      granted_by=by, granted_by_name=name,
                                      purpose=f"sharing #{req.pk}: {req.purpose}"[:500])
        req.exchange_grant_id = grant.pk
        req.consumer_member = member.identifier
    if resource.registry:
        field_grant_set(organisation=req.consumer, registry=resource.registry, fields=list(req.fields), by=by,
                        origin=req.registry_origin)
    req.status = RequestStatus.GRANTED


# Set while the catalogue itself revokes an exchange grant, so that its own revocation is not taken for one made
# on the exchange (exchange_grant_revoked below).
_catalogue_revoking: contextvars.ContextVar[bool] = contextvars.ContextVar("sharing_revoking", default=False)


def _ungrant(req: SharingRequest, by: Any) -> None:
    if req.exchange_grant_id is not None:
        token = _catalogue_revoking.set(True)
        try:
            # Revoked on the exchange already (by its operators): nothing left to end there.
            with contextlib.suppress(ValidationFailed, NotFound):
                exchange_grant_revoke(grant=req.exchange_grant_id, revoked_by=by)
        finally:
            _catalogue_revoking.reset(token)
    _end_field_grants(req, by)


def _end_field_grants(req: SharingRequest, by: Any) -> None:
    if req.resource.registry:
        field_grant_set(organisation=req.consumer, registry=req.resource.registry, fields=[], by=by,
                        origin=req.registry_origin)


def _revoked(locked: SharingRequest, *, by: Any, reasons: str, actor_name: str = "", **details: Any) -> None:
    """The request's grant has ended: record it on the request, audit it, tell the requester."""
    locked.status, locked.revoked_at, locked.revoke_reasons = RequestStatus.REVOKED, timezone.now(), reasons
    locked.save()
    audit_record(action="sharing.grant.revoke", actor=by, actor_name=actor_name, obj=locked,
                 details=_request_details(locked, reasons=reasons, **details))
    _notify([u for u in [locked.requested_by] if u],
            _("Sharing grant revoked: %(resource)s") % {"resource": locked.resource.name}, reasons, locked,
            "sharing:request")


def exchange_grant_revoked(sender: Any, grant: Any, revoked_by: Any = None, **kwargs: Any) -> None:
    """A grant revoked on the exchange by its operators, not through the catalogue (exchange's ``grant_revoked``,
    inside its transaction): the request that gave it is revoked too — so the catalogue never shows as granted
    what the gateway refuses — its registry field grants end, it is audited and the requester is told."""
    if _catalogue_revoking.get():
        return
    ids = list(SharingRequest.objects.filter(exchange_grant_id=grant.pk, status=RequestStatus.GRANTED)
               .values_list("pk", flat=True))
    for pk in ids:
        locked = _locked_request(pk)
        if locked.status != RequestStatus.GRANTED:
            continue
        name = grant.revoked_by_name or _("the exchange's operators")
        _end_field_grants(locked, revoked_by)
        _revoked(locked, by=revoked_by, reasons=_("Revoked on the exchange by %(name)s.") % {"name": name},
                 actor_name="" if revoked_by else str(name), on_exchange=True)


def _notify(recipients: Any, subject: str, body: str, req: SharingRequest, url_name: str) -> None:
    url = reverse(url_name, args=[req.pk]) if url_name == "sharing:request" else reverse(url_name)
    for user in recipients:
        notification_send(recipient=user, subject=subject, body=body, url=url, kind="sharing")


def _users_with(role: str, organisation_id: int) -> list[Any]:
    return [sr.user for sr in StaffRole.objects.filter(role=role, organisation_id=organisation_id,
                                                       user__is_active=True).select_related("user")]


def _request_details(req: SharingRequest, **extra: Any) -> dict[str, Any]:
    return {"resource": req.resource.code, "provider": req.resource.provider.code, "consumer": req.consumer.code,
            "fields": list(req.fields), "status": req.status, "exchange_grant": req.exchange_grant_id, **extra}


# --- requests --------------------------------------------------------------------------------------------


@_refusals_logged("sharing.request.submit")
def request_submit(*, user: Any, resource: Resource, fields: list[str], purpose: str, legal_basis: str = "",
                   consumer: Organisation | None = None, consumer_member: str = "") -> SharingRequest:
    """Ask for ``fields`` of ``resource`` for ``consumer`` (a department where the user is steward or head),
    to be called by its exchange member ``consumer_member`` (an identifier; the department's first by default).

    Unconditional resources are granted at once; conditional ones go to the provider with a clock of
    ``YIWANG_SHARING_ANSWER_DAYS`` working days.
    """
    resource = Resource.objects.select_related("provider", "service").get(pk=resource.pk)  # its current state
    own = selectors.requester_orgs(user)
    if consumer is None:
        if len(own) != 1:
            raise deny(user, "sharing.request.submit", resource)
        consumer = Organisation.objects.get(pk=next(iter(own)))
    if consumer.pk not in own:
        raise deny(user, "sharing.request.submit", resource)
    errors = FieldErrors()
    if resource.status != ResourceStatus.PUBLISHED:
        errors.add("resource", _("This resource is not in the catalogue."))
    if resource.sharing_type == SharingType.NONE:
        errors.add("resource", _("This resource is not shared (%(basis)s).") % {"basis": resource.legal_basis})
    if consumer.pk == resource.provider_id:
        errors.add("consumer", _("A department does not request its own resource."))
    names = resource.field_names()
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        errors.add("fields", _("Choose at least one field."))
        fields = []
    elif len(set(fields)) != len(fields):
        errors.add("fields", _("A field is listed twice."))
    else:
        outside = [f for f in fields if f not in names]
        if outside:
            errors.add("fields", _("The resource has no field %(names)s.") % {"names": ", ".join(outside)})
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 2000:
        errors.add("purpose", _("Say for what purpose, in at most 2000 characters."))
    legal_basis = (legal_basis or "").strip()
    if resource.sharing_type == SharingType.CONDITIONAL and not legal_basis:
        errors.add("legal_basis", _("A conditional resource is requested on a legal basis."))
    if SharingRequest.objects.filter(resource=resource, consumer=consumer, status__in=(
            RequestStatus.SUBMITTED, RequestStatus.DISPUTED)).exists():
        errors.add("resource", _("Your department has a request for this resource waiting already."))
    consumer_member = (consumer_member or "").strip()
    member = _check_grantable(errors, resource, consumer, consumer_member) \
        if resource.sharing_type == SharingType.UNCONDITIONAL or consumer_member else None
    errors.raise_if_any(_("The request cannot be submitted."))
    ordered = [n for n in names if n in fields]
    with transaction.atomic():
        req = SharingRequest.objects.create(resource=resource, consumer=consumer, requested_by=user,
                                            fields=ordered, purpose=purpose, legal_basis=legal_basis,
                                            consumer_member=consumer_member)
        if resource.sharing_type == SharingType.UNCONDITIONAL:
            _grant(req, user, member)
            req.answered_at = timezone.now()
            req.answer_reasons = _("Unconditional resource: granted on request.")
        else:
            req.clock = clock_start(purpose="sharing.request", started_on=timezone.localdate(),
                                    limit_days=answer_days())
        req.save()
        audit_record(action="sharing.request.submit", actor=user, obj=req, details=_request_details(req))
        if req.status == RequestStatus.SUBMITTED:
            _notify(_users_with(Role.DATA_STEWARD, resource.provider_id),
                    _("Sharing request: %(resource)s") % {"resource": resource.name},
                    _("%(consumer)s requests %(fields)s of %(resource)s. Please answer by %(due)s.") % {
                        "consumer": consumer.name, "fields": ", ".join(ordered), "resource": resource.name,
                        "due": req.clock.due_on.isoformat() if req.clock else ""},
                    req, "sharing:request")
    return req


def _locked_request(req: SharingRequest | int) -> SharingRequest:
    pk = req.pk if isinstance(req, SharingRequest) else req
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins (service, clock).
    locked = (SharingRequest.objects.select_for_update(of=("self",))
              .select_related("resource__provider", "resource__service", "consumer", "clock").filter(pk=pk).first())
    if locked is None:
        raise NotFound(_("No such request."))
    return locked


def _require_reasons(errors: FieldErrors, reasons: str, needed: bool, key: str = "reasons") -> str:
    reasons = (reasons or "").strip()
    if needed and not reasons:
        errors.add(key, _("Give the reasons."))
    if len(reasons) > 4000:
        errors.add(key, _("Keep the reasons under 4000 characters."))
    return reasons


def _stop_clock(req: SharingRequest) -> None:
    if req.clock is not None and req.clock.state != "stopped":
        clock_stop(clock=req.clock, on=max(timezone.localdate(), req.clock.started_on))


@_refusals_logged("sharing.request.answer")
def request_answer(*, user: Any, request: SharingRequest | int, grant: bool, reasons: str = "") -> SharingRequest:
    """The provider's data steward grants or refuses (with reasons) a waiting request."""
    req = request if isinstance(request, SharingRequest) else SharingRequest.objects.filter(pk=request).first()
    if req is None:
        raise NotFound(_("No such request."))
    if not has_role(user, Role.DATA_STEWARD, organisation=req.resource.provider):
        raise deny(user, "sharing.request.answer", req)
    with transaction.atomic():
        locked = _locked_request(req)
        errors = FieldErrors()
        if locked.status != RequestStatus.SUBMITTED:
            errors.add("status", _("This request is not waiting for an answer (it is %(status)s).")
                       % {"status": locked.get_status_display()})
        reasons = _require_reasons(errors, reasons, needed=not grant)
        member = _check_grantable(errors, locked.resource, locked.consumer, locked.consumer_member) if grant else None
        errors.raise_if_any(_("The request cannot be answered."))
        if grant:
            _grant(locked, user, member)
        else:
            locked.status = RequestStatus.REFUSED
        locked.answer_reasons, locked.answered_by, locked.answered_at = reasons, user, timezone.now()
        _stop_clock(locked)
        locked.save()
        audit_record(action="sharing.request.answer", actor=user, obj=locked,
                     details=_request_details(locked, reasons=reasons))
        _notify([locked.requested_by] if locked.requested_by else [],
                _("Sharing request answered: %(resource)s") % {"resource": locked.resource.name},
                (_("Granted.") if grant else _("Refused: %(reasons)s") % {"reasons": reasons}),
                locked, "sharing:request")
    return locked


@_refusals_logged("sharing.request.withdraw")
def request_withdraw(*, user: Any, request: SharingRequest) -> SharingRequest:
    if request.consumer_id not in selectors.requester_orgs(user):
        raise deny(user, "sharing.request.withdraw", request)
    with transaction.atomic():
        locked = _locked_request(request)
        if locked.status != RequestStatus.SUBMITTED:
            message = _("Only a request waiting for an answer can be withdrawn.")
            raise ValidationFailed(message, field_errors={"status": [message]})
        locked.status = RequestStatus.WITHDRAWN
        _stop_clock(locked)
        locked.save()
        audit_record(action="sharing.request.withdraw", actor=user, obj=locked, details=_request_details(locked))
    return locked


@_refusals_logged("sharing.request.dispute")
def request_dispute(*, user: Any, request: SharingRequest, reasons: str) -> SharingRequest:
    """The consumer escalates a refusal to the sharing authority (once)."""
    if request.consumer_id not in selectors.requester_orgs(user):
        raise deny(user, "sharing.request.dispute", request)
    with transaction.atomic():
        locked = _locked_request(request)
        errors = FieldErrors()
        if locked.status != RequestStatus.REFUSED:
            errors.add("status", _("Only a refused request can be disputed."))
        elif locked.disputed_at is not None:
            errors.add("status", _("The authority has decided this dispute already."))
        reasons = _require_reasons(errors, reasons, needed=True)
        errors.raise_if_any(_("The dispute cannot be raised."))
        locked.status, locked.dispute_reasons, locked.disputed_at = RequestStatus.DISPUTED, reasons, timezone.now()
        locked.save()
        audit_record(action="sharing.request.dispute", actor=user, obj=locked,
                     details=_request_details(locked, reasons=reasons))
        recipients = [sr.user for sr in StaffRole.objects.filter(role=Role.PLATFORM_ADMIN, user__is_active=True)
                      .select_related("user")]
        code = getattr(settings, "YIWANG_SHARING_AUTHORITY", "")
        if code:
            recipients += [sr.user for sr in StaffRole.objects.filter(organisation__code=code, user__is_active=True)
                           .select_related("user")]
        _notify({u.pk: u for u in recipients}.values(),
                _("Sharing dispute: %(resource)s") % {"resource": locked.resource.name},
                _("%(consumer)s disputes a refusal by %(provider)s.") % {
                    "consumer": locked.consumer.name, "provider": locked.resource.provider.name},
                locked, "sharing:request")
    return locked


@_refusals_logged("sharing.dispute.decide")
def dispute_decide(*, user: Any, request: SharingRequest, grant: bool, reasons: str) -> SharingRequest:
    """The sharing authority decides: grant (the provider must share) or uphold the refusal."""
    if not selectors.is_authority(user):
        raise deny(user, "sharing.dispute.decide", request)
    with transaction.atomic():
        locked = _locked_request(request)
        errors = FieldErrors()
        if locked.status != RequestStatus.DISPUTED:
            errors.add("status", _("This request is not disputed."))
        reasons = _require_reasons(errors, reasons, needed=True)
        member = _check_grantable(errors, locked.resource, locked.consumer, locked.consumer_member) if grant else None
        errors.raise_if_any(_("The dispute cannot be decided."))
        if grant:
            _grant(locked, user, member)
        else:
            locked.status = RequestStatus.REFUSED
        locked.decision_reasons, locked.decided_by, locked.decided_at = reasons, user, timezone.now()
        locked.save()
        audit_record(action="sharing.dispute.decide", actor=user, obj=locked,
                     details=_request_details(locked, reasons=reasons, granted=grant))
        _notify([u for u in [locked.requested_by] if u],
                _("Sharing dispute decided: %(resource)s") % {"resource": locked.resource.name},
                (_("Granted by the sharing authority.") if grant
                 else _("Refusal upheld: %(reasons)s") % {"reasons": reasons}), locked, "sharing:request")
    return locked


@_refusals_logged("sharing.grant.revoke")
def grant_revoke(*, user: Any, request: SharingRequest, reasons: str) -> SharingRequest:
    """End a grant (the provider's steward or the authority): the gateway refuses the next call."""
    if not (has_role(user, Role.DATA_STEWARD, organisation=request.resource.provider)
            or selectors.is_authority(user)):
        raise deny(user, "sharing.grant.revoke", request)
    with transaction.atomic():
        locked = _locked_request(request)
        errors = FieldErrors()
        if locked.status != RequestStatus.GRANTED:
            errors.add("status", _("Only a granted request can be revoked."))
        reasons = _require_reasons(errors, reasons, needed=True)
        errors.raise_if_any(_("The grant cannot be revoked."))
        _ungrant(locked, user)
        _revoked(locked, by=user, reasons=reasons)
    return locked
