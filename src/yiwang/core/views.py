from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yiwang.identity.public import access_calendar_admin

from . import calendar, services
from .errors import ValidationFailed
from .forms import CalendarImportForm, DeadlineForm


def healthz(request: HttpRequest) -> HttpResponse:
    """Load-balancer health check: the process runs and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Unknown API paths answer in the API's one error shape, not with an HTML page.
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
    return render(request, "core/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)


# --- the official calendar (platform administrators) -------------------------------------------------

def _calendar_page(request: HttpRequest, import_form: CalendarImportForm | None = None, *,
                   status: int = 200) -> HttpResponse:
    years = list(calendar.calendar_years())
    known = [y.year for y in years]
    today = timezone.localdate()
    last_known = max(known) if known else None
    if import_form is None:
        import_form = CalendarImportForm(initial={"year": (last_known or today.year) + 1})
    try:
        shown = int(request.GET.get("year", ""))
    except ValueError:
        shown = 0
    if not services.MIN_YEAR <= shown <= services.MAX_YEAR:
        shown = last_known or today.year
    deadline_form = DeadlineForm(request.GET if "start" in request.GET else None)
    deadline = None
    if deadline_form.is_bound and deadline_form.is_valid():
        deadline = calendar.add_working_days(deadline_form.cleaned_data["start"], deadline_form.cleaned_data["days"])
    return render(request, "core/calendar.html", {
        "years": years,
        "shown_year": shown,
        "shown_known": shown in known,
        "days": calendar.calendar_days(shown),
        "import_form": import_form,
        "deadline_form": deadline_form,
        "deadline": deadline,
        "last_known_year": last_known,
        # The next year's schedule appears in the autumn; until it is loaded, say so on the page.
        "next_year_missing": today.year + 1 if (last_known or 0) < today.year + 1 else None,
    }, status=status)


@login_required
@require_GET
def calendar_admin(request: HttpRequest) -> HttpResponse:
    """Known years, the days of one year, the import form and a deadline calculator."""
    access_calendar_admin(user=request.user)
    return _calendar_page(request)


@login_required
@require_POST
def calendar_import(request: HttpRequest) -> HttpResponse:
    access_calendar_admin(user=request.user)
    form = CalendarImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = services.calendar_year_import(
                year=form.cleaned_data["year"], data=upload.read(), filename=upload.name,
                source=form.cleaned_data["source"], replace=form.cleaned_data["replace"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The calendar for %(year)s is loaded.") % {"year": loaded.year})
            return redirect(f"{reverse('core:calendar')}?year={loaded.year}")
    return _calendar_page(request, form, status=400)
