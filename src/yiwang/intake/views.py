"""Intake pages: apply on the portal, the applicant's cases, receipts and the public status page, and the
staff case page with the counter and hotline intake. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.audit.public import AuditRecord, audit_record
from yiwang.catalog.public import application_form, form_schema_of, materials_of, matter_version_for_application
from yiwang.core.public import NotFound, ValidationFailed, clock_state_on
from yiwang.identity.public import (
    AccountKind,
    Role,
    access_workbench,
    acting_enterprise,
    counter_visitor_lookup,
    enterprises_of,
    has_role,
    hotline_caller_lookup,
)
from yiwang.notifications.public import notifications_about
from yiwang.workflow.public import tasks_of_subject

from . import selectors, services
from .forms import (
    DecideForm,
    MaterialsForm,
    SupplementAnswerForm,
    SupplementRequestForm,
    VisitorForm,
    WithdrawForm,
    show_errors,
)
from .models import Application, Channel, Material


def _enterprise_for(request: HttpRequest) -> Any:
    user: Any = request.user
    if user.kind == AccountKind.ENTERPRISE:
        return enterprises_of(user=user).first()
    return acting_enterprise(request=request)


class _FormInvalid(Exception):
    """The page's own form refused the input: its errors are shown and the service is not called."""


def _form_data(form: Any) -> dict[str, Any]:
    """The answers the page's form could read (typed); fields it refused are left to its own errors."""
    return dict(getattr(form, "cleaned_data", None) or {})


# --- applying -------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """A citizen, an enterprise, or an agent acting for one applies on the portal."""
    try:
        version = matter_version_for_application(code=code)
    except NotFound as exc:
        raise Http404(code) from exc
    except ValidationFailed as exc:
        return render(request, "intake/not_open.html", {"code": code, "message": exc.message}, status=409)
    post = request.method == "POST"
    form = application_form(version=version, data=request.POST if post else None)
    materials = MaterialsForm(request.POST if post else None, request.FILES if post else None,
                              requirements=materials_of(version=version))
    enterprise = _enterprise_for(request)
    if post:
        try:
            if not (form.is_valid() & materials.is_valid()):
                raise _FormInvalid
            application = services.application_submit(
                code=code, applicant=request.user, by=request.user, channel=Channel.PORTAL,
                form_data=_form_data(form), files=materials.uploads(), enterprise=enterprise)
        except _FormInvalid:
            pass
        except ValidationFailed as exc:
            show_errors(exc, form, materials)
        else:
            messages.success(request, _("Your application was accepted: case %(number)s.")
                             % {"number": application.number})
            return redirect("intake:my_case", number=application.number)
    return render(request, "intake/apply.html",
                  {"version": version, "form": form, "materials": materials, "enterprise": enterprise,
                   "matter_name": services.matter_name(version)},
                  status=400 if post else 200)


@login_required
@require_http_methods(["GET", "POST"])
def take_in(request: HttpRequest, channel: str) -> HttpResponse:
    """The counter (a window clerk, after checking the visitor's card) and the hotline (an agent) apply for
    someone else. Step 1 finds the person and the matter; step 2 is the matter's form and materials."""
    needed = Role.WINDOW_CLERK if channel == Channel.COUNTER else Role.HOTLINE_AGENT
    access_workbench(user=request.user)
    if not has_role(request.user, needed):
        raise PermissionDenied(channel)
    visitor_form = VisitorForm(request.POST or None)
    visitor = version = form = materials = None
    status = 200
    if request.method == "POST" and visitor_form.is_valid():
        try:
            lookup = counter_visitor_lookup if channel == Channel.COUNTER else hotline_caller_lookup
            visitor = lookup(user=request.user, id_number=visitor_form.cleaned_data["id_number"])
            version = matter_version_for_application(code=visitor_form.cleaned_data["matter"])
        except NotFound as exc:
            visitor_form.add_error("matter", str(exc.message))
            visitor = version = None
        except ValidationFailed as exc:
            show_errors(exc, visitor_form)
            visitor = version = None
        else:
            if visitor is None:
                visitor_form.add_error("id_number", _("Nobody has registered with this identity number yet."))
    if visitor is not None and version is not None:
        step2 = request.POST.get("step") == "apply"
        form = application_form(version=version, data=request.POST if step2 else None)
        materials = MaterialsForm(request.POST if step2 else None, request.FILES if step2 else None,
                                  requirements=materials_of(version=version))
        if step2:
            try:
                if not (form.is_valid() & materials.is_valid()):
                    raise _FormInvalid
                application = services.application_submit(
                    code=version.matter.code, applicant=visitor, by=request.user, channel=channel,
                    form_data=_form_data(form), files=materials.uploads())
            except _FormInvalid:
                status = 400
            except ValidationFailed as exc:
                show_errors(exc, form, materials)
                status = 400
            else:
                messages.success(request, _("Case %(number)s accepted.") % {"number": application.number})
                return redirect("intake:staff_case", pk=application.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "intake/take_in.html",
                  {"channel": channel, "visitor_form": visitor_form, "visitor": visitor, "version": version,
                   "form": form, "materials": materials,
                   "matter_name": services.matter_name(version) if version is not None else ""}, status=status)


