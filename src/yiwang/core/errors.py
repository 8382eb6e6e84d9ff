"""Errors that services raise and both pages and the API turn into a clear message."""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    """A rule of the domain was broken. ``code`` is stable for machines, ``message`` is for people."""

    code = "invalid"
    status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None,
                 field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field_errors = field_errors or {}


class ValidationFailed(ServiceError):
    code = "validation_error"
    status = 422


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class PermissionDeniedError(ServiceError):
    code = "permission_denied"
    status = 403
