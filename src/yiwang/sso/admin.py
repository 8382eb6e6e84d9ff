"""Platform administrators register department systems here (or with ``yiwang oidc create-client``).

The Application page of django-oauth-toolkit gets the client's profile inline: the owning department and
the scopes it may ask for (``idcard`` only by decision of a platform administrator). Saving is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oauth2_provider.admin import ApplicationAdmin as DotApplicationAdmin

from .keys import signing_keys
from .models import ClientProfile, Consent, Scope
from .services import client_profile_changed, redirect_uri_problem


class ClientProfileForm(forms.ModelForm):
    allowed_scopes = forms.MultipleChoiceField(label=_("allowed scopes"), choices=Scope.choices,
                                               widget=forms.CheckboxSelectMultiple, initial=[Scope.OPENID])

    class Meta:
        model = ClientProfile
        fields = ["organisation", "allowed_scopes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["allowed_scopes"] = self.instance.scopes

    def clean_allowed_scopes(self) -> str:
        chosen = set(self.cleaned_data["allowed_scopes"]) | {Scope.OPENID.value}
        return " ".join(s for s in Scope.values if s in chosen)


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
    form = ClientProfileForm
    can_delete = False
    min_num = 1
    max_num = 1


class ApplicationAdmin(DotApplicationAdmin):
    inlines = [ClientProfileInline]
    view_on_site = False

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        signing_keys()  # DOT's RS256 validation needs the published key
        form = super().get_form(request, obj, change, **kwargs)
        original_clean = form.clean

        def clean(form_self: Any) -> Any:
            data = original_clean(form_self)
            uris = f'{data.get("redirect_uris") or ""} {data.get("post_logout_redirect_uris") or ""}'.split()
            for uri in uris:
                problem = redirect_uri_problem(uri)
                if problem:
                    form_self.add_error("redirect_uris", problem)
            return data

        form.clean = clean
        return form

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            ClientProfile.objects.filter(application=form.instance).update(created_by=request.user)
        client_profile_changed(application=form.instance, actor=request.user, created=not change)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "scopes", "granted_at", "revoked_at")
    list_filter = ("revoked_at",)
    raw_id_fields = ("user",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
