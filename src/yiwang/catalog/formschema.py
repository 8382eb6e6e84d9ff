"""Application forms defined as data: a constrained JSON Schema subset (docs/decisions/0014).

A form definition is one flat JSON object schema::

    {"type": "object",
     "properties": {"company_name": {"type": "string", "title": "企业名称", "x-title-en": "Company name",
                                     "maxLength": 100, "description": "与营业执照一致"},
                    "foreign_capital": {"type": "boolean", "title": "是否外资"}},
     "required": ["company_name"]}

Property names are identifiers (``^[a-z][a-z0-9_]*$``) because BPMN gateway conditions read them
(``form["foreign_capital"] == True``). The keywords allowed are exactly those a rendered form can
enforce, so the page and the server check the same rules:

* ``string``: ``maxLength``, ``minLength``, ``pattern``, ``enum`` (with optional ``x-enum-titles``
  and ``x-enum-titles-en``), ``format`` ``date`` or ``email``;
* ``integer`` / ``number``: ``minimum``, ``maximum``;
* ``boolean``.

Every property has a Chinese ``title`` and may have ``x-title-en``, ``description`` (help text) and
``x-description-en``. Anything else is refused when the definition is saved.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from yiwang.core.public import ValidationFailed

MAX_PROPERTIES = 100
PROPERTY_NAME = r"^[a-z][a-z0-9_]{0,62}$"
LONG_TEXT = 200  # strings allowed to be longer than this render as a text area

_TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}
_COMMON = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "x-title-en": {"type": "string", "maxLength": 200},
    "description": {"type": "string", "maxLength": 2000},
    "x-description-en": {"type": "string", "maxLength": 2000},
}
_LENGTH = {"type": "integer", "minimum": 0, "maximum": 100_000}

# The meta-schema of the subset: jsonschema checks a definition against it when an admin saves one.
META_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "properties"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "type": {"const": "object"},
        "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string", "maxLength": 2000},
        "properties": {
            "type": "object",
            "maxProperties": MAX_PROPERTIES,
            "propertyNames": {"pattern": PROPERTY_NAME},
            "additionalProperties": {"$ref": "#/$defs/field"},
        },
        "required": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "additionalProperties": {"const": False},
    },
    "$defs": {
        "field": {
            "type": "object",
            "required": ["type", "title"],
            "oneOf": [
                {
                    "properties": {
                        **_COMMON,
                        "type": {"const": "string"},
                        "maxLength": _LENGTH,
                        "minLength": _LENGTH,
                        "pattern": {"type": "string", "minLength": 1, "maxLength": 500},
                        "format": {"enum": ["date", "email"]},
                        "enum": {"type": "array", "minItems": 1, "uniqueItems": True,
                                 "items": {"type": "string", "minLength": 1, "maxLength": 200}},
                        "x-enum-titles": {"type": "array", "items": _TEXT},
                        "x-enum-titles-en": {"type": "array", "items": _TEXT},
                    },
                    "additionalProperties": False,
                },
                {
                    "properties": {
                        **_COMMON,
                        "type": {"enum": ["integer", "number"]},
                        "minimum": {"type": "number"},
                        "maximum": {"type": "number"},
                    },
                    "additionalProperties": False,
                },
                {
                    "properties": {**_COMMON, "type": {"const": "boolean"}},
                    "additionalProperties": False,
                },
            ],
        },
    },
}

_meta_validator = Draft202012Validator(META_SCHEMA)


def _path(parts: Any) -> str:
    return "/".join(str(p) for p in parts) or "(root)"


def schema_errors(schema: Any) -> list[str]:
    """Every problem of a form definition, in words an administrator can act on; [] when it is valid."""
    if not isinstance(schema, Mapping):
        return [_("The form definition must be a JSON object.")]
    problems: list[str] = []
    for error in sorted(_meta_validator.iter_errors(schema), key=lambda e: list(e.absolute_path)):
        where = _path(error.absolute_path)
        if error.validator == "oneOf" and isinstance(error.instance, Mapping):
            problems.append(_field_shape_problem(where, error.instance))
        elif error.validator == "additionalProperties":
            problems.append(_("%(where)s: keyword not allowed here (%(detail)s).")
                            % {"where": where, "detail": error.message})
        elif error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] != "pattern":
            problems.append(_("%(where)s: field names must start with a lower-case letter and use only a-z, "
                              "0-9 and _ (%(detail)s).") % {"where": where, "detail": error.message})
        else:
            problems.append(f"{where}: {error.message}")
    if problems:
        return problems
    properties = schema["properties"]
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(_("required: \"%(name)s\" is not a field of the form.") % {"name": name})
    for name, field in properties.items():
        where = f"properties/{name}"
        if "pattern" in field:
            try:
                re.compile(field["pattern"])
            except re.error as exc:
                problems.append(_("%(where)s/pattern: not a valid regular expression (%(detail)s).")
                                % {"where": where, "detail": exc})
        for low, high in (("minLength", "maxLength"), ("minimum", "maximum")):
            if low in field and high in field and field[low] > field[high]:
                problems.append(_("%(where)s: %(low)s is greater than %(high)s.")
                                % {"where": where, "low": low, "high": high})
        for titles in ("x-enum-titles", "x-enum-titles-en"):
            if titles in field and len(field[titles]) != len(field.get("enum", [])):
                problems.append(_("%(where)s/%(titles)s: give exactly one title per enum value.")
                                % {"where": where, "titles": titles})
        if "enum" in field and ("format" in field or "pattern" in field):
            problems.append(_("%(where)s: a choice list cannot also have a format or a pattern.") % {"where": where})
    try:
        Draft202012Validator.check_schema(dict(schema))
    except SchemaError as exc:  # pragma: no cover - the meta-schema above is stricter
        problems.append(exc.message)
    return problems


def _field_shape_problem(where: str, field: Mapping[str, Any]) -> str:
    kind = field.get("type")
    allowed = {
        "string": "maxLength, minLength, pattern, format (date, email), enum, x-enum-titles, x-enum-titles-en",
        "integer": "minimum, maximum",
        "number": "minimum, maximum",
        "boolean": "",
    }
    if kind not in allowed:
        return _("%(where)s: type must be one of string, integer, number, boolean.") % {"where": where}
    extra = sorted(set(field) - set(_COMMON) - {"type"} - {k.strip() for k in allowed[str(kind)].split(",")})
    if extra:
        return _("%(where)s: %(keywords)s not allowed for a %(type)s field (allowed: title, x-title-en, "
                 "description, x-description-en%(more)s).") % {
            "where": where, "keywords": ", ".join(extra), "type": kind,
            "more": f", {allowed[str(kind)]}" if allowed[str(kind)] else ""}
    return _("%(where)s: a keyword has a value of the wrong kind (check titles, lengths, minimum and "
             "maximum, format and enum).") % {"where": where}


def schema_validate(schema: Any) -> None:
    """Refuse a malformed form definition with ``ValidationFailed(field_errors={"form_schema": [...]})``."""
    problems = schema_errors(schema)
    if problems:
        raise ValidationFailed(_("The application form definition is not valid."),
                               field_errors={"form_schema": problems})


def ordered_schema(schema: Mapping[str, Any], order: list[str]) -> dict[str, Any]:
    """The schema with its properties in the order the administrator wrote them."""
    if not schema:
        return {}
    properties = schema.get("properties", {})
    names = [n for n in order if n in properties] + [n for n in properties if n not in order]
    return {**schema, "properties": {n: properties[n] for n in names}}


# --- data --------------------------------------------------------------------------------------------

_format_checker = FormatChecker(formats=["date"])


def _message(error: Any, field: Mapping[str, Any]) -> str:
    v = error.validator
    if v == "required":
        return _("This field is required.")
    if v == "maxLength":
        return _("Enter at most %(n)d characters.") % {"n": field["maxLength"]}
    if v == "minLength":
        return _("Enter at least %(n)d characters.") % {"n": field["minLength"]}
    if v == "minimum":
        return _("Enter a value of at least %(n)s.") % {"n": field["minimum"]}
    if v == "maximum":
        return _("Enter a value of at most %(n)s.") % {"n": field["maximum"]}
    if v == "enum":
        return _("Choose one of the offered values.")
    if v == "pattern":
        return _("Enter a value in the required format.")
    if v == "format":
        return _("Enter a valid date (YYYY-MM-DD).")
    if v == "type":
        return {
            "string": _("Enter text."),
            "integer": _("Enter a whole number."),
            "number": _("Enter a number."),
            "boolean": _("Enter true or false."),
        }.get(str(field.get("type")), _("Enter a value of the right kind."))
    if v == "additionalProperties":
        return _("The form has no such field.")
    return str(error.message)


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return value.strip()
    return value


def data_validate(schema: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """Check ``data`` against a valid form definition; return it cleaned (strings stripped, blanks dropped)."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(_("The application form data must be a JSON object."),
                               field_errors={"__all__": [_("The application form data must be a JSON object.")]})
    properties: Mapping[str, Any] = schema.get("properties", {})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in data.items():
        value = _normalise(raw)
        field = properties.get(key)
        if value in ("", None) and field is not None and field["type"] != "boolean":
            continue  # a blank optional field is absent; "required" catches a blank required one
        cleaned[key] = value
    for key in cleaned:
        if key not in properties:
            errors.setdefault(str(key), []).append(_("The form has no such field."))
    if errors:
        raise ValidationFailed(_("The application form has errors."), field_errors=errors)
    checked = {**schema, "additionalProperties": False}
    validator = Draft202012Validator(checked, format_checker=_format_checker)
    for name in schema.get("required", []):
        if name not in cleaned:
            errors.setdefault(name, []).append(_("This field is required."))
    for error in validator.iter_errors(cleaned):
        if error.validator == "required":
            continue  # reported above, by field
        key = str(error.absolute_path[0]) if error.absolute_path else "__all__"
        field = properties.get(key, {})
        message = _message(error, field)
        if message not in errors.get(key, []):
            errors.setdefault(key, []).append(message)
    for key, field in properties.items():
        if key in cleaned and field.get("format") == "email" and key not in errors:
            try:
                validate_email(cleaned[key])
            except ValidationError:
                errors.setdefault(key, []).append(_("Enter a valid e-mail address."))
    if errors:
        raise ValidationFailed(_("The application form has errors."), field_errors=errors)
    return cleaned


