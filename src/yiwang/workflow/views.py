"""Staff pages: the department worklist and the task page (claim, decide, transfer, countersign)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from yiwang.core.public import CappedPaginator, ValidationFailed

from . import selectors, services
from .forms import CountersignAnswerForm, CountersignForm, DecisionForm, TransferForm
from .models import DepartmentTask, TaskStatus
from .registry import describe_subject, describe_subjects

PAGE_SIZE = 50
LIST_CAP = 10_000  # rows a worklist pages through before it asks for a narrower filter (core.pagination)
SORT_LABELS = {"oldest": gettext_lazy("Oldest first"), "newest": gettext_lazy("Newest first"),
               "due": gettext_lazy("Deadline first"), "finished": gettext_lazy("Recently finished first")}


def _show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "all")
    scope = scope if scope in selectors.SCOPES else "all"
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    sort = selectors.sort_for(scope, request.GET.get("sort", ""))
    organisation_id = _int_or_none(request.GET.get("org"))
    orgs, tasks = selectors.access_worklist(user=request.user, organisation_id=organisation_id, scope=scope,
                                            status=status, sort=sort)
    page = CappedPaginator(tasks, PAGE_SIZE, cap=LIST_CAP).get_page(request.GET.get("page"))
    subjects = describe_subjects(task.instance.subject for task in page.object_list)
    rows = [(task, subjects[task.instance.subject], services.holds_task_role(request.user, task))
            for task in page.object_list]
    context = {
        "orgs": orgs, "page": page, "rows": rows, "scope": scope, "status": status, "sort": sort,
        "organisation_id": organisation_id, "statuses": TaskStatus.choices,
        "scopes": [("all", _("Open tasks")), ("mine", _("Claimed by me")), ("unclaimed", _("Unclaimed")),
                   ("done", _("Finished"))],
        "sorts": [(key, SORT_LABELS[key]) for key in selectors.SCOPE_SORTS[scope]],
        "countersigns": selectors.countersigns_for(user=request.user),
    }
    return render(request, "workflow/worklist.html", context)


def _task_page(request: HttpRequest, task: DepartmentTask, *, status: int = 200, alert: str = "",
               **forms_: Any) -> HttpResponse:
    user: Any = request.user
    can_act = task.is_active and services.holds_task_role(user, task) and (
        task.assignee_id in (None, user.pk))
    my_countersign = task.countersigns.filter(colleague=user, status="pending").first()
    context = {
        "task": task,
        "subject": describe_subject(task.instance.subject),
        "can_act": can_act,
        "history": selectors.task_history(task=task),
        "countersigns": selectors.pending_countersigns(task=task),
        "siblings": [t for t in selectors.tasks_of_subject(subject=task.instance.subject) if t.pk != task.pk],
        "my_countersign": my_countersign,
        "alert": alert,
    }
    if can_act:
        context["decision_form"] = forms_.get("decision_form") or DecisionForm()
        context["transfer_form"] = forms_.get("transfer_form") or TransferForm(
            departments=selectors.transfer_departments(task=task),
            colleagues=selectors.colleagues_of(task=task, user=user, role=task.role))
        context["countersign_form"] = forms_.get("countersign_form") or CountersignForm(
            colleagues=selectors.colleagues_of(task=task, user=user))
    if my_countersign is not None:
        context["answer_form"] = forms_.get("answer_form") or CountersignAnswerForm()
    return render(request, "workflow/task.html", context, status=status)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, selectors.access_task(user=request.user, pk=pk))


@login_required
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, pk=pk)
    try:
        services.task_claim(task=task, by=request.user)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You claimed “%(task)s”.") % {"task": task.name})
    if request.POST.get("next") == "worklist":
        return redirect("workflow:worklist")
    return redirect("workflow:task", pk=task.pk)


@login_required
@require_POST
def task_decide(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    alert = ""
    if form.is_valid():
        act = services.task_approve if form.cleaned_data["decision"] == "approve" else services.task_reject
        try:
            act(task=task, opinion=form.cleaned_data["opinion"], by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _show_errors(form, exc)
            alert = str(exc.message)
        else:
            messages.success(request, _("Your decision on “%(task)s” is recorded.") % {"task": task.name})
            return redirect("workflow:worklist")
    return _task_page(request, task, status=400, alert=alert, decision_form=form)


@login_required
@require_POST
def task_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, pk=pk)
    form = TransferForm(request.POST, departments=selectors.transfer_departments(task=task),
                        colleagues=selectors.colleagues_of(task=task, user=request.user, role=task.role))
    alert = ""
    if form.is_valid():
        try:
            services.task_transfer(task=task, opinion=form.cleaned_data["opinion"], by=request.user,  # type: ignore[arg-type]
                                   to_organisation=form.cleaned_data["to_organisation"],
                                   to_user=form.cleaned_data["to_user"])
        except ValidationFailed as exc:
            _show_errors(form, exc)
            alert = str(exc.message)
        else:
            messages.success(request, _("“%(task)s” was transferred.") % {"task": task.name})
            return redirect("workflow:worklist")
    return _task_page(request, task, status=400, alert=alert, transfer_form=form)


@login_required
@require_POST
def task_countersign(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, pk=pk)
    form = CountersignForm(request.POST, colleagues=selectors.colleagues_of(task=task, user=request.user))
    alert = ""
    if form.is_valid():
        try:
            services.task_countersign(task=task, colleagues=list(form.cleaned_data["colleagues"]),
                                      opinion=form.cleaned_data["opinion"], by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _show_errors(form, exc)
            alert = str(exc.message)
        else:
            messages.success(request, _("Your colleagues were asked to countersign."))
            return redirect("workflow:task", pk=task.pk)
    return _task_page(request, task, status=400, alert=alert, countersign_form=form)


@login_required
@require_POST
def countersign_answer(request: HttpRequest, pk: int) -> HttpResponse:
    countersign = selectors.access_countersign(user=request.user, pk=pk)
    task = selectors.access_task(user=request.user, pk=countersign.task_id)
    form = CountersignAnswerForm(request.POST)
    alert = ""
    if form.is_valid():
        try:
            services.countersign_answer(countersign=countersign, agree=form.cleaned_data["answer"] == "agree",
                                        opinion=form.cleaned_data["opinion"], by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _show_errors(form, exc)
            alert = str(exc.message)
        else:
            messages.success(request, _("Your countersign is recorded."))
            return redirect("workflow:worklist")
    return _task_page(request, task, status=400, alert=alert, answer_form=form)
