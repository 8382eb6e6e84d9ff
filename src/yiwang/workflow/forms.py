"""Forms of the worklist pages. They only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.identity.public import Organisation, User

from .services import MAX_OPINION


def _opinion_field(label: Any = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label or _("Opinion (意见)"), max_length=MAX_OPINION, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    """The opinion; the decision is the button pressed (``decision`` = ``approve`` or ``reject``)."""

    DECISIONS = ("approve", "reject")

    opinion = _opinion_field(help_text=_("The applicant is told the reasons of a rejection."))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.decision = data.get("decision") if data is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.decision not in self.DECISIONS:
            raise forms.ValidationError(_("Press “Approve” or “Reject”."))
        cleaned["decision"] = self.decision
        return cleaned


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("To another department"), queryset=Organisation.objects.none(),
                                             required=False)
    to_user = forms.ModelChoiceField(label=_("Or to a colleague"), queryset=User.objects.none(), required=False)
    opinion = _opinion_field(help_text=_("Why the task is transferred."))

    def __init__(self, *args: Any, departments: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = departments  # type: ignore[attr-defined]
        self.fields["to_user"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["to_user"].label_from_instance = _person  # type: ignore[attr-defined]


class CountersignForm(forms.Form):
    colleagues = forms.ModelMultipleChoiceField(
        label=_("Colleagues"), queryset=User.objects.none(), widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."))
    opinion = _opinion_field(label=_("What you ask them"))

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleagues"].queryset = colleagues  # type: ignore[attr-defined]
        self.fields["colleagues"].label_from_instance = _person  # type: ignore[attr-defined]


class CountersignAnswerForm(forms.Form):
    """The opinion; the answer is the button pressed (``answer`` = ``agree`` or ``disagree``)."""

    ANSWERS = ("agree", "disagree")

    opinion = _opinion_field()

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.answer = data.get("answer") if data is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.answer not in self.ANSWERS:
            raise forms.ValidationError(_("Press “Agree” or “Disagree”."))
        cleaned["answer"] = self.answer
        return cleaned


def _person(user: Any) -> str:
    return f"{user.real_name} ({user.username})" if getattr(user, "real_name", "") else user.username
