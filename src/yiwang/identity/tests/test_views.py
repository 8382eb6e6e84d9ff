"""Login, logout, lockout, registration and forged posts, through HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, english_client, last_sms_code, staff_login
from yiwang.identity.models import Enterprise, User

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_login_and_logout_are_audited_with_the_client_address(citizen):
    client = Client()
    response = login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    record = AuditRecord.objects.filter(action="identity.user.login").get()
    assert record.actor == citizen and record.client_ip == "10.1.2.3"
    response = client.post(reverse("identity:logout"), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="identity.user.logout", actor=citizen).exists()
    assert client.get(reverse("portal:me")).status_code == 302


def test_wrong_password_gets_a_clear_message_in_chinese_and_is_audited(citizen):
    response = login(Client(), "zhangsan", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    failed = AuditRecord.objects.get(action="identity.user.login_failed")
    assert failed.actor_name == "zhangsan" and failed.result == "failure"
    assert "wrong-password" not in str(failed.details)


def test_wrong_password_message_in_english():
    client = english_client()
    response = login(client, "nobody", "wrong-password")
    assert "The user name or password is wrong" in response.content.decode()


def test_repeated_failures_lock_the_account(citizen):
    client = Client()
    for _ in range(5):
        login(client, "zhangsan", "wrong-password")
    response = login(client, "zhangsan", PASSWORD)  # the right password no longer helps
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AuditRecord.objects.filter(action="identity.user.locked_out").exists()
    assert not AuditRecord.objects.filter(action="identity.user.login").exists()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(db):
    assert make_password("x" * 12).startswith("argon2$")


def test_registration_page_creates_a_citizen_and_logs_them_in():
    client = Client()
    client.post(reverse("identity:register"), {"step": "phone", "phone": "13900139000"})  # step 1: code by SMS
    response = client.post(reverse("identity:register"), {
        "real_name": "李四", "id_number": "440524188001010014", "phone": "13900139000",
        "code": last_sms_code("13900139000"), "username": "lisi", "password": PASSWORD,
    })
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    page = client.get(reverse("portal:me")).content.decode()
    assert "440524********0014" in page and "440524188001010014" not in page


def test_registration_with_an_impossible_birth_date_says_so_next_to_the_field():
    response = Client().post(reverse("identity:register"), {
        "real_name": "王五", "id_number": "310103199002290047", "username": "wangwu", "password": PASSWORD,
    })
    assert response.status_code == 400
    assert "身份证号码中的出生日期不存在" in response.content.decode()
    assert not User.objects.exists()


def test_registration_twice_with_one_identity_number(citizen):
    response = english_client().post(reverse("identity:register"), {
        "real_name": "张三", "id_number": "11010519491231002X", "username": "other", "password": PASSWORD,
    })
    assert response.status_code == 400
    assert "An account already exists for this identity number." in response.content.decode()
    assert User.objects.count() == 1


def test_a_forged_post_without_csrf_token_changes_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("identity:register"), {
        "real_name": "赵六", "id_number": "440524188001010014", "username": "zhaoliu", "password": PASSWORD,
    })
    assert response.status_code == 403
    assert "安全令牌" in response.content.decode()
    assert not User.objects.exists()


def test_a_forged_login_post_is_refused(citizen):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="identity.user.login").exists()


def test_security_headers(db):
    response = Client().get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_are_chinese_whatever_the_browser_asks_until_english_is_chosen(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_api_follows_accept_language(db):
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me").json()["error"]["message"] == "Log in first."
    assert Client().get("/api/v1/me").json()["error"]["message"] == "请先登录。"


ENTERPRISE_FORM = {"credit_code": "91350100M000100Y43", "name": "示例科技有限公司",
                   "legal_representative": "张三", "password": PASSWORD}


def test_a_citizen_registers_an_enterprise_and_acts_for_it(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.post(reverse("identity:enterprise_register"), ENTERPRISE_FORM)
    assert response.status_code == 302
    page = client.get(reverse("portal:me")).content.decode()
    assert "示例科技有限公司 (91350100M000100Y43)" in page
    assert Enterprise.objects.get().agents.get().user == citizen


def test_a_wrong_credit_code_is_explained_in_chinese_and_nothing_is_created(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.post(reverse("identity:enterprise_register"),
                           {**ENTERPRISE_FORM, "credit_code": "91350100M000100Y44"})
    assert response.status_code == 400
    assert "统一社会信用代码的校验码不正确" in response.content.decode()
    assert not Enterprise.objects.exists() and User.objects.count() == 1


def test_a_wrong_credit_code_is_explained_in_english(citizen):
    client = english_client()
    client.force_login(citizen)
    response = client.post(reverse("identity:enterprise_register"),
                           {**ENTERPRISE_FORM, "credit_code": "91350100M000100Y44"})
    assert "The check character of this credit code is wrong." in response.content.decode()


def test_only_citizens_register_enterprises(tax_handler):
    client = Client()
    staff_login(client, tax_handler)
    assert client.post(reverse("identity:enterprise_register"), ENTERPRISE_FORM).status_code == 403
    assert not Enterprise.objects.exists()
