"""Helpers for the OIDC tests: PKCE pairs, Basic auth, the code a browser obtains, token row counts."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from yiwang.audit.public import AuditRecord

REDIRECT_URI = "https://rp.tax.example/callback"
LOGOUT_URI = "https://rp.tax.example/logged-out"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def authorize_url(client_id: str, *, challenge: str | None, scope: str = "openid profile",
                  redirect_uri: str = REDIRECT_URI, **extra: str) -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": "st-" + secrets.token_hex(4), "nonce": "n-" + secrets.token_hex(4), **extra}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return "/oidc/authorize/?" + urlencode(params)


def obtain_code(browser: Client, client_id: str, *, challenge: str | None, scope: str = "openid profile",
                redirect_uri: str = REDIRECT_URI) -> str:
    """A logged-in browser approves the consent page (if shown) and returns the code from the redirect."""
    response = browser.get(authorize_url(client_id, challenge=challenge, scope=scope, redirect_uri=redirect_uri))
    if response.status_code == 200:  # consent page
        form = response.context["form"]
        data = {name: form.initial.get(name) or "" for name in form.fields}
        data["allow"] = "yes"
        response = browser.post("/oidc/authorize/", data)
    assert response.status_code == 302, response.content[:500]
    params = query_of(response["Location"])
    assert "code" in params, response["Location"]
    return params["code"]


def exchange(client: Client, client_id: str, secret: str, code: str, verifier: str | None,
             redirect_uri: str = REDIRECT_URI) -> Any:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/oidc/token/", data, HTTP_AUTHORIZATION=basic(client_id, secret))


def refresh(client: Client, client_id: str, secret: str, refresh_token: str) -> Any:
    return client.post("/oidc/token/", {"grant_type": "refresh_token", "refresh_token": refresh_token},
                       HTTP_AUTHORIZATION=basic(client_id, secret))


def token_rows() -> dict[str, int]:
    return {"access": AccessToken.objects.count(), "refresh": RefreshToken.objects.count(),
            "id": IDToken.objects.count(), "grant": Grant.objects.count()}


def live_refresh_tokens() -> int:
    return RefreshToken.objects.filter(revoked__isnull=True).count()


def refusals(action: str = "sso.token.refuse", **details: Any) -> list[AuditRecord]:
    rows = list(AuditRecord.objects.filter(action=action).order_by("seq"))
    return [r for r in rows if all(r.details.get(k) == v for k, v in details.items())]
