"""The JSON API: one NinjaAPI at /api/, versioned paths (/api/v1/…), one error shape everywhere.

Error shape: ``{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from yiwang.catalog.api import router as catalog_router
from yiwang.core.api import router as core_router
from yiwang.core.errors import ServiceError
from yiwang.events.api import router as events_router
from yiwang.exchange.api import router as exchange_router
from yiwang.identity.api import router as identity_router
from yiwang.intake.api import router as intake_router
from yiwang.notifications.api import router as notifications_router
from yiwang.registries.api import router as registries_router
from yiwang.sharing.api import router as sharing_router
from yiwang.supervision.api import router as supervision_router
from yiwang.workflow.api import router as workflow_router

api = NinjaAPI(
    title="yiwang API",
    version="1",
    description="yiwang (一网) e-government platform. Paths are versioned: /api/v1/…",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, str(exc.message), exc.field_errors)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "")))
    return error_response(request, 422, "validation_error", _("The request is not valid."), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Log in first."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "permission_denied", _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


api.add_router("/v1/", core_router)
api.add_router("/v1/", identity_router)
api.add_router("/v1/", events_router)
api.add_router("/v1/", notifications_router)
api.add_router("/v1/", catalog_router)
api.add_router("/v1/", workflow_router)
api.add_router("/v1/", intake_router)
api.add_router("/v1/", exchange_router)
api.add_router("/v1/", registries_router)
api.add_router("/v1/", sharing_router)
api.add_router("/v1/", supervision_router)
