"""The token endpoint's hot path (bench/oidc): hand-written reads and inserts give what the ORM gives,
a refresh is a fixed, small number of statements, and rotation still locks, revokes and audits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, IDToken, RefreshToken

from yiwang.audit.public import AuditRecord, audit_chain_verify
from yiwang.conftest import run_together
from yiwang.sso.rows import insert
from yiwang.sso.validators import _application, _locked_refresh_token, generate_token

from .helpers import exchange, obtain_code, pkce_pair, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def rp() -> Client:
    return Client()


def _tokens(browser, rp, system) -> dict:
    verifier, challenge = pkce_pair()
    code = obtain_code(browser, system.application.client_id, challenge=challenge)
    response = exchange(rp, system.application.client_id, system.client_secret, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_the_hand_written_read_gives_the_orm_s_instances(browser, rp, tax_system, citizen):
    tokens = _tokens(browser, rp, tax_system)
    with transaction.atomic():
        found = _locked_refresh_token(_checksum(tokens["refresh_token"]))
    expected = RefreshToken.objects.select_related("access_token", "user").get(
        token_checksum=_checksum(tokens["refresh_token"]))
    assert _values(found) == _values(expected)
    assert _values(found.access_token) == _values(expected.access_token)
    assert _values(found.user) == _values(expected.user)
    assert found.user.id_number == citizen.id_number and found.user.id_number  # decrypted like the ORM does
    assert not found._state.adding and found._state.db == "default"
    with transaction.atomic():
        assert _locked_refresh_token(_checksum("no such token")) is None


def test_the_live_row_wins_over_revoked_rows_with_the_same_checksum(browser, rp, tax_system):
    tokens = _tokens(browser, rp, tax_system)
    live = RefreshToken.objects.get(token_checksum=_checksum(tokens["refresh_token"]))
    # Uniqueness is (token_checksum, revoked): older revoked rows may share the checksum.
    for days in (2, 1):
        RefreshToken.objects.create(user=live.user, application=live.application, token="",
                                    token_checksum=live.token_checksum, token_family=live.token_family,
                                    revoked=timezone.now() - timedelta(days=days))
    with transaction.atomic():
        assert _locked_refresh_token(live.token_checksum).pk == live.pk
    live.revoked = timezone.now()
    live.save()
    with transaction.atomic():
        assert _locked_refresh_token(live.token_checksum).pk == live.pk  # now the latest revoked one


def test_the_hand_written_client_lookup(tax_system):
    application = tax_system.application
    assert _values(_application(application.client_id)) == _values(type(application).objects.get(pk=application.pk))
    assert _application("unknown-client") is None


def test_insert_writes_what_save_writes(browser, rp, tax_system, citizen):
    application = tax_system.application
    expires = timezone.now() + timedelta(minutes=10)
    fast = IDToken(user=citizen, application=application, scope="openid", expires=expires)
    insert(fast)
    assert fast.pk is not None and not fast._state.adding
    assert fast.created is not None and fast.updated is not None  # auto_now_add / auto_now applied
    stored = IDToken.objects.get(pk=fast.pk)
    assert _values(stored) == _values(fast)

    access = AccessToken(user=citizen, application=application, scope="openid", expires=expires, id_token=fast)
    access._raw_token = "raw-access-token"  # as set_token_value does under hashed storage
    access.token = ""
    insert(access)
    assert AccessToken.objects.get(pk=access.pk).token_checksum == _checksum("raw-access-token")


def test_a_refresh_is_at_most_twelve_statements_and_one_audit_record(browser, rp, tax_system):
    tokens = _tokens(browser, rp, tax_system)
    client_id, secret = tax_system.application.client_id, tax_system.client_secret
    tokens = refresh(rp, client_id, secret, tokens["refresh_token"]).json()  # warm the per-process caches
    before = AuditRecord.objects.filter(action="sso.token.refresh").count()
    with CaptureQueriesContext(connection) as queries:
        response = refresh(rp, client_id, secret, tokens["refresh_token"])
    assert response.status_code == 200, response.content
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert len(statements) <= 12, statements  # was 29; 10 on PostgreSQL (bench/oidc/README.md)
    assert statements.count("SAVEPOINT") <= 1  # the endpoint's own transaction (a savepoint inside the test's)
    assert AuditRecord.objects.filter(action="sso.token.refresh").count() == before + 1
    old = RefreshToken.objects.get(token_checksum=_checksum(tokens["refresh_token"]))
    assert old.revoked is not None and old.access_token_id is None  # rotated: revoked, its access token gone
    assert not AccessToken.objects.filter(token_checksum=_checksum(tokens["access_token"])).exists()
    new = RefreshToken.objects.get(token_checksum=_checksum(response.json()["refresh_token"]))
    assert new.revoked is None and new.token_family == old.token_family and new.access_token is not None
    assert audit_chain_verify().ok


def test_tokens_carry_256_random_bits():
    values = {generate_token(None) for _ in range(50)}
    assert len(values) == 50
    assert all(len(v) == 43 and set(v) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
               for v in values)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_the_same_refresh_token_twice_at_once_is_a_reuse(browser, tax_system):
    """The row lock taken while validating: the second request waits, sees the token spent, revokes the family."""
    tokens = _tokens(browser, Client(), tax_system)
    client_id, secret = tax_system.application.client_id, tax_system.client_secret
    statuses, errors = run_together(
        2, lambda _: refresh(Client(), client_id, secret, tokens["refresh_token"]).status_code)
    assert not errors
    assert sorted(statuses) == [200, 400]
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()  # the family is revoked
    assert AuditRecord.objects.filter(action="sso.refresh_token.reuse").count() == 1
    assert audit_chain_verify().ok
