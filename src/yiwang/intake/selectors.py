"""Reads of cases, each combined with its permission check (STYLE: ``access_*``).

Who sees a case: the applicant; anyone who may act for the enterprise it was made for; the clerk or hotline
agent who took it in; staff of a department with a task on it or of its lead department; supervision officers.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db.models import Q, QuerySet

from yiwang.identity.public import AccountKind, Role, deny, enterprises_of, has_role, roles_of
from yiwang.workflow.public import tasks_of_subject

from .models import Application


def _base() -> QuerySet[Application]:
    return Application.objects.select_related("version", "version__matter", "applicant", "enterprise",
                                              "submitted_by", "clock")


def department_ids_of(application: Application) -> set[int]:
    """Organisations involved in a case: those with a task on it, and the lead department."""
    ids = {task.organisation_id for task in tasks_of_subject(subject=application.subject)}
    lead = getattr(application.version, "lead_department_id", None)
    if lead is not None:
        ids.add(lead)
    return ids


def is_handler_of(user: Any, application: Application) -> bool:
    """Staff of a department with a task on the case, or of its lead department."""
    orgs = {org for _, org in roles_of(user)}
    return bool(orgs) and bool(orgs & department_ids_of(application))


def is_applicant_side(user: Any, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if application.applicant_id == user.pk:
        return True
    return application.enterprise_id is not None and enterprises_of(user=user).filter(
        pk=application.enterprise_id).exists()


def may_see(user: Any, application: Application) -> bool:
    if is_applicant_side(user, application):
        return True
    if not roles_of(user):
        return False
    return (application.submitted_by_id == user.pk or has_role(user, Role.SUPERVISOR)
            or is_handler_of(user, application))


def access_application(*, user: Any, pk: int) -> Application:
    application = _base().filter(pk=pk).first()
    if application is None or not may_see(user, application):
        raise deny(user, "intake.application", application)
    return application


def access_own_application(*, user: Any, number: str) -> Application:
    """The applicant's page of one case (by case number): applicant side only."""
    application = _base().filter(number=number).first()
    if application is None or not is_applicant_side(user, application):
        raise deny(user, "intake.application", application)
    return application


def applications_of(*, user: Any) -> QuerySet[Application]:
    """The cases a person sees on /me/cases/: their own and those of the enterprises they may act for."""
    if not getattr(user, "is_authenticated", False) or user.kind == AccountKind.STAFF:
        return Application.objects.none()
    enterprise_ids = list(enterprises_of(user=user).values_list("pk", flat=True))
    return _base().filter(Q(applicant=user) | Q(enterprise_id__in=enterprise_ids)).order_by("-submitted_at", "-pk")


def applications_taken_in_by(*, user: Any) -> QuerySet[Application]:
    """Cases a clerk or hotline agent submitted for visitors and callers."""
    if not roles_of(user):
        raise deny(user, "intake.taken_in")
    return _base().filter(submitted_by=user).exclude(applicant=user).order_by("-submitted_at", "-pk")


def application_by_status_token(*, number: str, token: str) -> Application | None:
    """The public status page: the case number and its unguessable token, compared in constant time."""
    application = _base().filter(number=number).first()
    if application is None or not token or not secrets.compare_digest(application.status_token, token):
        return None
    return application
