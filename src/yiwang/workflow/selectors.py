"""Reads of collaborative handling. What a user triggers goes through an ``access_*`` selector.

Visibility: a department's tasks are visible to staff holding any role in that department (colleagues
see their department's worklist) and to a colleague asked to countersign one; acting on a task needs
the task's own role there (``services.holds_task_role``). Other departments and citizens see nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.core.public import ValidationFailed
from yiwang.identity.public import Organisation, OrgKind, StaffRole, User, deny, roles_of

from .models import ACTIVE_TASK_STATUSES, Countersign, CountersignStatus, DepartmentTask, ProcessInstance, TaskStatus

SCOPES = ("all", "mine", "unclaimed", "done")
SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "due": ("due_on", "created_at", "pk"),  # the task's copy of its clock's due date (ADR 0027)
    "finished": ("-completed_at", "-pk"),
}
# The orders that make sense for a scope, its default first. Finished tasks are not sorted by deadline (every
# deadline has passed or been met; and at a million cases that order would sort a department's whole history):
# they are read most recently finished first, from an index in that order (ADR 0027).
SCOPE_SORTS = dict.fromkeys(SCOPES, ("oldest", "newest", "due")) | {"done": ("finished", "newest", "oldest")}


def sort_for(scope: str, sort: str) -> str:
    """``sort`` if it applies to ``scope``, otherwise the scope's default order."""
    sorts = SCOPE_SORTS.get(scope, SCOPE_SORTS["all"])
    return sort if sort in sorts else sorts[0]


def instance_of_subject(*, subject: str) -> ProcessInstance | None:
    """The process of ``subject`` (the latest, should it ever have been started again). No permission check:
    the caller has checked access to the subject."""
    return ProcessInstance.objects.filter(subject=subject).select_related("definition").order_by("-pk").first()


def tasks_of_subject(*, subject: str, departments_only: bool = False) -> list[DepartmentTask]:
    """Every department task of ``subject``'s processes, oldest first (no permission check, as above).

    ``departments_only``: the caller reads only the tasks' own fields and their departments, so the people, the
    clock and the instance are not joined (a six-table join costs PostgreSQL more to plan than to run).
    """
    related = ("organisation",) if departments_only else ("organisation", "assignee", "completed_by", "clock",
                                                          "instance")
    return list(DepartmentTask.objects.filter(instance__subject=subject).select_related(*related)
                .order_by("created_at", "pk"))


def _department_ids(user: Any) -> set[int]:
    return {org_id for _role, org_id in roles_of(user)}


def access_worklist(*, user: Any, organisation_id: int | None = None, scope: str = "all", status: str = "",
                    sort: str = "oldest") -> tuple[list[Organisation], QuerySet[DepartmentTask]]:
    """The tasks of the user's departments (or of one of them), filtered and sorted.

    ``scope``: ``all`` open tasks, ``mine`` (claimed by me), ``unclaimed``, ``done`` (completed or
    cancelled); ``status`` narrows to one task status; ``sort`` one of ``SCOPE_SORTS[scope]`` (others are
    refused: ``sort_for`` picks a valid one).
    """
    if sort not in SCOPE_SORTS.get(scope, ()):
        raise ValidationFailed(_("This order does not apply to these tasks."), field_errors={"sort": [
            _("Choose one of: %(sorts)s.") % {"sorts": ", ".join(SCOPE_SORTS.get(scope, SCOPE_SORTS["all"]))}]})
    departments = _department_ids(user)
    if not departments:
        raise deny(user, "workflow.worklist")
    if organisation_id is not None:
        if organisation_id not in departments:
            raise deny(user, "workflow.worklist", Organisation.objects.filter(pk=organisation_id).first())
        departments = {organisation_id}
    orgs = list(Organisation.objects.filter(pk__in=_department_ids(user)).order_by("sort_order", "code"))
    tasks = DepartmentTask.objects.filter(organisation_id__in=departments)
    if scope == "mine":
        tasks = tasks.filter(assignee=user, status=TaskStatus.CLAIMED)
    elif scope == "unclaimed":
        tasks = tasks.filter(status=TaskStatus.OPEN)
    elif scope == "done":
        # completed_at is set exactly when a task is completed or cancelled; saying it lets the planner use
        # the partial index of finished tasks (workflow_task_org_finished_idx)
        tasks = tasks.exclude(status__in=ACTIVE_TASK_STATUSES).filter(completed_at__isnull=False)
    elif not status:
        tasks = tasks.filter(status__in=ACTIVE_TASK_STATUSES)
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    # Not the instance's engine state nor its definition's BPMN: a page of rows would carry megabytes.
    tasks = tasks.select_related("organisation", "assignee", "clock", "instance").defer("instance__state")
    return orgs, tasks.order_by(*SORTS[sort])


