"""A third-party relying party (Authlib + joserfc, not our code) logs a citizen in through a live yiwang.

The browser is a ``requests.Session`` that fills in the real login and consent forms; the relying party
uses only what discovery tells it: the endpoints, the JWKS for the ID token signature, end_session.
"""

from __future__ import annotations

import base64
import json
import re
import secrets

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from yiwang.audit.public import AuditRecord
from yiwang.conftest import PASSWORD
from yiwang.identity import services as identity
from yiwang.sso.models import Scope
from yiwang.sso.services import client_create

pytestmark = pytest.mark.django_db(transaction=True)

RP = "http://127.0.0.1:8765"  # never contacted: the browser stops at the redirect and hands it to the RP
CALLBACK = f"{RP}/callback"
LOGGED_OUT = f"{RP}/logged-out"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None, "no CSRF token in the page"
    return match.group(1)


def _form_fields(html: str) -> dict[str, str]:
    import html as html_lib

    return {name: html_lib.unescape(value) for name, value in HIDDEN.findall(html)}


def _log_in_and_consent(browser: requests.Session, authorization_url: str, username: str | None) -> str:
    """Follow the authorisation URL like a person: log in (if asked), approve; return the callback URL."""
    page = browser.get(authorization_url)
    if username is not None:
        assert "/accounts/login/" in page.url, page.url
        page = browser.post(page.url, data={"csrfmiddlewaretoken": _csrf(page.text),
                                            "username": username, "password": PASSWORD,
                                            "next": _form_fields(page.text).get("next", "")},
                            headers={"Referer": page.url}, allow_redirects=False)
        assert page.status_code == 302, page.text[:500]
        page = browser.get(requests.compat.urljoin(page.url, page.headers["Location"]), allow_redirects=False)
    if page.status_code == 200:  # the consent screen
        assert 'id="consent-form"' in page.text
        fields = _form_fields(page.text)
        fields["allow"] = "yes"
        page = browser.post(page.url.split("?")[0], data=fields, headers={"Referer": page.url},
                            allow_redirects=False)
    assert page.status_code == 302, page.text[:500]
    return str(page.headers["Location"])


@pytest.fixture
def live(live_server):
    return live_server.url


@pytest.fixture
def sessions():
    """HTTP sessions closed after the test, so the live server's threads (and their database connections) end."""
    opened: list[requests.Session] = []

    def track(session):  # type: ignore[no-untyped-def]
        opened.append(session)
        return session

    yield track
    for session in opened:
        session.close()


@pytest.fixture
def agent_with_enterprise(citizen):
    enterprise = identity.enterprise_register(credit_code="91110108551385082Q", name="示例公司",
                                              legal_representative="张三", password=PASSWORD + "x",
                                              registered_by=citizen)
    return citizen, enterprise


