"""Done when (issue 6): a case that runs late turns yellow then red on its own, the right people are told
once, the department's ranking moves, and the public page shows the aggregate without personal data.

The case is a real intake case; intake's clock kind is registered here exactly as the one line intake's
``AppConfig.ready()`` needs (docs/supervision.md). Time is moved with the sweep's ``today``."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.core.public import clock_stop
from yiwang.identity.models import AssuranceLevel
from yiwang.intake.public import Application, application_submit
from yiwang.intake.tests.conftest import FORM, make_matter
from yiwang.intake.tests.conftest import licence as a_licence
from yiwang.notifications.public import Notification
from yiwang.supervision import registry, services
from yiwang.supervision.assessment import department_assessment
from yiwang.supervision.models import Watch

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def intake_registered():
    """Intake registers its case clocks itself (intake/apps.py); nothing here does it for it."""
    kind = registry.clock_kind("intake.case")
    assert kind is not None and kind.model is Application
    yield


def closed_on_time(organisation, n: int) -> None:
    for i in range(n):
        watch = services.clock_open(kind="test.case", subject=f"test.case:{organisation.code}{i}", label="x",
                                    limit_days=5, started_on=dt.date(2026, 3, 2), organisation=organisation)
        clock_stop(clock=watch.clock, on=dt.date(2026, 3, 4))


def rank_of(organisation) -> int:
    rows = department_assessment(start=MARCH[0], end=MARCH[1])
    return next(row.rank for row in rows if row.organisation_id == organisation.pk)


@pytest.mark.usefixtures("intake_registered")
def test_a_late_case_turns_yellow_then_red_tells_once_moves_the_ranking_and_is_published_anonymously(
        client, citizen, platform_admin, tax, commerce, tax_head, commerce_head, supervisor):
    make_matter(platform_admin, code="PD-SWJ-0001")  # tax bureau, promised 5 working days
    citizen.assurance_level = AssuranceLevel.IN_PERSON
    citizen.save(update_fields=["assurance_level"])
    case = application_submit(code="PD-SWJ-0001", applicant=citizen, by=citizen, channel="portal",
                              form_data=FORM, files=[a_licence()])
    closed_on_time(tax, 1)
    closed_on_time(commerce, 1)
    assert rank_of(tax) == rank_of(commerce) == 1

    assert case.clock is not None
    services.sweep(today=case.clock.started_on)  # the sweep finds the case by itself
    watch = Watch.objects.get(clock=case.clock)
    assert (watch.kind, watch.reference, watch.organisation, watch.grade) == ("intake.case", case.number, tax, "normal")

    day_before = watch.warn_on - dt.timedelta(days=1)
    assert services.sweep(today=day_before).yellow == 0
    # The case and its tax-bureau task (workflow registers its clocks too) share the promised limit.
    task_watch = Watch.objects.get(kind="workflow.task")
    assert (task_watch.organisation, task_watch.warn_on) == (tax, watch.warn_on)
    assert task_watch.reference == case.number  # the case number staff quote, not the process's subject key
    assert services.sweep(today=watch.warn_on).yellow == 2
    watch.refresh_from_db()
    assert watch.grade == "yellow"
    assert services.sweep(today=watch.overdue_on).red == 2
    services.sweep(today=watch.overdue_on + dt.timedelta(days=10))  # later runs tell nobody again
    watch.refresh_from_db()
    assert watch.grade == "red" and watch.yellow_at and watch.red_at and watch.yellow_at < watch.red_at

    for person in (tax_head, supervisor):
        subjects = sorted(Notification.objects.filter(recipient=person, kind="supervision.card")
                          .values_list("subject", flat=True))
        assert subjects == ["Supervision: 0 overdue, 2 warnings", "Supervision: 2 overdue, 0 warnings"]
        assert all(case.number in n.body for n in Notification.objects.filter(recipient=person))
    assert not Notification.objects.filter(recipient=commerce_head).exists()
    assert not Notification.objects.filter(recipient=citizen, kind="supervision.card").exists()

    assert rank_of(commerce) == 1 and rank_of(tax) == 2  # the open overdue case counts against tax

    page = client.get("/supervision/?month=2026-03")
    html = page.content.decode()
    assert page.status_code == 200
    assert tax.name in html and commerce.name in html and "33.3 %" in html  # 1 on time of 1 closed + 2 overdue
    assert case.number not in html and citizen.real_name not in html and "/workbench/" not in html
