"""Complaints, supervision notices, ratings with their rectifications and appeals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiwang.core.public import Clock, PermissionDeniedError, ValidationFailed
from yiwang.identity.public import Role
from yiwang.notifications.public import Notification
from yiwang.supervision import services
from yiwang.supervision.models import Complaint, Notice, Rating, Rectification, Watch


def subject(applicant, organisation, *, completed=True, case_id=7) -> services.RatingSubject:
    return services.RatingSubject(kind="intake.application", id=case_id, reference=f"SW2026{case_id:04d}",
                                  label="税务登记", applicant_id=applicant.pk if applicant else None,
                                  organisation=organisation,
                                  completed_at=timezone.now() if completed else None)


def counts() -> tuple[int, ...]:
    return (Rating.objects.count(), Rectification.objects.count(), Clock.objects.count(), Watch.objects.count(),
            Complaint.objects.count(), Notice.objects.count())


# --- complaints -----------------------------------------------------------------------------------------------

def test_a_citizen_files_a_complaint_that_runs_to_a_deadline_and_gets_an_outcome(citizen, tax, supervisor):
    complaint = services.complaint_file(by=citizen, channel="portal", organisation=tax, text="窗口态度差",
                                        subject="intake.application:3", reference="SW20260003")
    assert complaint.complainant == citizen and complaint.clock.limit_days == 15
    watch = Watch.objects.get(clock=complaint.clock)
    assert watch.kind == "supervision.complaint" and watch.organisation == tax
    services.complaint_close(by=supervisor, pk=complaint.pk, outcome="upheld", note="已约谈窗口负责人")
    complaint.refresh_from_db()
    assert complaint.outcome == "upheld" and complaint.clock.state == "stopped"
    assert Notification.objects.filter(recipient=citizen, kind="supervision.complaint").count() == 1


def test_a_complaint_with_no_target_is_refused_and_nothing_is_written(citizen):
    with pytest.raises(ValidationFailed) as caught:
        services.complaint_file(by=citizen, channel="portal", organisation=None, text="")
    assert {"organisation", "text"} <= set(caught.value.field_errors)
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_only_a_hotline_agent_takes_in_a_hotline_complaint(citizen, tax, make_staff, district):
    with pytest.raises(PermissionDeniedError):
        services.complaint_file(by=citizen, channel="hotline", organisation=tax, text="x")
    agent = make_staff(district, Role.HOTLINE_AGENT)
    complaint = services.complaint_file(by=agent, channel="hotline", organisation=tax, text="电话打不通",
                                        complainant=citizen)
    assert complaint.filed_by == agent and complaint.complainant == citizen


def test_only_the_office_closes_a_complaint_and_only_once(citizen, tax, tax_head, supervisor):
    complaint = services.complaint_file(by=citizen, channel="portal", organisation=tax, text="x")
    with pytest.raises(PermissionDenied):
        services.complaint_close(by=tax_head, pk=complaint.pk, outcome="dismissed", note="n")
    services.complaint_close(by=supervisor, pk=complaint.pk, outcome="dismissed", note="不属实")
    with pytest.raises(ValidationFailed):
        services.complaint_close(by=supervisor, pk=complaint.pk, outcome="upheld", note="again")
    complaint.refresh_from_db()
    assert complaint.outcome == "dismissed"


# --- supervision notices ----------------------------------------------------------------------------------------

def test_the_office_issues_a_notice_and_the_department_replies(supervisor, tax, tax_head, tax_handler):
    notice = services.notice_issue(by=supervisor, organisation=tax, text="请说明超期原因", reply_days=3)
    assert notice.clock.limit_days == 3 and Watch.objects.get(clock=notice.clock).kind == "supervision.notice"
    assert Notification.objects.filter(recipient=tax_head, kind="supervision.notice").count() == 1
    services.notice_reply(by=tax_handler, pk=notice.pk, reply="系统故障，已恢复")
    notice.refresh_from_db()
    assert notice.replied_by == tax_handler and notice.clock.state == "stopped"
    assert Notification.objects.filter(recipient=supervisor, kind="supervision.notice").count() == 1


def test_an_urgent_notice_runs_in_hours_round_the_clock(supervisor, tax, tax_head):
    notice = services.notice_issue(by=supervisor, organisation=tax, text="今晚前说明系统中断原因", reply_hours=4)
    clock = notice.clock
    assert clock.due_at is not None and clock.started_at is not None
    assert clock.limit_hours == 4 and clock.due_at - clock.started_at == dt.timedelta(hours=4)
    assert Watch.objects.get(clock=clock).overdue_at == clock.due_at
    (told,) = Notification.objects.filter(recipient=tax_head, kind="supervision.notice")
    assert timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") in told.subject


def test_a_notice_with_two_deadlines_or_a_bad_one_is_refused(supervisor, tax):
    for days, hours in ((3, 4), (None, 73)):
        with pytest.raises(ValidationFailed) as caught:
            services.notice_issue(by=supervisor, organisation=tax, text="x", reply_days=days, reply_hours=hours)
        assert set(caught.value.field_errors) == {"reply_hours"}
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_notice_needs_the_office_a_department_and_a_text(supervisor, tax_head, tax):
    with pytest.raises(PermissionDenied):
        services.notice_issue(by=tax_head, organisation=tax, text="x")
    with pytest.raises(ValidationFailed) as caught:
        services.notice_issue(by=supervisor, organisation=None, text=" ", reply_days=0)
    assert set(caught.value.field_errors) == {"organisation", "text", "reply_days"}
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_another_department_cannot_reply_to_a_notice(supervisor, tax, commerce_head):
    notice = services.notice_issue(by=supervisor, organisation=tax, text="x")
    with pytest.raises(PermissionDenied):
        services.notice_reply(by=commerce_head, pk=notice.pk, reply="not ours")
    notice.refresh_from_db()
    assert notice.replied_at is None


# --- ratings ----------------------------------------------------------------------------------------------------

def test_a_good_rating_is_recorded_once(citizen, tax):
    rating = services.rating_submit(by=citizen, subject=subject(citizen, tax), score=5, comment="很快")
    assert rating.organisation == tax and not rating.is_bad and not Rectification.objects.exists()


def test_a_bad_rating_opens_a_rectification_to_a_deadline(citizen, tax, tax_head, settings):
    settings.YIWANG_SUPERVISION_RECTIFICATION_DAYS = 7
    rating = services.rating_submit(by=citizen, subject=subject(citizen, tax), score=1, comment="材料被退三次")
    item = rating.rectification
    assert item.clock.limit_days == 7 and Watch.objects.get(clock=item.clock).kind == "supervision.rectification"
    assert Notification.objects.filter(recipient=tax_head, kind="supervision.rating").count() == 1
    services.rectification_record(by=tax_head, pk=item.pk, callback_note="已回访", rectification_note="一次告知")
    item.refresh_from_db()
    assert item.done_at is not None and item.clock.state == "stopped"


def test_rating_someone_elses_case_is_refused_and_nothing_is_written(citizen, tax, make_staff, district):
    from yiwang.identity import services as identity

    other = identity.citizen_register(username="lisi", password="Pudong-Test-2026!", real_name="李四",
                                      id_number="440524188001010014", phone="13900139000")
    with pytest.raises(PermissionDeniedError):
        services.rating_submit(by=other, subject=subject(citizen, tax), score=1)
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_rating_an_unfinished_case_a_bad_score_or_a_second_time_is_refused(citizen, tax):
    with pytest.raises(ValidationFailed) as caught:
        services.rating_submit(by=citizen, subject=subject(citizen, tax, completed=False), score=1)
    assert "not finished" in " ".join(caught.value.field_errors["subject"])
    for score in (0, 6, "5", None):
        with pytest.raises(ValidationFailed) as caught:
            services.rating_submit(by=citizen, subject=subject(citizen, tax), score=score)
        assert "score" in caught.value.field_errors
    assert counts() == (0, 0, 0, 0, 0, 0)
    services.rating_submit(by=citizen, subject=subject(citizen, tax), score=2)
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        services.rating_submit(by=citizen, subject=subject(citizen, tax), score=5)
    assert "already been rated" in " ".join(caught.value.field_errors["subject"])
    assert counts() == before and Rating.objects.get().score == 2


def test_a_clerk_records_a_rating_at_the_counter_for_the_applicant(citizen, tax, make_staff, district):
    clerk = make_staff(district, Role.WINDOW_CLERK)
    rating = services.rating_submit(by=clerk, subject=subject(citizen, tax), score=4, channel="counter")
    assert rating.applicant == citizen and rating.channel == "counter"


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures(citizen, tax, tax_head, supervisor, commerce_head):
    from yiwang.supervision.assessment import department_assessment

    rating = services.rating_submit(by=citizen, subject=subject(citizen, tax), score=1)
    today = timezone.localdate()
    (row,) = department_assessment(start=today, end=today)
    assert (row.ratings, row.bad) == (1, 1)
    with pytest.raises(PermissionDenied):
        services.rating_appeal(by=commerce_head, pk=rating.pk, reason="x")
    services.rating_appeal(by=tax_head, pk=rating.pk, reason="差评针对的是区市场监管局的窗口")
    with pytest.raises(ValidationFailed):
        services.rating_appeal(by=tax_head, pk=rating.pk, reason="again")
    services.rating_appeal_decide(by=supervisor, pk=rating.pk, uphold=True, note="经核实属实")
    rows = department_assessment(start=today, end=today)
    assert all(r.ratings == 0 for r in rows)
    with pytest.raises(ValidationFailed):
        services.rating_appeal_decide(by=supervisor, pk=rating.pk, uphold=False, note="again")
