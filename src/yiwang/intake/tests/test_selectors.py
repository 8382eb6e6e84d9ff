"""Who sees a case: every persona against the access rule (table-driven), plus the lists."""

import pytest
from django.core.exceptions import PermissionDenied

from yiwang.audit.public import AuditRecord
from yiwang.conftest import PASSWORD
from yiwang.identity import services as identity
from yiwang.intake import selectors, services
from yiwang.intake.models import Channel

from .conftest import FORM, licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(citizen, clerk, parallel_matter):
    """Taken in at the counter; tasks for SCJGJ (lead) and SWJ."""
    return services.application_submit(code="PD-SCJGJ-0002", applicant=citizen, by=clerk, channel=Channel.COUNTER,
                                       form_data=FORM, files=[licence()])


@pytest.mark.parametrize(("persona", "allowed"), [
    ("citizen", True),  # the applicant
    ("other_citizen", False),
    ("clerk", True),  # took it in
    ("other_clerk", False),
    ("tax_handler", True),  # department with a task
    ("commerce_handler", True),  # lead department (and a task)
    ("finance_handler", False),  # not involved
    ("supervisor", True),  # supervision sees every case
    ("hotline_agent", False),
])
def test_access_application(request, case, make_staff, centre, persona, allowed):
    user = make_staff(centre, "window_clerk") if persona == "other_clerk" else request.getfixturevalue(persona)
    if allowed:
        assert selectors.access_application(user=user, pk=case.pk) == case
    else:
        with pytest.raises(PermissionDenied):
            selectors.access_application(user=user, pk=case.pk)
        assert AuditRecord.objects.filter(action="audit.access.denied", details__what="intake.application").exists()


def test_unknown_case_is_denied_like_someone_elses(citizen):
    with pytest.raises(PermissionDenied):
        selectors.access_application(user=citizen, pk=999999)


def test_enterprise_cases_are_seen_by_its_agents_and_account(citizen, other_citizen, matter):
    enterprise = identity.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD, registered_by=citizen)
    application = services.application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen,
                                               channel=Channel.PORTAL, form_data=FORM, files=[licence()],
                                               enterprise=enterprise)
    assert selectors.access_application(user=enterprise.account, pk=application.pk) == application
    assert list(selectors.applications_of(user=enterprise.account)) == [application]
    with pytest.raises(PermissionDenied):
        selectors.access_own_application(user=other_citizen, number=application.number)
    identity.enterprise_agent_add(enterprise=enterprise, user=other_citizen, by=enterprise.account)
    assert selectors.access_own_application(user=other_citizen, number=application.number) == application


def test_lists(citizen, other_citizen, clerk, case):
    assert list(selectors.applications_of(user=citizen)) == [case]
    assert list(selectors.applications_of(user=other_citizen)) == []
    assert list(selectors.applications_of(user=clerk)) == []  # staff have no cases of their own here
    assert list(selectors.applications_taken_in_by(user=clerk)) == [case]


def test_status_token_is_needed_and_compared(case):
    assert selectors.application_by_status_token(number=case.number, token=case.status_token) == case
    assert selectors.application_by_status_token(number=case.number, token="") is None
    assert selectors.application_by_status_token(number=case.number, token=case.status_token[:-1] + "x") is None
    assert len(case.status_token) >= 32


def test_an_enterprise_account_applies_for_itself(citizen, matter):
    enterprise = identity.enterprise_register(credit_code="91350100M000100Y43", name="示例科技有限公司",
                                              legal_representative="张三", password=PASSWORD)
    application = services.application_submit(code="PD-SWJ-0001", applicant=enterprise.account,
                                               by=enterprise.account, channel=Channel.API, form_data=FORM,
                                               files=[licence()])
    assert application.enterprise == enterprise
    assert services.applicant_masked(application) == "示例科技有限公司"