# --- the applicant's view ---------------------------------------------------------------------------------------

@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/my_cases.html", {"applications": selectors.applications_of(user=request.user)})


def _answers(application: Application) -> list[tuple[str, Any]]:
    """The form data with the field titles of the version's form definition, in its order."""
    english = (get_language() or "").startswith("en")
    fields = form_schema_of(version=application.version).get("properties", {})
    rows = []
    for key, field in fields.items():
        if key in application.form_data:
            title = (field.get("x-title-en") if english else None) or field.get("title") or key
            rows.append((str(title), application.form_data[key]))
    rows += [(key, value) for key, value in application.form_data.items() if key not in fields]
    return rows


def _case_context(application: Application) -> dict[str, Any]:
    tasks = tasks_of_subject(subject=application.subject)
    return {
        "answers": _answers(application),
        "application": application,
        "matter_name": services.matter_name(application.version),
        "tasks": tasks,
        "current": [t for t in tasks if t.status in ("open", "claimed")],
        "clock": clock_state_on(application.clock) if application.clock is not None else None,
        "materials": list(application.materials.all()),
        "notices": list(application.supplement_requests.select_related("requested_by")),
        "requirements": materials_of(version=application.version),
    }


@login_required
@require_http_methods(["GET"])
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    application = selectors.access_own_application(user=request.user, number=number)
    context = _case_context(application)
    open_notice = next((n for n in context["notices"] if n.is_open), None)
    if open_notice is not None:
        wanted = {i["code"] for i in open_notice.items if i["code"]}
        context["supplement_materials"] = MaterialsForm(requirements=context["requirements"], only=wanted)
        context["supplement_form"] = SupplementAnswerForm()
    context["open_notice"] = open_notice
    context["inbox_notices"] = notifications_about(user=request.user, url=request.path)
    context["withdraw_form"] = WithdrawForm() if application.is_open else None
    return render(request, "intake/my_case.html", context)


@login_required
@require_POST
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    application = selectors.access_own_application(user=request.user, number=number)
    context = _case_context(application)
    open_notice = next((n for n in context["notices"] if n.is_open), None)
    wanted = {i["code"] for i in open_notice.items if i["code"]} if open_notice else set()
    materials = MaterialsForm(request.POST, request.FILES, requirements=context["requirements"], only=wanted)
    answer = SupplementAnswerForm(request.POST)
    materials.is_valid()
    answer.is_valid()
    try:
        services.supplement_submit(application=application, files=materials.uploads(),
                                   note=request.POST.get("note", ""), by=request.user)
    except ValidationFailed as exc:
        show_errors(exc, answer, materials)
        context.update({"open_notice": open_notice, "supplement_materials": materials, "supplement_form": answer,
                        "withdraw_form": WithdrawForm()})
        return render(request, "intake/my_case.html", context, status=400)
    messages.success(request, _("Thank you: your supplement was received and the case continues."))
    return redirect("intake:my_case", number=number)


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    application = selectors.access_own_application(user=request.user, number=number)
    try:
        services.application_withdraw(application=application, reason=request.POST.get("reason", ""),
                                      by=request.user)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Case %(number)s was withdrawn.") % {"number": number})
    return redirect("intake:my_case", number=number)


def _status_url(request: HttpRequest, application: Application) -> str:
    path = reverse("intake:status", kwargs={"number": application.number})
    return request.build_absolute_uri(f"{path}?t={application.status_token}")


def _receipt(request: HttpRequest, application: Application) -> HttpResponse:
    url = _status_url(request, application)
    qr = segno.make(url, error="m").svg_inline(scale=3, title=str(_("QR code of the case's status page")))
    context = _case_context(application)
    context.update({"status_url": url, "qr_svg": qr,
                    "applicant_masked": services.applicant_masked(application)})
    return render(request, "intake/receipt.html", context)


@login_required
def my_receipt(request: HttpRequest, number: str) -> HttpResponse:
    return _receipt(request, selectors.access_own_application(user=request.user, number=number))


@require_http_methods(["GET"])
def status(request: HttpRequest, number: str) -> HttpResponse:
    """Public: step, status and deadline only — no personal data. Needs the token printed on the receipt."""
    application = selectors.application_by_status_token(number=number, token=request.GET.get("t", ""))
    if application is None:
        raise Http404(number)
    tasks = tasks_of_subject(subject=application.subject)
    return render(request, "intake/status.html", {
        "application": application, "matter_name": services.matter_name(application.version),
        "tasks": tasks, "current": [t for t in tasks if t.status in ("open", "claimed")],
        "clock": clock_state_on(application.clock) if application.clock is not None else None})


