"""Errors that services raise and both pages and the API turn into a clear message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


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


class FieldErrors:
    """Collects field errors so the caller hears about every problem at once, then raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def check(self, field: str, fn, value):  # type: ignore[no-untyped-def]
        """``fn(value)``, or None with its Django ``ValidationError`` messages added under ``field``."""
        try:
            return fn(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(field, message)
            return None

    def merge(self, other: dict[str, list[str]], prefix: str = "") -> None:
        for name, messages in other.items():
            for message in messages:
                self.add(f"{prefix}{name}", message)

    def raise_if_any(self, message: str | Promise | None = None, *, code: str | None = None) -> None:
        if self.fields:
            raise ValidationFailed(message or _("Please correct the errors below."), code=code,
                                   field_errors=self.fields)