def access_task(*, user: Any, pk: int, to_act: bool = False) -> DepartmentTask:
    """One task: staff of its department, or a colleague asked to countersign it.

    ``to_act``: the task is only handed to a service, which reads it again under its lock; then only its
    department is joined (a seven-table join costs PostgreSQL more to plan than to run).
    """
    related = ("organisation",) if to_act else ("organisation", "assignee", "completed_by", "clock", "instance",
                                                "instance__definition")
    task = DepartmentTask.objects.select_related(*related).filter(pk=pk).first()
    if task is None:
        raise deny(user, "workflow.task")
    if task.organisation_id in _department_ids(user):
        return task
    if roles_of(user) and task.countersigns.filter(colleague=user).exists():
        return task
    raise deny(user, "workflow.task", task)


def access_countersign(*, user: Any, pk: int) -> Countersign:
    """A countersign request, for the colleague it asks."""
    countersign = Countersign.objects.select_related("task", "task__organisation").filter(pk=pk).first()
    if countersign is None or countersign.colleague_id != getattr(user, "pk", None) or not roles_of(user):
        raise deny(user, "workflow.countersign", countersign)
    return countersign


def countersigns_for(*, user: Any) -> QuerySet[Countersign]:
    """Countersign requests waiting for the user's answer."""
    return (Countersign.objects.filter(colleague=user, status=CountersignStatus.PENDING)
            .select_related("task", "task__organisation", "task__instance", "requested_by")
            .order_by("requested_at", "pk"))


def transfer_departments(*, task: DepartmentTask) -> QuerySet[Organisation]:
    """Departments a task can be transferred to: every other department of the government tree."""
    return Organisation.objects.filter(kind=OrgKind.DEPARTMENT).exclude(pk=task.organisation_id).order_by(
        "sort_order", "code")


def colleagues_of(*, task: DepartmentTask, user: Any, role: str | None = None) -> QuerySet[User]:
    """Active staff of the task's department other than ``user`` (with ``role`` there, when given)."""
    grants = StaffRole.objects.filter(organisation=task.organisation, user__is_active=True)
    if role:
        grants = grants.filter(role=role)
    return (User.objects.filter(pk__in=grants.values("user_id")).exclude(pk=user.pk)
            .order_by("username"))


def task_history(*, task: DepartmentTask) -> QuerySet[Any]:
    return task.actions.select_related("actor").order_by("at", "pk")


def pending_countersigns(*, task: DepartmentTask) -> QuerySet[Countersign]:
    return task.countersigns.select_related("colleague", "requested_by").order_by("requested_at", "pk")


def visible_filter(user: Any) -> Q:
    """A ``Q`` on DepartmentTask for the tasks ``user`` may see (for other lists that join tasks)."""
    return Q(organisation_id__in=_department_ids(user)) | Q(countersigns__colleague=user)


def open_task_count(*, user: Any) -> int:
    """Tasks waiting in the user's departments (unclaimed, or claimed by them): the worklist's menu badge."""
    departments = _department_ids(user)
    if not departments:
        return 0
    return (DepartmentTask.objects.filter(organisation_id__in=departments)
            .filter(Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.CLAIMED, assignee=user)).count())
