"""Forms of supervision's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.identity.public import Organisation, OrgKind

from .models import ComplaintOutcome, Score


def departments() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Department"), queryset=Organisation.objects.filter(
        kind=OrgKind.DEPARTMENT).order_by("sort_order", "code"), required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your rating"), coerce=int, choices=Score.choices,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Department complained about"), queryset=Organisation.objects.none(),
                                          required=False)
    reference = forms.CharField(label=_("Case number (optional)"), max_length=100, required=False)
    text = forms.CharField(label=_("What happened"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = departments()
        self.fields["organisation"].label = _("Department complained about")


class NoticeForm(forms.Form):
    text = forms.CharField(label=_("What the department must explain or do"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    reply_days = forms.IntegerField(label=_("Reply within (working days)"), min_value=1, max_value=60, required=False)
    reply_hours = forms.IntegerField(label=_("Urgent: reply within (hours)"), min_value=1, max_value=72,
                                     required=False,
                                     help_text=_("Counted round the clock; leave the working days empty."))

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields = {"organisation": departments(), **self.fields}


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(forms.Form):
    callback_note = forms.CharField(label=_("Callback: what the applicant said"), max_length=4000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    rectification_note = forms.CharField(label=_("What was put right"), max_length=4000, required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in ComplaintOutcome.choices if c[0]])
    note = forms.CharField(label=_("What was found and done"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Grounds of the appeal"), max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AppealDecisionForm(forms.Form):
    uphold = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Uphold: the rating does not count")),
                                             ("0", _("Reject: the rating stands"))])
    note = forms.CharField(label=_("Reasons"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
