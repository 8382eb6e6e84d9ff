"""The second factor through HTTP: enrolment, verification, recovery codes, lockout, idle timeout, CSRF."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, english_client, staff_login
from yiwang.identity import demo, middleware, otp
from yiwang.identity.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SETUP = "/accounts/otp/setup/"
VERIFY = "/accounts/otp/verify/"
RECOVERY = "/accounts/otp/recovery-codes/"
WORKBENCH = "/workbench/"


def code_at(device: TOTPDevice, steps: int = 0) -> str:
    """The code the device shows ``steps`` time steps from now (a code is accepted once per step)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def password_login(client: Client, user: User, address: str = "10.1.2.3"):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=address)
    assert response.status_code == 302, "the password step failed"
    return response


def enrolled(user: User) -> TOTPDevice:
    device = otp.totp_enrolment_start(user=user)
    return otp.totp_enrolment_confirm(user=user, code=code_at(device))[0]


def actions() -> list[str]:
    return list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))


# --- enrolment -------------------------------------------------------------------------------------------

def test_staff_enrol_at_first_login_with_a_qr_code_and_get_ten_recovery_codes(tax_handler):
    client = english_client()
    password_login(client, tax_handler)
    response = client.get(WORKBENCH)
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fworkbench%2F"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "QR code for your authenticator app" in html
    device = TOTPDevice.objects.get(user=tax_handler, confirmed=False)
    secret = otp.base32_secret(device)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    assert client.get(WORKBENCH).status_code == 302  # nothing confirmed yet

    done = client.post(SETUP, {"code": code_at(device), "next": WORKBENCH})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert done.status_code == 200 and len(set(codes)) == 10
    assert f'href="{WORKBENCH}"' in done.content.decode()
    assert client.get(WORKBENCH).status_code == 200
    record = AuditRecord.objects.get(action="identity.otp.enrol")
    assert record.actor == tax_handler and record.client_ip == "127.0.0.1"
    assert secret not in str(record.details) and not any(code in str(record.details) for code in codes)


def test_a_wrong_enrolment_code_is_refused_audited_and_confirms_nothing(tax_handler):
    client = english_client()
    client.force_login(tax_handler)  # the password step only
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=tax_handler, confirmed=True).exists()
    assert AuditRecord.objects.get(action="identity.otp.verify_failed").details == {"during": "enrolment"}
    assert client.get(WORKBENCH).status_code == 302


def test_an_enrolled_authenticator_cannot_be_replaced_with_the_password_alone(tax_handler):
    device = enrolled(tax_handler)
    client = Client()
    client.force_login(tax_handler)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=tax_handler)) == [device]


