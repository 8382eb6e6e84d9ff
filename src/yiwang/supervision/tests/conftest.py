"""Supervision test fixtures: staff of two departments, the supervision office, the official calendar."""

from __future__ import annotations

import pytest

from yiwang.core import services as core_services
from yiwang.core.models import CalendarYear
from yiwang.identity.public import Role, User


@pytest.fixture(autouse=True)
def official_calendar(db):
    if not CalendarYear.objects.filter(year=2025).exists():
        for year in core_services.library_years():
            core_services.calendar_year_load_from_library(year=year)


@pytest.fixture
def supervisor(make_staff, district) -> User:
    return make_staff(district, Role.SUPERVISOR, username="supervisor")


@pytest.fixture
def tax_head(make_staff, tax) -> User:
    return make_staff(tax, Role.DEPARTMENT_HEAD, username="tax_head")


@pytest.fixture
def commerce_head(make_staff, commerce) -> User:
    return make_staff(commerce, Role.DEPARTMENT_HEAD, username="commerce_head")


@pytest.fixture
def leader(make_staff, district) -> User:
    return make_staff(district, Role.LEADER, username="leader")
