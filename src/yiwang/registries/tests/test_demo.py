"""The registries' demo data: loaded after identity's, idempotent, includes the demo citizen and enterprise."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from yiwang.core.public import demo_loaders
from yiwang.identity.demo import DEMO_CITIZEN, DEMO_ENTERPRISE, demo_data_load
from yiwang.identity.models import Organisation
from yiwang.registries import demo, selectors
from yiwang.registries.models import LegalPerson, Person, RecordVersion, RegistryFieldGrant


@pytest.fixture
def loaded(db):
    demo_data_load()
    return demo.registries_demo_load()


def test_the_loader_is_registered():
    assert "registries" in [step.name for step in demo_loaders()]


def test_demo_registries_hold_pudong_and_the_demo_citizen(loaded):
    created, present = loaded
    assert created > demo.DEMO_PEOPLE and present == 0
    assert Person.objects.count() == demo.DEMO_PEOPLE + 1
    assert LegalPerson.objects.count() == demo.DEMO_LEGAL_PERSONS + 1
    tax = Organisation.objects.get(code="PD-SWJ")
    citizen = selectors.person_lookup(id_number=DEMO_CITIZEN.id_number, fields=["name", "birth_date", "area_name"],
                                      organisation=tax)
    assert citizen == {"name": DEMO_CITIZEN.real_name, "birth_date": "1993-06-15", "area_name": "张江镇"}
    enterprise = selectors.legal_person_lookup(credit_code=DEMO_ENTERPRISE.credit_code,
                                               fields=["name", "legal_representative"], organisation=tax)
    assert enterprise == {"name": DEMO_ENTERPRISE.name, "legal_representative": DEMO_ENTERPRISE.legal_representative}
    assert RecordVersion.objects.filter(registry="person").count() == 2  # registered, then moved
    assert RegistryFieldGrant.objects.filter(organisation=tax).count() == 2


def test_every_demo_number_is_valid(loaded):
    numbers = list(Person.objects.values_list("id_number", flat=True))
    assert all(ric.is_valid(n) for n in numbers)


def test_loading_again_creates_nothing(loaded):
    counts = (Person.objects.count(), LegalPerson.objects.count(), RecordVersion.objects.count(),
              RegistryFieldGrant.objects.count())
    created, present = demo.registries_demo_load()
    assert created == 0 and present > 0
    assert counts == (Person.objects.count(), LegalPerson.objects.count(), RecordVersion.objects.count(),
                      RegistryFieldGrant.objects.count())


def test_without_the_organisation_tree_the_loader_skips(db):
    assert demo.registries_demo_load() == (0, 0)
    assert Person.objects.count() == 0


def test_with_exchange_members_the_lookups_go_on_the_exchange(db, settings):
    from yiwang.exchange.models import Service
    from yiwang.exchange.services import member_create

    from .test_exchange import forget_exchange_caches

    settings.YIWANG_EXCHANGE_INSTANCE = "CN-SH"
    forget_exchange_caches()
    try:
        demo_data_load()
        for code in ("PD-GAFJ", "PD-SCJGJ"):
            member_create(identifier=f"CN-SH/GOV/{code}/registry", name=code,
                          organisation=Organisation.objects.get(code=code))
        demo.registries_demo_load()
        assert set(Service.objects.values_list("code", flat=True)) >= {"population-lookup", "legal-person-lookup"}
        provider = Service.objects.get(code="population-lookup").provider
        assert provider.organisation is not None and provider.organisation.code == "PD-GAFJ"
    finally:
        forget_exchange_caches()
