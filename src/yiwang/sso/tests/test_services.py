"""Clients, keys, consent, claims: the sso services and selectors, and the two management commands."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import call_command
from django.test import Client
from jwcrypto import jwk, jwt
from oauth2_provider.models import AccessToken, RefreshToken

from yiwang.audit.public import AuditRecord
from yiwang.conftest import english_client, staff_login
from yiwang.core.public import ValidationFailed
from yiwang.sso import public
from yiwang.sso.keys import key_dir, signing_keys
from yiwang.sso.models import ClientProfile, Consent, Scope, SubjectIdentifier
from yiwang.sso.services import client_create, signing_key_rotate

from .helpers import REDIRECT_URI, authorize_url, exchange, obtain_code, pkce_pair

pytestmark = pytest.mark.django_db


def _login(browser, system, scope="openid profile"):
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, system.application.client_id, challenge=challenge, scope=scope)
    response = exchange(Client(), system.application.client_id, system.client_secret, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


# --- registering clients ------------------------------------------------------------------------------------
@pytest.mark.parametrize("uri", ["http://rp.example/cb", "https://rp.example/cb#x", "https://*.example/cb",
                                 "rp.example/cb", "https://user:pw@rp.example/cb"])
def test_client_redirect_uris_must_be_exact_https(tax, uri):
    with pytest.raises(ValidationFailed) as exc:
        client_create(organisation_code=tax.code, name="系统", redirect_uris=[uri])
    assert "redirect_uris" in exc.value.field_errors


def test_http_only_to_loopback_and_only_when_allowed(tax, settings):
    assert client_create(organisation_code=tax.code, name="本地", redirect_uris=["http://127.0.0.1:8000/cb"])
    settings.YIWANG_OIDC_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ValidationFailed):
        client_create(organisation_code=tax.code, name="本地", redirect_uris=["http://127.0.0.1:8000/cb"])


def test_client_needs_a_known_department_and_idcard_needs_the_flag(tax):
    with pytest.raises(ValidationFailed) as exc:
        client_create(organisation_code="NOPE", name="系统", redirect_uris=[REDIRECT_URI])
    assert "organisation" in exc.value.field_errors
    plain = client_create(organisation_code=tax.code, name="系统", redirect_uris=[REDIRECT_URI],
                          scopes=[Scope.PROFILE, Scope.IDCARD])
    assert ClientProfile.objects.get(application=plain.application).scopes == ["openid", "profile"]
    audit = AuditRecord.objects.get(action="sso.client.create")
    assert audit.details["department"] == tax.code and plain.client_secret not in json.dumps(audit.details)
    # the secret is kept only as a hash
    plain.application.refresh_from_db()
    assert plain.application.client_secret != plain.client_secret


def test_create_client_command_prints_credentials_once(tax):
    out = io.StringIO()
    call_command("oidc", "create-client", "--department", tax.code, "--name", "税务办税系统",
                 "--redirect-uri", REDIRECT_URI, "--scope", "profile", "--allow-idcard", stdout=out)
    assert "client_id:" in out.getvalue() and "client_secret:" in out.getvalue()
    assert ClientProfile.objects.get().scopes == ["openid", "profile", "idcard"]
    public_out = io.StringIO()
    call_command("oidc", "create-client", "--department", tax.code, "--name", "移动端", "--public",
                 "--redirect-uri", "https://app.example/cb", stdout=public_out)
    assert "client_secret" not in public_out.getvalue()


# --- keys ---------------------------------------------------------------------------------------------------
def test_keys_are_created_private_and_rotation_keeps_old_tokens_verifiable(settings, tmp_path, browser,
                                                                         tax_system):
    settings.YIWANG_OIDC_KEY_DIR = str(tmp_path / "oidc")
    settings.YIWANG_OIDC_KEYS_KEPT = 2
    old = _login(browser, tax_system)
    files = list(key_dir().glob("rsa-*.pem"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600

    call_command("oidc", "rotate-key", stdout=io.StringIO())
    assert AuditRecord.objects.filter(action="sso.key.rotate").exists()
    jwks = Client().get("/oidc/.well-known/jwks.json").json()
    assert len(jwks["keys"]) == 2
    keyset = jwk.JWKSet.from_json(json.dumps(jwks))
    jwt.JWT(jwt=old["id_token"], key=keyset)  # signed before the rotation, still verifies

    new = _login(browser, tax_system)
    new_kid = json.loads(jwt.JWT(jwt=new["id_token"], key=keyset).header)["kid"]
    old_kid = json.loads(jwt.JWT(jwt=old["id_token"], key=keyset).header)["kid"]
    assert new_kid == jwks["keys"][0]["kid"] and old_kid == jwks["keys"][1]["kid"] and new_kid != old_kid

    signing_key_rotate()
    signing_key_rotate()  # the first key is now beyond the two kept
    jwks = Client().get("/oidc/.well-known/jwks.json").json()
    with pytest.raises(Exception):  # noqa: B017 - jwcrypto raises its own family
        jwt.JWT(jwt=old["id_token"], key=jwk.JWKSet.from_json(json.dumps(jwks)))
    assert len(list(key_dir().glob("rsa-*.pem"))) == 2
    assert signing_keys().active == sorted(key_dir().glob("rsa-*.pem"))[-1].read_text()


def test_id_token_hint_signed_with_a_rotated_out_active_key_still_logs_out(browser, tax_system, settings, tmp_path):
    settings.YIWANG_OIDC_KEY_DIR = str(tmp_path / "oidc")
    tokens = _login(browser, tax_system)
    signing_key_rotate()
    response = browser.get("/oidc/logout/", {"id_token_hint": tokens["id_token"]})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="sso.logout.rp").exists()


# --- claims -------------------------------------------------------------------------------------------------
def test_sub_is_pairwise_per_department(browser, citizen, tax, tax_system, commerce_system):
    second_tax = client_create(organisation_code=tax.code, name="税务二号系统", redirect_uris=[REDIRECT_URI])

    def sub(system):
        tokens = _login(browser, system)
        return Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()["sub"]

    assert sub(tax_system) == sub(second_tax) != sub(commerce_system)
    assert SubjectIdentifier.objects.filter(user=citizen).count() == 2


def test_removing_idcard_from_a_client_stops_the_claim_at_once(browser, tax_system):
    tokens = _login(browser, tax_system, scope="openid idcard")
    rp = Client()
    bearer = f"Bearer {tokens['access_token']}"
    assert "cn_resident_id" in rp.get("/oidc/userinfo/", HTTP_AUTHORIZATION=bearer).json()
    ClientProfile.objects.filter(application=tax_system.application).update(allowed_scopes="openid profile")
    assert "cn_resident_id" not in rp.get("/oidc/userinfo/", HTTP_AUTHORIZATION=bearer).json()


def test_staff_log_in_to_department_systems_after_their_second_factor(tax_handler, tax_system):
    browser = Client()
    browser.force_login(tax_handler)
    _verifier, challenge = pkce_pair()
    response = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge))
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    staff_login(browser, tax_handler)
    assert browser.get(authorize_url(tax_system.application.client_id, challenge=challenge)).status_code == 200


# --- consent ------------------------------------------------------------------------------------------------
def test_consent_is_remembered_then_withdrawn(browser, citizen, tax_system):
    _login(browser, tax_system)
    _verifier, challenge = pkce_pair()
    again = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge))
    assert again.status_code == 302 and "code=" in again["Location"]  # no second consent page
    more = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge, scope="openid phone"))
    assert more.status_code == 200  # a new scope asks again

    apps = public.authorised_apps_for(user=citizen)
    assert [a.name for a in apps] == ["税务办税系统"] and str(apps[0]).startswith("税务办税系统")
    revoked = public.sso_authorisation_revoke(user=citizen, application=tax_system.application)
    assert revoked >= 1
    assert public.authorised_apps_for(user=citizen) == []
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists() and not AccessToken.objects.exists()
    assert Consent.objects.get().revoked_at is not None
    assert AuditRecord.objects.filter(action="sso.consent.revoke").exists()
    assert browser.get(authorize_url(tax_system.application.client_id, challenge=challenge)).status_code == 200


def test_withdrawal_page_accepts_only_the_users_own_systems(browser, citizen, tax_system, commerce_system):
    _login(browser, tax_system)
    url = f"/oidc/authorisations/{commerce_system.application.pk}/revoke/"
    assert browser.post(url).status_code == 403
    assert AuditRecord.objects.filter(action="audit.access.denied").exists()
    response = browser.post(f"/oidc/authorisations/{tax_system.application.pk}/revoke/", {"next": "/me/account/"})
    assert response.status_code == 302 and response["Location"] == "/me/account/"
    assert public.authorised_apps_for(user=citizen) == []
    evil = browser.post(f"/oidc/authorisations/{tax_system.application.pk}/revoke/", {"next": "https://evil.example/"})
    assert evil.status_code in {302, 403} and "evil" not in evil.get("Location", "")


def test_refusing_consent_is_audited_and_tells_the_system(browser, tax_system):
    _verifier, challenge = pkce_pair()
    page = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge))
    data = {name: page.context["form"].initial.get(name) or "" for name in page.context["form"].fields}
    response = browser.post("/oidc/authorize/", data)  # no "allow"
    assert response.status_code == 302 and "error=access_denied" in response["Location"]
    assert AuditRecord.objects.filter(action="sso.consent.refuse").exists()


def test_consent_page_is_chinese_by_default_and_names_the_department(citizen, tax_system):
    browser = Client()
    browser.force_login(citizen)
    _verifier, challenge = pkce_pair()
    page = browser.get(authorize_url(tax_system.application.client_id, challenge=challenge,
                                     scope="openid profile idcard"))
    assert page.status_code == 200
    assert "区税务局" in page.content.decode() and "税务办税系统" in page.content.decode()
    assert "form-action" in page["Content-Security-Policy"] and "https://rp.tax.example" in page[
        "Content-Security-Policy"]


def test_platform_admin_opens_the_client_admin(platform_admin, tax_system):
    browser = staff_login(Client(), platform_admin)
    assert browser.get("/admin/oauth2_provider/application/add/").status_code == 200
    change = browser.get(f"/admin/oauth2_provider/application/{tax_system.application.pk}/change/")
    assert change.status_code == 200 and "idcard" in change.content.decode()


def test_tokens_are_kept_only_as_checksums(browser, tax_system):
    tokens = _login(browser, tax_system)
    assert AccessToken.objects.get().token == "" and RefreshToken.objects.get().token == ""
    assert tokens["access_token"] and tokens["refresh_token"]
    bearer = f"Bearer {tokens['access_token']}"
    assert Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=bearer).status_code == 200
    assert Client().get("/oidc/userinfo/", {"access_token": tokens["access_token"]}).status_code == 401


def test_the_account_page_lists_authorised_systems_and_withdraws_them(citizen, tax_system, commerce_system):
    browser = english_client()
    browser.force_login(citizen)
    _login(browser, tax_system, scope="openid profile phone")
    page = browser.get("/me/account/").content.decode()
    section = page.split('id="authorised-apps"')[1].split("</section>")[0]
    assert "税务办税系统" in section and "市场监管登记系统" not in section
    assert "Withdraw access" in section and f"/oidc/authorisations/{tax_system.application.pk}/revoke/" in section
    response = browser.post(f"/oidc/authorisations/{tax_system.application.pk}/revoke/", {"next": "/me/account/"},
                            follow=True)
    after = response.content.decode().split('id="authorised-apps"')[1].split("</section>")[0]
    assert "税务办税系统" not in after and "You have not authorised any application." in after
    assert "can no longer use your data" in response.content.decode()
    assert not RefreshToken.objects.filter(user=citizen, revoked__isnull=True).exists()
