"""workflow's JSON API (mounted at /api/v1/): my departments' tasks, claim, approve / reject with an opinion."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from . import selectors, services
from .models import DepartmentTask
from .registry import SubjectInfo, describe_subject, describe_subjects

router = Router(tags=["workflow"])


class TaskOut(Schema):
    id: int
    subject: str
    reference: str
    title: str
    applicant: str
    name: str
    organisation: str
    role: str
    status: str
    assignee: str | None
    decision: str
    opinion: str
    due_on: dt.date | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    can_act: bool


class TaskFilter(Schema):
    scope: Literal["all", "mine", "unclaimed", "done"] = "all"
    status: Literal["", "open", "claimed", "completed", "cancelled"] = ""
    sort: Literal["oldest", "newest", "due", "finished"] | None = Field(
        None, description="oldest, newest or due for open tasks (default oldest); finished (default), newest or "
                          "oldest for scope=done.")
    organisation: str = Field("", description="Only this department (its code).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class OpinionIn(Schema):
    opinion: str = Field(..., max_length=services.MAX_OPINION, description="The opinion (意见); required.")


def _out(task: DepartmentTask, user: Any, subject: SubjectInfo | None = None) -> dict[str, Any]:
    subject = subject or describe_subject(task.instance.subject)
    return {
        "id": task.pk, "subject": task.instance.subject, "reference": subject.reference, "title": subject.title,
        "applicant": subject.applicant, "name": task.name, "organisation": task.organisation.code,
        "role": task.role, "status": task.status,
        "assignee": task.assignee.get_username() if task.assignee else None,
        "decision": task.decision, "opinion": task.opinion,
        "due_on": task.clock.due_on if task.clock else None, "created_at": task.created_at,
        "completed_at": task.completed_at,
        "can_act": task.is_active and services.holds_task_role(user, task)
        and task.assignee_id in (None, user.pk),
    }


@router.get("/workflow/tasks", response=list[TaskOut], summary="Tasks of my departments")
def task_list(request: HttpRequest, filters: Query[TaskFilter]) -> list[dict[str, Any]]:
    organisation_id = None
    if filters.organisation:
        orgs, _tasks = selectors.access_worklist(user=request.user)
        organisation_id = next((o.pk for o in orgs if o.code == filters.organisation), -1)
    _orgs, tasks = selectors.access_worklist(user=request.user, organisation_id=organisation_id,
                                             scope=filters.scope, status=filters.status,
                                             sort=filters.sort or selectors.sort_for(filters.scope, ""))
    window = list(tasks[filters.offset:filters.offset + filters.limit])
    subjects = describe_subjects(task.instance.subject for task in window)
    return [_out(task, request.user, subjects[task.instance.subject]) for task in window]


@router.get("/workflow/tasks/{task_id}", response=TaskOut, summary="One task")
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    return _out(selectors.access_task(user=request.user, pk=task_id), request.user)


@router.post("/workflow/tasks/{task_id}/claim", response=TaskOut, summary="Claim a task")
def task_claim(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = selectors.access_task(user=request.user, pk=task_id, to_act=True)
    return _out(services.task_claim(task=task, by=request.user), request.user)  # type: ignore[arg-type]


@router.post("/workflow/tasks/{task_id}/approve", response=TaskOut, summary="Approve a task with an opinion")
def task_approve(request: HttpRequest, task_id: int, payload: OpinionIn) -> dict[str, Any]:
    task = selectors.access_task(user=request.user, pk=task_id, to_act=True)
    return _out(services.task_approve(task=task, opinion=payload.opinion, by=request.user),  # type: ignore[arg-type]
                request.user)


@router.post("/workflow/tasks/{task_id}/reject", response=TaskOut, summary="Reject a task with an opinion")
def task_reject(request: HttpRequest, task_id: int, payload: OpinionIn) -> dict[str, Any]:
    task = selectors.access_task(user=request.user, pk=task_id, to_act=True)
    return _out(services.task_reject(task=task, opinion=payload.opinion, by=request.user),  # type: ignore[arg-type]
                request.user)
