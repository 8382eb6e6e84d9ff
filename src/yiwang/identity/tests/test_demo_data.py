from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from stdnum.cn import ric, uscc

from yiwang.audit.models import AuditRecord
from yiwang.identity import demo
from yiwang.identity.models import (
    AccountKind,
    Enterprise,
    EnterpriseAgent,
    Organisation,
    OrgKind,
    Role,
    StaffRole,
    User,
)

pytestmark = pytest.mark.django_db

# SPEC §5.3, copied as written there, so the demo data is checked against the spec and not itself.
SPEC_STREETS = "004 潍坊新村 005 陆家嘴 007 周家渡 008 塘桥 009 上钢新村 010 南码头路 011 沪东新村 012 金杨新村 013 洋泾 014 浦兴路 015 东明路 016 花木"  # noqa: E501
SPEC_TOWNS = ("103 川沙新镇 104 高桥 105 北蔡 110 合庆 114 唐镇 117 曹路 120 金桥 121 高行 123 高东 125 张江 "
              "130 三林 131 惠南 132 周浦 133 新场 134 大团 136 康桥 137 航头 139 祝桥 140 泥城 141 宣桥 "
              "142 书院 143 万祥 144 老港 145 南汇新城")
ISSUE_DEPARTMENTS = ["区市场监管局", "区税务局", "区财政局", "区统计局", "区商务委", "区生态环境局", "区发改委",
                     "区公安分局", "区民政局", "区人社局", "区建交委", "区城运中心"]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb32100_check_char(code: str) -> str:
    """GB 32100-2015 written out, independent of python-stdnum: W_i = 3^i mod 31, C18 = 31 − (S mod 31)."""
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(code[:17]))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def spec_places(text: str, suffix: str) -> dict[str, str]:
    words = text.split()
    return {f"310115{code}": name if name.endswith(suffix) else name + suffix
            for code, name in zip(words[::2], words[1::2], strict=True)}


def snapshot() -> tuple[int, ...]:
    return (User.objects.count(), Organisation.objects.count(), StaffRole.objects.count(),
            Enterprise.objects.count(), EnterpriseAgent.objects.count(), AuditRecord.objects.count())


def log_in(username: str, password: str) -> Client:
    # Through the login page: django-axes wants the request, which Client.login() does not pass.
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    assert response["Location"] == "/"
    return client


@pytest.fixture
def loaded(db) -> demo.DemoSummary:
    return demo.demo_data_load()


def test_second_run_creates_nothing_and_audits_nothing(loaded):
    assert loaded.present == 0
    assert loaded.created == 1 + 19 + 1 + 8 + 6 + 12 + 24 + len(demo.DEMO_STAFF) * 2 + 1 + 1 + 1
    assert AuditRecord.objects.filter(action="identity.organisation.create").count() == Organisation.objects.count()
    before = snapshot()

    again = demo.demo_data_load()

    assert again.created == 0
    assert again.present == loaded.created
    assert snapshot() == before
    assert all(login.password_ok and not login.created for login in again.logins)


def test_all_streets_and_towns_of_spec_5_3_are_present_with_their_codes(loaded):
    district = Organisation.objects.get(code="310115")
    assert (district.kind, district.name, district.name_en) == (OrgKind.DISTRICT, "浦东新区", "Pudong New Area")
    for kind, expected in [(OrgKind.STREET, spec_places(SPEC_STREETS, "街道")),
                           (OrgKind.TOWN, spec_places(SPEC_TOWNS, "镇"))]:
        rows = Organisation.objects.filter(kind=kind)
        assert {org.code: org.name for org in rows} == expected
        assert all(org.parent_id == district.pk and org.name_en for org in rows)
    assert Organisation.objects.filter(kind__in=[OrgKind.STREET, OrgKind.TOWN]).count() == 36
    assert Organisation.objects.get(code="310115103").name == "川沙新镇"
    assert Organisation.objects.get(code="310115145").name == "南汇新城镇"
    assert Organisation.objects.get(code="310115004").name_en == "Weifang Xincun Subdistrict"


@pytest.mark.parametrize("name", ISSUE_DEPARTMENTS)
def test_each_department_is_present_with_a_valid_credit_code(loaded, name):
    org = Organisation.objects.get(name=name)
    assert org.kind == OrgKind.DEPARTMENT
    assert org.parent is not None and org.parent.code == "310115"
    assert org.code.startswith("PD-") and org.name_en
    assert uscc.validate(org.credit_code) == org.credit_code
    assert org.credit_code.startswith("11310115")  # 机构编制 · 机关 · Pudong


def test_every_credit_code_is_synthetic_valid_and_unique(loaded):
    codes = [*Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True),
             *Enterprise.objects.values_list("credit_code", flat=True)]
    assert len(codes) == len(set(codes)) == 1 + 19 + 1 + 6 + 36 + 1
    for code in codes:
        assert uscc.validate(code) == code
        assert code[-1] == gb32100_check_char(code)
        assert code[2:8] == "310115"
        assert "YW" in code[8:13]  # the marker of a made-up organisation code


