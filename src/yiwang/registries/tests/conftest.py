"""Fixtures of the registries' tests: a population source department and registered records."""

from __future__ import annotations

import pytest

from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind
from yiwang.registries import services

# Synthetic but valid (GB 11643-1999 / GB 32100-2015); the first two are the SPEC's own examples.
ID_MALE = "440524188001010014"
ID_FEMALE = "11010519491231002X"
ID_PUDONG = "310115199306151033"
CREDIT_CODE = "91350100M000100Y43"
CREDIT_CODE_2 = "91110108551385082Q"


@pytest.fixture
def police(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="GAFJ", name="区公安分局", parent=district)


@pytest.fixture
def civil(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="MZJ", name="区民政局", parent=district)


@pytest.fixture
def person(police):
    return services.person_register(id_number=ID_PUDONG, name="张三", area_code="310115016", source=police,
                                    household_address="上海市浦东新区锦绣路1001弄12号702室",
                                    actual_address="上海市浦东新区锦绣路1001弄12号702室", household_code="01600000001")


@pytest.fixture
def legal_person(commerce):
    return services.legal_person_register(credit_code=CREDIT_CODE, name="上海示例贸易有限公司",
                                          kind="limited_company", legal_representative="李四",
                                          registered_address="上海市浦东新区张杨路500号10层", industry="F",
                                          area_code="310115004", source=commerce)
