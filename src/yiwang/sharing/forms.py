"""Forms of the sharing pages; the services validate again (and are the rule)."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Classification, FieldType, OpenAttribute, Resource, SharingType, UpdateCycle


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the catalogue"), required=False, max_length=100)


class ResourceForm(forms.Form):
    code = forms.CharField(label=_("Resource code"), max_length=40,
                           help_text=_("Classification digit, category digits, “/”, six-digit sequence."))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    sharing_type = forms.ChoiceField(label=_("Sharing type"), choices=SharingType.choices)
    legal_basis = forms.CharField(label=pgettext_lazy("sharing", "Legal basis"),
                                  required=False, widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.CharField(label=_("Sharing conditions"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    open_attribute = forms.ChoiceField(label=_("Open attribute"), choices=OpenAttribute.choices)
    update_cycle = forms.ChoiceField(label=_("Update cycle"), choices=UpdateCycle.choices)
    service = forms.CharField(label=_("Exchange service code"), required=False, max_length=64)
    registry = forms.CharField(label=_("Base registry (person, legal_person, address)"), required=False,
                               max_length=20)
    fields_text = forms.CharField(
        label=_("Fields"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line: name | label | type | length. Types: %(types)s.")
        % {"types": ", ".join(FieldType.values)})

    @classmethod
    def initial_of(cls, resource: Resource) -> dict[str, Any]:
        return {"code": resource.code, "name": resource.name, "description": resource.description,
                "classification": resource.classification, "sharing_type": resource.sharing_type,
                "legal_basis": resource.legal_basis, "conditions": resource.conditions,
                "open_attribute": resource.open_attribute, "update_cycle": resource.update_cycle,
                "service": resource.service.code if resource.service else "", "registry": resource.registry,
                "fields_text": "\n".join(f"{f.name} | {f.label} | {f.data_type} | {f.length}"
                                         for f in resource.fields.all())}

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        fields: list[Any] = []
        for line in data.pop("fields_text").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            length: Any = parts[3] if len(parts) > 3 else None
            with contextlib.suppress(ValueError):
                length = int(length) if length is not None else None
            fields.append({"name": parts[0], "label": parts[1] if len(parts) > 1 else "",
                           "type": parts[2] if len(parts) > 2 else "", "length": length})
        data["fields"] = fields
        return data


class RequestForm(forms.Form):
    requested_fields = forms.MultipleChoiceField(label=_("Fields"), widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    legal_basis = forms.CharField(label=pgettext_lazy("sharing", "Legal basis"),
                                  required=False, widget=forms.Textarea(attrs={"rows": 2}))
    consumer_member = forms.ChoiceField(
        label=_("System that will call the service"), required=False,
        help_text=_("Your department's member on the exchange that receives the grant; its first when empty."))

    def __init__(self, *args: Any, resource: Resource, members: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requested_fields"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(f.name, f"{f.label} ({f.name})") for f in resource.fields.all()]
        member_field = self.fields["consumer_member"]
        assert isinstance(member_field, forms.ChoiceField)
        member_field.choices = [("", "—"), *(members or [])]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))],
                                 widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
