"""Staff pages of the sharing catalogue, under /workbench/sharing/ (docs/sharing.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.core.public import NotFound, ValidationFailed, working_days_between
from yiwang.identity.public import Organisation, access_workbench, deny

from . import selectors, services
from .forms import AnswerForm, ReasonsForm, RequestForm, ResourceForm, SearchForm
from .models import RequestStatus, Resource, ResourceStatus, SharingRequest


def _show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for field, errors in exc.field_errors.items():
        target = field if field in form.fields else None
        if field.startswith("fields"):
            target = next((name for name in ("fields_text", "requested_fields") if name in form.fields), None)
        for error in errors:
            form.add_error(target, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _resource(user: Any, pk: int) -> Resource:
    try:
        return selectors.access_resource(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(pk)) from exc


def _request(user: Any, pk: int) -> SharingRequest:
    try:
        return selectors.access_request(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(pk)) from exc


def _days_left(req: SharingRequest) -> int | None:
    if req.clock is None or req.status != RequestStatus.SUBMITTED:
        return None
    today = timezone.localdate()
    if req.clock.due_on >= today:
        return working_days_between(today, req.clock.due_on)
    return -working_days_between(req.clock.due_on, today)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    resources = selectors.access_catalogue(user=request.user, query=query)
    stewards = selectors.steward_orgs(request.user)
    return render(request, "sharing/catalogue.html", {"form": form, "resources": resources[:200],
                                                      "can_create": bool(stewards)})


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request.user, pk)
    can_manage = selectors.can_manage(request.user, resource.provider)
    can_request = (resource.status == ResourceStatus.PUBLISHED and resource.sharing_type != "none"
                   and bool(selectors.requester_orgs(request.user) - {resource.provider_id}))
    return render(request, "sharing/resource.html", {
        "resource": resource, "fields": resource.fields.all(), "can_manage": can_manage,
        "can_request": can_request,
        "grants": resource.requests.filter(status=RequestStatus.GRANTED).select_related("consumer")
        if can_manage else []})


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    resource = _resource(request.user, pk) if pk is not None else None
    if resource is not None:
        provider = resource.provider
    else:
        own = sorted(selectors.steward_orgs(request.user))
        if not own:
            access_workbench(user=request.user)
            raise deny(request.user, "sharing.resource.edit")
        provider = Organisation.objects.get(pk=own[0])
    selectors.access_resource_edit(user=request.user, provider=provider, resource=resource)
    initial = ResourceForm.initial_of(resource) if resource else {}
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if resource is None:
                resource = services.resource_create(user=request.user, provider=provider,
                                                    data=form.data_for_service())
            else:
                resource = services.resource_update(user=request.user, resource=resource,
                                                    data=form.data_for_service())
        except ValidationFailed as exc:
            _show_errors(form, exc)
        else:
            return redirect("sharing:resource", pk=resource.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "sharing/resource_edit.html", {"form": form, "resource": resource,
                                                           "provider": provider}, status=status)


@login_required
@require_POST
def resource_status(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request.user, pk)
    action = {"publish": services.resource_publish, "withdraw": services.resource_withdraw,
              "reopen": services.resource_reopen}.get(request.POST.get("action", ""))
    if action is None:
        raise Http404("action")
    try:
        action(user=request.user, resource=resource)
    except ValidationFailed as exc:
        return render(request, "sharing/error.html", {"message": exc.message}, status=400)
    return redirect("sharing:resource", pk=resource.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request.user, pk)
    members = [(m.identifier, f"{m.name} ({m.identifier})")
               for org in Organisation.objects.filter(pk__in=selectors.requester_orgs(request.user)).order_by("pk")
               for m in services.consumer_members(org)]
    form = RequestForm(request.POST or None, resource=resource, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_submit(user=request.user, resource=resource,
                                          fields=form.cleaned_data["requested_fields"],
                                          purpose=form.cleaned_data["purpose"],
                                          legal_basis=form.cleaned_data["legal_basis"],
                                          consumer_member=form.cleaned_data["consumer_member"])
        except ValidationFailed as exc:
            _show_errors(form, exc)
        else:
            return redirect("sharing:request", pk=req.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "sharing/request_new.html", {"form": form, "resource": resource}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request.user, pk)
    user = request.user
    is_provider = req.resource.provider_id in selectors.steward_orgs(user)
    is_consumer = req.consumer_id in selectors.requester_orgs(user)
    is_authority = selectors.is_authority(user)
    answer_form = AnswerForm(request.POST if request.POST.get("step") == "answer" else None)
    dispute_form = ReasonsForm(request.POST if request.POST.get("step") == "dispute" else None, prefix="dispute")
    decide_form = AnswerForm(request.POST if request.POST.get("step") == "decide" else None, prefix="decide")
    revoke_form = ReasonsForm(request.POST if request.POST.get("step") == "revoke" else None, prefix="revoke")
    step = request.POST.get("step")
    if request.method == "POST":
        try:
            if step == "answer" and answer_form.is_valid():
                services.request_answer(user=user, request=req, grant=answer_form.cleaned_data["decision"] == "grant",
                                        reasons=answer_form.cleaned_data["reasons"])
            elif step == "dispute" and dispute_form.is_valid():
                services.request_dispute(user=user, request=req, reasons=dispute_form.cleaned_data["reasons"])
            elif step == "decide" and decide_form.is_valid():
                services.dispute_decide(user=user, request=req, grant=decide_form.cleaned_data["decision"] == "grant",
                                        reasons=decide_form.cleaned_data["reasons"])
            elif step == "revoke" and revoke_form.is_valid():
                services.grant_revoke(user=user, request=req, reasons=revoke_form.cleaned_data["reasons"])
            elif step == "withdraw":
                services.request_withdraw(user=user, request=req)
            else:
                raise ValidationFailed(_("Please correct the errors below."))
        except ValidationFailed as exc:
            form = {"answer": answer_form, "dispute": dispute_form, "decide": decide_form,
                    "revoke": revoke_form}.get(step or "", answer_form)
            _show_errors(form, exc)
        else:
            return redirect("sharing:request", pk=req.pk)
    bad = any(f.is_bound and f.errors for f in (answer_form, dispute_form, decide_form, revoke_form))
    return render(request, "sharing/request.html", {
        "req": req, "days_left": _days_left(req), "answer_form": answer_form, "dispute_form": dispute_form,
        "decide_form": decide_form, "revoke_form": revoke_form,
        "can_answer": is_provider and req.status == RequestStatus.SUBMITTED,
        "can_withdraw": is_consumer and req.status == RequestStatus.SUBMITTED,
        "can_dispute": is_consumer and req.status == RequestStatus.REFUSED and req.disputed_at is None,
        "can_decide": is_authority and req.status == RequestStatus.DISPUTED,
        "can_revoke": (is_provider or is_authority) and req.status == RequestStatus.GRANTED,
    }, status=400 if bad else 200)


@login_required
def to_answer(request: HttpRequest) -> HttpResponse:
    rows = [(r, _days_left(r)) for r in selectors.requests_to_answer(user=request.user)]
    return render(request, "sharing/to_answer.html", {"rows": rows})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = [(r, _days_left(r)) for r in selectors.requests_of_my_department(user=request.user)[:300]]
    return render(request, "sharing/mine.html", {"rows": rows})


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/disputes.html", {"requests": selectors.disputes(user=request.user)})


@login_required
def usage(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("organisation")
    org_id = int(raw) if raw and raw.isdigit() else None
    organisation, by_consumer, entries = selectors.access_usage(user=request.user, organisation_id=org_id)
    return render(request, "sharing/usage.html", {"organisation": organisation, "by_consumer": by_consumer,
                                                  "entries": entries})
