"""Pages of the second factor: set up an authenticator, verify a login, make new recovery codes.

After the password, ``StaffSecondFactorMiddleware`` sends staff (and anyone who enrolled) here. Wrong
codes count towards the django-axes lockout of the account and the address, like wrong passwords;
when it locks, the half-logged-in session ends and the lockout page answers (429).
"""

from __future__ import annotations

from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from yiwang.audit.public import AuditResult, audit_record
from yiwang.core.public import ValidationFailed

from . import otp


class SetupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Six-digit code from your authenticator app"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from your authenticator app, or a recovery code"), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}))


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _show(form: forms.Form, exc: ValidationFailed) -> None:
    for error in exc.field_errors.get("code", []) or [str(exc.message)]:
        form.add_error("code", error)


def _second_factor_done(request: HttpRequest, device: Any) -> None:
    # A new session key once the login is complete: a key planted before it is worth nothing.
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: QR code and typed secret, confirmed with a current code."""
    user: Any = request.user
    next_url = _next_url(request)
    if otp.totp_device_of(user) is not None and not user.is_verified():
        # Replacing an authenticator needs the current one (or a recovery code) first; otherwise the
        # password alone would be enough to take over the second factor.
        return redirect(_with_next(reverse("identity:otp_verify"), request.get_full_path()))
    device = otp.totp_enrolment_start(user=user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = otp.totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            _show(form, exc)
        else:
            _second_factor_done(request, device)
            return render(request, "identity/otp_recovery_codes.html",
                          {"codes": codes, "next": next_url, "enrolled": True})
    secret = otp.base32_secret(device)
    return render(request, "identity/otp_setup.html", {
        "form": form, "next": next_url, "qr_svg": otp.qr_code_svg(device),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "replacing": otp.totp_device_of(user) is not None,
    }, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator, or one of the recovery codes."""
    user: Any = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if otp.totp_device_of(user) is None:
        if otp.second_factor_required(user):
            return redirect(_with_next(reverse("identity:otp_setup"), next_url))
        return redirect(next_url)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            audit_record(action="identity.otp.verify_failed", actor=user, result=AuditResult.DENIED,
                         details={"reason": "locked"})
            return _lock_out(request, credentials)
        try:
            verified = otp.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except otp.SecondFactorRefused as exc:
            if exc.reason == "wrong":
                AxesProxyHandler.user_login_failed(sender=otp_verify, credentials=credentials, request=request)
                if getattr(request, "axes_locked_out", False):
                    return _lock_out(request, credentials)
            _show(form, exc)
        else:
            _second_factor_done(request, verified.device)
            if verified.recovery_code:
                messages.warning(request, _(
                    "You used a recovery code; %(left)d are left. Make new ones if you are running out, and "
                    "set up your authenticator again if you lost it.") % {"left": verified.recovery_codes_left})
            return redirect(next_url)
    return render(request, "identity/otp_verify.html", {"form": form, "next": next_url},
                  status=400 if form.errors else 200)


def _lock_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    # The password step is undone too; AxesMiddleware turns this response into the lockout page.
    logout(request)
    request.axes_locked_out = True  # type: ignore[attr-defined]
    request.axes_credentials = credentials  # type: ignore[attr-defined]
    return HttpResponse(status=429)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a POST replaces them all with ten new ones, shown once."""
    user: Any = request.user
    if otp.totp_device_of(user) is None or not user.is_verified():
        return redirect(_with_next(reverse("identity:otp_setup"), request.get_full_path()))
    if request.method == "POST":
        codes = otp.recovery_codes_regenerate(user=user)
        return render(request, "identity/otp_recovery_codes.html",
                      {"codes": codes, "next": resolve_url(settings.LOGIN_REDIRECT_URL), "enrolled": False})
    return render(request, "identity/otp_recovery_codes.html", {"left": otp.recovery_codes_left(user)})
