"""Password reset by SMS code: works, tells nobody whether an account exists, throttled, audited."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from yiwang.audit.models import AuditRecord
from yiwang.conftest import english_client, last_sms_code
from yiwang.identity.models import PhoneVerification
from yiwang.identity.sms.console import ConsoleBackend

pytestmark = pytest.mark.django_db
URL = "/accounts/password-reset/"
CODE_URL = "/accounts/password-reset/code/"
NEW = "Lujiazui-River-2026"


def start(client: Client, identifier: str, phone: str, ip: str = "10.9.9.9"):
    return client.post(URL, {"identifier": identifier, "phone": phone}, REMOTE_ADDR=ip)


def test_a_citizen_resets_the_password_by_user_name_and_other_sessions_end(citizen):
    elsewhere = Client()
    elsewhere.force_login(citizen)
    client = english_client()
    response = start(client, "zhangsan", "138 0013 8000")
    assert response.status_code == 302 and response["Location"] == CODE_URL
    response = client.post(CODE_URL, {"code": last_sms_code("13800138000"), "new_password": NEW})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)
    assert not Session.objects.filter(session_key=elsewhere.session.session_key).exists()
    reset = AuditRecord.objects.get(action="identity.password.reset", result="success")
    assert reset.actor == citizen and reset.details == {"sessions_ended": 1}
    assert NEW not in str(reset.details)


def test_the_identity_number_works_as_well(citizen):
    client = english_client()
    start(client, citizen.id_number, "13800138000")
    client.post(CODE_URL, {"code": last_sms_code("13800138000"), "new_password": NEW})
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)


@pytest.mark.parametrize("identifier, phone", [("zhangsan", "13900000000"), ("nobody", "13800138000")])
def test_no_enumeration_the_answer_is_the_same_and_no_code_goes_out(citizen, identifier, phone):
    known = english_client()
    known_first = start(known, "zhangsan", "13800138000")
    known_page = known.get(CODE_URL).content.decode()
    ConsoleBackend.outbox.clear()
    unknown = english_client()
    first = start(unknown, identifier, phone, ip="10.9.9.8")
    assert (first.status_code, first["Location"]) == (known_first.status_code, known_first["Location"])
    page = unknown.get(CODE_URL).content.decode()
    for shown in (known_page, page):
        assert "If the user name or identity number and the mobile number belong to one account" in shown
    assert ConsoleBackend.outbox == []
    response = unknown.post(CODE_URL, {"code": "123456", "new_password": NEW})
    assert response.status_code == 400 and "The code is wrong or has expired" in response.content.decode()
    citizen.refresh_from_db()
    assert not citizen.check_password(NEW)
    assert AuditRecord.objects.filter(action="identity.password.reset_request").count() == 2


def test_a_wrong_code_gives_the_same_message_and_counts(citizen):
    client = english_client()
    start(client, "zhangsan", "13800138000")
    response = client.post(CODE_URL, {"code": "000000" if last_sms_code("13800138000") != "000000" else "111111",
                                      "new_password": NEW})
    assert "The code is wrong or has expired" in response.content.decode()
    assert PhoneVerification.objects.get().attempts == 1


def test_a_second_request_within_a_minute_looks_the_same_but_sends_nothing(citizen):
    client = english_client()
    start(client, "zhangsan", "13800138000")
    ConsoleBackend.outbox.clear()
    response = start(client, "zhangsan", "13800138000")
    assert response.status_code == 302 and ConsoleBackend.outbox == []


def test_requests_from_one_address_are_throttled(citizen):
    client = english_client()
    for n in range(10):
        assert start(client, f"nobody{n}", "13800138000").status_code == 302
    response = start(client, "zhangsan", "13800138000")
    assert response.status_code == 400 and "Too many password reset requests" in response.content.decode()
    assert AuditRecord.objects.filter(action="identity.password.reset_request", result="denied").exists()


def test_a_weak_new_password_is_refused_and_the_code_stays_usable(citizen):
    client = english_client()
    start(client, "zhangsan", "13800138000")
    code = last_sms_code("13800138000")
    response = client.post(CODE_URL, {"code": code, "new_password": "123"})
    assert response.status_code == 400 and "too short" in response.content.decode()
    assert client.post(CODE_URL, {"code": code, "new_password": NEW}).status_code == 302


def test_the_code_page_needs_the_first_step(db):
    response = Client().get(CODE_URL)
    assert response.status_code == 302 and response["Location"] == URL
