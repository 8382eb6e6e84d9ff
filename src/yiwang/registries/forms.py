"""Forms of the staff lookup page. The field choices are only the fields the department is granted."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import RegistrySpec


class _LookupForm(forms.Form):
    fields_field = "fields"

    def __init__(self, *args, spec: RegistrySpec, granted: Iterable[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [(name, spec.fields[name].label) for name in spec.fields if name in granted and name != spec.key]
        self.fields["fields"] = forms.MultipleChoiceField(
            label=_("Fields"), choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("Only the fields your department is granted are offered; none ticked means all of them."))
        self.granted_choices = [name for name, _label in choices]

    def requested(self) -> list[str]:
        return list(self.cleaned_data.get("fields") or self.granted_choices)


class PersonLookupForm(_LookupForm):
    id_number = forms.CharField(label=_("Resident identity number"), max_length=20,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    field_order = ["id_number", "fields"]


class LegalPersonLookupForm(_LookupForm):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=20,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    field_order = ["credit_code", "fields"]
