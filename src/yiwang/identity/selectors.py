"""Reads a user triggers, each combined with its permission check (STYLE: ``access_*``).

A denied access raises ``PermissionDenied`` and leaves an audit record (who tried what).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from yiwang.audit.public import AuditResult, audit_record

from .models import AccountKind, AgentStatus, Enterprise, Organisation, Role, StaffRole, User


def deny(user: Any, what: str, obj: Any = None) -> PermissionDenied:
    """Audit a refused access and return the exception for the caller to raise."""
    audit_record(action="audit.access.denied", actor=user, obj=obj, result=AuditResult.DENIED,
                 details={"what": what})
    return PermissionDenied(what)


def roles_of(user: Any) -> set[tuple[str, int]]:
    """(role, organisation id) pairs the user holds; empty for anyone not an active staff member."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kind != AccountKind.STAFF:
        return set()
    cached = getattr(user, "_yiwang_roles", None)
    if cached is None:
        cached = set(StaffRole.objects.filter(user=user).values_list("role", "organisation_id"))
        user._yiwang_roles = cached
    return cached


def has_role(user: Any, *roles: str, organisation: Organisation | None = None) -> bool:
    return any(role in roles and (organisation is None or org_id == organisation.pk)
               for role, org_id in roles_of(user))


def is_platform_admin(user: Any) -> bool:
    return has_role(user, Role.PLATFORM_ADMIN)


def access_workbench(*, user: Any) -> set[tuple[str, int]]:
    """The staff workbench: any staff member who holds at least one role."""
    roles = roles_of(user)
    if not roles:
        raise deny(user, "workbench")
    return roles


def access_organisation_tree(*, user: Any) -> QuerySet[Organisation]:
    """The whole government tree is visible to every staff member (it is public structure)."""
    access_workbench(user=user)
    return Organisation.objects.select_related("parent").order_by("sort_order", "code")


def access_organisation_staff(*, user: Any, pk: int) -> tuple[Organisation, QuerySet[StaffRole]]:
    """Who works in a unit, with their roles: that unit's head, or a platform administrator."""
    access_workbench(user=user)
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise deny(user, "organisation.staff")
    if not (is_platform_admin(user) or has_role(user, Role.DEPARTMENT_HEAD, organisation=org)):
        raise deny(user, "organisation.staff", org)
    grants = StaffRole.objects.filter(organisation=org).select_related("user").order_by("user__username", "role")
    return org, grants


def access_audit_log(*, user: Any) -> None:
    """The audit trail: supervision officers and platform administrators only."""
    if not has_role(user, Role.SUPERVISOR, Role.PLATFORM_ADMIN):
        raise deny(user, "audit.log")


def access_calendar_admin(*, user: Any) -> None:
    """Maintaining the official calendar: platform administrators only."""
    if not is_platform_admin(user):
        raise deny(user, "core.calendar")


def access_counter_verification(*, user: Any) -> None:
    """Raising a visitor's assurance level after checking their identity card: window clerks only."""
    if not has_role(user, Role.WINDOW_CLERK):
        raise deny(user, "identity.counter_verification")


def access_own_account(*, user: Any) -> User:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("account")
    return user  # type: ignore[no-any-return]


def access_citizen_account(*, user: Any) -> User:
    """Pages only a citizen (natural person) may use, such as registering an enterprise."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.CITIZEN:
        raise deny(user, "citizen")
    return user  # type: ignore[no-any-return]


ACTING_ENTERPRISE_SESSION_KEY = "yiwang_acting_enterprise"


def acting_enterprise(*, request: Any) -> Enterprise | None:
    """The enterprise the user chose to act for in this session, if they still may act for it."""
    user = getattr(request, "user", None)
    pk = request.session.get(ACTING_ENTERPRISE_SESSION_KEY) if hasattr(request, "session") else None
    if pk is None or user is None:
        return None
    return enterprises_of(user=user).filter(pk=pk).first()


def enterprises_of(*, user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may act for: as their account or as an authorised agent."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    if user.kind == AccountKind.ENTERPRISE:
        return Enterprise.objects.filter(account=user)
    # One filter() call, so the user and the status apply to the same agent row.
    return Enterprise.objects.filter(agents__user=user, agents__status=AgentStatus.CONFIRMED).distinct()
