"""Pages of supervision: the dashboard (internal / leaders / department), cards, the supervision tasks of a
department and of the office, the public performance page, and the portal's rating and complaint forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.core.public import PermissionDeniedError, ValidationFailed
from yiwang.identity.public import Organisation

from . import assessment, selectors, services
from . import forms as sv_forms
from .cases import own_case, rating_subject_of
from .models import Channel, Grade


def _show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _month(request: HttpRequest) -> tuple[str, dt.date, dt.date]:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        start, end = assessment.month_bounds(year, month)
    except (ValueError, TypeError):
        today = timezone.localdate()
        start, end = assessment.month_bounds(today.year, today.month)
    return start.strftime("%Y-%m"), start, end


def _months_back(n: int = 12) -> list[str]:
    today = timezone.localdate()
    out = []
    year, month = today.year, today.month
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


# --- staff ---------------------------------------------------------------------------------------------------

@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    level = selectors.access_dashboard(user=request.user)
    month, start, end = _month(request)
    org_ids = None if level != "department" else sorted(selectors.departments_answering(request.user))
    rows = assessment.department_assessment(start=start, end=end, organisation_ids=org_ids)
    year_start = dt.date(start.year, 1, 1)
    return render(request, "supervision/dashboard.html", {
        "level": level, "month": month, "months": _months_back(), "rows": rows,
        "kpis": assessment.kpis(start=year_start, end=end), "kpi_start": year_start, "kpi_end": end,
        "missing_kpis": [label for key, label in (("disclosure", _("Information disclosure rate")),
                                                   ("sharing", _("Data sharing rate")))
                         if key not in assessment.registered_kpi_keys()],
        "open": assessment.open_by_grade(org_ids), "drill_down": level in ("internal", "leaders", "department"),
    })


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    watches = selectors.access_department_cases(user=request.user, organisation=organisation)
    month, start, end = _month(request)
    grade = request.GET.get("grade", "")
    shown = watches.filter(clock_state__in=["running", "paused"])
    if grade in Grade.values:
        shown = shown.filter(grade=grade)
    closed = watches.filter(stopped_on__gte=start, stopped_on__lte=end).order_by("-stopped_on", "-pk")
    return render(request, "supervision/department.html", {
        "organisation": organisation, "month": month, "grade": grade, "grades": Grade.choices,
        "open_page": Paginator(shown.order_by("due_on", "pk"), 50).get_page(request.GET.get("page")),
        "closed": closed[:100], "office": selectors.is_office(request.user),
        "notice_form": sv_forms.NoticeForm(initial={"organisation": organisation}),
    })


@login_required
def cards(request: HttpRequest) -> HttpResponse:
    qs = selectors.cards_for(user=request.user)
    return render(request, "supervision/cards.html", {"page": Paginator(qs, 50).get_page(request.GET.get("page"))})


@login_required
def work(request: HttpRequest) -> HttpResponse:
    selectors.access_workbench_of(user=request.user)
    return render(request, "supervision/work.html", {
        "work": selectors.work_of(user=request.user), "office": selectors.is_office(request.user),
        "reply_form": sv_forms.ReplyForm(), "rectification_form": sv_forms.RectificationForm(),
        "close_form": sv_forms.ComplaintCloseForm(), "decision_form": sv_forms.AppealDecisionForm(),
        "appeal_form": sv_forms.AppealForm(),
        "appealable": selectors.appealable_ratings(user=request.user)[:50],
    })


def _post(request: HttpRequest, form_class: type[forms.Form], action: Any, ok: str) -> HttpResponse:
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationFailed as exc:
            for errors in exc.field_errors.values():
                for error in errors:
                    messages.error(request, error)
            if not exc.field_errors:
                messages.error(request, str(exc.message))
        else:
            messages.success(request, ok)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                            require_https=request.is_secure()):
        target = ""
    return redirect(target or "supervision:work")


@login_required
@require_POST
def notice_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, sv_forms.ReplyForm, lambda d: services.notice_reply(
        by=request.user, pk=pk, reply=d["reply"]), _("The reply has been recorded."))


@login_required
@require_POST
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, sv_forms.RectificationForm, lambda d: services.rectification_record(
        by=request.user, pk=pk, callback_note=d["callback_note"], rectification_note=d["rectification_note"]),
        _("The callback and rectification have been recorded."))


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, sv_forms.ComplaintCloseForm, lambda d: services.complaint_close(
        by=request.user, pk=pk, outcome=d["outcome"], note=d["note"]), _("The complaint has been closed."))


@login_required
@require_POST
def rating_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, sv_forms.AppealForm, lambda d: services.rating_appeal(
        by=request.user, pk=pk, reason=d["reason"]), _("The appeal has been filed."))


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, sv_forms.AppealDecisionForm, lambda d: services.rating_appeal_decide(
        by=request.user, pk=pk, uphold=d["uphold"], note=d["note"]), _("The appeal has been decided."))


@login_required
@require_POST
def notice_issue(request: HttpRequest) -> HttpResponse:
    return _post(request, sv_forms.NoticeForm, lambda d: services.notice_issue(
        by=request.user, organisation=d["organisation"], text=d["text"], reply_days=d["reply_days"],
        reply_hours=d["reply_hours"]),
        _("The supervision notice has been issued."))


# --- public and portal ---------------------------------------------------------------------------------------

def public(request: HttpRequest) -> HttpResponse:
    """Published to everyone: per-department aggregates only — no case, no person."""
    month, start, end = _month(request)
    rows = list(assessment.department_assessment(start=start, end=end))
    year_start = dt.date(start.year, 1, 1)
    return render(request, "supervision/public.html", {
        "month": month, "months": _months_back(), "rows": rows,
        "kpis": assessment.kpis(start=year_start, end=end), "kpi_start": year_start, "kpi_end": end})


def _case_of(request: HttpRequest, number: str) -> Any:
    application = own_case(user=request.user, number=number)
    if application is None:
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant rates a finished intake case (好差评)."""
    application = _case_of(request, number)
    subject = rating_subject_of(application)
    existing = selectors.rating_of(subject=subject.subject, applicant=application.applicant_id)
    form = sv_forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(by=request.user, subject=subject, score=form.cleaned_data["score"],
                                   channel=Channel.PORTAL, comment=form.cleaned_data["comment"])
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
        except ValidationFailed as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("supervision:rate", number=number)
    return render(request, "supervision/rate.html", {
        "application": application, "subject": subject, "existing": existing, "form": form,
        "completed": subject.completed_at is not None})


@login_required
@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    """Citizens complain about a department or one of their cases on the portal."""
    form = sv_forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation, subject, reference = data["organisation"], "", data["reference"].strip()
        if reference:
            application = _case_of(request, reference)
            subject = rating_subject_of(application).subject
            organisation = organisation or application.version.lead_department
        try:
            services.complaint_file(by=request.user, channel=Channel.PORTAL, organisation=organisation,
                                    subject=subject, reference=reference, text=data["text"])
        except (ValidationFailed, PermissionDeniedError) as exc:
            if isinstance(exc, ValidationFailed):
                _show_errors(form, exc)
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your complaint has been filed; the supervision office will answer it."))
            return redirect("supervision:complain")
    return render(request, "supervision/complain.html", {"form": form})
