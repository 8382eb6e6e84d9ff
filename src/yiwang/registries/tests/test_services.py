"""Registry writes: validation, versions (encrypted where the field is), audit and events in one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from yiwang.audit.models import AuditRecord
from yiwang.core.public import ValidationFailed, decrypt
from yiwang.events.models import OutboxMessage
from yiwang.registries import services
from yiwang.registries.models import LegalPerson, Person, RecordVersion, Registry, RegistryFieldGrant

from .conftest import CREDIT_CODE, ID_FEMALE, ID_MALE, ID_PUDONG


def _counts() -> tuple[int, int, int, int]:
    return (Person.objects.count(), RecordVersion.objects.count(), AuditRecord.objects.count(),
            OutboxMessage.objects.count())


def test_person_register_derives_sex_and_birth_date_and_writes_version_audit_event(person, police):
    assert person.sex == "male" and person.birth_date == date(1993, 6, 15)
    assert person.version == 1 and person.source == police
    version = RecordVersion.objects.get(registry=Registry.PERSON, record_id=person.pk)
    assert version.number == 1 and version.source == police
    # Encrypted fields are ciphertext in the version row; clear ones are plain.
    old, new = version.changes["id_number"]
    assert old is None and new != ID_PUDONG and decrypt(new) == ID_PUDONG
    assert decrypt(version.changes["name"][1]) == "张三"
    assert version.changes["area_code"] == [None, "310115016"]
    audit = AuditRecord.objects.filter(action="registries.person.register").get()
    assert audit.object_repr == f"person #{person.pk}" and "张三" not in str(audit.details)
    event = OutboxMessage.objects.get(topic="registries.person.changed")
    assert event.key == f"person:{person.pk}"
    assert event.payload["id"] == person.pk and "name" in event.payload["fields"]
    assert ID_PUDONG not in str(event.payload) and "张三" not in str(event.payload)


def test_person_data_is_encrypted_at_rest(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, name, actual_address, id_number_index FROM registries_person")
        raw = cursor.fetchone()
    assert ID_PUDONG not in raw[0] and "张三" not in raw[1] and "锦绣路" not in raw[2]
    assert ID_PUDONG not in raw[3]
    assert Person.objects.get(pk=person.pk).name == "张三"


def test_sex_and_birth_date_must_agree_with_the_number(police):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.person_register(id_number=ID_FEMALE, name="李梅", area_code="310115005", source=police,
                                 sex="male", birth_date="1950-01-01")
    assert set(exc.value.field_errors) == {"sex", "birth_date"}
    assert _counts() == before
    person = services.person_register(id_number=ID_FEMALE, name="李梅", area_code="310115005", source=police,
                                      sex="female", birth_date=date(1949, 12, 31))
    assert person.sex == "female"


@pytest.mark.parametrize(("number", "field_message"), [
    ("310103199002290047", "birth date"),  # SPEC §5.1: checksum right, 29 Feb 1990 does not exist
    ("11010519491231002Y", "valid"),
    ("110105194912310021", "check character"),
    ("1101051949", "18 characters"),
])
def test_invalid_identity_numbers_are_refused_and_change_nothing(police, number, field_message):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.person_register(id_number=number, name="某人", area_code="310115005", source=police)
    assert field_message in " ".join(exc.value.field_errors["id_number"])
    assert _counts() == before


def test_duplicate_number_and_bad_fields_are_all_reported_at_once(person, police):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.person_register(id_number=ID_PUDONG.lower(), name="", area_code="999999999", source=police)
    errors = exc.value.field_errors
    assert "already in the population registry" in errors["id_number"][0]
    assert set(errors) == {"id_number", "name", "area_code"}
    assert _counts() == before


def test_person_update_writes_a_version_with_old_and_new_values(person, police, civil):
    updated = services.person_update(person=person, source=civil,
                                     changes={"actual_address": "上海市浦东新区碧波路690弄5号1201室",
                                              "area_code": "310115125", "name": "张三"})  # name unchanged
    assert updated.version == 2 and updated.source == police  # the record's owner stays the same
    version = RecordVersion.objects.get(registry=Registry.PERSON, record_id=person.pk, number=2)
    assert version.source == civil
    assert set(version.changes) == {"actual_address", "area_code"}
    old, new = version.changes["actual_address"]
    assert decrypt(old) == "上海市浦东新区锦绣路1001弄12号702室" and decrypt(new).endswith("1201室")
    assert version.changes["area_code"] == ["310115016", "310115125"]
    event = OutboxMessage.objects.filter(topic="registries.person.changed").order_by("published_at").last()
    assert event is not None
    assert event.payload == {"registry": "person", "id": person.pk, "version": 2, "change": "update",
                             "fields": ["actual_address", "area_code"], "source": "MZJ"}


def test_update_without_a_real_change_writes_nothing(person, police):
    before = _counts()
    same = services.person_update(person=person, changes={"name": "张三"}, source=police)
    assert same.version == 1 and _counts() == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"id_number": ID_MALE}, "id_number"),
    ({"sex": "female"}, "sex"),
    ({"birth_date": "2000-01-01"}, "birth_date"),
    ({"shoe_size": 42}, "shoe_size"),
    ({"area_code": "310104001"}, "area_code"),
    ({"name": ""}, "name"),
    ({}, "changes"),
])
def test_bad_updates_are_refused_and_change_nothing(person, police, changes, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.person_update(person=person, changes=changes, source=police)
    assert field in exc.value.field_errors
    assert _counts() == before
    person.refresh_from_db()
    assert person.version == 1 and person.name == "张三"


def test_legal_person_register_and_update(legal_person, commerce):
    assert legal_person.credit_code == CREDIT_CODE and legal_person.version == 1
    updated = services.legal_person_update(legal_person=legal_person, changes={"status": "revoked"}, source=commerce)
    assert updated.version == 2
    version = RecordVersion.objects.get(registry=Registry.LEGAL_PERSON, record_id=legal_person.pk, number=2)
    assert version.changes == {"status": ["active", "revoked"]}
    topics = list(OutboxMessage.objects.values_list("topic", flat=True))
    assert topics.count("registries.legal_person.changed") == 2


@pytest.mark.parametrize("code", ["91350100M000100Y44", "9135010", "I1350100M000100Y43"])
def test_invalid_credit_codes_are_refused(commerce, code):
    with pytest.raises(ValidationFailed) as exc:
        services.legal_person_register(credit_code=code, name="某公司", kind="limited_company",
                                       legal_representative="王五", registered_address="某地", industry="F",
                                       source=commerce)
    assert "credit_code" in exc.value.field_errors
    assert LegalPerson.objects.count() == 0


def test_legal_person_duplicate_and_unknown_choices(legal_person, commerce):
    before = (LegalPerson.objects.count(), RecordVersion.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.legal_person_register(credit_code=CREDIT_CODE.lower(), name="x", kind="castle",
                                       legal_representative="y", registered_address="z", industry="Z",
                                       status="dreaming", source=commerce)
    assert set(exc.value.field_errors) == {"credit_code", "kind", "industry", "status"}
    assert (LegalPerson.objects.count(), RecordVersion.objects.count()) == before


def test_address_register_checks_coordinates(police):
    with pytest.raises(ValidationFailed) as exc:
        services.address_register(text="上海市浦东新区世纪大道100号", area_code="310115005", lon="31.23",
                                  lat="121.5", source=police)  # swapped
    assert set(exc.value.field_errors) == {"lon", "lat"}
    address = services.address_register(text="上海市浦东新区世纪大道100号", area_code="310115005", lon="121.506",
                                        lat="31.235", source=police)
    assert address.grid_cell == "" and address.version == 1
    address = services.address_update(address=address, changes={"grid_cell": "310115005001001"}, source=police)
    assert address.version == 2


def test_field_grant_set_replaces_and_revokes_with_audit(civil, platform_admin):
    grant = services.field_grant_set(organisation=civil, registry="person", fields=["name", "sex"],
                                     by=platform_admin)
    assert grant is not None and grant.fields == ["name", "sex"]
    services.field_grant_set(organisation=civil, registry="person", fields=["name"], by=platform_admin)
    assert RegistryFieldGrant.objects.get(organisation=civil).fields == ["name"]
    services.field_grant_set(organisation=civil, registry="person", fields=["name"], origin="sharing:7")
    assert RegistryFieldGrant.objects.filter(organisation=civil).count() == 2
    assert services.field_grant_set(organisation=civil, registry="person", fields=[], by=platform_admin) is None
    assert list(RegistryFieldGrant.objects.values_list("origin", flat=True)) == ["sharing:7"]
    actions = list(AuditRecord.objects.filter(action__startswith="registries.grant").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["registries.grant.set", "registries.grant.set", "registries.grant.set",
                       "registries.grant.revoke"]


def test_field_grant_set_refuses_unknown_fields_and_registries(civil):
    with pytest.raises(ValidationFailed) as exc:
        services.field_grant_set(organisation=civil, registry="person", fields=["name", "blood_type"])
    assert "blood_type" in exc.value.field_errors["fields"][0]
    with pytest.raises(ValidationFailed):
        services.field_grant_set(organisation=civil, registry="cars", fields=["name"])
    assert RegistryFieldGrant.objects.count() == 0
