"""Bad input at the OIDC endpoints: each gets the protocol's error, is audited, and creates no tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from yiwang.audit.public import AuditRecord

from .helpers import (
    REDIRECT_URI,
    authorize_url,
    basic,
    exchange,
    live_refresh_tokens,
    obtain_code,
    pkce_pair,
    query_of,
    refresh,
    refusals,
    token_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rp() -> Client:
    return Client()


def _tokens(browser, rp, system):
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, system.application.client_id, challenge=challenge)
    response = exchange(rp, system.application.client_id, system.client_secret, code, verifier)
    assert response.status_code == 200, response.content
    return code, verifier, response.json()


def _refused(response, status: int, error: str, reason: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    assert refusals(reason=reason), f"no audit record with reason {reason}"


def test_forged_code(browser, rp, tax_system):
    before = token_rows()
    verifier, _challenge = pkce_pair()
    response = exchange(rp, tax_system.application.client_id, tax_system.client_secret, "forged-code-123", verifier)
    _refused(response, 400, "invalid_grant", "code_unknown")
    assert token_rows() == before


def test_replayed_code_fails_and_revokes_what_it_bought(browser, rp, tax_system):
    code, verifier, tokens = _tokens(browser, rp, tax_system)
    before = token_rows()
    second = exchange(rp, tax_system.application.client_id, tax_system.client_secret, code, verifier)
    _refused(second, 400, "invalid_grant", "code_replayed")
    assert AuditRecord.objects.filter(action="sso.code.replay").exists()
    after = token_rows()
    assert after["access"] < before["access"] and after["refresh"] == before["refresh"]  # nothing new, AT gone
    assert live_refresh_tokens() == 0
    assert rp.get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401
    again = refresh(rp, tax_system.application.client_id, tax_system.client_secret, tokens["refresh_token"])
    assert again.json()["error"] == "invalid_grant"


def test_wrong_redirect_uri_at_the_token_endpoint(browser, rp, tax_system):
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, tax_system.application.client_id, challenge=challenge)
    before = token_rows()
    response = exchange(rp, tax_system.application.client_id, tax_system.client_secret, code, verifier,
                        redirect_uri="https://evil.example/callback")
    _refused(response, 400, "invalid_request", "redirect_uri_mismatch")
    assert token_rows() == before


def test_unregistered_redirect_uri_at_the_authorisation_endpoint_is_not_followed(browser, tax_system):
    before = token_rows()
    _verifier, challenge = pkce_pair()
    response = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge,
                                         redirect_uri="https://evil.example/callback"))
    assert response.status_code == 400  # an error page, never a redirect to the unregistered URI
    assert "Location" not in response
    assert refusals("sso.authorize.refuse", redirect_uri="https://evil.example/callback")
    assert token_rows() == before


def test_pkce_verifier_mismatch(browser, rp, tax_system):
    _verifier, challenge = pkce_pair()
    code = obtain_code(browser, tax_system.application.client_id, challenge=challenge)
    before = token_rows()
    other_verifier, _ = pkce_pair()
    response = exchange(rp, tax_system.application.client_id, tax_system.client_secret, code, other_verifier)
    _refused(response, 400, "invalid_grant", "pkce_mismatch")
    assert token_rows() == before


def test_pkce_verifier_missing(browser, rp, tax_system):
    _verifier, challenge = pkce_pair()
    code = obtain_code(browser, tax_system.application.client_id, challenge=challenge)
    before = token_rows()
    response = exchange(rp, tax_system.application.client_id, tax_system.client_secret, code, None)
    _refused(response, 400, "invalid_request", "pkce_verifier_missing")
    assert token_rows() == before


@pytest.mark.parametrize("method", [None, "plain"])
def test_authorisation_without_s256_pkce_is_refused(browser, tax_system, method):
    before = token_rows()
    extra = {} if method is None else {"code_challenge": "x" * 43, "code_challenge_method": method}
    response = browser.get(authorize_url(tax_system.application.client_id, challenge=None, **extra))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "invalid_request"
    assert refusals("sso.authorize.refuse", error="invalid_request")
    assert token_rows() == before


def test_expired_refresh_token(browser, rp, tax_system, settings):
    _code, _verifier, tokens = _tokens(browser, rp, tax_system)
    lifetime = settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"]
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=lifetime + 1))
    before = token_rows()
    response = refresh(rp, tax_system.application.client_id, tax_system.client_secret, tokens["refresh_token"])
    _refused(response, 400, "invalid_grant", "refresh_token_expired")
    assert token_rows() == before


def test_reused_refresh_token_revokes_the_family(browser, rp, tax_system):
    _code, _verifier, tokens = _tokens(browser, rp, tax_system)
    rotated = refresh(rp, tax_system.application.client_id, tax_system.client_secret, tokens["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    before = token_rows()
    response = refresh(rp, tax_system.application.client_id, tax_system.client_secret, tokens["refresh_token"])
    _refused(response, 400, "invalid_grant", "refresh_token_reused")
    assert AuditRecord.objects.filter(action="sso.refresh_token.reuse").exists()
    after = token_rows()
    assert after["refresh"] == before["refresh"] and after["access"] < before["access"]
    assert live_refresh_tokens() == 0  # the thief's rotated token dies too
    legit = refresh(rp, tax_system.application.client_id, tax_system.client_secret, new["refresh_token"])
    assert legit.json()["error"] == "invalid_grant"


def test_refresh_token_of_another_client(browser, rp, tax_system, commerce_system):
    _code, _verifier, tokens = _tokens(browser, rp, tax_system)
    before = token_rows()
    response = refresh(rp, commerce_system.application.client_id, commerce_system.client_secret,
                       tokens["refresh_token"])
    _refused(response, 400, "invalid_grant", "refresh_token_of_another_client")
    assert token_rows() == before


def test_unknown_client_and_wrong_secret(browser, rp, tax_system):
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, tax_system.application.client_id, challenge=challenge)
    before = token_rows()
    unknown = exchange(rp, "no-such-client", "x", code, verifier)
    _refused(unknown, 401, "invalid_client", "unknown_client")
    wrong = exchange(rp, tax_system.application.client_id, "wrong-secret", code, verifier)
    _refused(wrong, 401, "invalid_client", "client_authentication_failed")
    assert token_rows() == before
    # the code is still good for its rightful owner: failures changed nothing
    assert exchange(rp, tax_system.application.client_id, tax_system.client_secret, code, verifier).status_code == 200


def test_unknown_client_at_the_authorisation_endpoint(browser):
    before = token_rows()
    _verifier, challenge = pkce_pair()
    response = browser.get(authorize_url("no-such-client", challenge=challenge))
    assert response.status_code == 400 and "Location" not in response
    assert refusals("sso.authorize.refuse", client_id="no-such-client")
    assert token_rows() == before


def test_idcard_scope_refused_for_a_client_not_allowed_it(browser, commerce_system):
    before = token_rows()
    _verifier, challenge = pkce_pair()
    response = browser.get(authorize_url(commerce_system.application.client_id, challenge=challenge,
                                         scope="openid profile idcard"))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "invalid_scope"
    assert refusals("sso.authorize.refuse", error="invalid_scope")
    assert token_rows() == before and not Grant.objects.exists()


def test_tampered_consent_form_cannot_widen_scopes(browser, commerce_system):
    _verifier, challenge = pkce_pair()
    page = browser.get(authorize_url(commerce_system.application.client_id, challenge=challenge))
    data = {name: page.context["form"].initial.get(name) or "" for name in page.context["form"].fields}
    data.update(allow="yes", scope="openid profile idcard")
    response = browser.post("/oidc/authorize/", data)
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "invalid_scope"
    assert not Grant.objects.exists()
    assert refusals("sso.authorize.refuse", error="invalid_scope")


def test_tampered_id_token_hint_at_logout(browser, rp, tax_system, citizen):
    _code, _verifier, tokens = _tokens(browser, rp, tax_system)
    header, payload, signature = tokens["id_token"].split(".")
    tampered = f"{header}.{payload[:-4]}AAAA.{signature}"
    before = token_rows()
    response = browser.get("/oidc/logout/", {"id_token_hint": tampered})
    assert response.status_code == 400
    assert refusals("sso.logout.refuse")
    assert token_rows() == before
    assert browser.get("/me/").status_code == 200  # still logged in


def test_bearer_token_garbage_at_userinfo(rp):
    response = rp.get("/oidc/userinfo/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert refusals("sso.userinfo.refuse")


def test_failures_do_not_leak_secrets_into_the_audit_log(browser, rp, tax_system):
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, tax_system.application.client_id, challenge=challenge)
    rp.post("/oidc/token/", {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                             "redirect_uri": REDIRECT_URI},
            HTTP_AUTHORIZATION=basic(tax_system.application.client_id, "wrong-secret"))
    text = str([r.details for r in AuditRecord.objects.all()])
    assert code not in text and verifier not in text and "wrong-secret" not in text
    assert RefreshToken.objects.count() == 0
