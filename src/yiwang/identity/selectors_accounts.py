"""Reads behind the citizen's account page, enterprise agents, assurance levels and the counter."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from yiwang.audit.public import AuditRecord, audit_record
from yiwang.core.public import ValidationFailed

from .models import AccountKind, AgentRole, AgentStatus, AssuranceEvent, Enterprise, EnterpriseAgent, Role, User
from .selectors import access_counter_verification, deny, has_role, is_platform_admin
from .services import id_number_index
from .validators import normalise_id_number

SESSION_META_KEY = "yiwang_login"  # what session_tracking stores at login: time, address, browser
LOGIN_ACTIONS = ("identity.user.login", "identity.user.logout")
FAILED_LOGIN_ACTIONS = ("identity.user.login_failed", "identity.user.locked_out")


def assurance_meets(*, user: Any, required: int) -> bool:
    """Whether ``user`` reached assurance level ``required`` (an ``AssuranceLevel``); anonymous never does."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return int(user.assurance_level) >= int(required)


def hotline_caller_lookup(*, user: Any, id_number: str) -> User | None:
    """A 12345 hotline agent finds the caller by the identity number they give (to apply on their behalf).

    Unlike the counter, nobody saw the card: this raises no assurance level. Audited like the counter look-up.
    """
    if not has_role(user, Role.HOTLINE_AGENT):
        raise deny(user, "identity.hotline_lookup")
    try:
        number = normalise_id_number(id_number)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field_errors={"id_number": list(exc.messages)}) from exc
    caller = User.objects.filter(id_number_index=id_number_index(number), kind=AccountKind.CITIZEN).first()
    audit_record(action="identity.assurance.counter_lookup", actor=user, obj=caller,
                 details={"found": caller is not None, "channel": "hotline"})
    return caller


def assurance_history_of(*, user: User) -> QuerySet[AssuranceEvent]:
    return AssuranceEvent.objects.filter(user=user).select_related("by").order_by("-at", "-pk")


def counter_visitor_lookup(*, user: Any, id_number: str) -> User | None:
    """A window clerk finds the citizen in front of them by identity number (through the blind index).

    Audited whether or not someone is found: looking a person up is itself an access to personal data.
    """
    access_counter_verification(user=user)
    try:
        number = normalise_id_number(id_number)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field_errors={"id_number": list(exc.messages)}) from exc
    visitor = User.objects.filter(id_number_index=id_number_index(number), kind=AccountKind.CITIZEN).first()
    audit_record(action="identity.assurance.counter_lookup", actor=user, obj=visitor,
                 details={"found": visitor is not None})
    return visitor


# --- enterprise agents ------------------------------------------------------------------------------------

def may_decide_agents(*, user: Any, enterprise: Enterprise) -> bool:
    """Who confirms or refuses an enterprise's agents: the enterprise account itself, its confirmed legal
    representative, or a platform administrator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    if user.kind == AccountKind.ENTERPRISE:
        return enterprise.account_id == user.pk
    return EnterpriseAgent.objects.filter(enterprise=enterprise, user=user, role=AgentRole.LEGAL_REPRESENTATIVE,
                                          status=AgentStatus.CONFIRMED).exists()


def agencies_of(*, user: Any) -> QuerySet[EnterpriseAgent]:
    """The user's own agent relations in every status (the account page shows pending and refused ones too)."""
    if not getattr(user, "is_authenticated", False):
        return EnterpriseAgent.objects.none()
    return EnterpriseAgent.objects.filter(user=user).select_related("enterprise").order_by("enterprise__name")


def agents_decidable_by(*, user: Any) -> QuerySet[EnterpriseAgent]:
    """Agents (pending first) of every enterprise whose agents ``user`` may confirm or refuse."""
    if not getattr(user, "is_authenticated", False):
        return EnterpriseAgent.objects.none()
    qs = EnterpriseAgent.objects.select_related("enterprise", "user").exclude(status=AgentStatus.REVOKED)
    if is_platform_admin(user):
        qs = qs.filter(status=AgentStatus.PENDING)
    elif user.kind == AccountKind.ENTERPRISE:
        qs = qs.filter(enterprise__account=user)
    else:
        qs = qs.filter(enterprise__agents__user=user, enterprise__agents__role=AgentRole.LEGAL_REPRESENTATIVE,
                       enterprise__agents__status=AgentStatus.CONFIRMED).exclude(user=user)
    return qs.order_by("-status", "enterprise__name", "authorised_at").distinct()  # "pending" > "confirmed"


def access_enterprise_agent(*, user: Any, pk: int) -> EnterpriseAgent:
    """One agent relation, for someone who may decide about it; anyone else is refused and audited."""
    agent = EnterpriseAgent.objects.select_related("enterprise", "user").filter(pk=pk).first()
    if agent is None or not may_decide_agents(user=user, enterprise=agent.enterprise):
        raise deny(user, "identity.enterprise_agent", agent)
    return agent


# --- sessions and login history ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionInfo:
    ref: str  # a hash of the session key: the key itself is a bearer secret and never reaches a page
    logged_in_at: datetime | None
    last_seen_at: datetime
    client_ip: str
    user_agent: str
    current: bool


def session_ref(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:24]


def _user_sessions(user: User) -> list[tuple[Session, dict[str, Any]]]:
    # The database session store has no index by user, so unexpired rows are decoded one by one; fine at
    # the scale of one district's logged-in users (ADR 0013 says when to move to a session table).
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == str(user.pk):
            found.append((session, data))
    return found


def sessions_of(*, user: User, current_session_key: str | None) -> list[SessionInfo]:
    """The user's live sessions, newest activity first. Every request renews the expiry
    (SESSION_SAVE_EVERY_REQUEST), so the last activity is the expiry minus the session age."""
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = []
    for session, data in _user_sessions(user):
        meta = data.get(SESSION_META_KEY) or {}
        at = meta.get("at")
        rows.append(SessionInfo(
            ref=session_ref(session.session_key),
            logged_in_at=datetime.fromisoformat(at) if at else None,
            last_seen_at=session.expire_date - age,
            client_ip=meta.get("ip") or "",
            user_agent=meta.get("ua") or "",
            current=session.session_key == current_session_key,
        ))
    return sorted(rows, key=lambda r: r.last_seen_at, reverse=True)


def login_history_of(*, user: User, limit: int = 20) -> QuerySet[AuditRecord]:
    """The user's own logins, logouts, failed logins and lockouts, newest first (from the audit chain)."""
    return AuditRecord.objects.filter(
        Q(actor=user, action__in=LOGIN_ACTIONS)
        | Q(actor__isnull=True, actor_name__iexact=user.username, action__in=FAILED_LOGIN_ACTIONS)
    ).order_by("-seq")[:limit]
