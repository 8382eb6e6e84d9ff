"""Shared test personas, built through the services (never dumped fixtures)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import translation

from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind, Role, User

PASSWORD = "Pudong-Test-2026!"  # noqa: S105 (test personas only)


def run_together(n: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``n`` threads released at the same instant, each with its own database connection
    (closed at the end); their results and errors, for concurrency tests on PostgreSQL."""
    barrier = threading.Barrier(n, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def english_client(**defaults) -> Client:
    """A browser whose person picked English with the language switch (pages ignore Accept-Language)."""
    client = Client(**defaults)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def last_sms_code(phone: str) -> str:
    """The one-time code most recently texted to ``phone`` through the console SMS backend (the default)."""
    import re

    from yiwang.identity.sms.console import ConsoleBackend

    sent = ConsoleBackend.last_to(phone)
    assert sent is not None, f"no SMS was sent to {phone}"
    match = re.search(r"\b(\d{6})\b", sent.message)
    assert match is not None, sent.message
    return match.group(1)


def staff_login(client: Client, user: User) -> Client:
    """Log a staff member in with the second factor done, as /accounts/otp/verify/ leaves the session.

    ``force_login`` alone is only the password step: staff pages would redirect to the second factor.
    The user gets a confirmed authenticator if they have none.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
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


@pytest.fixture
def finance(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="CZJ", name="区财政局",
                                        name_en="District Finance Bureau", parent=district)


@pytest.fixture
def commerce_handler(make_staff, commerce) -> User:
    return make_staff(commerce, Role.HANDLER, username="commerce_handler")


@pytest.fixture
def finance_handler(make_staff, finance) -> User:
    return make_staff(finance, Role.HANDLER, username="finance_handler")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report on the test item (browser tests screenshot on failure)."""
    outcome = yield
    setattr(item, f"rep_{outcome.get_result().when}", outcome.get_result())
