"""The OpenID provider's endpoints: django-oauth-toolkit's views with yiwang's consent, audit and keys.

Thin wrappers: each adds what DOT leaves open (remembered consent, the acting enterprise, the audit record
of every refusal) and calls the services for writes.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from oauth2_provider import views as dot
from oauth2_provider.exceptions import InvalidOIDCClientError, OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.signals import app_authorized
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors

from yiwang.identity.public import acting_enterprise

from . import selectors, services
from .claims import ACR_VALUES
from .keys import signing_keys
from .models import Scope
from .scopes import profile_of
from .validators import stop_tracking, track_failures

Application = get_application_model()


def _query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _code_in(location: str) -> str | None:
    return _query(location).get("code")


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


class ConsentView(dot.AuthorizationView):
    """The authorisation endpoint: log in (LoginRequiredMixin), then consent unless remembered."""

    template_name = "sso/consent.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            self._audit_refusal(error)
            return self.error_response(error, application=None)
        application = Application.objects.get(client_id=credentials["client_id"])
        if credentials.get("code_challenge_method") != "S256":
            # oauthlib takes a missing method as "plain"; we accept S256 only (RFC 9700 §2.1.1), and say so now.
            pkce_error = OAuthToolkitError(error=oauth2_errors.InvalidRequestError(
                description="PKCE with code_challenge_method=S256 is required.", state=credentials.get("state")),
                redirect_uri=credentials["redirect_uri"])
            self._audit_refusal(pkce_error)
            return self.error_response(pkce_error, application)
        enterprise = acting_enterprise(request=request) if Scope.ENTERPRISE in scopes else None
        prompt = set(request.GET.get("prompt", "").split())
        if not prompt & {"consent", "login", "create"} and selectors.consent_covers(
                user=request.user, application=application, scopes=scopes, enterprise=enterprise):
            if isinstance(credentials.get("ui_locales"), list):
                credentials["ui_locales"] = " ".join(credentials["ui_locales"])
            try:
                with transaction.atomic():
                    uri, _headers, _body, _status = self.create_authorization_response(
                        request=request, scopes=" ".join(scopes), credentials=credentials, allow=True)
                    self._remember_code(uri, application, scopes, enterprise)
            except OAuthToolkitError as error:
                self._audit_refusal(error)
                return self.error_response(error, application)
            return self.redirect(uri, application)
        if "none" in prompt:
            params = [("error", "consent_required")]
            if credentials.get("state"):
                params.append(("state", credentials["state"]))
            services.authorize_refusal_record(user=request.user, client_id=application.client_id,
                                              error="consent_required", description="prompt=none")
            return self.redirect(add_params_to_uri(credentials["redirect_uri"], params), application)
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            # Browsers apply CSP form-action to the redirect after the consent POST: allow this client's origin.
            response._csp_update = {"form-action": [_origin(credentials["redirect_uri"])]}  # type: ignore[attr-defined]
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        labels = dict(Scope.choices)
        context["scope_rows"] = [(scope, labels.get(scope, scope)) for scope in context.get("scopes", [])]
        profile = profile_of(application) if application is not None else None
        context["department"] = profile.organisation if profile else None
        if Scope.ENTERPRISE in context.get("scopes", []):
            context["acting_enterprise"] = acting_enterprise(request=self.request)
            context["asks_enterprise"] = True
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not Application.objects.filter(client_id=request.POST.get("client_id", "")).exists():
            services.authorize_refusal_record(user=request.user, client_id=request.POST.get("client_id", ""),
                                              error="invalid_client", description="unknown client on consent")
            return HttpResponseBadRequest(_("Unknown system."))
        return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]

    def form_valid(self, form: Any) -> HttpResponse:
        application = Application.objects.get(client_id=form.cleaned_data["client_id"])
        scopes = form.cleaned_data.get("scope", "").split()
        allow = bool(form.cleaned_data.get("allow"))
        with transaction.atomic():
            response = super().form_valid(form)
            code = _code_in(response.get("Location", ""))
            if allow and code:
                enterprise = acting_enterprise(request=self.request) if Scope.ENTERPRISE in scopes else None
                services.consent_give(user=self.request.user, application=application, scopes=scopes,
                                      enterprise=enterprise)
                self._remember_code(response["Location"], application, scopes, enterprise)
            elif not allow:
                services.consent_refuse(user=self.request.user, application=application, scopes=scopes)
            else:  # oauthlib answered the RP with an error (e.g. a scope the client may not ask for)
                params = _query(response.get("Location", ""))
                services.authorize_refusal_record(
                    user=self.request.user, client_id=application.client_id, error=params.get("error", "unknown"),
                    description=params.get("error_description", ""), redirect_uri=form.cleaned_data["redirect_uri"])
        return response  # type: ignore[no-any-return]

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        if getattr(self.request, "method", "") == "POST":
            self._audit_refusal(error)
        return super().error_response(error, application, **kwargs)  # type: ignore[no-any-return]

    def _remember_code(self, uri: str, application: Any, scopes: list[str], enterprise: Any) -> None:
        code = _code_in(uri)
        if code:
            services.authorisation_record(code=code, user=self.request.user, application=application,
                                          scopes=scopes, enterprise=enterprise)

    def _audit_refusal(self, error: Any) -> None:
        oauthlib_error = getattr(error, "oauthlib_error", error)
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        services.authorize_refusal_record(
            user=self.request.user, client_id=params.get("client_id", ""),
            error=str(getattr(oauthlib_error, "error", "invalid_request")),
            description=str(getattr(oauthlib_error, "description", "") or ""),
            redirect_uri=params.get("redirect_uri", ""))


def _client_id_of(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            return base64.b64decode(header[6:]).decode("utf-8", "replace").split(":", 1)[0]
        except (binascii.Error, ValueError):
            return ""
    return request.POST.get("client_id", "")


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(dot.TokenView):
    """The token endpoint. The whole request is one transaction: tokens and their audit record commit together."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found, reset = track_failures()
        self._found = found
        try:
            with transaction.atomic():
                response = super().post(request, *args, **kwargs)
                if response.status_code != 200:
                    self._audit_refusal(request, response, found)
        finally:
            stop_tracking(reset)
        return response  # type: ignore[no-any-return]

    @method_decorator(sensitive_post_parameters("password", "client_secret", "code", "refresh_token", "code_verifier"))
    def authorization_flow_token_response(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """DOT's, minus its lookup of the new access token: the validator hands us the instance it saved."""
        _url, headers, body, status = self.create_token_response(request)
        issued = self._found.get("issued")
        if status == 200 and issued is not None:
            app_authorized.send(sender=self, request=request, token=issued)
        response = HttpResponse(content=body, status=status)
        for key, value in headers.items():
            response[key] = value
        return response

    @staticmethod
    def _audit_refusal(request: HttpRequest, response: HttpResponse, found: dict[str, Any]) -> None:
        try:
            error = str(json.loads(response.content).get("error", ""))
        except (ValueError, AttributeError):
            error = ""
        details = {k: v for k, v in found.items() if k not in {"reason", "user"}}
        services.token_refusal_record(user=found.get("user"), client_id=_client_id_of(request),
                                      grant_type=request.POST.get("grant_type", ""), error=error or "unknown",
                                      reason=str(found.get("reason", error or "unknown")), details=details)


class DiscoveryView(dot.ConnectDiscoveryInfoView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        signing_keys()
        base = super().get(request, *args, **kwargs)
        data = json.loads(base.content)
        data.update({
            "id_token_signing_alg_values_supported": ["RS256"],
            "acr_values_supported": ACR_VALUES,
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_modes_supported": ["query"],
            "revocation_endpoint": self._get_endpoint_url(request, "revoke-token"),
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
            "ui_locales_supported": ["zh-CN", "en"],
        })
        response = JsonResponse(data)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class JwksView(dot.JwksInfoView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        signing_keys()  # DOT's view reads the keys we publish
        return super().get(request, *args, **kwargs)  # type: ignore[no-any-return]


@method_decorator(csrf_exempt, name="dispatch")
class UserInfoView(dot.UserInfoView):
    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        if "access_token" in request.GET:
            # RFC 9700 §4.3.2: never a bearer token in a URL. DOT's transport gate does not cover userinfo.
            response = JsonResponse({"error": "invalid_request",
                                     "error_description": "Send the access token in the Authorization header."},
                                    status=401)
            response["WWW-Authenticate"] = 'Bearer error="invalid_request"'
        else:
            response = super()._create_userinfo_response(request)
        if response.status_code != 200:
            services.userinfo_refusal_record(status=response.status_code,
                                             error=response.get("WWW-Authenticate", "")[:200])
        return response  # type: ignore[no-any-return]


class LogoutView(dot.RPInitiatedLogoutView):
    """RP-initiated logout. Asks the person only when the id_token_hint is missing or not theirs."""

    template_name = "sso/logout_confirm.html"

    def get_request_application(self, id_token: Any, client_id: str | None) -> Any:
        if client_id:
            application = Application.objects.filter(client_id=client_id).first()
            if application is None:
                raise InvalidOIDCClientError()
            return application
        return id_token.application if id_token else None

    def do_logout(self, application: Any = None, post_logout_redirect_uri: str | None = None,
                  state: str | None = None, token_user: Any = None) -> HttpResponse:
        user = token_user or self.request.user
        with transaction.atomic():
            if getattr(user, "is_authenticated", False):
                services.logout_record(user=user, application=application)
            response = super().do_logout(application, post_logout_redirect_uri, state, token_user)
        return response  # type: ignore[no-any-return]

    def error_response(self, error: Any) -> HttpResponse:
        params = self.request.GET if self.request.method == "GET" else self.request.POST
        services.logout_refusal_record(user=self.request.user, error=str(error.error),
                                       description=str(getattr(error, "description", "")),
                                       client_id=params.get("client_id", "") or "")
        return super().error_response(error)  # type: ignore[no-any-return]


@login_required
@require_POST
def authorisation_revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    """Withdraw a department system's access (the account page's form posts here)."""
    application = selectors.access_authorised_application(user=request.user, pk=application_id)
    services.sso_authorisation_revoke(user=request.user, application=application)
    messages.success(request, _("%(name)s can no longer use your data. It will ask for your consent again.")
                     % {"name": application})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("/")
