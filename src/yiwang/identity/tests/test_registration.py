"""Citizen registration with an SMS-confirmed mobile number, through the pages (SPEC §3.1)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, english_client, last_sms_code
from yiwang.identity.models import AssuranceLevel, AssuranceMethod, User

pytestmark = pytest.mark.django_db
URL = "/accounts/register/"
PHONE = "13900139000"
DETAILS = {"real_name": "李四", "id_number": "440524188001010014", "phone": PHONE, "username": "lisi",
           "password": PASSWORD}


def ask_code(client: Client, phone: str = PHONE) -> str:
    response = client.post(URL, {"step": "phone", "phone": phone})
    assert response.status_code == 302
    return last_sms_code(phone)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refusals() -> int:
    return AuditRecord.objects.filter(action="identity.citizen.register_refused", result="failure").count()


def test_step_one_asks_for_the_number_and_step_two_for_the_code_and_the_person():
    client = Client()
    assert 'name="step" value="phone"' in client.get(URL).content.decode()
    code = ask_code(client)
    page = client.get(URL).content.decode()
    assert "139****9000" in page and 'name="code"' in page
    response = client.post(URL, {**DETAILS, "code": code})
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    user = User.objects.get()
    assert user.phone == PHONE and user.assurance_level == AssuranceLevel.SELF_ASSERTED
    event = user.assurance_events.get()
    assert event.method == AssuranceMethod.SMS_CONFIRMED_PHONE
    assert AuditRecord.objects.filter(action="identity.citizen.register", actor=user).exists()


def test_a_wrong_code_creates_nothing_is_counted_and_audited():
    client = Client()
    code = ask_code(client)
    response = client.post(URL, {**DETAILS, "code": wrong(code)})
    assert response.status_code == 400
    assert "The code is wrong" in english_client().post(URL, {**DETAILS, "code": wrong(code)}).content.decode()
    assert not User.objects.exists()
    assert refusals() == 2
    assert AuditRecord.objects.filter(action="identity.sms.code_check_failed").count() == 2
    # the code itself still works for the corrected form
    assert client.post(URL, {**DETAILS, "code": code}).status_code == 302


def test_an_expired_code_creates_nothing():
    client = english_client()
    code = ask_code(client)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=6)):
        response = client.post(URL, {**DETAILS, "code": code})
    assert response.status_code == 400 and "This code has expired" in response.content.decode()
    assert not User.objects.exists() and refusals() == 1


def test_too_many_wrong_codes_end_the_code():
    client = english_client()
    code = ask_code(client)
    for _ in range(5):
        assert client.post(URL, {**DETAILS, "code": wrong(code)}).status_code == 400
    response = client.post(URL, {**DETAILS, "code": code})
    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()
    assert not User.objects.exists()


def test_a_used_code_cannot_register_a_second_account():
    client = english_client()
    code = ask_code(client)
    assert client.post(URL, {**DETAILS, "code": code}).status_code == 302
    other = english_client()
    response = other.post(URL, {**DETAILS, "id_number": "11010519491231002X", "username": "other", "code": code})
    assert response.status_code == 400 and "This code has been used already" in response.content.decode()
    assert User.objects.count() == 1


def test_a_code_sent_to_another_number_does_not_confirm_this_one():
    client = english_client()
    code = ask_code(client, "13700137000")
    response = client.post(URL, {**DETAILS, "code": code})
    assert response.status_code == 400 and "No code was sent to this number" in response.content.decode()
    assert not User.objects.exists()


def test_a_second_account_for_one_identity_number_is_refused_in_chinese_and_audited(citizen):
    client = Client()
    code = ask_code(client)
    response = client.post(URL, {**DETAILS, "id_number": citizen.id_number, "code": code})
    assert response.status_code == 400
    assert "该身份证号码已注册账号。" in response.content.decode()
    assert User.objects.count() == 1
    refused = AuditRecord.objects.filter(action="identity.citizen.register_refused").get()
    assert refused.details == {"fields": ["id_number"]} and citizen.id_number not in str(refused.details)
    # the code was not spent on the refused attempt
    assert client.post(URL, {**DETAILS, "code": code}).status_code == 302


def test_every_problem_is_reported_at_once(citizen):
    response = english_client().post(URL, {**DETAILS, "id_number": citizen.id_number, "username": "zhangsan",
                                           "code": ""})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ["Enter the 6-digit code", "An account already exists for this identity number.",
                    "This user name is taken."]:
        assert message in page
    assert User.objects.count() == 1


def test_asking_again_within_a_minute_is_refused_on_the_page():
    client = english_client()
    ask_code(client)
    response = client.post(URL, {"step": "resend"}, follow=True)
    assert "Wait a minute before asking again" in response.content.decode()


def test_another_number_starts_again():
    client = Client()
    ask_code(client)
    client.post(URL, {"step": "restart"})
    assert 'name="step" value="phone"' in client.get(URL).content.decode()