# --- the rendered form -------------------------------------------------------------------------------


def _text(field: Mapping[str, Any], key: str, english: bool) -> str:
    return str(field.get(f"x-{key}-en") or field.get(key, "")) if english else str(field.get(key, ""))


def _form_field(field: Mapping[str, Any], *, required: bool, english: bool) -> forms.Field:
    label = _text(field, "title", english)
    help_text = _text(field, "description", english)
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": required}
    kind = field["type"]
    if kind == "boolean":
        # Unchecked means False, which is a present value: a required boolean is always answered.
        return forms.BooleanField(**{**common, "required": False})
    if kind == "integer":
        return forms.IntegerField(min_value=field.get("minimum"), max_value=field.get("maximum"), **common)
    if kind == "number":
        return forms.DecimalField(min_value=field.get("minimum"), max_value=field.get("maximum"), **common)
    if "enum" in field:
        titles = field.get("x-enum-titles-en" if english and "x-enum-titles-en" in field else "x-enum-titles")
        labels = titles or field["enum"]
        choices = list(zip(field["enum"], labels, strict=True))
        return forms.ChoiceField(choices=[("", "---------"), *choices], **common)
    if field.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"],
                               **common)
    if field.get("format") == "email":
        return forms.EmailField(max_length=field.get("maxLength"), **common)
    validators = [RegexValidator(field["pattern"], _("Enter a value in the required format."))] \
        if "pattern" in field else []
    max_length = field.get("maxLength")
    widget = forms.Textarea(attrs={"rows": 4}) if max_length is None or max_length > LONG_TEXT else None
    return forms.CharField(max_length=max_length, min_length=field.get("minLength"), validators=validators,
                           widget=widget, **common)


class ApplicationForm(forms.Form):
    """A form built from a version's definition; ``cleaned_data`` is the JSON the server checked."""

    schema: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.errors:
            return self.cleaned_data
        try:
            return data_validate(self.schema, self.cleaned_data)
        except ValidationFailed as exc:
            for name, messages in exc.field_errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return self.cleaned_data


def form_class(schema: Mapping[str, Any], order: list[str]) -> type[ApplicationForm]:
    """A Django form class for a (valid) form definition, labels in the active language."""
    ordered = ordered_schema(schema, order)
    english = (get_language() or "").startswith("en")
    required = set(ordered.get("required", []))
    fields: dict[str, Any] = {
        name: _form_field(field, required=name in required, english=english)
        for name, field in ordered.get("properties", {}).items()
    }
    return type("ApplicationForm", (ApplicationForm,), {**fields, "schema": ordered})
