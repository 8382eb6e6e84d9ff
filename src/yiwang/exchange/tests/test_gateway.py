"""The gateway: every bad input of issue 5 is refused clearly, logged, and changes nothing; good calls are
filtered field by field and logged as signed, chained, bound request/response entries."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test import Client

from yiwang.conftest import run_together
from yiwang.exchange import messagelog, pki
from yiwang.exchange.client import RECEIPT_HEADER, ExchangeClient, b64url_decode
from yiwang.exchange.messagelog import message_log_verify
from yiwang.exchange.models import MessageLogEntry, MessageLogHead, UsedNonce
from yiwang.exchange.registry import LocalResponse
from yiwang.exchange.services import grant_create, grant_revoke, member_revoke, member_rotate

from .conftest import PERSON, mock_provider, signed_call

pytestmark = pytest.mark.django_db
TARGET = "/exchange/v1/legal-person/persons/91350100M000100Y43"


@pytest.fixture
def client() -> Client:
    return Client()


def entries() -> list[MessageLogEntry]:
    return list(MessageLogEntry.objects.order_by("seq"))


def assert_refused(response, status: int, code: str, provider=None) -> MessageLogEntry:
    """Refused with a clear error, logged as a refusal, nothing forwarded and no nonce spent."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    refusal = MessageLogEntry.objects.order_by("-seq").first()
    assert refusal is not None and refusal.kind == "refusal" and refusal.outcome == code
    assert refusal.status == status and refusal.message_id == error["message_id"]
    if provider is not None:
        assert provider.calls == []
    return refusal


# --- good calls ----------------------------------------------------------------------------------------------

def test_a_granted_call_returns_only_granted_fields_and_is_logged(client, tax_member, name_only_grant, provider):
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.status_code == 200
    assert response.json() == {"credit_code": PERSON["credit_code"], "name": PERSON["name"]}
    assert provider.calls[0].consumer == tax_member.member.identifier
    assert provider.calls[0].path == "persons/91350100M000100Y43"
    assert provider.calls[0].granted_fields == frozenset({"credit_code", "name"})
    request_entry, response_entry = entries()
    assert request_entry.kind == "request" and response_entry.kind == "response"
    assert response_entry.request_hash == request_entry.hash and response_entry.prev_hash == request_entry.hash
    assert response_entry.details["removed_fields"] == ["legal_representative", "registered_address", "status"]
    assert response["X-Yiwang-Message-Id"] == request_entry.message_id == response_entry.message_id
    # the receipt is the gateway's signature over the response entry's hash
    gateway_key = pki.verified_public_key(response_entry.signer)
    assert gateway_key is not None
    gateway_key.verify(b64url_decode(response[RECEIPT_HEADER]),
                                                 response_entry.hash.encode())
    assert message_log_verify().ok


def test_an_unrestricted_grant_returns_everything(client, tax_member, local_service):
    grant_create(service=local_service, consumer=tax_member.member, fields=None)
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.json() == PERSON


@pytest.mark.parametrize("answer, expected", [
    ([PERSON, PERSON, "bare string"], [{"name": PERSON["name"], "credit_code": PERSON["credit_code"]}] * 2),
    ({"data": [PERSON], "total": 1}, {"data": [{"name": PERSON["name"], "credit_code": PERSON["credit_code"]}]}),
    ({"records": [PERSON]}, {"records": [{"name": PERSON["name"], "credit_code": PERSON["credit_code"]}]}),
    ({"data": PERSON}, {"data": {"name": PERSON["name"], "credit_code": PERSON["credit_code"]}}),
    ({"name": {"zh": "公司", "en": "Co"}, "secret": 1}, {"name": {"zh": "公司", "en": "Co"}}),
])
def test_ungranted_fields_are_removed_everywhere_the_rule_says(client, tax_member, name_only_grant, provider,
                                                              answer, expected):
    provider.answer = LocalResponse(data=answer)
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.status_code == 200 and response.json() == expected


