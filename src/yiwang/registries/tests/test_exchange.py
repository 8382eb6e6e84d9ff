"""The registries on the exchange: a department reads another's registry only through a grant, field by field."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from yiwang.audit.models import AuditRecord
from yiwang.exchange import directory as exchange_directory
from yiwang.exchange import pki
from yiwang.exchange.client import load_private_key, signed_headers
from yiwang.exchange.models import MessageLogEntry
from yiwang.exchange.services import grant_create, grant_revoke, member_create
from yiwang.registries.exchange import registries_services_register

from .conftest import CREDIT_CODE, ID_FEMALE, ID_PUDONG


def forget_exchange_caches() -> None:
    """The exchange caches its CA and member directory per process; each test has a new database."""
    pki.forget_caches()
    if hasattr(exchange_directory, "forget"):
        exchange_directory.forget()


@pytest.fixture(autouse=True)
def _fresh_ca(settings):
    settings.YIWANG_EXCHANGE_INSTANCE = "CN-SH"
    forget_exchange_caches()
    yield
    forget_exchange_caches()


@pytest.fixture
def members(police, commerce, civil):
    return {
        "police": member_create(identifier="CN-SH/GOV/GAFJ/population", name="公安 人口库", organisation=police),
        "commerce": member_create(identifier="CN-SH/GOV/SCJGJ/registry", name="市场监管 登记", organisation=commerce),
        "civil": member_create(identifier="CN-SH/GOV/MZJ/assistance", name="民政 救助系统", organisation=civil),
    }


@pytest.fixture
def services_on_exchange(members):
    return registries_services_register(population_provider=members["police"].member,
                                        legal_person_provider=members["commerce"].member)


def call(keys, method: str, target: str, body: object = None):
    data = json.dumps(body).encode() if body is not None else b""
    headers = signed_headers(private_key=load_private_key(keys.private_key_pem), member=keys.member.identifier,
                             method=method, target=target, body=data)
    return Client().generic(method, target, data=data, content_type="application/json", headers=headers)


def test_population_lookup_through_the_gateway_only_after_a_grant(person, members, services_on_exchange):
    civil = members["civil"]
    target = "/exchange/v1/population-lookup/lookup?fields=name,actual_address"
    refused = call(civil, "POST", target, {"id_number": ID_PUDONG})
    assert refused.status_code == 403 and "张三" not in refused.content.decode()
    grant = grant_create(service="population-lookup", consumer=civil.member, fields=["name", "actual_address"],
                         granted_by_name="民政局 数据专员")
    answer = call(civil, "POST", target, {"id_number": ID_PUDONG})
    assert answer.status_code == 200
    assert answer.json() == {"data": {"name": "张三", "actual_address": "上海市浦东新区锦绣路1001弄12号702室"}}
    audit = AuditRecord.objects.filter(action="registries.person.lookup").get()
    assert audit.details["consumer"] == "CN-SH/GOV/MZJ/assistance" and audit.details["organisation"] == "MZJ"
    # The identity number is in the body, never in the logged path.
    assert not MessageLogEntry.objects.filter(path__contains=ID_PUDONG).exists()
    grant_revoke(grant=grant, revoked_by_name="test")
    assert call(civil, "POST", target, {"id_number": ID_PUDONG}).status_code == 403


def test_an_ungranted_field_is_refused_whether_asked_in_the_query_or_the_body(person, members,
                                                                               services_on_exchange):
    civil = members["civil"]
    grant_create(service="population-lookup", consumer=civil.member, fields=["name"], granted_by_name="t")
    in_query = call(civil, "POST", "/exchange/v1/population-lookup/lookup?fields=name,birth_date",
                    {"id_number": ID_PUDONG})
    assert in_query.status_code == 403 and in_query.json()["error"]["code"] == "field_not_granted"
    in_body = call(civil, "POST", "/exchange/v1/population-lookup/lookup",
                   {"id_number": ID_PUDONG, "fields": ["name", "birth_date"]})
    assert in_body.status_code == 403 and "1993" not in in_body.content.decode()
    assert AuditRecord.objects.filter(action="audit.access.denied",
                                      details__consumer="CN-SH/GOV/MZJ/assistance").exists()


def test_bad_numbers_and_missing_people(person, members, services_on_exchange):
    civil = members["civil"]
    grant_create(service="population-lookup", consumer=civil.member, fields=None, granted_by_name="t")
    assert call(civil, "POST", "/exchange/v1/population-lookup/lookup?fields=name",
                {"id_number": "310103199002290047"}).status_code == 422
    assert call(civil, "POST", "/exchange/v1/population-lookup/lookup?fields=name",
                {"id_number": ID_FEMALE}).status_code == 404
    assert call(civil, "POST", "/exchange/v1/population-lookup/lookup", [1, 2]).status_code == 400
    whole = call(civil, "POST", "/exchange/v1/population-lookup/lookup?fields=name,sex", {"id_number": ID_PUDONG})
    assert whole.json() == {"data": {"name": "张三", "sex": "male"}}


def test_legal_person_lookup_through_the_gateway(legal_person, members, services_on_exchange):
    civil = members["civil"]
    grant_create(service="legal-person-lookup", consumer=civil.member, fields=["name", "status"],
                 granted_by_name="t")
    answer = call(civil, "GET", f"/exchange/v1/legal-person-lookup/legal-persons/{CREDIT_CODE}?fields=name,status")
    assert answer.status_code == 200 and answer.json() == {"data": {"name": "上海示例贸易有限公司",
                                                                    "status": "active"}}