# --- staff --------------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def staff_case(request: HttpRequest, pk: int) -> HttpResponse:
    access_workbench(user=request.user)
    application = selectors.access_application(user=request.user, pk=pk)
    context = _case_context(application)
    handler = selectors.is_handler_of(request.user, application)
    open_notice = next((n for n in context["notices"] if n.is_open), None)
    if open_notice is not None and application.submitted_by_id == request.user.pk:
        # The clerk who took the case in receives the visitor's supplement at the counter.
        wanted = {i["code"] for i in open_notice.items if i["code"]}
        context["answer_materials"] = MaterialsForm(requirements=context["requirements"], only=wanted)
        context["answer_form"] = SupplementAnswerForm()
    context.update({
        "open_notice": open_notice,
        "is_handler": handler,
        "applicant_masked": services.applicant_masked(application),
        "supplement_form": SupplementRequestForm() if handler and application.is_open else None,
        "decide_form": DecideForm() if application.version.on_the_spot and application.is_open else None,
        "history": AuditRecord.objects.filter(object_type="intake.application", object_id=str(application.pk))
        .order_by("seq"),
    })
    return render(request, "intake/staff_case.html", context)


@login_required
@require_POST
def staff_supplement_request(request: HttpRequest, pk: int) -> HttpResponse:
    access_workbench(user=request.user)
    application = selectors.access_application(user=request.user, pk=pk)
    items = [{"code": code, "reason": request.POST.get(f"reason__{code}", "")}
             for code in request.POST.getlist("missing")]
    if request.POST.get("correction", "").strip():
        items.append({"code": "", "reason": request.POST["correction"]})
    try:
        services.supplement_request(application=application, items=items, note=request.POST.get("note", ""),
                                    by=request.user)
    except ValidationFailed as exc:
        messages.error(request, "; ".join([str(exc.message), *[m for ms in exc.field_errors.values() for m in ms]]))
    else:
        messages.success(request, _("The notice was sent and the case clock is paused."))
    return redirect("intake:staff_case", pk=pk)


@login_required
@require_POST
def staff_supplement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk who took a case in hands in the visitor's supplement (补正) at the counter."""
    access_workbench(user=request.user)
    application = selectors.access_application(user=request.user, pk=pk)
    notice = application.supplement_requests.filter(answered_at__isnull=True).first()
    wanted = {i["code"] for i in notice.items if i["code"]} if notice else set()
    materials = MaterialsForm(request.POST, request.FILES, requirements=materials_of(version=application.version),
                              only=wanted)
    materials.is_valid()
    try:
        services.supplement_submit(application=application, files=materials.uploads(),
                                   note=request.POST.get("note", ""), by=request.user)
    except ValidationFailed as exc:
        messages.error(request, "; ".join([str(exc.message), *[m for ms in exc.field_errors.values() for m in ms]]))
    else:
        messages.success(request, _("The supplement was received and the case continues."))
    return redirect("intake:staff_case", pk=pk)


@login_required
@require_POST
def staff_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access_workbench(user=request.user)
    application = selectors.access_application(user=request.user, pk=pk)
    try:
        services.application_decide_on_spot(application=application, outcome=request.POST.get("outcome", ""),
                                             opinion=request.POST.get("opinion", ""), by=request.user)
    except ValidationFailed as exc:
        messages.error(request, "; ".join([str(exc.message), *[m for ms in exc.field_errors.values() for m in ms]]))
    else:
        messages.success(request, _("The case was decided."))
    return redirect("intake:staff_case", pk=pk)


@login_required
def staff_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    access_workbench(user=request.user)
    return _receipt(request, selectors.access_application(user=request.user, pk=pk))


@login_required
def taken_in(request: HttpRequest) -> HttpResponse:
    access_workbench(user=request.user)
    return render(request, "intake/taken_in.html",
                  {"applications": selectors.applications_taken_in_by(user=request.user)[:200]})


@login_required
def material(request: HttpRequest, pk: int) -> FileResponse:
    """Open one uploaded material: whoever may see the case; each opening by someone else is audited."""
    item = Material.objects.select_related("application").filter(pk=pk).first()
    if item is None:
        raise Http404(str(pk))
    application = selectors.access_application(user=request.user, pk=item.application_id)
    if not selectors.is_applicant_side(request.user, application):
        audit_record(action="intake.material.download", actor=request.user, obj=application,
                     details={"material": item.pk, "requirement": item.requirement_code})
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    extension = item.file.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{item.requirement_code}-{item.pk}.{extension}"'
    return response
