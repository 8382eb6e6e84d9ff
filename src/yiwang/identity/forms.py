from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name or credit code"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("The user name or password is wrong. Repeated failures lock the account for a while."),
        "inactive": _("This account is disabled."),
    }


class EnterpriseRegistrationForm(forms.Form):
    """A citizen registers an enterprise they act for; the service checks the credit code."""

    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("Registered name of the enterprise"), max_length=200)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    password = forms.CharField(label=_("Password of the enterprise account"), strip=False,
                               help_text=_("The enterprise logs in with its credit code and this password."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
