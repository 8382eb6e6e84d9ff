"""Pages of the catalogue: the public catalogue and guides (no login), and the administration pages
under /workbench/catalog/ (platform administrators)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yiwang.core.public import NotFound, ValidationFailed

from . import formschema, selectors, services
from .forms import (
    GuideForm,
    LifeEventForm,
    MaterialFormSet,
    MatterCreateForm,
    ProcessUploadForm,
    material_initial,
)
from .models import LifeEvent, MatterVersion

PAGE_SIZE = 20


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    return wrapper


def _errors_onto(form: forms.Form, exc: ValidationFailed) -> None:
    """Put a service's field errors on the form's fields (or on the form when it has no such field)."""
    form.add_error(None, str(exc.message))
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None,
                           error if field in form.fields else f"{field}: {error}")


# --- public catalogue --------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every published matter, by life event, by department and by search."""
    q = request.GET.get("q", "").strip()[:100]
    event = request.GET.get("event", "").strip()[:40]
    department = request.GET.get("department", "").strip()[:32]
    versions = selectors.published_versions(q=q, life_event=event, department=department)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/catalogue.html", {
        "page": page, "q": q, "event": event, "department": department,
        "life_events": selectors.life_events_in_use(), "departments": selectors.departments_in_use(),
    })


@require_GET
@_not_found_as_404
def guide(request: HttpRequest, code: str) -> HttpResponse:
    """The service guide (办事指南) of one matter, every element, and the way to apply."""
    found = selectors.matter_guide(code=code)
    return render(request, "catalog/guide.html", {
        "matter": found.matter, "version": found.version, "open": found.open,
        "materials": selectors.materials_of(version=found.version),
        "form_fields": _form_fields(found.version),
    })


def _form_fields(version: MatterVersion) -> list[dict[str, Any]]:
    """What the application form asks, for the guide page."""
    schema = formschema.ordered_schema(version.form_schema, version.form_order)
    form = formschema.form_class(version.form_schema, version.form_order)()
    required = set(schema.get("required", []))
    return [{"label": form.fields[name].label, "required": name in required, "help": form.fields[name].help_text}
            for name in schema.get("properties", {})]


# --- administration ----------------------------------------------------------------------------------


@login_required
@require_GET
def admin_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.admin_matters(user=request.user)
    return render(request, "catalog/admin_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def admin_matter_new(request: HttpRequest) -> HttpResponse:
    selectors.access_catalog_admin(user=request.user)
    form = MatterCreateForm(request.POST or None,
                            initial={"apply_online": True, "required_assurance": 1})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.matter_create(code=form.cleaned_data["code"], guide=form.guide(),
                                             by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Matter %(code)s created as a draft.") % {"code": version.matter.code})
            return redirect("catalog:admin_version", pk=version.pk)
    return render(request, "catalog/admin_guide_form.html", {"form": form, "version": None},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
@_not_found_as_404
def admin_matter(request: HttpRequest, code: str) -> HttpResponse:
    matter = selectors.access_admin_matter(user=request.user, code=code)
    versions = matter.versions.select_related("published_by", "created_by", "process").order_by("-number")
    return render(request, "catalog/admin_matter.html", {
        "matter": matter, "versions": versions,
        "has_draft": any(v.is_draft for v in versions),
    })


@login_required
@require_POST
@_not_found_as_404
def admin_draft_new(request: HttpRequest, code: str) -> HttpResponse:
    matter = selectors.access_admin_matter(user=request.user, code=code)
    try:
        draft = services.matter_version_draft_create(matter=matter, by=request.user)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("catalog:admin_matter", code=matter.code)
    messages.success(request, _("Version %(number)s started as a draft.") % {"number": draft.number})
    return redirect("catalog:admin_version", pk=draft.pk)


@login_required
@require_GET
@_not_found_as_404
def admin_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    return _version_page(request, version)


def _version_page(request: HttpRequest, version: MatterVersion, *, upload: ProcessUploadForm | None = None,
                  status: int = 200) -> HttpResponse:
    return render(request, "catalog/admin_version.html", {
        "version": version, "matter": version.matter, "materials": selectors.materials_of(version=version),
        "form_fields": _form_fields(version),
        "preview": formschema.form_class(version.form_schema, version.form_order)(),
        "problems": services.publish_problems(version) if version.is_draft else {},
        "upload": upload or ProcessUploadForm(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@_not_found_as_404
def admin_guide_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    if not version.is_draft:
        messages.error(request, _("A published or retired version is never changed; start a new draft."))
        return redirect("catalog:admin_version", pk=version.pk)
    schema = formschema.ordered_schema(version.form_schema, version.form_order)
    form = GuideForm(request.POST or None, initial=GuideForm.initial_of(version, schema))
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_version_update(version=version, guide=form.guide(), by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("catalog:admin_version", pk=version.pk)
    return render(request, "catalog/admin_guide_form.html", {"form": form, "version": version},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
@_not_found_as_404
def admin_materials_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    if not version.is_draft:
        messages.error(request, _("A published or retired version is never changed; start a new draft."))
        return redirect("catalog:admin_version", pk=version.pk)
    formset = MaterialFormSet(request.POST or None, initial=material_initial(version), prefix="materials")
    error = ""
    if request.method == "POST" and formset.is_valid():
        # Blank extra rows clean to {}; rows ticked for deletion are left out.
        rows = [f.material() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.matter_version_materials_set(version=version, materials=rows, by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            error = "; ".join([str(exc.message)] + [f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items()])
        else:
            messages.success(request, _("The materials list is saved."))
            return redirect("catalog:admin_version", pk=version.pk)
    return render(request, "catalog/admin_materials.html", {"formset": formset, "version": version, "error": error},
                  status=400 if formset.is_bound else 200)


@login_required
@require_POST
@_not_found_as_404
def admin_process_upload(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    upload = ProcessUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            services.matter_version_process_attach(version=version, bpmn=upload.cleaned_data["bpmn"],
                                                   by=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _errors_onto(upload, exc)
        else:
            messages.success(request, _("The process is attached to the draft."))
            return redirect("catalog:admin_version", pk=version.pk)
    version = selectors.access_admin_version(user=request.user, pk=pk)
    return _version_page(request, version, upload=upload, status=400)


@login_required
@require_POST
@_not_found_as_404
def admin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    try:
        services.matter_version_publish(version=version, by=request.user)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return _version_page(request, version, status=400)
    messages.success(request, _("Version %(number)s of %(code)s is published.")
                     % {"number": version.number, "code": version.matter.code})
    return redirect("catalog:admin_version", pk=version.pk)


@login_required
@require_POST
@_not_found_as_404
def admin_retire(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.access_admin_version(user=request.user, pk=pk)
    try:
        services.matter_version_retire(version=version, by=request.user)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return _version_page(request, version, status=400)
    messages.success(request, _("Version %(number)s of %(code)s is retired: the matter accepts no new "
                                "applications.") % {"number": version.number, "code": version.matter.code})
    return redirect("catalog:admin_version", pk=version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def admin_life_events(request: HttpRequest) -> HttpResponse:
    """The life events the public catalogue is browsed by, and a form to add one."""
    selectors.access_catalog_admin(user=request.user)
    form = LifeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.life_event_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Life event %(name)s added.") % {"name": event.name})
            return redirect("catalog:admin_life_events")
    return render(request, "catalog/admin_life_events.html", {
        "form": form, "events": LifeEvent.objects.order_by("sort_order", "code"),
    }, status=400 if form.is_bound else 200)
