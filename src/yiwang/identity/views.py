from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yiwang.core.public import ValidationFailed

from . import selectors, services
from .forms import EnterpriseRegistrationForm, LoginForm


class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _show_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Put a service's field errors next to the fields they concern."""
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_register(request: HttpRequest) -> HttpResponse:
    """A citizen registers an enterprise and becomes its first authorised agent."""
    citizen = selectors.access_citizen_account(user=request.user)
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(registered_by=citizen, **form.cleaned_data)
        except ValidationFailed as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is registered; you act for it as its agent.")
                             % {"name": enterprise.name})
            return redirect("portal:me")
    return render(request, "identity/enterprise_register.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def workbench_home(request: HttpRequest) -> HttpResponse:
    roles = selectors.access_workbench(user=request.user)
    from .models import Organisation, Role

    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in={org for _, org in roles})}
    rows = sorted(((Role(role).label, orgs[org]) for role, org in roles), key=lambda r: (r[1].code, str(r[0])))
    return render(request, "identity/workbench_home.html", {"roles": rows})


@login_required
def organisation_tree(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.access_organisation_tree(user=request.user))
    children: dict[int | None, list] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)

    def walk(parent_id: int | None, depth: int) -> list[tuple[int, object]]:
        out: list[tuple[int, object]] = []
        for org in children.get(parent_id, []):
            out.append((depth, org))
            out.extend(walk(org.pk, depth + 1))
        return out

    return render(request, "identity/organisation_tree.html", {"rows": walk(None, 0)})


@login_required
def organisation_staff(request: HttpRequest, pk: int) -> HttpResponse:
    org, grants = selectors.access_organisation_staff(user=request.user, pk=pk)
    return render(request, "identity/organisation_staff.html", {"org": org, "grants": grants})