def test_an_external_provider_is_called_over_http(client, tax_member, http_service):
    grant_create(service=http_service, consumer=tax_member.member, fields=["name"])
    seen = mock_provider(lambda request: httpx.Response(200, json={**PERSON, "id_number": "110105194912310020"}))
    response = signed_call(client, tax_member, "POST", "/exchange/v1/legal-person-http/search?q=1", body=b'{"a":1}')
    assert response.status_code == 200 and response.json() == {"name": PERSON["name"]}
    assert str(seen[0].url) == "https://scjgj.example.gov.cn/api/search?q=1"
    assert seen[0].content == b'{"a":1}' and seen[0].headers["X-Yiwang-Consumer"] == tax_member.member.identifier
    assert [e.kind for e in entries()] == ["request", "response"]


@pytest.fixture
def wsgi_app():
    """The real WSGI application; like Django's test client, keep the test's database connection open."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_client_helper_signs_requests_end_to_end(tax_member, name_only_grant, wsgi_app):
    with ExchangeClient("http://testserver", tax_member.member.identifier,
                        private_key_pem=tax_member.private_key_pem,
                        transport=httpx.WSGITransport(app=wsgi_app)) as exchange:
        response = exchange.get("/exchange/v1/legal-person/persons/91350100M000100Y43", params={"fields": "name"})
        assert response.status_code == 200 and response.json() == {"name": PERSON["name"], "credit_code":
                                                                   PERSON["credit_code"]}
        services = exchange.get("/exchange/meta/services").json()["services"]
        assert [s["code"] for s in services] == ["legal-person"]


# --- bad input: each refused, logged, nothing forwarded ------------------------------------------------------

def test_unsigned(client, tax_member, name_only_grant, provider):
    response = client.get(TARGET)
    refusal = assert_refused(response, 401, "unsigned", provider)
    assert refusal.consumer is None
    assert not UsedNonce.objects.exists()


def test_wrongly_signed(client, tax_member, name_only_grant, provider):
    other = pki.private_pem(Ed25519PrivateKey.generate())
    response = signed_call(client, tax_member, "GET", TARGET, key_pem=other)
    refusal = assert_refused(response, 401, "bad_signature", provider)
    assert refusal.consumer is None and refusal.consumer_identifier == tax_member.member.identifier
    assert not UsedNonce.objects.exists()


def test_signature_for_another_path(client, tax_member, name_only_grant, provider):
    key = tax_member.private_key_pem
    from yiwang.exchange.client import load_private_key, signed_headers

    headers = signed_headers(private_key=load_private_key(key), member=tax_member.member.identifier, method="GET",
                             target="/exchange/v1/legal-person/persons/OTHER")
    assert_refused(client.get(TARGET, headers=headers), 401, "bad_signature", provider)


def test_body_not_matching_its_digest(client, tax_member, name_only_grant, provider):
    from yiwang.exchange.client import load_private_key, signed_headers

    headers = signed_headers(private_key=load_private_key(tax_member.private_key_pem),
                             member=tax_member.member.identifier, method="POST", target=TARGET, body=b"{}")
    response = client.post(TARGET, data=b'{"more": 1}', content_type="application/json", headers=headers)
    assert_refused(response, 401, "body_digest_mismatch", provider)


def test_unknown_member(client, tax_member, name_only_grant, provider):
    from yiwang.exchange.client import load_private_key, signed_headers

    headers = signed_headers(private_key=load_private_key(tax_member.private_key_pem), member="CN-SH/GOV/NOBODY/x",
                             method="GET", target=TARGET)
    refusal = assert_refused(client.get(TARGET, headers=headers), 401, "unknown_member", provider)
    assert refusal.consumer_identifier == "CN-SH/GOV/NOBODY/x"


def test_revoked_member(client, tax_member, name_only_grant, provider):
    assert signed_call(client, tax_member, "GET", TARGET).status_code == 200
    member_revoke(identifier=tax_member.member.identifier, reason="compromised")
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 403, "member_revoked")
    assert len(provider.calls) == 1


def test_revoked_provider(client, tax_member, commerce_member, name_only_grant, provider):
    member_revoke(identifier=commerce_member.member.identifier, reason="gone")
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 503, "service_unavailable", provider)


def test_old_key_after_rotation_is_refused(client, tax_member, name_only_grant, provider):
    rotated = member_rotate(identifier=tax_member.member.identifier)
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 401, "bad_signature", provider)
    assert signed_call(client, rotated, "GET", TARGET).status_code == 200


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_or_future_timestamp(client, tax_member, name_only_grant, provider, offset):
    response = signed_call(client, tax_member, "GET", TARGET, timestamp=int(time.time()) + offset)
    assert_refused(response, 401, "stale_timestamp", provider)


def test_no_grant(client, tax_member, local_service, provider):
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 403, "no_grant", provider)


def test_revoked_or_expired_grant(client, tax_member, name_only_grant, local_service, provider):
    grant_revoke(grant=name_only_grant)
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 403, "no_grant", provider)
    from datetime import timedelta

    from django.utils import timezone

    grant_create(service=local_service, consumer=tax_member.member, fields=None,
                 valid_from=timezone.now() - timedelta(days=2), valid_until=timezone.now() - timedelta(days=1))
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 403, "no_grant", provider)


def test_asking_for_a_field_outside_the_grant(client, tax_member, name_only_grant, provider):
    response = signed_call(client, tax_member, "GET", TARGET + "?fields=name,legal_representative")
    refusal = assert_refused(response, 403, "field_not_granted", provider)
    assert refusal.details["fields"] == ["legal_representative"]
    assert not UsedNonce.objects.exists()
    assert signed_call(client, tax_member, "GET", TARGET + "?fields=name").status_code == 200


def test_unknown_service(client, tax_member, provider):
    assert_refused(signed_call(client, tax_member, "GET", "/exchange/v1/no-such-service/x"), 404, "unknown_service")


def test_replay(client, tax_member, name_only_grant, provider):
    first = signed_call(client, tax_member, "GET", TARGET, nonce="the-same-nonce-0123456789")
    assert first.status_code == 200
    again = signed_call(client, tax_member, "GET", TARGET, nonce="the-same-nonce-0123456789")
    refusal = assert_refused(again, 409, "replay")
    assert refusal.consumer == tax_member.member
    assert len(provider.calls) == 1 and UsedNonce.objects.count() == 1


def test_oversized_body(client, tax_member, name_only_grant, provider, settings):
    settings.YIWANG_EXCHANGE_MAX_BODY_BYTES = 1000
    response = signed_call(client, tax_member, "POST", TARGET, body=b"x" * 1001)
    assert_refused(response, 413, "body_too_large", provider)
    assert not UsedNonce.objects.exists()


def test_provider_timeout(client, tax_member, http_service):
    grant_create(service=http_service, consumer=tax_member.member, fields=None)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    mock_provider(slow)
    response = signed_call(client, tax_member, "GET", "/exchange/v1/legal-person-http/x")
    assert response.status_code == 504 and response.json()["error"]["code"] == "provider_timeout"
    request_entry, refusal = entries()
    assert refusal.kind == "refusal" and refusal.request_hash == request_entry.hash
    assert message_log_verify().ok


def test_provider_500(client, tax_member, http_service):
    grant_create(service=http_service, consumer=tax_member.member, fields=None)
    mock_provider(lambda request: httpx.Response(500, text="Traceback: secret internals"))
    response = signed_call(client, tax_member, "GET", "/exchange/v1/legal-person-http/x")
    assert response.status_code == 502 and response.json()["error"]["code"] == "provider_error"
    assert b"secret internals" not in response.content
    assert entries()[-1].details["provider_status"] == 500


def test_provider_unreachable(client, tax_member, http_service):
    grant_create(service=http_service, consumer=tax_member.member, fields=None)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    mock_provider(down)
    response = signed_call(client, tax_member, "GET", "/exchange/v1/legal-person-http/x")
    assert response.status_code == 502 and response.json()["error"]["code"] == "provider_unreachable"


def test_local_provider_crash(client, tax_member, name_only_grant, provider):
    provider.error = RuntimeError("bug")
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.status_code == 502 and response.json()["error"]["code"] == "provider_error"


def test_non_json_answer_is_not_passed_through_a_field_limited_grant(client, tax_member, http_service):
    grant_create(service=http_service, consumer=tax_member.member, fields=["name"])
    mock_provider(lambda request: httpx.Response(200, text="name,id_number\n张三,110105194912310020",
                                                 headers={"content-type": "text/csv"}))
    response = signed_call(client, tax_member, "GET", "/exchange/v1/legal-person-http/x")
    assert response.status_code == 502 and response.json()["error"]["code"] == "unfilterable_response"
    assert b"110105" not in response.content


# --- fail closed ---------------------------------------------------------------------------------------------

def test_the_call_is_refused_when_the_log_cannot_be_written(client, tax_member, name_only_grant, provider,
                                                           monkeypatch):
    def broken(cursor, entry, nonce=None):
        raise DatabaseError("disk full")

    monkeypatch.setattr(messagelog, "insert_entry", broken)
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.status_code == 503 and response.json()["error"]["code"] == "log_unavailable"
    assert provider.calls == []  # never forwarded
    assert not UsedNonce.objects.exists()
    monkeypatch.undo()
    assert not MessageLogEntry.objects.exists() and MessageLogHead.objects.get().last_seq == 0


def test_the_answer_is_withheld_when_its_log_entry_cannot_be_written(client, tax_member, name_only_grant,
                                                                    provider, monkeypatch):
    original = messagelog.insert_entry

    def broken_for_responses(cursor, entry, nonce=None):
        if entry.kind == "response":
            raise DatabaseError("disk full")
        return original(cursor, entry, nonce)

    monkeypatch.setattr(messagelog, "insert_entry", broken_for_responses)
    response = signed_call(client, tax_member, "GET", TARGET)
    assert response.status_code == 503 and PERSON["name"] not in response.content.decode()
    assert [e.kind for e in entries()] == ["request"]


# --- verify-log ----------------------------------------------------------------------------------------------

def raw_sql(sql: str, params: list) -> None:
    """What someone with direct database access would do; on PostgreSQL they must first drop our guard."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE exchange_messagelogentry DISABLE TRIGGER exchange_log_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE exchange_messagelogentry ENABLE TRIGGER exchange_log_append_only")


