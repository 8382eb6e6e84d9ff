"""The citizen's account page: profile, level, enterprises, sessions (and ending one), login history."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from yiwang.audit.models import AuditRecord
from yiwang.conftest import PASSWORD, english_client, staff_login
from yiwang.identity import services
from yiwang.identity.models import AssuranceLevel, AssuranceMethod
from yiwang.identity.selectors_accounts import session_ref
from yiwang.identity.services_accounts import assurance_raise

pytestmark = pytest.mark.django_db
URL = "/me/account/"


def log_in(ip: str, agent: str, password: str = PASSWORD):
    client = english_client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": password}, REMOTE_ADDR=ip)
    assert response.status_code in {200, 302}
    return client


def test_the_page_shows_profile_level_enterprises_sessions_and_login_history(citizen, platform_admin):
    services.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                 legal_representative="张三", password=PASSWORD, registered_by=citizen)
    assurance_raise(user=citizen, level=AssuranceLevel.REGISTRY_VERIFIED, method=AssuranceMethod.REGISTRY_CHECK,
                    by=platform_admin)
    log_in("10.0.0.7", "Mozilla/5.0 (wrong)", password="wrong-password")
    phone = log_in("10.0.0.8", "Mozilla/5.0 (iPhone) MicroMessenger")
    desk = log_in("10.0.0.9", "Mozilla/5.0 (X11; Linux) Firefox/140")
    page = desk.get(URL).content.decode()
    assert "110105********002X" in page and "138****8000" in page and "11010519491231002X" not in page
    assert "Verified against the population registry" in page and "Checked against the population registry" in page
    assert "示例科技有限公司 (91350100M000100Y43)" in page and "Confirmed" in page
    sessions = page.split('id="sessions"')[1].split("</section>")[0]
    assert "10.0.0.8" in sessions and "MicroMessenger" in sessions and "10.0.0.9" in sessions
    assert sessions.count("End this session") == 1 and "This browser" in sessions
    assert phone.session.session_key not in page  # only a hash of the key reaches the page
    history = page.split('id="login-history"')[1].split("</section>")[0]
    assert history.count("Log in") == 2 and "Failed login" in history and "10.0.0.7" in history
    assert 'id="authorised-apps"' in page


def test_ending_another_session_logs_that_browser_out_and_is_audited(citizen):
    phone = log_in("10.0.0.8", "phone")
    desk = log_in("10.0.0.9", "desk")
    ref = session_ref(phone.session.session_key or "")
    response = desk.post(reverse("identity:session_end"), {"session": ref, "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert phone.get(URL).status_code == 302  # back to the login page
    ended = AuditRecord.objects.get(action="identity.session.end")
    assert ended.actor == citizen and ended.details == {"session": ref, "client_ip": "10.0.0.8"}
    assert desk.get(URL).status_code == 200


def test_the_current_session_and_other_peoples_sessions_cannot_be_ended_here(citizen, tax_handler):
    desk = log_in("10.0.0.9", "desk")
    other = english_client()
    other.force_login(tax_handler)
    for ref in (session_ref(desk.session.session_key or ""), session_ref(other.session.session_key or ""), "nonsense"):
        page = desk.post(reverse("identity:session_end"), {"session": ref}, follow=True).content.decode()
        assert "This session has ended already." in page
    assert Session.objects.filter(session_key=other.session.session_key).exists()
    assert not AuditRecord.objects.filter(action="identity.session.end").exists()


def test_the_account_page_needs_a_login(db):
    response = english_client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_see_their_second_factor_section_and_citizens_do_not(citizen, tax_handler):
    staff = staff_login(english_client(), tax_handler)
    page = staff.get(URL).content.decode()
    assert 'id="second-factor"' in page and reverse("identity:otp_recovery_codes") in page
    person = english_client()
    person.force_login(citizen)
    assert 'id="second-factor"' not in person.get(URL).content.decode()
