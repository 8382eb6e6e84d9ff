"""The fields of each registry: what a department can be granted, what a change may touch, which are
encrypted, and how a value is shown to machines (JSON) and people (labels)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Address, LegalPerson, Person, Registry
from .reference import Industry, LegalPersonKind, LegalPersonStatus, Sex, area_name


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str | Promise
    updatable: bool = True
    encrypted: bool = False
    columns: tuple[str, ...] = ()  # model columns the value is read from (default: the field itself)
    choices: type[models.TextChoices] | None = None

    @property
    def needs(self) -> tuple[str, ...]:
        return self.columns or (self.name,)


@dataclass(frozen=True)
class RegistrySpec:
    registry: str
    model: type[models.Model]
    key: str  # the field a lookup is made by; always readable by whoever knows it
    fields: dict[str, FieldSpec]

    @property
    def readable(self) -> list[str]:
        return list(self.fields)

    @property
    def updatable(self) -> list[str]:
        return [name for name, spec in self.fields.items() if spec.updatable]


def _specs(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {s.name: s for s in specs}


_COMMON = (
    FieldSpec("source", _("source department"), updatable=False, columns=("source",)),
    FieldSpec("version", _("version"), updatable=False),
    FieldSpec("updated_at", _("updated at"), updatable=False),
)

PERSON = RegistrySpec(Registry.PERSON, Person, "id_number", _specs(
    FieldSpec("id_number", _("resident identity number"), updatable=False, encrypted=True),
    FieldSpec("name", _("name"), encrypted=True),
    FieldSpec("sex", _("sex"), updatable=False, choices=Sex),
    FieldSpec("birth_date", _("birth date"), updatable=False),
    FieldSpec("household_code", _("household number (户号)")),
    FieldSpec("household_address", _("household registration address (户籍地址)"), encrypted=True),
    FieldSpec("actual_address", _("actual address (实际居住地址)"), encrypted=True),
    FieldSpec("area_code", _("street or town code")),
    FieldSpec("area_name", _("street or town"), updatable=False, columns=("area_code",)),
    *_COMMON,
))

LEGAL_PERSON = RegistrySpec(Registry.LEGAL_PERSON, LegalPerson, "credit_code", _specs(
    FieldSpec("credit_code", _("unified social credit code"), updatable=False),
    FieldSpec("name", _("name")),
    FieldSpec("kind", _("type"), choices=LegalPersonKind),
    FieldSpec("legal_representative", _("legal representative")),
    FieldSpec("registered_address", _("registered address")),
    FieldSpec("status", _("status"), choices=LegalPersonStatus),
    FieldSpec("industry", _("industry (GB/T 4754)"), choices=Industry),
    FieldSpec("established_on", _("established on")),
    FieldSpec("area_code", _("street or town code")),
    FieldSpec("area_name", _("street or town"), updatable=False, columns=("area_code",)),
    *_COMMON,
))

ADDRESS = RegistrySpec(Registry.ADDRESS, Address, "id", _specs(
    FieldSpec("id", _("address number"), updatable=False),
    FieldSpec("text", _("address")),
    FieldSpec("area_code", _("street or town code")),
    FieldSpec("area_name", _("street or town"), updatable=False, columns=("area_code",)),
    FieldSpec("lon", _("longitude")),
    FieldSpec("lat", _("latitude")),
    FieldSpec("grid_cell", _("unit grid cell")),
    *_COMMON,
))

SPECS: dict[str, RegistrySpec] = {s.registry: s for s in (PERSON, LEGAL_PERSON, ADDRESS)}


def spec_of(registry: str) -> RegistrySpec:
    return SPECS[registry]


def jsonable(value: Any) -> Any:
    """A field value as JSON: dates in ISO 8601, decimals as strings, choices as their codes."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def read_value(record: models.Model, spec: FieldSpec) -> Any:
    """The JSON value of ``spec`` on ``record`` (only the columns ``spec.needs`` must be loaded)."""
    if spec.name == "area_name":
        return area_name(record.area_code)  # type: ignore[attr-defined]
    if spec.name == "source":
        return record.source.code  # type: ignore[attr-defined]
    return jsonable(getattr(record, spec.name))


def display_value(spec: FieldSpec, value: Any) -> str:
    """A JSON value as people read it (choice labels instead of codes)."""
    if value is None or value == "":
        return "—"
    if spec.choices is not None:
        try:
            return str(spec.choices(value).label)
        except ValueError:
            return str(value)
    return str(value)
