"""The window clerk's page: find the visitor by the number on their identity card, check the card, raise
their assurance level to "verified in person" (SPEC §3.1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yiwang.core.public import ValidationFailed

from . import selectors, selectors_accounts, services_accounts
from .forms_accounts import CounterLookupForm, CounterVerifyForm
from .models import AssuranceLevel, AssuranceMethod
from .views_account import show_errors


@login_required
@require_http_methods(["GET", "POST"])
def counter_verify(request: HttpRequest) -> HttpResponse:
    selectors.access_counter_verification(user=request.user)
    clerk: Any = request.user
    action = request.POST.get("action", "lookup")
    visitor = None
    lookup = CounterLookupForm(request.POST if request.method == "POST" else None)
    verify = CounterVerifyForm(request.POST) if action == "verify" else None
    form = verify or lookup
    if request.method == "POST" and lookup.is_valid():
        try:
            visitor = selectors_accounts.counter_visitor_lookup(user=request.user,
                                                                 id_number=lookup.cleaned_data["id_number"])
        except ValidationFailed as exc:
            show_errors(form, exc)
        else:
            if visitor is None:
                form.add_error("id_number", _("Nobody has registered with this identity number yet."))
    if visitor is not None and verify is not None and verify.is_valid():
        try:
            services_accounts.assurance_raise(user=visitor, level=AssuranceLevel.IN_PERSON,
                                              method=AssuranceMethod.COUNTER_CHECK, by=clerk,
                                              note=verify.cleaned_data["note"])
        except ValidationFailed as exc:
            show_errors(verify, exc)
        else:
            messages.success(request, _("%(name)s is now verified in person.") % {"name": visitor})
            return redirect("workbench:counter_verify")
    context = {
        "form": form,
        "visitor": visitor,
        "history": selectors_accounts.assurance_history_of(user=visitor)[:5] if visitor else [],
        "verify_form": verify or (CounterVerifyForm(initial={"id_number": lookup.cleaned_data["id_number"]})
                                  if visitor is not None else None),
    }
    return render(request, "identity/counter_verify.html", context, status=400 if form.errors else 200)
