"""Scopes per client (django-oauth-toolkit's SCOPES_BACKEND_CLASS).

A client may ask only for the scopes its ``ClientProfile`` allows. A request for any other scope — most
importantly ``idcard`` — is refused with ``invalid_scope`` (RFC 6749 §4.1.2.1), never silently narrowed:
the department learns at once that its registration does not cover what it asked for, and the refusal is
audited. A client without a profile may ask only for ``openid``.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from .models import ClientProfile, Scope

_MISSING = object()


def profile_of(application: Any) -> ClientProfile | None:
    """The client's profile, cached on the application object for the rest of the request."""
    cached = getattr(application, "_yiwang_profile", _MISSING)
    if cached is _MISSING:
        cached = ClientProfile.objects.filter(application=application).first()
        application._yiwang_profile = cached
    return cached  # type: ignore[return-value]


def allowed_scopes_of(application: Any) -> list[str]:
    if application is None:
        return list(Scope.values)
    profile = profile_of(application)
    return [s for s in (profile.scopes if profile else [Scope.OPENID]) if s in Scope.values]


class ClientScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {scope.value: str(scope.label) for scope in Scope}

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any,
                             **kwargs: Any) -> list[str]:
        return allowed_scopes_of(application)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any,
                           **kwargs: Any) -> list[str]:
        return [Scope.OPENID.value]