def test_a_verified_user_may_replace_the_authenticator(tax_handler):
    old = enrolled(tax_handler)
    client = Client()
    staff_login(client, tax_handler)
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=tax_handler, confirmed=False)
    assert client.post(SETUP, {"code": code_at(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=tax_handler)) == [TOTPDevice.objects.get(pk=new.pk)]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


# --- verification ------------------------------------------------------------------------------------------

def test_an_enrolled_staff_member_verifies_with_the_current_code(tax_handler):
    device = enrolled(tax_handler)
    client = Client()
    password_login(client, tax_handler)
    response = client.get(WORKBENCH)
    assert response["Location"] == f"{VERIFY}?next=%2Fworkbench%2F"
    assert client.get(response["Location"]).status_code == 200
    response = client.post(VERIFY, {"code": code_at(device, 1), "next": WORKBENCH})
    assert response.status_code == 302 and response["Location"] == WORKBENCH
    assert client.get(WORKBENCH).status_code == 200
    assert AuditRecord.objects.filter(action="identity.otp.verify", actor=tax_handler).count() == 1


def test_a_wrong_code_gets_a_clear_error_is_audited_and_changes_nothing(tax_handler):
    enrolled(tax_handler)
    client = english_client()
    password_login(client, tax_handler)
    response = client.post(VERIFY, {"code": "999999", "next": WORKBENCH})
    assert response.status_code == 400
    assert "That code is not right." in response.content.decode()
    failed = AuditRecord.objects.filter(action="identity.otp.verify_failed").latest("seq")
    assert failed.actor == tax_handler and failed.result == "failure" and "999999" not in str(failed.details)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(WORKBENCH).status_code == 302


def test_the_next_parameter_cannot_send_anyone_elsewhere(tax_handler):
    device = enrolled(tax_handler)
    client = Client()
    password_login(client, tax_handler)
    response = client.post(VERIFY, {"code": code_at(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_recovery_code_works_once_and_is_audited(tax_handler):
    device = otp.totp_enrolment_start(user=tax_handler)
    _, codes = otp.totp_enrolment_confirm(user=tax_handler, code=code_at(device))
    client = Client()
    password_login(client, tax_handler)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + "-" + codes[0][4:], "next": WORKBENCH})
    assert response.status_code == 302 and client.get(WORKBENCH).status_code == 200
    assert StaticToken.objects.filter(device__user=tax_handler).count() == 9
    used = AuditRecord.objects.get(action="identity.otp.recovery_code_use")
    assert used.actor == tax_handler and used.details == {"recovery_codes_left": 9}

    again = Client()
    password_login(again, tax_handler)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert again.get(WORKBENCH).status_code == 302


def test_recovery_codes_can_be_made_anew_and_the_old_ones_stop_working(tax_handler):
    device = otp.totp_enrolment_start(user=tax_handler)
    _, old_codes = otp.totp_enrolment_confirm(user=tax_handler, code=code_at(device))
    client = english_client()
    staff_login(client, tax_handler)
    assert "You have 10 unused recovery codes." in client.get(RECOVERY).content.decode()
    page = client.post(RECOVERY).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert set(StaticToken.objects.filter(device__user=tax_handler).values_list("token", flat=True)) == set(new_codes)
    assert AuditRecord.objects.filter(action="identity.otp.recovery_codes_regenerate", actor=tax_handler).exists()


def test_codes_right_after_a_wrong_one_wait_for_django_otp_s_back_off(tax_handler):
    device = enrolled(tax_handler)
    client = english_client()
    password_login(client, tax_handler)
    client.post(VERIFY, {"code": "999999"})
    response = client.post(VERIFY, {"code": code_at(device, 1)})  # right, but within the back-off second
    assert response.status_code == 400 and "Wait a minute" in response.content.decode()
    refused = AuditRecord.objects.filter(action="identity.otp.verify_failed").latest("seq")
    assert refused.details["reason"] == "throttled"


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_five_wrong_codes_lock_the_account_end_the_session_and_are_audited(tax_handler):
    device = enrolled(tax_handler)
    client = Client()
    password_login(client, tax_handler)
    for _ in range(4):
        assert client.post(VERIFY, {"code": "999999"}).status_code == 400
    response = client.post(VERIFY, {"code": "999999"})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert AuditRecord.objects.filter(action="identity.otp.verify_failed").count() == 5
    assert AuditRecord.objects.filter(action="identity.user.locked_out", actor_name=tax_handler.username).exists()
    assert client.get(WORKBENCH)["Location"].startswith(LOGIN)  # logged out
    # the right password (and then the right code) no longer help
    assert Client().post(LOGIN, {"username": tax_handler.username, "password": PASSWORD}).status_code == 429
    assert device.pk  # the authenticator itself is untouched


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_new_password_login_does_not_forgive_wrong_codes_at_django_otp_s_back_off(tax_handler):
    # django-otp's device back-off is the one counter a fresh password login does not reset.
    device = enrolled(tax_handler)
    client = Client()
    password_login(client, tax_handler)
    client.post(VERIFY, {"code": "999999"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    password_login(Client(), tax_handler)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# --- throttling of the password step, per account and per address -------------------------------------------

def test_one_account_from_many_addresses_is_locked(citizen):
    for n in range(5):
        Client().post(LOGIN, {"username": "zhangsan", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = Client().post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert not AuditRecord.objects.filter(action="identity.user.login").exists()
    # the five failures and the refused sixth attempt
    assert AuditRecord.objects.filter(action="identity.user.login_failed").count() == 6


@override_settings(YIWANG_ADDRESS_FAILURE_LIMIT=8)
def test_one_address_trying_many_accounts_is_locked(citizen):
    for n in range(8):
        Client().post(LOGIN, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()  # each account failed once
    blocked = Client().post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert blocked.status_code == 429 and "锁定" in blocked.content.decode()
    assert AuditRecord.objects.filter(action="identity.user.locked_out").exists()
    elsewhere = Client().post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.9.9.10")
    assert elsewhere.status_code == 302


@override_settings(YIWANG_ADDRESS_FAILURE_LIMIT=6)
def test_a_successful_login_forgives_the_account_not_the_address(citizen):
    for n in range(5):
        Client().post(LOGIN, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    own = Client().post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert own.status_code == 302
    Client().post(LOGIN, {"username": "guess9", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    blocked = Client().post(LOGIN, {"username": "zhangsan", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert blocked.status_code == 429


# --- idle timeout -----------------------------------------------------------------------------------------------

@override_settings(YIWANG_STAFF_IDLE_SECONDS=15 * 60)
def test_staff_idle_for_longer_than_the_limit_are_logged_out_and_it_is_audited(tax_handler, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware, "now", lambda: clock["now"])
    client = english_client()
    staff_login(client, tax_handler)
    assert client.get(WORKBENCH).status_code == 200
    clock["now"] += 15 * 60 - 1
    assert client.get(WORKBENCH).status_code == 200  # activity renews the limit
    clock["now"] += 15 * 60 + 1
    response = client.get(WORKBENCH)
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fworkbench%2F"
    record = AuditRecord.objects.get(action="identity.user.session_timeout")
    assert record.actor == tax_handler and record.details == {"idle_seconds": 15 * 60 + 1}
    assert "_auth_user_id" not in client.session
    assert "after 15 minutes without activity" in client.get(response["Location"]).content.decode()


def test_the_api_answers_401_after_the_staff_idle_timeout(tax_handler, monkeypatch, settings):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware, "now", lambda: clock["now"])
    client = Client()
    staff_login(client, tax_handler)
    assert client.get("/api/v1/me").status_code == 200
    clock["now"] += settings.YIWANG_STAFF_IDLE_SECONDS + 1
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["error"]["code"] == "session_expired"


def test_citizens_keep_the_ordinary_session_age(citizen, monkeypatch, settings):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware, "now", lambda: clock["now"])
    client = Client()
    client.force_login(citizen)
    client.get("/me/")
    clock["now"] += settings.YIWANG_STAFF_IDLE_SECONDS + 60
    assert client.get("/me/").status_code == 200
    assert not AuditRecord.objects.filter(action="identity.user.session_timeout").exists()


def _session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(q["sql"].startswith("UPDATE \"django_session\"") for q in queries.captured_queries)


@override_settings(YIWANG_SESSION_ACTIVITY_SECONDS=60)
def test_a_busy_session_is_written_once_a_minute_and_its_expiry_renewed_then(citizen, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware, "now", lambda: clock["now"])
    client = Client()
    client.force_login(citizen)
    assert _session_writes(client, "/me/") == 1  # the first request notes the activity
    expiry = Session.objects.get(pk=client.session.session_key).expire_date
    clock["now"] += 59
    assert _session_writes(client, "/me/") == 0
    assert _session_writes(client, "/api/v1/me") == 0
    assert Session.objects.get(pk=client.session.session_key).expire_date == expiry
    clock["now"] += 1
    assert _session_writes(client, "/me/") == 1
    assert Session.objects.get(pk=client.session.session_key).expire_date > expiry
    assert client.session[middleware.LAST_ACTIVITY_SESSION_KEY] == clock["now"]


@override_settings(YIWANG_STAFF_IDLE_SECONDS=15 * 60, YIWANG_SESSION_ACTIVITY_SECONDS=60)
def test_the_staff_idle_timeout_counts_from_the_first_request_of_the_last_active_minute(tax_handler, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware, "now", lambda: clock["now"])
    client = Client()
    staff_login(client, tax_handler)
    assert client.get("/api/v1/me").status_code == 200  # noted
    clock["now"] += 59
    assert client.get("/api/v1/me").status_code == 200  # within the minute: not noted
    clock["now"] += 15 * 60 - 58
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["error"]["code"] == "session_expired"
    assert AuditRecord.objects.get(action="identity.user.session_timeout").details == {"idle_seconds": 15 * 60 + 1}


# --- citizens: optional -------------------------------------------------------------------------------------------

def test_citizens_need_no_second_factor_until_they_enrol_one(citizen):
    client = Client()
    password_login(client, citizen)
    assert client.get("/me/").status_code == 200
    device = enrolled(citizen)
    client = Client()
    password_login(client, citizen)
    assert client.get("/me/")["Location"] == f"{VERIFY}?next=%2Fme%2F"
    assert client.post(VERIFY, {"code": code_at(device, 1)}).status_code == 302
    assert client.get("/me/").status_code == 200


def test_a_citizen_can_enrol_from_the_same_page(citizen):
    client = Client()
    client.force_login(citizen)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=citizen, confirmed=False)
    assert client.post(SETUP, {"code": code_at(device)}).status_code == 200
    assert otp.second_factor_required(citizen)


# --- CSRF -------------------------------------------------------------------------------------------------------

def test_the_verify_form_without_a_csrf_token_is_refused(tax_handler):
    device = enrolled(tax_handler)
    client = Client(enforce_csrf_checks=True)
    client.force_login(tax_handler)
    response = client.post(VERIFY, {"code": code_at(device, 1)})
    assert response.status_code == 403
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert not AuditRecord.objects.filter(action="identity.otp.verify").exists()


# --- demo data ------------------------------------------------------------------------------------------------------

def test_demo_staff_log_in_with_the_printed_secret_and_the_otp_command(db):
    out = StringIO()
    call_command("demo-data", "--force", stdout=out)
    assert f"otpauth secret / 密钥: {demo.DEMO_TOTP_SECRET}" in out.getvalue()
    assert "yiwang otp code USERNAME" in out.getvalue()
    client = Client()
    assert client.post(LOGIN, {"username": "demo_admin", "password": demo.DEFAULT_DEMO_PASSWORD}).status_code == 302
    assert client.get(WORKBENCH)["Location"].startswith(VERIFY)
    code = StringIO()
    call_command("otp", "code", "demo_admin", "--force", stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())
    assert client.post(VERIFY, {"code": code.getvalue().strip(), "next": WORKBENCH})["Location"] == WORKBENCH
    assert client.get(WORKBENCH).status_code == 200


def test_demo_data_keeps_an_existing_authenticator(db):
    demo.demo_data_load()
    devices = list(TOTPDevice.objects.order_by("pk").values_list("pk", "key"))
    assert len(devices) == len(demo.DEMO_STAFF)
    records = AuditRecord.objects.count()
    summary = demo.demo_data_load()
    assert list(TOTPDevice.objects.order_by("pk").values_list("pk", "key")) == devices
    assert AuditRecord.objects.count() == records
    assert {login.otp_secret for login in summary.logins if login.role in demo.Role.values} == {demo.DEMO_TOTP_SECRET}


def test_the_otp_command_refuses_without_debug_or_force(tax_handler):
    enrolled(tax_handler)
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("otp", "code", tax_handler.username, stdout=StringIO())
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("otp", "code", "nobody", "--force", stdout=StringIO())


def test_a_platform_administrator_cannot_copy_a_colleague_s_authenticator(platform_admin, tax_handler):
    device = enrolled(tax_handler)
    client = Client()
    staff_login(client, platform_admin)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page


def test_an_administrator_resets_a_lost_authenticator_ends_the_sessions_and_it_is_audited(platform_admin,
                                                                                           tax_handler):
    device = enrolled(tax_handler)
    handler_client = Client()
    password_login(handler_client, tax_handler)
    handler_client.post(VERIFY, {"code": code_at(device, 1), "next": WORKBENCH})
    assert handler_client.get(WORKBENCH).status_code == 200
    out = StringIO()
    call_command("otp", "reset", tax_handler.username, "--by", platform_admin.username, "--reason", "手机遗失",
                 stdout=out)
    assert "1 session(s) ended" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=tax_handler).exists() and otp.recovery_codes_left(tax_handler) == 0
    assert handler_client.get(WORKBENCH)["Location"].startswith(LOGIN)  # the old session is gone
    record = AuditRecord.objects.get(action="identity.otp.reset")
    assert record.actor == platform_admin and record.details["reason"] == "手机遗失"
    assert device.key not in str(record.details)
    # at the next login the handler must set up a new authenticator before any staff page
    fresh = Client()
    password_login(fresh, tax_handler)
    assert fresh.get(WORKBENCH)["Location"].startswith(SETUP)


def test_only_another_administrator_resets_a_second_factor_with_a_reason(platform_admin, tax_handler, make_staff,
                                                                         tax):
    from django.core.exceptions import PermissionDenied

    from yiwang.core.public import ValidationFailed
    from yiwang.identity.models import Role

    device = enrolled(tax_handler)
    colleague = make_staff(tax, Role.DEPARTMENT_HEAD)
    with pytest.raises(PermissionDenied):
        otp.second_factor_reset(by=colleague, user=tax_handler, reason="x")
    enrolled(platform_admin)
    for by, user, reason, field in ((platform_admin, tax_handler, " ", "reason"),
                                    (platform_admin, platform_admin, "自己", "user"),
                                    (platform_admin, colleague, "没有设备", "user")):
        with pytest.raises(ValidationFailed) as caught:
            otp.second_factor_reset(by=by, user=user, reason=reason)
        assert field in caught.value.field_errors
    with pytest.raises(CommandError, match="not a platform administrator"):
        call_command("otp", "reset", tax_handler.username, "--by", colleague.username, "--reason", "x",
                     stdout=StringIO())
    assert TOTPDevice.objects.get(user=tax_handler) == device and otp.recovery_codes_left(tax_handler) == 10
    assert not AuditRecord.objects.filter(action="identity.otp.reset").exists()
    assert AuditRecord.objects.filter(action="audit.access.denied", actor=colleague).count() == 2
