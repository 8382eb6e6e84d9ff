"""Fixtures of the sharing tests: provider and consumer departments with stewards, exchange members, the
registries' lookups on the exchange, a resident, and a population resource served by the lookup."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from yiwang.exchange import directory, pki
from yiwang.exchange.client import load_private_key, signed_headers
from yiwang.exchange.services import member_create
from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind, Role
from yiwang.registries import services as registries
from yiwang.registries.exchange import registries_services_register
from yiwang.sharing import services

ID_PUDONG = "310115199306151033"

POPULATION = {
    "code": "10101/000001", "name": "实有人口基础信息", "classification": "1", "sharing_type": "conditional",
    "legal_basis": "《居民身份证法》第十九条", "conditions": "依法履职需要，逐条核验", "open_attribute": "closed",
    "update_cycle": "realtime", "service": "population-lookup", "registry": "person",
    "fields": [{"name": "name", "label": "姓名", "type": "string", "length": 50},
               {"name": "birth_date", "label": "出生日期", "type": "date", "length": 10},
               {"name": "actual_address", "label": "实际居住地址", "type": "string", "length": 200},
               {"name": "household_code", "label": "户号", "type": "string", "length": 20}],
}
TAX_CREDIT = {
    "code": "30301/000001", "name": "纳税信用等级", "classification": "3", "sharing_type": "unconditional",
    "legal_basis": "", "conditions": "", "open_attribute": "conditional", "update_cycle": "yearly",
    "fields": [{"name": "credit_code", "label": "统一社会信用代码", "type": "string", "length": 18},
               {"name": "grade", "label": "纳税信用等级", "type": "code", "length": 1}],
}


@pytest.fixture(autouse=True)
def _fresh_exchange(settings):
    settings.YIWANG_EXCHANGE_INSTANCE = "CN-SH"
    pki.forget_caches()
    directory.forget()
    yield
    pki.forget_caches()
    directory.forget()


@pytest.fixture
def police(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="GAFJ", name="区公安分局", parent=district)


@pytest.fixture
def civil(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="MZJ", name="区民政局", parent=district)


@pytest.fixture
def police_steward(make_staff, police):
    return make_staff(police, Role.DATA_STEWARD, username="police_steward")


@pytest.fixture
def tax_steward(make_staff, tax):
    return make_staff(tax, Role.DATA_STEWARD, username="tax_steward")


@pytest.fixture
def civil_steward(make_staff, civil):
    return make_staff(civil, Role.DATA_STEWARD, username="civil_steward")


@pytest.fixture
def members(police, civil, tax):
    return {
        "police": member_create(identifier="CN-SH/GOV/GAFJ/population", name="公安 人口库", organisation=police),
        "civil": member_create(identifier="CN-SH/GOV/MZJ/assistance", name="民政 救助系统", organisation=civil),
        "tax": member_create(identifier="CN-SH/GOV/SWJ/tax-core", name="税务 核心系统", organisation=tax),
    }


@pytest.fixture
def on_exchange(members, commerce):
    commerce_member = member_create(identifier="CN-SH/GOV/SCJGJ/registry", name="市场监管 登记",
                                    organisation=commerce)
    return registries_services_register(population_provider=members["police"].member,
                                        legal_person_provider=commerce_member.member)


@pytest.fixture
def person(police):
    return registries.person_register(id_number=ID_PUDONG, name="张三", area_code="310115016", source=police,
                                      household_address="上海市浦东新区锦绣路1001弄12号702室",
                                      actual_address="上海市浦东新区锦绣路1001弄12号702室",
                                      household_code="01600000001")


@pytest.fixture
def population(police_steward, police, on_exchange):
    resource = services.resource_create(user=police_steward, provider=police, data=POPULATION)
    return services.resource_publish(user=police_steward, resource=resource)


@pytest.fixture
def tax_credit(tax_steward, tax):
    resource = services.resource_create(user=tax_steward, provider=tax, data=TAX_CREDIT)
    return services.resource_publish(user=tax_steward, resource=resource)


def exchange_call(keys, method: str, target: str, body: object = None):
    data = json.dumps(body).encode() if body is not None else b""
    headers = signed_headers(private_key=load_private_key(keys.private_key_pem), member=keys.member.identifier,
                             method=method, target=target, body=data)
    return Client().generic(method, target, data=data, content_type="application/json", headers=headers)