def test_citizen_centre_has_windows(loaded):
    centre = Organisation.objects.get(kind=OrgKind.CENTRE)
    windows = Organisation.objects.filter(parent=centre, kind=OrgKind.WINDOW)
    assert windows.count() >= 6
    assert windows.filter(code="PD-CC-W01").exists()


def test_demo_citizen_has_a_valid_pudong_identity_number_and_acts_for_the_demo_enterprise(loaded):
    citizen = User.objects.get(username="demo_citizen")
    assert citizen.kind == AccountKind.CITIZEN and citizen.real_name == "张三"
    assert ric.validate(citizen.id_number) == citizen.id_number
    assert citizen.id_number.startswith("310115")
    assert ric.get_birth_date(citizen.id_number) == dt.date(1993, 6, 15)
    enterprise = Enterprise.objects.get(credit_code=demo.DEMO_ENTERPRISE.credit_code)
    assert enterprise.account.username == enterprise.credit_code
    assert EnterpriseAgent.objects.filter(enterprise=enterprise, user=citizen).exists()


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_demo_user_who_can_log_in(loaded, role):
    login = next(login for login in loaded.logins if login.role == role)
    user = User.objects.get(username=login.username)
    assert user.kind == AccountKind.STAFF
    assert StaffRole.objects.filter(user=user, role=role, organisation__name=login.organisation).exists()
    client = log_in(login.username, demo.DEFAULT_DEMO_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize("username", ["demo_citizen", demo.DEMO_ENTERPRISE.credit_code])
def test_the_citizen_and_the_enterprise_can_log_in(loaded, username):
    log_in(username, demo.DEFAULT_DEMO_PASSWORD)


def test_staff_sit_where_the_work_is(loaded):
    where = {(login.username, login.role): login.organisation for login in loaded.logins}
    assert where[("demo_handler", Role.HANDLER)] == "区市场监管局"
    assert where[("demo_head", Role.DEPARTMENT_HEAD)] == "区市场监管局"
    assert where[("demo_tax_handler", Role.HANDLER)] == "区税务局"
    assert where[("demo_hotline", Role.HOTLINE_AGENT)] == "区城运中心"
    assert User.objects.get(username="demo_admin").is_superuser


def test_the_password_can_come_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("YIWANG_DEMO_PASSWORD", "Another-Demo-Pass-9")
    summary = demo.demo_data_load()
    assert {login.password for login in summary.logins} == {"Another-Demo-Pass-9"}
    log_in("demo_admin", "Another-Demo-Pass-9")


def test_a_password_the_policy_refuses_loads_nothing(db, monkeypatch):
    monkeypatch.setenv("YIWANG_DEMO_PASSWORD", "12345")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("demo-data", "--force", stdout=StringIO())
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_an_account_whose_password_was_changed_is_kept_and_flagged(loaded):
    user = User.objects.get(username="demo_head")
    user.set_password("Changed-By-Someone-1")
    user.save()
    out = StringIO()
    call_command("demo-data", "--force", stdout=out)
    login = next(login for login in demo.demo_data_load().logins if login.username == "demo_head")
    assert not login.password_ok
    assert "not the demo password" in out.getvalue()
    assert User.objects.get(username="demo_head").check_password("Changed-By-Someone-1")


def test_the_command_prints_every_demo_login_and_says_when_nothing_was_created(db):
    first, second = StringIO(), StringIO()
    call_command("demo-data", "--force", stdout=first)
    call_command("demo-data", "--force", stdout=second)
    usernames = [*(seed.username for seed in demo.DEMO_STAFF), demo.DEMO_CITIZEN.username,
                 demo.DEMO_ENTERPRISE.credit_code]
    for out in (first.getvalue(), second.getvalue()):
        for username in usernames:
            assert username in out
        assert demo.DEFAULT_DEMO_PASSWORD in out
        assert "http://127.0.0.1:8000/" in out
    # The organisation tree and logins (90 objects) plus whatever the other apps' demo loaders add.
    created = int(first.getvalue().split("Demo data loaded: ")[1].split(" created")[0])
    assert created > 90
    assert "Nothing created" in second.getvalue()
    assert " 1 created" not in second.getvalue()


def test_the_command_refuses_a_non_debug_database_without_force(db):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo-data", stdout=StringIO())
    assert snapshot() == (0, 0, 0, 0, 0, 0)


def test_records_of_the_load_name_the_command_as_actor(db):
    call_command("demo-data", "--force", stdout=StringIO())
    from yiwang.audit.models import AuditRecord

    org_records = AuditRecord.objects.filter(action="identity.organisation.create")
    assert org_records.exists()
    assert set(org_records.values_list("actor_name", flat=True)) == {"cli:demo-data"}
