"""Shared test personas, built through the services (never dumped fixtures)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind, Role, User

PASSWORD = "Pudong-Test-2026!"  # noqa: S105 (test personas only)


def english_client(**defaults) -> Client:
    """A browser whose person picked English with the language switch (pages ignore Accept-Language)."""
    client = Client(**defaults)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Service-level messages are asserted in English; pages still negotiate their own language
    per request (Chinese by default), and the page tests assert the Chinese text."""
    with translation.override("en"):
        yield


@pytest.fixture
def district(db) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DISTRICT, code="310115", name="浦东新区",
                                        name_en="Pudong New Area")


@pytest.fixture
def tax(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SWJ", name="区税务局",
                                        name_en="District Tax Bureau", parent=district)


@pytest.fixture
def commerce(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SCJGJ", name="区市场监管局",
                                        name_en="District Market Regulation Bureau", parent=district)


@pytest.fixture
def make_staff(db):
    counter = {"n": 0}

    def make(organisation: Organisation, *roles: str, username: str | None = None) -> User:
        counter["n"] += 1
        return identity.staff_create(username=username or f"staff{counter['n']}", password=PASSWORD,
                                     real_name=f"职员{counter['n']}", organisation=organisation, roles=roles)

    return make


@pytest.fixture
def citizen(db) -> User:
    return identity.citizen_register(username="zhangsan", password=PASSWORD, real_name="张三",
                                     id_number="11010519491231002X", phone="13800138000")


@pytest.fixture
def tax_handler(make_staff, tax) -> User:
    return make_staff(tax, Role.HANDLER, username="tax_handler")


@pytest.fixture
def platform_admin(make_staff, district) -> User:
    return make_staff(district, Role.PLATFORM_ADMIN, username="admin")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report on the test item (browser tests screenshot on failure)."""
    outcome = yield
    setattr(item, f"rep_{outcome.get_result().when}", outcome.get_result())
