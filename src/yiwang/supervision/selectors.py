"""Reads and permission checks of supervision (who may see and do what: docs/supervision.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from yiwang.identity.public import Organisation, Role, deny, has_role, roles_of

from .models import Complaint, Grade, Notice, Rating, Rectification, Watch

OFFICE_ROLES = (Role.SUPERVISOR, Role.PLATFORM_ADMIN)
DEPARTMENT_ROLES = (Role.DEPARTMENT_HEAD, Role.HANDLER)


def is_office(user: Any) -> bool:
    """The supervision office (监察室): supervisors (and platform administrators)."""
    return has_role(user, *OFFICE_ROLES)


def is_leader(user: Any) -> bool:
    return has_role(user, Role.LEADER)


def may_see_dashboard(user: Any) -> bool:
    """Cheap and silent: for menus."""
    return has_role(user, *OFFICE_ROLES, Role.LEADER, Role.DEPARTMENT_HEAD)


def departments_answering(user: Any) -> set[int]:
    """Organisations for which ``user`` answers notices, complaints and bad ratings."""
    return {org for role, org in roles_of(user) if role in DEPARTMENT_ROLES}


def access_office(*, user: Any) -> None:
    if not is_office(user):
        raise deny(user, "supervision.office")


def access_dashboard(*, user: Any) -> str:
    """The internal dashboard: ``"internal"`` for the office, ``"leaders"`` for leaders (both with
    drill-down to cases), ``"department"`` for department heads (their own department's rows)."""
    if is_office(user):
        return "internal"
    if is_leader(user):
        return "leaders"
    if has_role(user, Role.DEPARTMENT_HEAD):
        return "department"
    raise deny(user, "supervision.dashboard")


def access_department_cases(*, user: Any, organisation: Organisation) -> QuerySet[Watch]:
    """Drill-down to one department's watched clocks: office, leaders, and that department's heads."""
    if not (is_office(user) or is_leader(user) or has_role(user, Role.DEPARTMENT_HEAD, organisation=organisation)):
        raise deny(user, "supervision.department_cases", organisation)
    return Watch.objects.filter(organisation=organisation).select_related("organisation", "user")


def access_notice_reply(*, user: Any, pk: int) -> Notice:
    notice = Notice.objects.select_related("organisation", "clock").filter(pk=pk).first()
    if notice is None or notice.organisation_id not in departments_answering(user):
        raise deny(user, "supervision.notice", notice)
    return notice


def access_complaint_close(*, user: Any, pk: int) -> Complaint:
    complaint = Complaint.objects.select_related("clock").filter(pk=pk).first()
    if complaint is None or not is_office(user):
        raise deny(user, "supervision.complaint", complaint)
    return complaint


def access_rectification(*, user: Any, pk: int) -> Rectification:
    item = Rectification.objects.select_related("rating", "clock").filter(pk=pk).first()
    if item is None or item.organisation_id not in departments_answering(user):
        raise deny(user, "supervision.rectification", item)
    return item


def access_rating_appeal(*, user: Any, pk: int) -> Rating:
    """A department head appeals a rating of their own department."""
    rating = Rating.objects.filter(pk=pk).first()
    if rating is None or not has_role(user, Role.DEPARTMENT_HEAD, organisation=rating.organisation):
        raise deny(user, "supervision.rating.appeal", rating)
    return rating


def access_appeal_decision(*, user: Any, pk: int) -> Rating:
    rating = Rating.objects.filter(pk=pk).first()
    if rating is None or not is_office(user):
        raise deny(user, "supervision.rating.appeal_decide", rating)
    return rating


def cards_for(*, user: Any) -> QuerySet[Watch]:
    """Clocks with a card (yellow or red), latest first: all for the office and leaders, their departments'
    for department staff."""
    qs = (Watch.objects.exclude(grade=Grade.NORMAL).select_related("organisation")
          .annotate(card_at=Coalesce("red_at", "yellow_at")).order_by("-card_at", "-pk"))
    if is_office(user) or is_leader(user):
        return qs
    orgs = departments_answering(user)
    if not orgs:
        raise deny(user, "supervision.cards")
    return qs.filter(organisation_id__in=orgs)


def work_of(*, user: Any) -> dict[str, QuerySet]:
    """Open notices, rectifications and (for the office) complaints and appeals for the workbench page."""
    orgs = departments_answering(user)
    work: dict[str, QuerySet] = {
        "notices": Notice.objects.filter(organisation_id__in=orgs, replied_at__isnull=True).select_related("clock"),
        "rectifications": Rectification.objects.filter(organisation_id__in=orgs, done_at__isnull=True)
        .select_related("rating", "clock"),
    }
    if is_office(user):
        work["complaints"] = Complaint.objects.filter(closed_at__isnull=True).select_related("clock", "organisation")
        work["appeals"] = Rating.objects.filter(appeal_status="pending").select_related("organisation")
    return work


def rating_of(*, subject: str, applicant: Any) -> Rating | None:
    return Rating.objects.filter(subject=subject, applicant=applicant).first()


def access_workbench_of(*, user: Any) -> None:
    """The supervision tasks page: any staff member with a role (it lists only what concerns them)."""
    if not roles_of(user):
        raise deny(user, "supervision.work")


def appealable_ratings(*, user: Any) -> QuerySet[Rating]:
    """Bad ratings of the departments ``user`` heads that have not been appealed."""
    orgs = [org for role, org in roles_of(user) if role == Role.DEPARTMENT_HEAD]
    return Rating.objects.filter(organisation_id__in=orgs, score__lte=2, appeal_status="").order_by("-rated_at")
