"""Form definitions: the schema is checked when saved; forms and the server enforce the same rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import translation

from yiwang.catalog import formschema
from yiwang.catalog.public import application_form, form_data_validate
from yiwang.core.public import ValidationFailed

from .conftest import SCHEMA


def test_the_example_schema_is_valid():
    assert formschema.schema_errors(SCHEMA) == []


@pytest.mark.parametrize(("change", "expected"), [
    (lambda s: s.__setitem__("type", "array"), "type"),
    (lambda s: s.pop("properties"), "properties"),
    (lambda s: s["properties"].__setitem__("Bad-Name", {"type": "string", "title": "x"}), "field names"),
    (lambda s: s["properties"]["employees"].__setitem__("type", "object"), "type must be one of"),
    (lambda s: s["properties"]["employees"].pop("title"), "properties/employees"),
    (lambda s: s["properties"]["employees"].__setitem__("maxLength", 3), "maxLength not allowed"),
    (lambda s: s["properties"]["company_name"].__setitem__("format", "uri"), "properties/company_name"),
    (lambda s: s["properties"]["company_name"].__setitem__("pattern", "(unclosed"), "not a valid regular expression"),
    (lambda s: s["properties"]["company_name"].__setitem__("minLength", 50), "minLength is greater than maxLength"),
    (lambda s: s["properties"]["kind"].__setitem__("x-enum-titles", ["只有一个"]), "one title per enum value"),
    (lambda s: s["required"].append("missing_field"), "\"missing_field\" is not a field"),
    (lambda s: s.__setitem__("oneOf", []), "keyword not allowed"),
])
def test_malformed_definitions_are_refused_with_a_clear_message(change, expected):
    schema = copy.deepcopy(SCHEMA)
    change(schema)
    problems = formschema.schema_errors(schema)
    assert problems, "the definition should have been refused"
    assert any(expected in p for p in problems), problems
    with pytest.raises(ValidationFailed) as caught:
        formschema.schema_validate(schema)
    assert caught.value.field_errors["form_schema"] == problems


def test_a_definition_that_is_not_an_object_is_refused():
    assert formschema.schema_errors(["not", "an", "object"]) == ["The form definition must be a JSON object."]


GOOD = {"company_name": "  浦东示例科技  ", "kind": "llc", "employees": 12, "capital": 100.5,
        "opening": "2026-12-01", "email": "a@example.com", "phone": "13800138000", "foreign_capital": True}


def test_good_data_is_cleaned(published):
    cleaned = form_data_validate(version=published, data=GOOD)
    assert cleaned["company_name"] == "浦东示例科技"
    assert cleaned["employees"] == 12 and cleaned["foreign_capital"] is True


def test_blank_optional_fields_are_dropped(published):
    data = {**GOOD, "email": "", "phone": ""}
    assert set(form_data_validate(version=published, data=data)) == set(GOOD) - {"email", "phone"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("company_name", "长" * 21, "Enter at most 20 characters."),
    ("company_name", "", "This field is required."),
    ("kind", "corporation", "Choose one of the offered values."),
    ("employees", 1001, "Enter a value of at most 1000."),
    ("employees", -1, "Enter a value of at least 0."),
    ("employees", "12", "Enter a whole number."),
    ("employees", True, "Enter a whole number."),
    ("capital", "lots", "Enter a number."),
    ("opening", "2026-02-30", "Enter a valid date (YYYY-MM-DD)."),
    ("email", "not-an-address", "Enter a valid e-mail address."),
    ("phone", "12345", "Enter a value in the required format."),
    ("foreign_capital", "yes", "Enter true or false."),
    ("surprise", "x", "The form has no such field."),
])
def test_bad_data_is_refused_field_by_field(published, field, value, message):
    with pytest.raises(ValidationFailed) as caught:
        form_data_validate(version=published, data={**GOOD, field: value})
    assert caught.value.field_errors == {field: [message]}


def test_missing_required_fields_are_each_named(published):
    with pytest.raises(ValidationFailed) as caught:
        form_data_validate(version=published, data={"capital": 1})
    assert set(caught.value.field_errors) == {"company_name", "kind", "employees", "foreign_capital"}


def test_data_that_is_not_an_object_is_refused(published):
    with pytest.raises(ValidationFailed):
        form_data_validate(version=published, data=["x"])  # type: ignore[arg-type]


# --- the rendered form -----------------------------------------------------------------------------


def test_the_form_has_labels_help_choices_and_limits_in_order(published):
    with translation.override("zh-hans"):
        form = application_form(version=published)
    assert list(form.fields) == list(SCHEMA["properties"])
    name: Any = form.fields["company_name"]
    fields: Any = form.fields
    assert (name.label, name.help_text, name.required, name.max_length) == ("企业名称", "与营业执照一致", True, 20)
    assert fields["kind"].choices == [("", "---------"), ("llc", "有限责任公司"), ("partnership", "合伙企业")]
    assert fields["employees"].max_value == 1000
    assert form.fields["foreign_capital"].required is False  # unticked is an answer: False
    html = str(form["opening"])
    assert 'type="date"' in html
    assert 'maxlength="20"' in str(form["company_name"])


def test_english_labels_come_from_x_title_en(published):
    with translation.override("en"):
        form = application_form(version=published)
    assert form.fields["company_name"].label == "Company name"
    assert form.fields["company_name"].help_text == "As on the licence"
    kind: Any = form.fields["kind"]
    assert kind.choices[1] == ("llc", "LLC")
    assert form.fields["employees"].label == "从业人数"  # no English title: the Chinese one


def test_a_valid_form_gives_json_ready_cleaned_data(published):
    post = {"company_name": "示例", "kind": "llc", "employees": "3", "capital": "10.5", "opening": "2026-12-01",
            "email": "", "phone": "", "foreign_capital": "on"}
    form = application_form(version=published, data=post)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"company_name": "示例", "kind": "llc", "employees": 3, "capital": 10.5,
                                 "opening": "2026-12-01", "foreign_capital": True}
    assert form_data_validate(version=published, data=form.cleaned_data) == form.cleaned_data


def test_an_invalid_form_shows_errors_on_its_fields(published):
    post = {"company_name": "长" * 21, "kind": "other", "employees": "2000", "phone": "123", "opening": "soon"}
    form = application_form(version=published, data=post)
    assert not form.is_valid()
    assert set(form.errors) == {"company_name", "kind", "employees", "phone", "opening"}
    assert 'aria-invalid="true"' in str(form["company_name"])


def test_a_prefixed_form_reads_prefixed_names(published):
    form = application_form(version=published, prefix="app",
                            data={"app-company_name": "示例", "app-kind": "llc", "app-employees": "1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["company_name"] == "示例" and form.cleaned_data["foreign_capital"] is False
