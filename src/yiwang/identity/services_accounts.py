"""Writes for citizen accounts: SMS-confirmed registration, password reset, enterprise agents, whom a user
acts for, assurance levels and login sessions. Each one is audited (docs/decisions/0013).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from yiwang.audit.public import AuditRecord, AuditResult, audit_record
from yiwang.core.public import ValidationFailed

from .models import (
    AccountKind,
    AgentRole,
    AgentStatus,
    AssuranceEvent,
    AssuranceLevel,
    AssuranceMethod,
    Enterprise,
    EnterpriseAgent,
    PhonePurpose,
    User,
)
from .phone_codes import normalise_phone, sms_code_check, sms_code_consume, sms_code_send
from .selectors import ACTING_ENTERPRISE_SESSION_KEY, deny, enterprises_of
from .selectors_accounts import SESSION_META_KEY, _user_sessions, may_decide_agents, session_ref
from .services import citizen_register, id_number_index
from .validators import normalise_credit_code, normalise_id_number


class _DryRun(Exception):
    """Rolls back a registration that was run only to collect its field errors."""


def _merge(errors: dict[str, list[str]], exc: ValidationFailed) -> None:
    if not exc.field_errors:
        errors.setdefault("__all__", []).append(str(exc.message))
    for field, messages in exc.field_errors.items():
        errors.setdefault(field, []).extend(str(m) for m in messages)


# --- registration -----------------------------------------------------------------------------------------

def citizen_register_with_phone(*, username: str, password: str, real_name: str, id_number: str, phone: str,
                                code: str) -> User:
    """Register a citizen whose mobile number is confirmed by the SMS code sent to it (SPEC §3.1).

    Every problem is reported at once (wrong code *and* a taken user name …). A refused registration
    creates nothing, leaves the code usable for the corrected form, and is audited (field names only).
    Call it outside ``transaction.atomic``: a wrong code must stay counted.
    """
    errors: dict[str, list[str]] = {}
    verification = None
    number = ""
    try:
        number = normalise_phone(phone)
        verification = sms_code_check(phone=number, purpose=PhonePurpose.REGISTER, code=code)
    except ValidationFailed as exc:
        _merge(errors, exc)
    try:
        with transaction.atomic():
            user = citizen_register(username=username, password=password, real_name=real_name,
                                    id_number=id_number, phone=number)
            if errors or verification is None:
                raise _DryRun
            sms_code_consume(verification=verification)
            assurance_raise(user=user, level=AssuranceLevel.SELF_ASSERTED,
                            method=AssuranceMethod.SMS_CONFIRMED_PHONE)
            return user
    except _DryRun:
        pass
    except ValidationFailed as exc:
        _merge(errors, exc)
    audit_record(action="identity.citizen.register_refused", result=AuditResult.FAILURE,
                 details={"fields": sorted(errors)})
    raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)


# --- password reset ---------------------------------------------------------------------------------------

def _account_for(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username__iexact=identifier, is_active=True).first()
    if user is None:
        try:
            number = normalise_id_number(identifier)
        except ValidationError:
            return None
        user = User.objects.filter(id_number_index=id_number_index(number), is_active=True).first()
    return user


def _phone_on_file(user: User | None, phone: str) -> bool:
    if user is None or not user.phone:
        return False
    try:
        on_file = normalise_phone(user.phone)
    except ValidationFailed:
        on_file = user.phone
    return constant_time_compare(on_file, phone)


def password_reset_request(*, identifier: str, phone: str, client_ip: str | None = None) -> None:
    """Send a reset code when ``identifier`` (user name or identity number) and ``phone`` match an account.

    The caller learns nothing about whether they did: the outcome, the message and the throttling are the
    same either way (a per-number throttle or a gateway failure on a matching account is swallowed). An
    address gets ``YIWANG_PASSWORD_RESET_PER_HOUR`` (10) requests an hour.
    """
    phone = normalise_phone(phone)  # a malformed number is the caller's typo, not a secret
    if client_ip:
        limit = int(getattr(settings, "YIWANG_PASSWORD_RESET_PER_HOUR", 10))
        recent = AuditRecord.objects.filter(action="identity.password.reset_request", client_ip=client_ip,
                                            at__gte=timezone.now() - timedelta(hours=1)).count()
        if recent >= limit:
            audit_record(action="identity.password.reset_request", result=AuditResult.DENIED,
                         client_ip=client_ip, details={"reason": "throttled"})
            message = _("Too many password reset requests from this address. Try again in an hour.")
            raise ValidationFailed(message, code="throttled", field_errors={"__all__": [message]})
    user = _account_for(identifier)
    matched = _phone_on_file(user, phone)
    audit_record(action="identity.password.reset_request", obj=user, client_ip=client_ip,
                 details={"account_found": user is not None, "phone_matched": matched})
    if matched:
        # A refusal (throttled, gateway down) is audited by sms_code_send; telling the caller would tell
        # them that the account exists.
        with contextlib.suppress(ValidationFailed):
            sms_code_send(phone=phone, purpose=PhonePurpose.PASSWORD_RESET)


def password_reset_complete(*, identifier: str, phone: str, code: str, new_password: str) -> User:
    """Set a new password after the reset code checks out; ends every session of the account.

    Whatever is wrong with the account, the number or the code, the answer is the same one message.
    """
    generic = _("The code is wrong or has expired. Ask for a new code if you need one.")
    phone = normalise_phone(phone)
    user = _account_for(identifier)
    if user is None or not _phone_on_file(user, phone):
        audit_record(action="identity.password.reset", obj=user, result=AuditResult.FAILURE,
                     details={"reason": "no_match"})
        raise ValidationFailed(generic, code="code_invalid", field_errors={"code": [generic]})
    try:
        verification = sms_code_check(phone=phone, purpose=PhonePurpose.PASSWORD_RESET, code=code)
    except ValidationFailed as exc:  # counted and audited by the check
        raise ValidationFailed(generic, code="code_invalid", field_errors={"code": [generic]}) from exc
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("Please correct the errors below."),
                               field_errors={"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        sms_code_consume(verification=verification)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ended = _end_sessions(user)
        audit_record(action="identity.password.reset", actor=user, obj=user, details={"sessions_ended": ended})
    return user


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    ended = 0
    for session, _data in _user_sessions(user):
        if session.session_key != keep:
            session.delete()
            ended += 1
    return ended


# --- enterprise agents ------------------------------------------------------------------------------------

@transaction.atomic
def enterprise_agent_request(*, user: User, credit_code: str, as_legal_representative: bool = False
                             ) -> EnterpriseAgent:
    """A citizen asks to act for an enterprise registered by someone else; they wait for confirmation."""
    def refuse(field: str, message: str) -> ValidationFailed:
        return ValidationFailed(message, field_errors={field: [message]})

    if user.kind != AccountKind.CITIZEN:
        raise refuse("__all__", _("Only a citizen account can act as an enterprise agent."))
    try:
        code = normalise_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field_errors={"credit_code": list(exc.messages)}) from exc
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise refuse("credit_code", _("No enterprise is registered with this credit code. Register it instead."))
    role = AgentRole.LEGAL_REPRESENTATIVE if as_legal_representative else AgentRole.AGENT
    agent = EnterpriseAgent.objects.select_for_update().filter(enterprise=enterprise, user=user).first()
    if agent is not None and agent.status == AgentStatus.CONFIRMED:
        raise refuse("credit_code", _("You already act for this enterprise."))
    if agent is not None and agent.status == AgentStatus.PENDING:
        raise refuse("credit_code", _("Your request for this enterprise is already waiting for confirmation."))
    if agent is None:
        agent = EnterpriseAgent.objects.create(enterprise=enterprise, user=user, role=role,
                                               status=AgentStatus.PENDING)
    else:  # asked again after a refusal
        agent.role, agent.status, agent.confirmed_by, agent.confirmed_at = role, AgentStatus.PENDING, None, None
        agent.save(update_fields=["role", "status", "confirmed_by", "confirmed_at"])
    audit_record(action="identity.enterprise.agent_request", actor=user, obj=agent,
                 on_behalf_of=f"enterprise:{enterprise.credit_code}", details={"role": str(role)})
    return agent


def _decide(agent: EnterpriseAgent, by: Any, status: str, action: str, reason: str = "") -> EnterpriseAgent:
    # The permission check runs before the transaction, so the audited denial is not rolled back with it.
    if not may_decide_agents(user=by, enterprise=Enterprise.objects.get(pk=agent.enterprise_id)):
        raise deny(by, "identity.enterprise_agent", agent)
    with transaction.atomic():
        return _decide_locked(agent, by, status, action, reason)


def _decide_locked(agent: EnterpriseAgent, by: Any, status: str, action: str, reason: str) -> EnterpriseAgent:
    agent = EnterpriseAgent.objects.select_for_update().select_related("enterprise", "user").get(pk=agent.pk)
    if agent.user_id == getattr(by, "pk", None):
        message = _("You cannot decide about your own authorisation.")
        raise ValidationFailed(message, field_errors={"__all__": [message]})
    allowed_from = {AgentStatus.CONFIRMED: {AgentStatus.PENDING},
                    AgentStatus.REVOKED: {AgentStatus.PENDING, AgentStatus.CONFIRMED}}[AgentStatus(status)]
    if agent.status not in allowed_from:
        message = _("This authorisation was decided already.")
        raise ValidationFailed(message, field_errors={"__all__": [message]})
    before = agent.status
    agent.status, agent.confirmed_by, agent.confirmed_at = status, by, timezone.now()
    agent.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(action=action, actor=by, obj=agent, on_behalf_of=f"enterprise:{agent.enterprise.credit_code}",
                 details={"agent": agent.user.username, "role": agent.role, "from": before,
                          **({"reason": reason[:200]} if reason else {})})
    return agent


def enterprise_agent_confirm(*, agent: EnterpriseAgent, by: Any) -> EnterpriseAgent:
    """Confirm a pending agent: the enterprise account, its confirmed legal representative, or a platform admin."""
    return _decide(agent, by, AgentStatus.CONFIRMED, "identity.enterprise.agent_confirm")


def enterprise_agent_refuse(*, agent: EnterpriseAgent, by: Any, reason: str = "") -> EnterpriseAgent:
    """Refuse a pending agent or revoke a confirmed one (same deciders); they stop acting for it at once."""
    return _decide(agent, by, AgentStatus.REVOKED, "identity.enterprise.agent_refuse", reason)


# --- whom the user acts for -------------------------------------------------------------------------------

def acting_enterprise_choose(*, user: Any, session: Any, enterprise_id: int | None) -> Enterprise | None:
    """Act for ``enterprise_id`` (one of the user's confirmed enterprises) from now on, or for oneself (None)."""
    if enterprise_id is None:
        session.pop(ACTING_ENTERPRISE_SESSION_KEY, None)
        audit_record(action="identity.acting.switch", actor=user, details={"acting_for": "self"})
        return None
    enterprise = enterprises_of(user=user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise deny(user, "identity.acting", Enterprise.objects.filter(pk=enterprise_id).first())
    session[ACTING_ENTERPRISE_SESSION_KEY] = enterprise.pk
    audit_record(action="identity.acting.switch", actor=user, obj=enterprise,
                 on_behalf_of=f"enterprise:{enterprise.credit_code}",
                 details={"acting_for": enterprise.credit_code})
    return enterprise


# --- assurance levels -------------------------------------------------------------------------------------

@transaction.atomic
def assurance_raise(*, user: User, level: int, method: str, by: User | None = None, note: str = ""
                    ) -> AssuranceEvent:
    """Record that ``user`` reached ``level`` by ``method`` and raise ``User.assurance_level`` to it.

    A level is never lowered (a lower level is refused); reaching the same level again is recorded as a
    fresh event, so the history shows every check.
    """
    if level not in AssuranceLevel.values or method not in AssuranceMethod.values:
        raise ValidationFailed(_("Unknown assurance level or method."))
    current = User.objects.select_for_update().values_list("assurance_level", flat=True).get(pk=user.pk)
    if level < current:
        message = _("An assurance level is never lowered.")
        raise ValidationFailed(message, code="assurance_lower", field_errors={"level": [message]})
    event = AssuranceEvent.objects.create(user=user, level=level, method=method, by=by, note=(note or "")[:200],
                                          at=timezone.now())
    if level > current:
        User.objects.filter(pk=user.pk).update(assurance_level=level)
    user.assurance_level = level
    audit_record(action="identity.assurance.raise", actor=by or user, obj=user,
                 details={"from": current, "to": level, "method": method})
    return event


# --- sessions ---------------------------------------------------------------------------------------------

@transaction.atomic
def user_session_end(*, user: User, ref: str, current_session_key: str | None) -> None:
    """End one of the user's other sessions (a lost phone, a shared computer). Logging out ends this one."""
    for session, data in _user_sessions(user):
        if session_ref(session.session_key) == ref:
            if session.session_key == current_session_key:
                break
            session.delete()
            audit_record(action="identity.session.end", actor=user, obj=user,
                         details={"session": ref, "client_ip": (data.get(SESSION_META_KEY) or {}).get("ip") or ""})
            return
    message = _("This session has ended already.")
    raise ValidationFailed(message, field_errors={"__all__": [message]})
