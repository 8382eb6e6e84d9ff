"""Field-level access: a department reads exactly the fields it is granted, every read is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from yiwang.audit.models import AuditRecord, AuditResult
from yiwang.core.public import NotFound, ValidationFailed
from yiwang.registries import selectors, services

from .conftest import CREDIT_CODE, ID_FEMALE, ID_PUDONG


@pytest.fixture
def civil_grant(civil):
    return services.field_grant_set(organisation=civil, registry="person",
                                    fields=["name", "birth_date", "actual_address", "area_name"])


def test_granted_fields_are_returned_and_only_those(person, civil, civil_grant):
    result = selectors.person_lookup(id_number=ID_PUDONG, fields=["name", "area_name", "id_number"],
                                     organisation=civil)
    assert result == {"name": "张三", "area_name": "花木街道", "id_number": ID_PUDONG}
    result = selectors.person_lookup(id_number=ID_PUDONG, fields=["birth_date"], organisation=civil)
    assert result == {"birth_date": "1993-06-15"}
    audit = AuditRecord.objects.filter(action="registries.person.lookup").order_by("seq").last()
    assert audit is not None
    assert audit.details == {"organisation": "MZJ", "fields": ["birth_date"], "found": True}
    assert audit.object_id == str(person.pk)


def test_an_ungranted_field_refuses_the_whole_lookup_and_is_audited(person, civil, civil_grant):
    with pytest.raises(PermissionDenied) as exc:
        selectors.person_lookup(id_number=ID_PUDONG, fields=["name", "household_address"], organisation=civil)
    assert "household_address" in str(exc.value)
    denial = AuditRecord.objects.get(action="audit.access.denied")
    assert denial.result == AuditResult.DENIED
    assert denial.details == {"what": "registries.person.lookup", "organisation": "MZJ",
                              "fields": ["household_address"]}
    assert not AuditRecord.objects.filter(action="registries.person.lookup").exists()


def test_another_department_without_a_grant_sees_nothing(person, tax, civil_grant):
    with pytest.raises(PermissionDenied):
        selectors.person_lookup(id_number=ID_PUDONG, fields=["name"], organisation=tax)
    # Probing with an ungranted field does not say whether the person exists.
    with pytest.raises(PermissionDenied):
        selectors.person_lookup(id_number=ID_FEMALE, fields=["name"], organisation=tax)


def test_the_source_department_reads_every_field_of_its_own_records(person, police):
    result = selectors.person_lookup(id_number=ID_PUDONG, fields=["household_address", "source", "version"],
                                     organisation=police)
    assert result == {"household_address": "上海市浦东新区锦绣路1001弄12号702室", "source": "GAFJ", "version": 1}


def test_unknown_fields_invalid_numbers_and_missing_people(person, civil, civil_grant):
    with pytest.raises(ValidationFailed) as exc:
        selectors.person_lookup(id_number=ID_PUDONG, fields=["name", "salary"], organisation=civil)
    assert "salary" in exc.value.field_errors["fields"][0]
    with pytest.raises(ValidationFailed):
        selectors.person_lookup(id_number=ID_PUDONG, fields=[], organisation=civil)
    with pytest.raises(ValidationFailed) as exc:
        selectors.person_lookup(id_number="310103199002290047", fields=["name"], organisation=civil)
    assert "id_number" in exc.value.field_errors
    with pytest.raises(NotFound):
        selectors.person_lookup(id_number=ID_FEMALE, fields=["name"], organisation=civil)
    missing = AuditRecord.objects.filter(action="registries.person.lookup").get()
    assert missing.result == AuditResult.FAILURE and missing.details["found"] is False


def test_grant_sources_registered_by_other_apps_add_fields(person, tax):
    selectors.register_grant_source("test", lambda org, registry: ["name"] if org == tax and registry == "person"
                                    else [])
    try:
        assert selectors.person_lookup(id_number=ID_PUDONG, fields=["name"], organisation=tax) == {"name": "张三"}
        assert selectors.granted_fields(organisation=tax, registry="person") == {"id_number", "name"}
    finally:
        selectors._grant_sources.pop("test")
    with pytest.raises(PermissionDenied):
        selectors.person_lookup(id_number=ID_PUDONG, fields=["name"], organisation=tax)


def test_withdrawing_a_grant_takes_effect_at_once(person, civil, civil_grant):
    assert selectors.person_lookup(id_number=ID_PUDONG, fields=["name"], organisation=civil)
    services.field_grant_set(organisation=civil, registry="person", fields=[])
    with pytest.raises(PermissionDenied):
        selectors.person_lookup(id_number=ID_PUDONG, fields=["name"], organisation=civil)


def test_legal_person_lookup(legal_person, tax):
    services.field_grant_set(organisation=tax, registry="legal_person", fields=["name", "status", "kind"])
    result = selectors.legal_person_lookup(credit_code=CREDIT_CODE.lower(), fields=["name", "status"],
                                           organisation=tax)
    assert result == {"name": "上海示例贸易有限公司", "status": "active"}
    with pytest.raises(PermissionDenied):
        selectors.legal_person_lookup(credit_code=CREDIT_CODE, fields=["legal_representative"], organisation=tax)
    with pytest.raises(ValidationFailed):
        selectors.legal_person_lookup(credit_code="91350100M000100Y44", fields=["name"], organisation=tax)


def test_history_shows_only_granted_fields_decrypted(person, police, civil, civil_grant):
    services.person_update(person=person, source=civil, changes={
        "actual_address": "上海市浦东新区碧波路690弄5号1201室", "household_code": "12500000009"})
    versions = selectors.record_history(registry="person", record=person, organisation=civil)
    assert [v.number for v in versions] == [1, 2]
    second = versions[1]
    assert [c.field for c in second.changes] == ["actual_address"]
    assert second.changes[0].old == "上海市浦东新区锦绣路1001弄12号702室"
    assert second.changes[0].new == "上海市浦东新区碧波路690弄5号1201室"
    assert second.hidden == 1  # household_code changed too, but is not granted
    first = {c.field for c in versions[0].changes}
    assert first == {"name", "birth_date", "actual_address"}
    # The source department sees every field.
    owner = selectors.record_history(registry="person", record=person, organisation=police)
    assert {c.field for c in owner[1].changes} == {"actual_address", "household_code"}


def test_history_needs_a_grant(person, tax):
    with pytest.raises(PermissionDenied):
        selectors.record_history(registry="person", record=person, organisation=tax)
    assert AuditRecord.objects.filter(action="audit.access.denied").exists()
