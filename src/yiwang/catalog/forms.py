"""Forms of the catalogue administration pages. They parse input; the services decide and save."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from yiwang.identity.public import AssuranceLevel, Organisation, OrgKind

from .models import ApplicantKind, LifeEvent, MaterialForm, MaterialMedium, MatterType, MatterVersion
from .services import BOOL_FIELDS, DAY_FIELDS, MAX_DAYS, TEXT_FIELDS

MB = 1024 * 1024
TEXTAREA = {"rows": 3}


def _organisations() -> Any:
    return Organisation.objects.exclude(kind__in=[OrgKind.WINDOW]).order_by("sort_order", "code")


class GuideForm(forms.Form):
    """Every element of the service guide, and the application form definition as JSON."""

    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    matter_type = forms.ChoiceField(label=_("Type"), choices=MatterType.choices)
    applicant_kind = forms.ChoiceField(label=_("Who may apply"), choices=ApplicantKind.choices)
    lead_department = forms.ModelChoiceField(label=_("Lead department"), queryset=Organisation.objects.none(),
                                             required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"), queryset=Organisation.objects.none(), required=False,
        help_text=_("The lead department is always included; the departments of the BPMN lanes are added when "
                    "the process is uploaded."))
    life_events = forms.ModelMultipleChoiceField(label=_("Life events"), queryset=LifeEvent.objects.none(),
                                                 required=False, widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    acceptance_conditions = forms.CharField(label=_("Acceptance conditions"), required=False,
                                            widget=forms.Textarea(attrs=TEXTAREA))
    statutory_days = forms.IntegerField(label=_("Statutory time limit (working days)"), min_value=0,
                                        max_value=MAX_DAYS, initial=0)
    promised_days = forms.IntegerField(label=_("Promised time limit (working days)"), min_value=0,
                                       max_value=MAX_DAYS, initial=0)
    on_the_spot = forms.BooleanField(label=_("Decided on the spot (即办件)"), required=False)
    charges_fee = forms.BooleanField(label=_("Charges a fee"), required=False,
                                     help_text=_("Leave unticked for 不收费 (no fee)."))
    fees = forms.CharField(label=_("Fees"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    fee_basis = forms.CharField(label=_("Basis of the fees"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    apply_online = forms.BooleanField(label=_("Can be applied for online"), required=False)
    windows = forms.CharField(label=_("Where to apply (windows)"), required=False,
                              widget=forms.Textarea(attrs=TEXTAREA))
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    visits_needed = forms.IntegerField(label=_("Visits needed in person"), min_value=0, max_value=MAX_DAYS,
                                       initial=0)
    result_name = forms.CharField(label=_("Result (licence or certificate)"), max_length=200, required=False)
    result_delivery = forms.CharField(label=_("How the result is delivered"), required=False,
                                      widget=forms.Textarea(attrs=TEXTAREA))
    consultation = forms.CharField(label=_("Where to ask"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    complaint = forms.CharField(label=_("Where to complain"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    required_assurance = forms.TypedChoiceField(label=_("Identity assurance level required"), coerce=int,
                                                choices=AssuranceLevel.choices)
    form_schema = forms.CharField(
        label=_("Application form (JSON Schema)"), required=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "code", "spellcheck": "false"}),
        help_text=_("An object schema: fields of type string, integer, number or boolean, each with a Chinese "
                    "title and an optional x-title-en; see docs/adding-a-matter.md."))
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["departments"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["life_events"].queryset = LifeEvent.objects.all()  # type: ignore[attr-defined]

    def clean_form_schema(self) -> dict[str, Any]:
        text = self.cleaned_data["form_schema"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
                                        % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The form definition must be a JSON object."))
        return value

    def guide(self) -> dict[str, Any]:
        """The cleaned values in the shape the services take."""
        data = self.cleaned_data
        keys = (*TEXT_FIELDS, *BOOL_FIELDS, *DAY_FIELDS, "matter_type", "applicant_kind", "required_assurance",
                "lead_department", "departments", "life_events", "form_schema")
        return {key: data[key] for key in keys if key in data}

    @staticmethod
    def initial_of(version: MatterVersion, schema: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {key: getattr(version, key) for key in (*TEXT_FIELDS, *BOOL_FIELDS, *DAY_FIELDS)}
        initial.update({
            "matter_type": version.matter_type, "applicant_kind": version.applicant_kind,
            "required_assurance": version.required_assurance, "lead_department": version.lead_department_id,
            "departments": list(version.departments.all()), "life_events": list(version.life_events.all()),
            "form_schema": json.dumps(schema, ensure_ascii=False, indent=2) if schema else "",
        })
        return initial


class MatterCreateForm(GuideForm):
    code = forms.CharField(label=_("Matter code"), max_length=32,
                           help_text=_("Stable for the life of the matter, e.g. PD-SWJ-0001."))
    field_order = ["code"]


class MaterialRowForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    form = forms.ChoiceField(label=_("Original or copy"), choices=MaterialForm.choices)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=99, initial=1)
    medium = forms.ChoiceField(label=_("Paper or electronic"), choices=MaterialMedium.choices,
                               initial=MaterialMedium.ELECTRONIC)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    content_types = forms.CharField(label=_("Accepted file types"), required=False,
                                    help_text=_("Media types separated by commas, e.g. application/pdf, image/jpeg."))
    max_mb = forms.IntegerField(label=_("Largest file (MB)"), min_value=1, max_value=200, initial=10)
    sample_url = forms.CharField(label=_("Sample or blank form (web address)"), max_length=200, required=False)
    description = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def material(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"], "name": data["name"], "name_en": data["name_en"], "form": data["form"],
            "copies": data["copies"], "medium": data["medium"], "required": data["required"],
            "content_types": [t.strip() for t in data["content_types"].split(",") if t.strip()],
            "max_bytes": data["max_mb"] * MB, "sample_url": data["sample_url"], "description": data["description"],
        }


MaterialFormSet = forms.formset_factory(MaterialRowForm, extra=2, can_delete=True, max_num=60)


def material_initial(version: MatterVersion) -> list[dict[str, Any]]:
    return [{
        "code": m.code, "name": m.name, "name_en": m.name_en, "form": m.form, "copies": m.copies,
        "medium": m.medium, "required": m.required, "content_types": ", ".join(m.content_types),
        "max_mb": max(1, m.max_bytes // MB), "sample_url": m.sample_url, "description": m.description,
    } for m in version.materials.order_by("sort_order", "pk")]


class LifeEventForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("E.g. birth, business_startup."))
    name = forms.CharField(label=_("Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    audience = forms.ChoiceField(label=_("For"), choices=ApplicantKind.choices, initial=ApplicantKind.BOTH)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=100000, initial=0)


class ProcessUploadForm(forms.Form):
    bpmn = forms.FileField(label=_("BPMN 2.0 file"), help_text=_("Exported from a BPMN modeller (.bpmn)."))

    def clean_bpmn(self) -> bytes:
        upload = self.cleaned_data["bpmn"]
        limit = int(getattr(settings, "YIWANG_CATALOG_BPMN_MAX_BYTES", 2 * MB))
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(kb)d KB.") % {"kb": limit // 1024})
        data: bytes = upload.read()
        return data