@pytest.fixture
def some_calls(client, tax_member, name_only_grant):
    for _ in range(3):
        assert signed_call(client, tax_member, "GET", TARGET).status_code == 200
    client.get(TARGET)  # an unsigned refusal
    assert MessageLogEntry.objects.count() == 7


def test_verify_log_intact(some_calls, capsys):
    call_command("exchange", "verify-log")
    assert "7 entries verified" in capsys.readouterr().out


def test_verify_log_names_an_altered_entry(some_calls):
    raw_sql("UPDATE exchange_messagelogentry SET status = 201 WHERE seq = 4", [])
    with pytest.raises(CommandError, match="entry #4 was altered"):
        call_command("exchange", "verify-log")


def test_verify_log_names_a_deleted_entry(some_calls):
    raw_sql("DELETE FROM exchange_messagelogentry WHERE seq = 3", [])
    with pytest.raises(CommandError, match="entry #3 is missing"):
        call_command("exchange", "verify-log")


def test_verify_log_names_a_rehashed_entry_by_its_signature(some_calls):
    """Someone who recomputes the hash chain still cannot forge the gateway's signature."""
    from yiwang.exchange.messagelog import compute_hash

    entry = MessageLogEntry.objects.get(seq=7)
    entry.outcome = "forged"
    raw_sql("UPDATE exchange_messagelogentry SET outcome = %s, hash = %s WHERE seq = 7",
            ["forged", compute_hash(entry)])
    MessageLogHead.objects.filter(pk=1).update(last_hash=compute_hash(entry))
    report = message_log_verify()
    assert not report.ok and report.first_bad_seq == 7 and "not signed by the gateway" in report.problem


