"""Staff pages of the base registries: look up a record by number, read its version history.

Numbers are sent by POST, never in a URL, so they stay out of access logs and browser history.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yiwang.core.public import NotFound, ValidationFailed

from . import selectors
from .catalogue import LEGAL_PERSON, PERSON, RegistrySpec, display_value
from .forms import LegalPersonLookupForm, PersonLookupForm
from .models import Registry


def _show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _rows(spec: RegistrySpec, result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(spec.fields[name].label), display_value(spec.fields[name], value)) for name, value in result.items()]


@login_required
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    organisation = selectors.access_registry_department(user=request.user)
    granted = {registry: selectors.granted_fields(organisation=organisation, registry=registry)
               for registry in (Registry.PERSON, Registry.LEGAL_PERSON)}
    which = request.POST.get("registry") if request.method == "POST" else None
    person_form = PersonLookupForm(request.POST if which == Registry.PERSON else None, spec=PERSON,
                                   granted=granted[Registry.PERSON], prefix="person")
    legal_form = LegalPersonLookupForm(request.POST if which == Registry.LEGAL_PERSON else None, spec=LEGAL_PERSON,
                                       granted=granted[Registry.LEGAL_PERSON], prefix="legal")
    context: dict[str, Any] = {"organisation": organisation, "person_form": person_form, "legal_form": legal_form,
                               "person_granted": person_form.granted_choices,
                               "legal_granted": legal_form.granted_choices}
    if which == Registry.PERSON and person_form.is_valid():
        try:
            result = selectors.access_person(user=request.user, id_number=person_form.cleaned_data["id_number"],
                                             fields=person_form.requested())
        except ValidationFailed as exc:
            _show_errors(person_form, exc)
        except NotFound:
            person_form.add_error("id_number", _("Nobody with this identity number is in the registry."))
        else:
            context["result"] = _rows(PERSON, result)
            context["result_title"] = _("Resident")
            context["history_url_pk"] = selectors.person_pk(id_number=person_form.cleaned_data["id_number"])
    elif which == Registry.LEGAL_PERSON and legal_form.is_valid():
        try:
            result = selectors.access_legal_person(user=request.user,
                                                   credit_code=legal_form.cleaned_data["credit_code"],
                                                   fields=legal_form.requested())
        except ValidationFailed as exc:
            _show_errors(legal_form, exc)
        except NotFound:
            legal_form.add_error("credit_code", _("No legal person with this credit code is in the registry."))
        else:
            context["result"] = _rows(LEGAL_PERSON, result)
            context["result_title"] = _("Legal person")
            context["history_credit_code"] = legal_form.cleaned_data["credit_code"].strip().upper()
    bad = person_form.is_bound and bool(person_form.errors) or legal_form.is_bound and bool(legal_form.errors)
    return render(request, "registries/lookup.html", context, status=400 if bad else 200)


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person, versions = selectors.access_person_history(user=request.user, pk=pk)
    return render(request, "registries/history.html",
                  {"title": _("Version history of resident record #%(pk)s") % {"pk": person.pk},
                   "versions": versions})


@login_required
def legal_person_history(request: HttpRequest, credit_code: str) -> HttpResponse:
    legal_person, versions = selectors.access_legal_person_history(user=request.user, credit_code=credit_code)
    return render(request, "registries/history.html",
                  {"title": _("Version history of legal person %(code)s") % {"code": legal_person.credit_code},
                   "versions": versions})
