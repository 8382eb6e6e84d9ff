"""The synthetic population: valid numbers and codes (python-stdnum), determinism, bulk loads."""

from __future__ import annotations

from collections import Counter

import pytest
from stdnum.cn import ric, uscc

from yiwang.audit.models import AuditRecord
from yiwang.events.models import OutboxMessage
from yiwang.registries import bulk, generator, selectors
from yiwang.registries.models import Address, LegalPerson, Person, RecordVersion, RegistryImport
from yiwang.registries.reference import AREAS_BY_CODE


def test_every_generated_identity_number_passes_stdnum_and_agrees_with_sex_and_birth_date():
    people = list(generator.generate_people(3000, seed=7))
    assert len(people) == 3000
    assert len({p.id_number for p in people}) == 3000
    for p in people:
        assert ric.validate(p.id_number) == p.id_number  # check char, real date, code valid in the birth year
        assert ric.get_birth_date(p.id_number) == p.birth_date
        assert (int(p.id_number[16]) % 2 == 1) == (p.sex == "male")
        assert p.area_code in AREAS_BY_CODE and p.actual_address.startswith("上海市浦东新区")
        assert 2 <= len(p.name) <= 4
    codes = Counter(p.id_number[:6] for p in people)
    assert codes["310115"] > 100 and any(not c.startswith("31") for c in codes)
    assert Counter(p.sex for p in people)["female"] > 1200


def test_households_share_address_and_code():
    people = list(generator.generate_people(2000, seed=7))
    by_household: dict[str, set[str]] = {}
    for p in people:
        by_household.setdefault(p.household_code, set()).add(p.actual_address)
    assert all(len(addresses) == 1 for addresses in by_household.values())
    sizes = Counter(len([p for p in people if p.household_code == h]) for h in list(by_household)[:200])
    assert max(sizes) > 1  # some households have several members


def test_generation_is_deterministic_with_a_seed():
    assert list(generator.generate_people(500, seed=1)) == list(generator.generate_people(500, seed=1))
    assert list(generator.generate_people(500, seed=1)) != list(generator.generate_people(500, seed=2))
    assert list(generator.generate_legal_persons(50, seed=1)) == list(generator.generate_legal_persons(50, seed=1))
    # Batches of legal persons are slices of the same register.
    whole = list(generator.generate_legal_persons(40, seed=3))
    assert whole[20:] == list(generator.generate_legal_persons(20, seed=3, start=20))


def test_population_plan_adds_up_exactly():
    for count in (1, 999, 123_457):
        assert sum(u.count for u in generator.population_plan(count)) == count


def test_every_generated_credit_code_passes_stdnum():
    rows = list(generator.generate_legal_persons(2000, seed=11))
    assert len({r.credit_code for r in rows}) == 2000
    for r in rows:
        assert uscc.validate(r.credit_code) == r.credit_code
        assert r.credit_code[2:8] == "310115"
        code8 = r.credit_code[8:16]
        assert generator.organisation_check_char(code8) == r.credit_code[16]
    assert generator.organisation_check_char("MA1YW001") == "2"  # identity's demo enterprise 91310115MA1YW0012F


def test_bulk_load_encrypts_indexes_and_can_be_looked_up(police, civil):
    batch = bulk.people_generate(count=400, seed=5, source=police, batch_size=150)
    assert batch.created == 400 and batch.finished_at is not None
    assert Person.objects.count() == 400 and RecordVersion.objects.count() == 0
    sample = next(iter(generator.generate_people(400, seed=5)))
    found = selectors.person_lookup(id_number=sample.id_number, fields=["name", "actual_address", "sex"],
                                    organisation=police)
    assert found == {"name": sample.name, "actual_address": sample.actual_address, "sex": sample.sex}
    assert AuditRecord.objects.filter(action="registries.person.import").count() == 1
    assert OutboxMessage.objects.filter(topic="registries.person.imported").count() == 1
    # History of a bulk-loaded record: its first version is the import.
    person = Person.objects.first()
    history = selectors.record_history(registry="person", record=person, organisation=police)
    assert len(history) == 1 and history[0].bulk_import


def test_a_second_load_with_the_same_seed_skips_what_exists(police):
    bulk.people_generate(count=200, seed=5, source=police)
    again = bulk.people_generate(count=200, seed=5, source=police)
    assert again.created == 0 and Person.objects.count() == 200
    assert RegistryImport.objects.count() == 2


def test_bulk_legal_persons_and_addresses(commerce):
    batch = bulk.legal_persons_generate(count=120, seed=5, source=commerce, batch_size=50)
    assert batch.created == 120 == LegalPerson.objects.count()
    addresses = bulk.addresses_generate(people=240, seed=5, source=commerce)
    assert addresses.created == Address.objects.count() > 90
    a = Address.objects.first()
    assert a is not None
    assert 121.3 < float(a.lon) < 122.1 and 30.8 < float(a.lat) < 31.5 and a.grid_cell == ""


@pytest.mark.django_db
def test_the_command_generates_with_a_progress_bar(district, police, commerce, capsys):
    from django.core.management import call_command

    call_command("registries", "generate", "--people", "150", "--legal-persons", "30", "--seed", "9",
                 "--source", "GAFJ", "--legal-person-source", "SCJGJ", verbosity=1)
    out = capsys.readouterr()
    assert "150" in out.out and Person.objects.count() == 150 and LegalPerson.objects.count() == 30


def test_copy_text_escapes_what_copy_would_misread():
    from datetime import date

    text = bulk.copy_text([("a\tb", None, date(2020, 1, 2), "c\\d\ne", 7)])
    assert text == b"a\\tb\t\\N\t2020-01-02\tc\\\\d\\ne\t7\n"