def test_verify_log_names_a_cut_tail(some_calls):
    raw_sql("DELETE FROM exchange_messagelogentry WHERE seq = 7", [])
    report = message_log_verify()
    assert not report.ok and "head records #7" in report.problem


def test_signatures_made_before_a_rotation_still_verify(some_calls, tax_member):
    from yiwang.exchange.services import gateway_key_rotate

    member_rotate(identifier=tax_member.member.identifier)
    gateway_key_rotate()
    member_revoke(identifier=tax_member.member.identifier, reason="later revoked")
    report = message_log_verify()
    assert report.ok and report.checked == 7


def test_replayed_request_bodies_are_hashed_not_kept(client, tax_member, name_only_grant):
    body = json.dumps({"id_number": "110105194912310020"}).encode()
    signed_call(client, tax_member, "POST", TARGET, body=body)
    request_entry = entries()[0]
    assert "110105194912310020" not in json.dumps(request_entry.details)
    import hashlib

    assert request_entry.body_sha256 == hashlib.sha256(body).hexdigest()


def test_changes_reach_the_gateways_cache_at_the_next_call(client, tax_member, local_service, provider):
    """The gateway caches members, services and grants per process; every change bumps the directory version."""
    assert signed_call(client, tax_member, "GET", TARGET).status_code == 403  # no grant (cached as none)
    grant = grant_create(service=local_service, consumer=tax_member.member, fields=["name"])
    assert signed_call(client, tax_member, "GET", TARGET).json() == {"name": PERSON["name"]}
    grant_revoke(grant=grant)
    assert signed_call(client, tax_member, "GET", TARGET).status_code == 403
    from yiwang.exchange.services import service_withdraw

    grant_create(service=local_service, consumer=tax_member.member, fields=None)
    assert signed_call(client, tax_member, "GET", TARGET).status_code == 200
    service_withdraw(code=local_service.code)
    assert signed_call(client, tax_member, "GET", TARGET).json()["error"]["code"] == "unknown_service"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_keep_one_unbroken_log(tax_member, name_only_grant):
    """Eight consumers' threads calling at once: consecutive sequence numbers, every entry bound and intact."""

    def caller(_: int) -> list[int]:
        client = Client()
        return [signed_call(client, tax_member, "GET", TARGET).status_code for _ in range(5)]

    results, errors = run_together(8, caller)
    assert not errors and [status for statuses in results for status in statuses] == [200] * 40
    assert list(MessageLogEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 81))
    report = message_log_verify()
    assert report.ok and report.checked == 80


