"""Pages of citizen accounts: SMS-confirmed registration, password reset by SMS, enterprise agents,
whom the user acts for, and ending a session. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yiwang.core.public import ValidationFailed, mask

from . import selectors, selectors_accounts, services_accounts
from .forms_accounts import (
    AgentDecisionForm,
    AgentRequestForm,
    PasswordResetCompleteForm,
    PasswordResetRequestForm,
    PhoneForm,
    PhoneRegistrationForm,
)
from .models import AccountKind, PhonePurpose
from .phone_codes import sms_code_send

REGISTER_PHONE_KEY = "yiwang_register_phone"
PASSWORD_RESET_KEY = "yiwang_password_reset"  # noqa: S105 (a session key name, not a password)


def client_ip(request: HttpRequest) -> str | None:
    from axes.helpers import get_client_ip_address  # the resolver the audit middleware and lockout use

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR")


def show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Put a service's field errors next to the fields they concern."""
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200


# --- registration -----------------------------------------------------------------------------------------

def _send_register_code(request: HttpRequest, phone: str) -> None:
    verification = sms_code_send(phone=phone, purpose=PhonePurpose.REGISTER)
    request.session[REGISTER_PHONE_KEY] = verification.phone
    messages.success(request, _("We sent a 6-digit code to %(phone)s. It is valid for 5 minutes.")
                     % {"phone": mask(verification.phone, keep_start=3, keep_end=4)})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step one: the mobile number, to which a code is sent. Step two: the code and who the person is."""
    phone = request.session.get(REGISTER_PHONE_KEY, "")
    step = request.POST.get("step", "details") if request.method == "POST" else ("details" if phone else "phone")
    if step == "restart":  # use another number
        request.session.pop(REGISTER_PHONE_KEY, None)
        return redirect("identity:register")
    if step == "resend" and phone:
        try:
            _send_register_code(request, phone)
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
        return redirect("identity:register")
    if step in {"phone", "resend"}:
        phone_form = PhoneForm(request.POST if request.method == "POST" and step == "phone" else None)
        if phone_form.is_valid():
            try:
                _send_register_code(request, phone_form.cleaned_data["phone"])
            except ValidationFailed as exc:
                show_errors(phone_form, exc)
            else:
                return redirect("identity:register")
        return render(request, "identity/register_phone.html", {"form": phone_form}, status=_status(phone_form))
    form = PhoneRegistrationForm(request.POST if request.method == "POST" else None, initial={"phone": phone})
    # Phone and code may be missing; the service explains every missing or wrong field at once.
    form.fields["phone"].required = form.fields["code"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            user = services_accounts.citizen_register_with_phone(
                **{**form.cleaned_data, "phone": form.cleaned_data["phone"] or phone})
        except ValidationFailed as exc:
            show_errors(form, exc)
        else:
            request.session.pop(REGISTER_PHONE_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("portal:me")
    return render(request, "identity/register.html",
                  {"form": form, "phone_masked": mask(phone, keep_start=3, keep_end=4)}, status=_status(form))


# --- password reset ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_accounts.password_reset_request(**form.cleaned_data, client_ip=client_ip(request))
        except ValidationFailed as exc:
            show_errors(form, exc)
        else:
            request.session[PASSWORD_RESET_KEY] = form.cleaned_data
            messages.info(request, _("If the user name or identity number and the mobile number belong to one "
                                     "account, we have sent a code to that number."))
            return redirect("identity:password_reset_code")
    return render(request, "identity/password_reset.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    pending: dict[str, str] | None = request.session.get(PASSWORD_RESET_KEY)
    if not pending:
        return redirect("identity:password_reset")
    form = PasswordResetCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_accounts.password_reset_complete(**pending, **form.cleaned_data)
        except ValidationFailed as exc:
            show_errors(form, exc)
        else:
            request.session.pop(PASSWORD_RESET_KEY, None)
            messages.success(request, _("Your password has been changed. Log in with the new one."))
            return redirect("identity:login")
    return render(request, "identity/password_reset_code.html",
                  {"form": form, "phone_masked": mask(pending.get("phone", ""), keep_start=3, keep_end=4)},
                  status=_status(form))


# --- enterprise agents ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def enterprise_agents(request: HttpRequest) -> HttpResponse:
    """A citizen asks to act for an enterprise; whoever may decide confirms or refuses its agents."""
    user: Any = request.user
    form = AgentRequestForm(request.POST or None) if user.kind == AccountKind.CITIZEN else None
    if request.method == "POST":
        if form is None:
            raise selectors.deny(user, "identity.enterprise_agent_request")
        if form.is_valid():
            try:
                agent = services_accounts.enterprise_agent_request(user=user, **form.cleaned_data)
            except ValidationFailed as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Your request to act for %(name)s waits for its legal representative "
                                            "or the enterprise to confirm it.") % {"name": agent.enterprise.name})
                return redirect("identity:enterprise_agents")
    context = {
        "form": form,
        "agencies": selectors_accounts.agencies_of(user=user),
        "decidable": selectors_accounts.agents_decidable_by(user=user),
        "decision_form": AgentDecisionForm(),
    }
    return render(request, "identity/enterprise_agents.html", context,
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def enterprise_agent_decide(request: HttpRequest, pk: int) -> HttpResponse:
    agent = selectors_accounts.access_enterprise_agent(user=request.user, pk=pk)
    form = AgentDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or to refuse."))
        return redirect("identity:enterprise_agents")
    try:
        if form.cleaned_data["decision"] == "confirm":
            services_accounts.enterprise_agent_confirm(agent=agent, by=request.user)
            messages.success(request, _("%(agent)s may now act for %(name)s.")
                             % {"agent": agent.user, "name": agent.enterprise.name})
        else:
            services_accounts.enterprise_agent_refuse(agent=agent, by=request.user,
                                                      reason=form.cleaned_data["reason"])
            messages.success(request, _("%(agent)s may not act for %(name)s.")
                             % {"agent": agent.user, "name": agent.enterprise.name})
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    return redirect("identity:enterprise_agents")


# --- acting for -------------------------------------------------------------------------------------------

@login_required
@require_POST
def acting_switch(request: HttpRequest) -> HttpResponse:
    """The header's "acting for" choice: myself, or one of the enterprises I am a confirmed agent of."""
    raw = request.POST.get("enterprise", "")
    try:
        enterprise_id = int(raw) if raw else None
    except ValueError as exc:
        raise PermissionDenied("acting") from exc
    enterprise = services_accounts.acting_enterprise_choose(user=request.user, session=request.session,
                                                            enterprise_id=enterprise_id)
    if enterprise is None:
        messages.info(request, _("You now act for yourself."))
    else:
        messages.info(request, _("You now act for %(name)s.") % {"name": enterprise.name})
    return redirect(_next_url(request, reverse("portal:me")))


# --- sessions ---------------------------------------------------------------------------------------------

@login_required
@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    user = selectors.access_own_account(user=request.user)
    try:
        services_accounts.user_session_end(user=user, ref=request.POST.get("session", ""),
                                           current_session_key=request.session.session_key)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("That session has been ended; whoever used it must log in again."))
    return redirect(_next_url(request, reverse("portal:me")))
