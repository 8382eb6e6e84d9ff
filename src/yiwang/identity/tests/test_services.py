from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD
from yiwang.core.errors import ValidationFailed
from yiwang.identity import services
from yiwang.identity.models import AccountKind, Enterprise, EnterpriseAgent, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; the Chinese ones are checked through the pages."""
    with translation.override("en"):
        yield


def test_citizen_register_stores_the_identity_number_encrypted_and_shows_it_masked(citizen):
    assert citizen.kind == AccountKind.CITIZEN
    assert citizen.id_number == "11010519491231002X"
    assert citizen.id_number_masked == "110105********002X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM identity_user WHERE id = %s", [citizen.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert "11010519491231002X" not in stored_id and "1949" not in stored_id
    assert "13800138000" not in stored_phone
    assert User.objects.get(pk=citizen.pk).id_number == "11010519491231002X"
    assert AuditRecord.objects.filter(action="identity.citizen.register", actor=citizen).exists()


def test_old_address_codes_stay_valid(db):
    # SPEC §5.1: 440524 is an address code older than the county lists; numbers keep it forever.
    user = services.citizen_register(username="elder", password=PASSWORD, real_name="老人",
                                     id_number="440524188001010014")
    assert user.id_number == "440524188001010014"


def test_lower_case_check_character_is_normalised(db):
    user = services.citizen_register(username="lisi", password=PASSWORD, real_name="李四",
                                     id_number="11010519491231002x")
    assert user.id_number == "11010519491231002X"


@pytest.mark.parametrize(
    ("id_number", "fragment"),
    [
        ("310103199002290047", "birth date"),  # checksum valid, 29 Feb 1990 does not exist (SPEC §5.1)
        ("110105194912310021", "check character"),
        ("11010519491231", "18 characters"),
        ("ABCDEFGHIJKLMNOPQR", "identity number"),
        ("", "18 characters"),
    ],
)
def test_invalid_identity_numbers_are_refused_and_nothing_is_saved(id_number, fragment):
    before = (User.objects.count(), AuditRecord.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.citizen_register(username="wangwu", password=PASSWORD, real_name="王五", id_number=id_number)
    assert any(fragment in message for message in exc.value.field_errors["id_number"])
    assert (User.objects.count(), AuditRecord.objects.count()) == before


def test_future_birth_date_is_refused(db):
    # born 2099-01-01; the check character is right, so only the date can fail
    with pytest.raises(ValidationFailed) as exc:
        services.citizen_register(username="future", password=PASSWORD, real_name="未来",
                                  id_number="310115209901010012")
    assert exc.value.field_errors["id_number"] == ["The birth date in this identity number is in the future."]


def test_one_identity_number_one_account(citizen):
    with pytest.raises(ValidationFailed) as exc:
        services.citizen_register(username="zhangsan2", password=PASSWORD, real_name="张三",
                                  id_number="11010519491231002x")
    assert exc.value.field_errors["id_number"] == ["An account already exists for this identity number."]
    assert User.objects.filter(kind=AccountKind.CITIZEN).count() == 1


def test_duplicate_user_name_and_weak_password_are_reported_together(citizen):
    with pytest.raises(ValidationFailed) as exc:
        services.citizen_register(username="ZhangSan", password="123", real_name="",
                                  id_number="440524188001010014")
    assert set(exc.value.field_errors) == {"username", "password", "real_name"}


def test_enterprise_register_validates_the_credit_code_and_links_the_agent(citizen):
    enterprise = services.enterprise_register(credit_code="91350100m000100y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD,
                                              registered_by=citizen)
    assert enterprise.credit_code == "91350100M000100Y43"
    assert enterprise.account.kind == AccountKind.ENTERPRISE
    assert enterprise.account.username == "91350100M000100Y43"
    assert EnterpriseAgent.objects.filter(enterprise=enterprise, user=citizen).exists()
    assert AuditRecord.objects.filter(action="identity.enterprise.agent_add").count() == 1


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100", "9135010OM000100Y43"])
def test_invalid_credit_codes_are_refused(db, code):
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_register(credit_code=code, name="坏公司", legal_representative="某人",
                                     password=PASSWORD)
    assert exc.value.field_errors["credit_code"]
    assert not Enterprise.objects.exists() and not User.objects.exists()


def test_an_enterprise_registers_once(db):
    services.enterprise_register(credit_code="91110108551385082Q", name="甲", legal_representative="甲",
                                 password=PASSWORD)
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_register(credit_code="91110108551385082Q", name="乙", legal_representative="乙",
                                     password=PASSWORD)
    assert exc.value.field_errors["credit_code"] == ["This enterprise is already registered."]
    assert Enterprise.objects.count() == 1


def test_only_citizens_act_as_enterprise_agents(db, tax_handler):
    enterprise = services.enterprise_register(credit_code="91110108551385082Q", name="甲",
                                              legal_representative="甲", password=PASSWORD)
    with pytest.raises(ValidationFailed):
        services.enterprise_agent_add(enterprise=enterprise, user=tax_handler, by=tax_handler)
    assert not EnterpriseAgent.objects.exists()


def test_staff_roles_are_scoped_to_an_organisation(make_staff, tax, commerce):
    head = make_staff(tax, Role.DEPARTMENT_HEAD, Role.HANDLER)
    assert set(head.staff_roles.values_list("role", "organisation__code")) == {
        ("department_head", "SWJ"), ("handler", "SWJ")}
    assert AuditRecord.objects.filter(action="identity.staff.role_grant").count() == 2


def test_platform_admin_role_opens_the_django_admin(platform_admin):
    platform_admin.refresh_from_db()
    assert platform_admin.is_staff and platform_admin.is_superuser


def test_unknown_role_creates_nothing(district):
    with pytest.raises(ValidationFailed):
        services.staff_create(username="x", password=PASSWORD, real_name="某", organisation=district,
                              roles=["emperor"])
    assert not User.objects.filter(username="x").exists()


def test_organisation_credit_code_is_validated(district):
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(kind="department", code="BAD", name="坏局", parent=district,
                                     credit_code="11310115000000000X")
    assert exc.value.field_errors["credit_code"]


def test_two_organisations_cannot_share_a_credit_code(district):
    services.organisation_create(kind="department", code="A", name="甲局", parent=district,
                                 credit_code="91110108551385082Q")
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(kind="department", code="B", name="乙局", parent=district,
                                     credit_code="91110108551385082Q")
    assert exc.value.field_errors["credit_code"] == ["An organisation with this credit code exists."]


def test_records_written_by_a_command_name_it(db):
    from yiwang.audit.context import system_actor

    with system_actor("cli:test"):
        org = services.organisation_create(kind="district", code="310115", name="浦东新区")
    record = AuditRecord.objects.get(action="identity.organisation.create", object_id=str(org.pk))
    assert record.actor_name == "cli:test"