def append(n: int = 1) -> list[MessageLogEntry]:
    return [messagelog.message_log_append(kind="refusal", message_id=f"m-{i}", outcome="test") for i in range(n)]


class _Guessing:
    """A host turn whose remembered head is ``head``."""

    def __init__(self, head):
        self.head = head

    @contextmanager
    def __call__(self):
        shared = [self.head]
        yield shared
        self.head = shared[0]


@pytest.mark.django_db(transaction=True)  # outside a transaction, as the gateway appends
@pytest.mark.parametrize("guess", ["behind", "same number, another hash"])
def test_an_append_after_a_wrong_guess_links_to_the_real_head(monkeypatch, guess):
    """Another server appended (behind), or an append was rolled back and its number reused (same number,
    another hash): the compare-and-set refuses the remembered head, and the entry links to the real one."""
    first, second = append(2)
    wrong = (first.seq, first.hash) if guess == "behind" else (second.seq, "f" * 64)
    turn = _Guessing(wrong)
    monkeypatch.setattr(messagelog, "_host_turn", turn)
    (third,) = append()
    assert (third.seq, third.prev_hash) == (second.seq + 1, second.hash)
    assert message_log_verify().ok and MessageLogHead.objects.get().last_hash == third.hash
    if connection.vendor == "postgresql":  # SQLite reads the head under its write lock and keeps no guess
        assert turn.head == (third.seq, third.hash)


def test_a_replayed_nonce_writes_nothing_and_leaves_the_transaction_usable(tax_member):
    messagelog.message_log_append(kind="refusal", message_id="a", outcome="test", nonce=("m", "n" * 16))
    with pytest.raises(messagelog.NonceUsed):
        messagelog.message_log_append(kind="refusal", message_id="b", outcome="test", nonce=("m", "n" * 16))
    assert [e.message_id for e in entries()] == ["a"] and UsedNonce.objects.count() == 1
    (after,) = append()
    assert after.seq == 2 and message_log_verify().ok


