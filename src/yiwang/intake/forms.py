"""Forms of the intake pages. The application form itself comes from the catalog (``application_form``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from yiwang.core.public import ValidationFailed

from . import uploads
from .models import Outcome

MATERIAL_PREFIX = "material__"


class MaterialsForm(forms.Form):
    """One file field per material of the matter's list (the type is checked by content in the service)."""

    def __init__(self, *args: Any, requirements: list[Any], only: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for requirement in requirements:
            if only is not None and requirement.code not in only:
                continue
            allowed = uploads.describe_types(uploads.allowed_types(requirement))
            limit = filesizeformat(uploads.max_bytes(requirement))
            self.fields[MATERIAL_PREFIX + requirement.code] = forms.FileField(
                label=str(requirement.name), required=False,
                help_text=(_("Required. %(types)s, at most %(size)s.") if requirement.required
                           and requirement.medium != "paper" else _("%(types)s, at most %(size)s."))
                % {"types": allowed, "size": limit},
                widget=forms.ClearableFileInput(attrs={"accept": ",".join(uploads.allowed_types(requirement))}))

    def uploads(self) -> list[uploads.Upload]:
        result = []
        for name, value in self.files.items():
            if name.startswith(MATERIAL_PREFIX) and name in self.fields and value:
                result.append(uploads.Upload.from_django(name.removeprefix(MATERIAL_PREFIX), value))
        return result


class VisitorForm(forms.Form):
    """The counter and hotline: find the person by the identity number they show or say."""

    id_number = forms.CharField(label=_("Resident identity number of the applicant"), max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    matter = forms.CharField(label=_("Matter code"), max_length=40,
                             help_text=_("As in the service guide, e.g. PD-SWJ-0001."))


class SupplementRequestForm(forms.Form):
    note = forms.CharField(label=_("Note to the applicant"), required=False, max_length=2000, widget=forms.Textarea)
    correction = forms.CharField(label=_("Other corrections (not a material)"), required=False, max_length=500)


class SupplementAnswerForm(forms.Form):
    note = forms.CharField(label=_("Your note"), required=False, max_length=2000, widget=forms.Textarea)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=[(Outcome.APPROVED, _("Approve")),
                                                              (Outcome.REJECTED, _("Reject"))])
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


def show_errors(exc: ValidationFailed, *forms_: forms.Form) -> None:
    """Put a service's field errors next to the fields they concern, across the forms of one page."""
    placed = False
    for field, messages in exc.field_errors.items():
        name = MATERIAL_PREFIX + field.removeprefix("materials.") if field.startswith("materials.") else field
        target = next((f for f in forms_ if name in f.fields), None)
        if target is not None and target.errors.get(name):
            continue  # the page's own form already says what is wrong with this field
        for message in messages:
            if target is not None:
                target.add_error(name, message)
                placed = True
            else:
                forms_[0].add_error(None, message)
                placed = True
    if not placed:
        forms_[0].add_error(None, str(exc.message))
