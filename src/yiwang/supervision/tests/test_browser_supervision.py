"""E-supervision in a real Chromium (Debian's) driven by Playwright: the office sees a red clock on a department's
page and presses it with an urgent notice in hours; the department's head sees the deadline to the minute and
replies; the public page shows the department's aggregate and nothing personal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.identity.otp import totp_code_now, totp_device_install
from yiwang.intake.tests.test_browser_catalogue_to_approval import _in_english, _log_in, browser_context
from yiwang.supervision import services
from yiwang.supervision.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser_context"]  # the fixture, shared with intake's browser test

KEY = "3132333435363738393031323334353637383930"


def _staff_log_in(page, live_server, user, path: str) -> None:
    device, _created = totp_device_install(user=user, key_hex=KEY)
    page.goto(f"{live_server.url}{path}")
    _in_english(page)
    _log_in(page, user.username)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(totp_code_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith(path)


def test_the_office_presses_a_late_department_in_hours_and_the_head_replies(live_server, browser_context, tax,
                                                                            tax_handler, tax_head, supervisor):
    started = timezone.localdate() - dt.timedelta(days=40)
    services.clock_open(kind="test.case", subject="test.case:1", label="营业执照变更", reference="CASE-LATE-1",
                        limit_days=5, started_on=started, organisation=tax, user=tax_handler)
    services.sweep(notify=False)

    office = browser_context()
    _staff_log_in(office, live_server, supervisor, f"/workbench/supervision/departments/{tax.pk}/")
    row = office.get_by_role("row").filter(has_text="CASE-LATE-1")
    assert "Overdue (red card)" in row.inner_text()
    office.get_by_label("What the department must explain or do").fill("请于四小时内说明 CASE-LATE-1 超期原因")
    office.get_by_label("Urgent: reply within (hours)").fill("4")
    office.get_by_role("button", name="Issue").click()
    office.wait_for_load_state()
    assert "The supervision notice has been issued." in office.content()
    notice = Notice.objects.get()
    assert notice.clock.limit_hours == 4 and notice.organisation == tax
    due = timezone.localtime(notice.clock.due_at).strftime("%Y-%m-%d %H:%M")

    head = browser_context()
    _staff_log_in(head, live_server, tax_head, "/workbench/supervision/work/")
    assert f"Reply by {due}." in head.content()
    head.get_by_label("Reply").fill("系统故障导致超期，已于今日办结")
    head.get_by_role("button", name="Reply").click()
    head.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.replied_by == tax_head and notice.clock.state == "stopped"

    public = browser_context()
    public.goto(f"{live_server.url}/supervision/")
    _in_english(public)
    html = public.content()
    assert tax.name in html
    assert "CASE-LATE-1" not in html and tax_handler.real_name not in html and tax_head.real_name not in html
