"""A case from the public catalogue to its result, in a real Chromium (Debian's) driven by Playwright.

A citizen browses the catalogue, opens a matter's guide, applies (logging in on the way), fills the form and
uploads a material, and gets a case number; a handler of the department logs in with the second factor,
claims the task on the worklist and approves it with an opinion; the citizen sees the result on the case page.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from yiwang.conftest import PASSWORD
from yiwang.identity.otp import totp_code_now, totp_device_install
from yiwang.intake.models import Application
from yiwang.intake.tests.conftest import PDF

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context(request) -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls here are plain sync code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        pages: list = []

        def new_page():  # one context per person: the citizen's and the handler's sessions stay apart
            context = browser.new_context(locale="zh-CN")
            pages.append(context.new_page())
            pages[-1].set_default_timeout(10_000)
            return pages[-1]

        try:
            yield new_page
        finally:
            report = getattr(request.node, "rep_call", None)
            if report is not None and report.failed:
                ARTIFACTS.mkdir(exist_ok=True)
                for n, page in enumerate(pages):
                    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}.png"), full_page=True)
            browser.close()


def _in_english(page) -> None:
    """The site speaks Chinese until the visitor picks English (the button in the header)."""
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def _log_in(page, username: str) -> None:
    page.get_by_label("User name or credit code").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_citizen_applies_from_the_catalogue_and_a_handler_approves(live_server, browser_context, citizen, matter,
                                                                   tax_handler, tmp_path):
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(PDF)

    # The citizen, not yet logged in, finds the matter in the public catalogue by its department.
    citizen_page = browser_context()
    citizen_page.goto(f"{live_server.url}/matters/")
    _in_english(citizen_page)
    citizen_page.get_by_label("Department").select_option("SWJ")
    citizen_page.get_by_role("button", name="Show").click()
    citizen_page.wait_for_load_state()
    citizen_page.get_by_role("link", name="Tax registration").click()
    citizen_page.wait_for_load_state()
    assert citizen_page.get_by_role("heading", level=1).inner_text() == "Tax registration"
    assert "《税收征收管理法》第十五条" in citizen_page.content()  # the guide's legal basis

    citizen_page.get_by_role("link", name="Apply").first.click()
    citizen_page.wait_for_load_state()
    assert "/accounts/login/" in citizen_page.url  # applying needs an account; the login leads back
    _log_in(citizen_page, "zhangsan")
    assert citizen_page.url.endswith("/matters/PD-SWJ-0001/apply/")

    citizen_page.get_by_label("Company name").fill("浦东浏览器测试有限公司")
    citizen_page.get_by_label("Employees").fill("7")
    citizen_page.get_by_label("营业执照").set_input_files(str(licence))
    citizen_page.get_by_role("button", name="Submit the application").click()
    citizen_page.wait_for_load_state()

    application = Application.objects.get()
    assert application.form_data == {"company_name": "浦东浏览器测试有限公司", "employees": 7}
    assert [(m.requirement_code, m.content_type, m.size) for m in application.materials.all()] == [
        ("licence", "application/pdf", len(PDF))]
    assert citizen_page.url.endswith(f"/me/cases/{application.number}/")
    assert citizen_page.get_by_role("heading", level=1).inner_text() == f"Case {application.number}"
    assert f"Your application was accepted: case {application.number}." in citizen_page.content()
    assert citizen_page.locator(".case-result").count() == 0  # no result yet

    # A handler of the tax bureau logs in: password, then the code of their authenticator.
    device, _created = totp_device_install(user=tax_handler, key_hex="3132333435363738393031323334353637383930")
    handler_page = browser_context()
    handler_page.goto(f"{live_server.url}/workbench/workflow/")
    _in_english(handler_page)
    assert "/accounts/login/" in handler_page.url
    _log_in(handler_page, "tax_handler")
    assert "/accounts/otp/verify/" in handler_page.url
    handler_page.get_by_label("Code from your authenticator app, or a recovery code").fill(totp_code_now(device))
    handler_page.get_by_role("button", name="Continue").click()
    handler_page.wait_for_load_state()
    assert handler_page.url.endswith("/workbench/workflow/")

    row = handler_page.get_by_role("row").filter(has_text=application.number)
    assert "Unclaimed" in row.locator(".task-status").inner_text()
    row.get_by_role("button", name="Claim").click()
    handler_page.wait_for_load_state()
    row = handler_page.get_by_role("row").filter(has_text=application.number)
    assert "Claimed" in row.locator(".task-status").inner_text()

    row.get_by_role("link", name=application.number).click()
    handler_page.wait_for_load_state()
    handler_page.get_by_label("Opinion (意见)").fill("材料齐全，同意办理。")
    handler_page.get_by_role("button", name="Approve", exact=True).click()
    handler_page.wait_for_load_state()
    assert "Your decision on “Review” is recorded." in handler_page.content()
    assert handler_page.get_by_role("row").filter(has_text=application.number).count() == 0  # off the open list
    handler_page.get_by_label("Show").select_option("done")
    handler_page.get_by_role("button", name="Filter").click()
    handler_page.wait_for_load_state()
    row = handler_page.get_by_role("row").filter(has_text=application.number)
    assert "Completed" in row.locator(".task-status").inner_text()
    assert "Approved" in row.locator(".task-status").inner_text()

    application.refresh_from_db()
    assert application.outcome == "approved"

    # The citizen sees the result and the opinion on the case page.
    citizen_page.goto(f"{live_server.url}/me/cases/{application.number}/")
    result = citizen_page.locator(".case-result").inner_text()
    assert re.match(r"Approved\b", result)
    assert "材料齐全，同意办理。" in citizen_page.content()
