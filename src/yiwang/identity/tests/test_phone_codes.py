"""SMS one-time codes: hashed, expiring, limited attempts, single use, throttled, audited without the code."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.conftest import last_sms_code
from yiwang.core.public import ValidationFailed
from yiwang.identity.models import PhonePurpose, PhoneVerification
from yiwang.identity.phone_codes import normalise_phone, sms_code_check, sms_code_consume, sms_code_send
from yiwang.identity.sms import SmsDeliveryError

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
REGISTER = PhonePurpose.REGISTER


def later(**delta):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(**delta))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_sent_stored_only_hashed_and_checked():
    sms_code_send(phone="+86 139-1234-5678", purpose=REGISTER)
    code = last_sms_code(PHONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, code_hash FROM identity_phoneverification")
        raw_phone, code_hash = cursor.fetchone()
    assert PHONE not in raw_phone and code not in code_hash  # encrypted number, keyed hash of the code
    verification = sms_code_check(phone=PHONE, purpose=REGISTER, code=code)
    assert verification.used_at is None
    sms_code_consume(verification=verification)
    sent = AuditRecord.objects.get(action="identity.sms.code_sent")
    assert sent.details == {"purpose": "register", "phone": "139****5678"}
    assert code not in str(sent.details)


def test_a_code_is_for_its_purpose_only():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    with pytest.raises(ValidationFailed) as exc:
        sms_code_check(phone=PHONE, purpose=PhonePurpose.PASSWORD_RESET, code=last_sms_code(PHONE))
    assert exc.value.code == "code_none"


def test_a_code_expires_after_five_minutes():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = last_sms_code(PHONE)
    with later(minutes=5, seconds=1), pytest.raises(ValidationFailed) as exc:
        sms_code_check(phone=PHONE, purpose=REGISTER, code=code)
    assert exc.value.code == "code_expired"
    assert "expired" in exc.value.field_errors["code"][0]


def test_five_wrong_codes_kill_the_code_even_the_right_one_after():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = last_sms_code(PHONE)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            sms_code_check(phone=PHONE, purpose=REGISTER, code=wrong(code))
    with pytest.raises(ValidationFailed) as exc:
        sms_code_check(phone=PHONE, purpose=REGISTER, code=code)
    assert exc.value.code == "code_exhausted"
    assert PhoneVerification.objects.get().attempts == 5
    assert AuditRecord.objects.filter(action="identity.sms.code_check_failed").count() == 6


def test_a_used_code_cannot_be_used_again():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = last_sms_code(PHONE)
    sms_code_consume(verification=sms_code_check(phone=PHONE, purpose=REGISTER, code=code))
    with pytest.raises(ValidationFailed) as exc:
        sms_code_check(phone=PHONE, purpose=REGISTER, code=code)
    assert exc.value.code == "code_used"


def test_a_new_code_replaces_the_old_one():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    first = last_sms_code(PHONE)
    with later(seconds=61):
        sms_code_send(phone=PHONE, purpose=REGISTER)
        second = last_sms_code(PHONE)
        if first != second:
            with pytest.raises(ValidationFailed):
                sms_code_check(phone=PHONE, purpose=REGISTER, code=first)
        assert sms_code_check(phone=PHONE, purpose=REGISTER, code=second)


def test_one_code_a_minute_and_ten_a_day_per_number():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    with pytest.raises(ValidationFailed) as exc:
        sms_code_send(phone=PHONE, purpose=PhonePurpose.PASSWORD_RESET)
    assert exc.value.code == "throttled" and "Wait a minute" in exc.value.field_errors["phone"][0]
    for minute in range(2, 11):
        with later(minutes=minute):
            sms_code_send(phone=PHONE, purpose=REGISTER)
    with later(minutes=30), pytest.raises(ValidationFailed) as exc:
        sms_code_send(phone=PHONE, purpose=REGISTER)
    assert "too many codes today" in exc.value.field_errors["phone"][0]
    assert PhoneVerification.objects.count() == 10
    assert AuditRecord.objects.filter(action="identity.sms.code_refused", result="denied").count() == 2
    with later(days=1, minutes=2):
        sms_code_send(phone=PHONE, purpose=REGISTER)


def test_a_malformed_number_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        normalise_phone("1234")
    assert "11-digit" in exc.value.field_errors["phone"][0]


def test_a_gateway_failure_voids_the_code_and_says_so():
    with mock.patch("yiwang.identity.phone_codes.send_sms", side_effect=SmsDeliveryError("HTTP 503")), \
            pytest.raises(ValidationFailed) as exc:
        sms_code_send(phone=PHONE, purpose=REGISTER)
    assert exc.value.code == "sms_unavailable"
    failed = AuditRecord.objects.get(action="identity.sms.code_refused")
    assert failed.result == "failure" and failed.details["reason"] == "HTTP 503"
    assert PhoneVerification.objects.get().expires_at <= timezone.now()