class _Racing:
    """Appends as separate servers make them: no turn-taking on this host, only the compare-and-set."""

    @contextmanager
    def __call__(self):
        yield [None]


class _ProcessTurns:
    """Each thread its own ``_HostTurn``, as each server process has its own file: the file lock decides."""

    def __init__(self):
        self.local = threading.local()

    def __call__(self):
        if not hasattr(self.local, "turn"):
            self.local.turn = messagelog._HostTurn()
        return self.local.turn()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("servers, tries", [("racing", 5), ("racing", 0), ("one host", 5)],
                         ids=["servers racing", "servers racing, row lock at once", "processes of one server"])
def test_concurrent_appends_never_fork_the_log(monkeypatch, servers, tries):
    """Eight threads appending at once as eight servers (the compare-and-set loses races and retries, or takes
    the head's row lock) or as eight processes of one server (they take turns on the host's file, whose head is
    the right guess): the log stays one verifiable chain either way."""
    monkeypatch.setattr(messagelog, "OPTIMISTIC_TRIES", tries)
    monkeypatch.setattr(messagelog, "_host_turn", _Racing() if servers == "racing" else _ProcessTurns())
    reads = []
    read_head = messagelog._read_head

    def counted(cursor, **kwargs):
        reads.append(1)
        return read_head(cursor, **kwargs)

    monkeypatch.setattr(messagelog, "_read_head", counted)
    _, errors = run_together(8, lambda _: append(10))
    assert not errors
    assert list(MessageLogEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 81))
    report = message_log_verify()
    assert report.ok and report.checked == 80
    if servers == "one host":  # the file's head was right every time but perhaps the first (a stale file)
        assert len(reads) <= 1
    else:
        assert len(reads) >= 80  # no file remembers the head between servers: each append read it first


def test_appends_still_work_without_a_place_for_the_host_file(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    turn = messagelog._HostTurn(blocked)  # the lock file would have to live under a file: it cannot be opened
    with turn() as shared:
        assert shared == [None]
    monkeypatch.setattr(messagelog, "_host_turn", turn)
    first, second = append(2)
    assert second.prev_hash == first.hash and message_log_verify().ok


def test_refusals_follow_accept_language(client, tax_member, local_service):
    from django.utils import translation

    with translation.override("zh-hans"):
        english = client.get(TARGET, headers={"Accept-Language": "en"}).json()["error"]["message"]
    assert english.startswith("The request is not signed")


def test_expired_certificate(client, tax_member, name_only_grant, provider):
    from datetime import timedelta

    from django.utils import timezone

    from yiwang.exchange.models import Certificate

    Certificate.objects.filter(pk=tax_member.certificate.pk).update(not_after=timezone.now() - timedelta(seconds=1))
    assert_refused(signed_call(client, tax_member, "GET", TARGET), 401, "certificate_invalid", provider)


def test_expired_nonces_are_purged_and_fresh_ones_kept(client, tax_member, name_only_grant, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert signed_call(client, tax_member, "GET", TARGET, nonce="old-nonce-0123456789abc").status_code == 200
    assert signed_call(client, tax_member, "GET", TARGET, nonce="new-nonce-0123456789abc").status_code == 200
    UsedNonce.objects.filter(nonce="old-nonce-0123456789abc").update(
        seen_at=timezone.now() - timedelta(seconds=2 * settings.YIWANG_EXCHANGE_CLOCK_SKEW_SECONDS + 1))
    call_command("exchange", "purge-nonces")
    assert list(UsedNonce.objects.values_list("nonce", flat=True)) == ["new-nonce-0123456789abc"]


def test_an_oversized_provider_answer_is_refused(client, tax_member, http_service, settings):
    settings.YIWANG_EXCHANGE_MAX_RESPONSE_BYTES = 1000
    grant_create(service=http_service, consumer=tax_member.member, fields=None)
    mock_provider(lambda request: httpx.Response(200, content=b"x" * 1001))
    response = signed_call(client, tax_member, "GET", "/exchange/v1/legal-person-http/x")
    assert response.status_code == 502 and response.json()["error"]["code"] == "response_too_large"
    assert b"xxx" not in response.content
