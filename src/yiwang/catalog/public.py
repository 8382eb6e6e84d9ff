"""Catalog's public surface: the only module other apps import from ``yiwang.catalog``."""

from __future__ import annotations

from typing import Any

from django import forms

from . import formschema
from .models import (
    ApplicantKind,
    LifeEvent,
    MaterialForm,
    MaterialMedium,
    MaterialRequirement,
    Matter,
    MatterType,
    MatterVersion,
    VersionStatus,
)
from .selectors import access_catalog_admin, materials_of, matter_version_for_application


def application_form(*, version: MatterVersion, data: Any = None, prefix: str | None = None) -> forms.Form:
    """A Django form built from the version's form definition (labels in the active language, help,
    required, choices, lengths, dates). Its ``cleaned_data`` is the JSON ``form_data_validate`` accepts.
    ``prefix`` keeps its field names apart from another form's on the same page."""
    return formschema.form_class(version.form_schema, version.form_order)(data=data, prefix=prefix)


def form_data_validate(*, version: MatterVersion, data: dict) -> dict:
    """Check application form data on the server: the version's JSON Schema plus the rules the rendered
    form enforces. Returns the cleaned data or raises ``ValidationFailed(field_errors={field: [msg]})``."""
    return formschema.data_validate(version.form_schema, data)


def form_schema_of(*, version: MatterVersion) -> dict:
    """The version's form definition with its fields in the order the administrator gave them."""
    return formschema.ordered_schema(version.form_schema, version.form_order)


__all__ = [
    "ApplicantKind", "LifeEvent", "MaterialForm", "MaterialMedium", "MaterialRequirement", "Matter", "MatterType",
    "MatterVersion", "VersionStatus", "access_catalog_admin", "application_form", "form_data_validate",
    "form_schema_of", "materials_of", "matter_version_for_application",
]
