"""Forms of the citizen account pages. They only shape the input; every rule is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6})
PHONE_WIDGET = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=PHONE_WIDGET)


class PhoneRegistrationForm(forms.Form):
    """Step two of registration: the code sent to the number of step one, and who the person is."""

    real_name = forms.CharField(label=_("Real name"), max_length=100)
    id_number = forms.CharField(label=_("Resident identity number"), max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=PHONE_WIDGET)
    code = forms.CharField(label=_("SMS code"), max_length=6,
                           help_text=_("The 6-digit code we sent to your mobile number."), widget=CODE_WIDGET)
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(label=_("User name or resident identity number"), max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "username"}))
    phone = forms.CharField(label=_("Mobile number on file"), max_length=20, widget=PHONE_WIDGET)


class PasswordResetCompleteForm(forms.Form):
    code = forms.CharField(label=_("SMS code"), max_length=6, widget=CODE_WIDGET)
    new_password = forms.CharField(label=_("New password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class AgentRequestForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    as_legal_representative = forms.BooleanField(label=_("I am its legal representative"), required=False)


class AgentDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CounterLookupForm(forms.Form):
    id_number = forms.CharField(label=_("Resident identity number on the card"), max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class CounterVerifyForm(CounterLookupForm):
    card_checked = forms.BooleanField(
        label=_("I checked the physical identity card and the person in front of me matches its photo"),
        error_messages={"required": _("Tick this only after checking the card itself.")})
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