def test_a_standard_oidc_library_logs_a_citizen_in(live, sessions, tax, agent_with_enterprise):
    citizen, enterprise = agent_with_enterprise
    registration = client_create(organisation_code=tax.code, name="税务办税系统", redirect_uris=[CALLBACK],
                                 post_logout_redirect_uris=[LOGGED_OUT],
                                 scopes=[Scope.PROFILE, Scope.PHONE, Scope.ENTERPRISE], allow_idcard=True)
    client_id, secret = registration.application.client_id, registration.client_secret

    # --- discovery
    meta = sessions(requests.Session()).get(f"{live}/oidc/.well-known/openid-configuration", timeout=10).json()
    assert meta["issuer"] == f"{live}/oidc"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert {"urn:yiwang:loa:1", "urn:yiwang:loa:3"} <= set(meta["acr_values_supported"])
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "end_session_endpoint" in meta

    # --- the browser acts for the enterprise before it goes to the department system
    browser = sessions(requests.Session())
    rp = sessions(OAuth2Session(client_id, secret, scope="openid profile phone idcard enterprise",
                                redirect_uri=CALLBACK, code_challenge_method="S256",
                                token_endpoint_auth_method="client_secret_basic"))
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    callback = _log_in_and_consent(browser, url, username=citizen.username)
    # switch to acting for the enterprise, then log in to the system again (consent is asked again: new enterprise)
    me = browser.get(f"{live}/me/")
    browser.post(f"{live}/accounts/acting/", data={"csrfmiddlewaretoken": _csrf(me.text),
                                                   "enterprise": str(enterprise.pk)}, headers={"Referer": me.url})
    url, state = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    callback = _log_in_and_consent(browser, url, username=None)
    assert callback.startswith(CALLBACK)

    # --- code exchange (with the PKCE verifier); Authlib checks the state
    token = rp.fetch_token(meta["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert {"access_token", "refresh_token", "id_token"} <= set(token)

    # --- ID token: signature against the JWKS from discovery, then OIDC's own checks (iss, aud, nonce, at_hash)
    jwks = KeySet.import_key_set(browser.get(meta["jwks_uri"], timeout=10).json())
    decoded = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    id_token = CodeIDToken(decoded.claims, decoded.header,
                           options={"iss": {"essential": True, "value": meta["issuer"]},
                                    "aud": {"essential": True, "value": client_id}},
                           params={"nonce": nonce, "access_token": token["access_token"]})
    id_token.validate()
    assert id_token["acr"] == f"urn:yiwang:loa:{citizen.assurance_level}"
    sub = id_token["sub"]
    assert sub not in {citizen.username, str(citizen.pk), citizen.id_number}
    assert "cn_resident_id" not in id_token and "name" not in id_token  # personal data only from userinfo

    # a tampered ID token fails the library's signature check
    header, _payload, signature = token["id_token"].split(".")
    forged = base64.urlsafe_b64encode(json.dumps({**decoded.claims, "sub": "someone-else"}).encode())
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged.rstrip(b'=').decode()}.{signature}", jwks, algorithms=["RS256"])

    # --- userinfo: every claim its scope allows
    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == sub
    assert info["name"] == "张三"
    assert info["phone_number"] == "+8613800138000"
    assert info["cn_resident_id"] == "11010519491231002X"
    assert info["enterprise"] == {"credit_code": "91110108551385082Q", "name": "示例公司", "role": "agent"}

    # --- refresh: a new pair, the old refresh token is spent, the new ID token names the same person
    refreshed = rp.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    again = jwt.decode(refreshed["id_token"], jwks, algorithms=["RS256"])
    assert again.claims["sub"] == sub and again.claims["aud"] == client_id
    assert rp.get(meta["userinfo_endpoint"]).json()["enterprise"]["credit_code"] == "91110108551385082Q"

    # --- RP-initiated logout: back to the system's page with its state; the session and tokens are gone
    out = browser.get(meta["end_session_endpoint"], params={
        "id_token_hint": refreshed["id_token"], "post_logout_redirect_uri": LOGGED_OUT, "state": "bye"},
        allow_redirects=False)
    assert out.status_code == 302 and out.headers["Location"] == f"{LOGGED_OUT}?state=bye"
    assert "/accounts/login/" in browser.get(f"{live}/me/").url
    assert rp.get(meta["userinfo_endpoint"]).status_code == 401

    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"sso.consent.give", "sso.authorize.grant", "sso.token.issue", "sso.token.refresh",
            "sso.logout.rp"} <= actions


def test_a_client_not_allowed_idcard_never_sees_the_identity_number(live, sessions, commerce, citizen):
    registration = client_create(organisation_code=commerce.code, name="市场监管登记系统", redirect_uris=[CALLBACK],
                                 scopes=[Scope.PROFILE, Scope.PHONE])
    client_id, secret = registration.application.client_id, registration.client_secret
    meta = sessions(requests.Session()).get(f"{live}/oidc/.well-known/openid-configuration", timeout=10).json()
    browser = sessions(requests.Session())

    greedy = sessions(OAuth2Session(client_id, secret, scope="openid profile idcard", redirect_uri=CALLBACK,
                                    code_challenge_method="S256"))
    verifier = secrets.token_urlsafe(48)
    url, _state = greedy.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    refused = _log_in_and_consent(browser, url, username=citizen.username)
    assert "error=invalid_scope" in refused

    rp = sessions(OAuth2Session(client_id, secret, scope="openid profile", redirect_uri=CALLBACK,
                                code_challenge_method="S256"))
    url, _state = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    callback = _log_in_and_consent(browser, url, username=None)
    rp.fetch_token(meta["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["name"] == "张三"
    assert "cn_resident_id" not in info and "phone_number" not in info
