"""Watching clocks, grading them with the sweep, telling the right people once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from yiwang.core.public import (
    Clock,
    ValidationFailed,
    add_working_days,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
)
from yiwang.notifications.public import Notification
from yiwang.supervision import services
from yiwang.supervision.models import Complaint, Grade, SweepRun, Watch

START = dt.date(2026, 3, 2)  # a Monday with no holiday in the next weeks


def watched(tax, user=None, limit=10, start=START, percent=None) -> Watch:
    return services.clock_open(kind="test.case", subject="test.case:1", label="营业执照变更", reference="CASE-1",
                               limit_days=limit, started_on=start, organisation=tax, user=user,
                               warn_percent=percent)


def notices_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="supervision.card"))


@pytest.mark.parametrize("limit", [None, "", 0, -3, "ten", True, 99999])
def test_a_clock_without_a_valid_limit_is_refused_and_nothing_is_written(tax, limit):
    with pytest.raises(ValidationFailed) as caught:
        services.clock_open(kind="test.case", subject="test.case:1", label="x", limit_days=limit, organisation=tax)
    assert "limit_days" in caught.value.field_errors
    assert not Clock.objects.exists() and not Watch.objects.exists()


def test_watch_bad_input_is_refused(tax):
    clock = clock_start(purpose="x", started_on=START, limit_days=5)
    with pytest.raises(ValidationFailed) as caught:
        services.clock_watch(clock=clock, kind="", subject="", label=" ", warn_percent=120)
    assert set(caught.value.field_errors) == {"kind", "subject", "label", "warn_percent"}
    assert not Watch.objects.exists()


def test_warning_and_overdue_days_follow_the_working_calendar(tax):
    watch = watched(tax)
    # 80 % of 10 working days = the 8th working day; overdue from the working day after the due date
    assert watch.warn_on == add_working_days(START, 8).date == dt.date(2026, 3, 12)
    assert watch.due_on == dt.date(2026, 3, 16)
    assert watch.overdue_on == dt.date(2026, 3, 17)


def test_a_clock_turns_yellow_then_red_and_each_is_told_once(tax, tax_handler, tax_head, supervisor, commerce_head):
    watch = watched(tax, user=tax_handler)
    result = services.sweep(today=dt.date(2026, 3, 11))
    assert (result.yellow, result.red, result.cards) == (0, 0, 0)
    watch.refresh_from_db()
    assert watch.grade == Grade.NORMAL and not Notification.objects.exists()

    result = services.sweep(today=dt.date(2026, 3, 12))
    watch.refresh_from_db()
    assert (result.yellow, result.red, result.cards, result.notices) == (1, 0, 1, 3)
    assert watch.grade == Grade.YELLOW and watch.yellow_at is not None and watch.red_at is None
    for person in (tax_handler, tax_head, supervisor):
        (notice,) = notices_to(person)
        assert "营业执照变更" in notice.body and "CASE-1" in notice.body
    assert notices_to(commerce_head) == []  # another department's head hears nothing

    again = services.sweep(today=dt.date(2026, 3, 12))  # a re-run changes nothing and tells nobody again
    assert (again.yellow, again.red, again.cards, again.notices) == (0, 0, 0, 0)
    assert Notification.objects.count() == 3

    services.sweep(today=dt.date(2026, 3, 16))  # the due date itself is not overdue
    watch.refresh_from_db()
    assert watch.grade == Grade.YELLOW
    result = services.sweep(today=dt.date(2026, 3, 17))
    watch.refresh_from_db()
    assert (result.red, result.cards) == (1, 1) and watch.grade == Grade.RED and watch.red_at is not None
    assert watch.yellow_at < watch.red_at  # both moments kept
    assert len(notices_to(tax_handler)) == 2 and "overdue" in notices_to(tax_handler)[0].subject
    services.sweep(today=dt.date(2026, 3, 30))
    assert Notification.objects.count() == 6


def test_a_clock_that_skips_the_warning_gets_both_cards_at_once(tax, tax_handler):
    watch = watched(tax, user=tax_handler)
    result = services.sweep(today=dt.date(2026, 4, 1))
    watch.refresh_from_db()
    assert (result.yellow, result.red, result.cards) == (1, 1, 2) and watch.grade == Grade.RED
    assert watch.yellow_at == watch.red_at  # both moments are this run's
    (notice,) = notices_to(tax_handler)  # one digest for the run, counting both cards, one line per clock
    assert notice.subject == "Supervision: 1 overdue, 1 warnings" and notice.body.startswith("Red card")


def test_the_threshold_is_configurable_per_kind(tax, settings):
    settings.YIWANG_SUPERVISION_WARN_PERCENT_BY_KIND = {"test.case": 50}
    watch = watched(tax)
    assert watch.warn_percent == 50 and watch.warn_on == add_working_days(START, 5).date
    assert watched(tax, percent=100, start=START + dt.timedelta(days=7)).warn_percent == 100


def test_a_pause_moves_the_warning_and_a_paused_clock_is_not_graded(tax):
    watch = watched(tax)
    clock_pause(clock=watch.clock, reason="补正", on=dt.date(2026, 3, 4))
    result = services.sweep(today=dt.date(2026, 3, 20))
    watch.refresh_from_db()
    # core saved the clock: the watch followed at once, the sweep had nothing left to resynchronise
    assert result.synced == 0 and watch.clock_state == "paused" and watch.grade == Grade.NORMAL
    clock_resume(clock=watch.clock, on=dt.date(2026, 3, 11))  # 5 working days paused
    services.sweep(today=dt.date(2026, 3, 18))
    watch.refresh_from_db()
    assert watch.paused_days == 5 and watch.due_on == dt.date(2026, 3, 23)
    assert watch.warn_on == add_working_days(START, 13).date == dt.date(2026, 3, 19)
    assert watch.grade == Grade.NORMAL
    services.sweep(today=dt.date(2026, 3, 19))
    watch.refresh_from_db()
    assert watch.grade == Grade.YELLOW


def test_a_pause_that_ends_before_it_starts_is_refused_and_changes_nothing(tax):
    watch = watched(tax)
    clock_pause(clock=watch.clock, reason="补正", on=dt.date(2026, 3, 6))
    services.sweep(today=dt.date(2026, 3, 6))
    before = Watch.objects.values().get(pk=watch.pk)
    with pytest.raises(ValidationFailed) as caught:
        clock_resume(clock=watch.clock, on=dt.date(2026, 3, 5))
    assert "on" in caught.value.field_errors
    services.sweep(today=dt.date(2026, 3, 6))
    assert Watch.objects.values().get(pk=watch.pk) == before
    assert watch.clock.pauses.get().ended_on is None


def test_a_stopped_clock_records_its_handling_time_and_is_no_longer_graded(tax):
    watch = watched(tax)
    clock_stop(clock=watch.clock, on=dt.date(2026, 3, 9))
    services.sweep(today=dt.date(2026, 4, 30))
    watch.refresh_from_db()
    assert watch.clock_state == "stopped" and watch.used_days == 5 and watch.grade == Grade.NORMAL
    assert watch.yellow_at is None and watch.red_at is None


def test_the_sweep_finds_the_clocks_of_registered_kinds_by_itself(tax, supervisor, tax_head):
    clock = clock_start(purpose="complaint", started_on=START, limit_days=3)
    complaint = Complaint.objects.create(channel="portal", organisation=tax, text="排队太久", clock=clock)
    result = services.sweep(today=dt.date(2026, 3, 5))
    watch = Watch.objects.get(clock=clock)
    assert result.discovered == 1 and watch.kind == "supervision.complaint"
    assert watch.subject == f"supervision.complaint:{complaint.pk}" and watch.organisation == tax
    assert watch.grade == Grade.YELLOW
    assert services.sweep(today=dt.date(2026, 3, 5)).discovered == 0


def test_the_management_command_sweeps_for_a_given_day(tax, capsys):
    watch = watched(tax)
    call_command("supervision", "sweep", "--today", "2026-03-17", "--no-notify")
    watch.refresh_from_db()
    assert watch.grade == Grade.RED and "1 red" in capsys.readouterr().out
    assert not Notification.objects.exists()
    run = SweepRun.objects.get(yellow=1)
    assert (run.red, run.notified_at) == (1, None)  # graded, recorded, to be told by the next run


def test_a_calendar_change_that_moves_due_dates_in_bulk_is_caught_by_the_sweep(tax, platform_admin):
    from yiwang.core.services import calendar_day_set

    watch = watched(tax)
    services.sweep(today=dt.date(2026, 3, 3))  # a previous run: the next one looks at clocks changed since
    calendar_day_set(date=dt.date(2026, 3, 10), kind="holiday", name="测试假日", by=platform_admin)
    assert watch.clock.__class__.objects.get(pk=watch.clock_id).due_on == dt.date(2026, 3, 17)
    result = services.sweep(today=dt.date(2026, 3, 12))
    watch.refresh_from_db()
    assert result.synced == 1 and watch.due_on == dt.date(2026, 3, 17)
    assert (watch.warn_on, watch.overdue_on) == (dt.date(2026, 3, 13), dt.date(2026, 3, 18))
    assert watch.grade == Grade.NORMAL  # the 12th is now only the 7th working day of 10


# --- clocks in hours (ADR 0029) ---------------------------------------------------------------------------------

SH = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SH)


def test_a_clock_in_hours_is_graded_by_the_moment_through_the_night(tax, tax_handler, tax_head, supervisor):
    # A 2-hour rule from 17:00 on a Friday: yellow at 18:36 (80 %), red after 19:00 — the evening counts.
    friday = dt.date(2026, 3, 6)
    watch = services.clock_open(kind="test.hotline", subject="test.hotline:1", label="紧急诉求回访", reference="T-1",
                                limit_hours=2, started_at=at(friday, 17), organisation=tax, user=tax_handler)
    assert (watch.limit_hours, watch.limit_days, watch.due_at) == (2, 0, at(friday, 19))
    assert (watch.warn_at, watch.overdue_at) == (at(friday, 18, 36), at(friday, 19))
    day_clock = watched(tax, start=friday)  # a day clock started the same day is not touched by the moments
    services.sweep(today=friday, now=at(friday, 18, 35))
    watch.refresh_from_db()
    assert watch.grade == Grade.NORMAL
    result = services.sweep(today=friday, now=at(friday, 18, 36))
    watch.refresh_from_db()
    assert (result.yellow, result.red) == (1, 0) and watch.grade == Grade.YELLOW
    services.sweep(today=friday, now=at(friday, 19))  # the due moment itself is not overdue
    watch.refresh_from_db()
    assert watch.grade == Grade.YELLOW
    result = services.sweep(today=friday, now=at(friday, 19, 1))
    watch.refresh_from_db()
    day_clock.refresh_from_db()
    assert (result.yellow, result.red) == (0, 1) and watch.grade == Grade.RED and day_clock.grade == Grade.NORMAL
    assert len(notices_to(tax_handler)) == 2 and len(notices_to(tax_head)) == 2 and len(notices_to(supervisor)) == 2
    assert all("紧急诉求回访 T-1 — due 2026-03-06 19:00" in n.body for n in notices_to(tax_handler))
    clock_stop(clock=watch.clock, at=at(friday, 21))
    watch.refresh_from_db()
    assert (watch.clock_state, watch.stopped_at) == ("stopped", at(friday, 21))


def test_a_pause_of_a_clock_in_hours_moves_both_moments(tax):
    day = dt.date(2026, 3, 9)
    watch = services.clock_open(kind="test.hotline", subject="test.hotline:2", label="x", limit_hours=10,
                                started_at=at(day, 8), organisation=tax)
    clock_pause(clock=watch.clock, reason="等待来电人", at=at(day, 9))
    services.sweep(today=day, now=at(day, 23))  # paused: not graded however late
    watch.refresh_from_db()
    assert watch.clock_state == "paused" and watch.grade == Grade.NORMAL
    clock_resume(clock=watch.clock, at=at(day, 12))  # 3 hours paused
    watch.refresh_from_db()
    assert (watch.warn_at, watch.overdue_at) == (at(day, 19), at(day, 21))


NAIVE = dt.datetime(2026, 3, 2, 9)  # noqa: DTZ001 (no time zone, on purpose)


@pytest.mark.parametrize(("limits", "field"), [
    ({}, "limit_days"), ({"limit_days": 3, "limit_hours": 4}, "limit_hours"), ({"limit_hours": 0}, "limit_hours"),
    ({"limit_hours": 2, "started_at": NAIVE}, "started_at")])
def test_a_clock_needs_exactly_one_valid_limit_and_nothing_is_written(tax, limits, field):
    with pytest.raises(ValidationFailed) as caught:
        services.clock_open(kind="test.case", subject="test.case:1", label="x", organisation=tax, **limits)
    assert field in caught.value.field_errors
    assert not Clock.objects.exists() and not Watch.objects.exists()


def test_the_assessment_counts_a_clock_in_hours_late_by_the_moment(tax):
    from yiwang.supervision.assessment import department_assessment

    day = dt.date(2026, 3, 10)
    on_time = services.clock_open(kind="test.hotline", subject="test.hotline:3", label="x", limit_hours=2,
                                  started_at=at(day, 9), organisation=tax)
    late = services.clock_open(kind="test.hotline", subject="test.hotline:4", label="y", limit_hours=2,
                               started_at=at(day, 9), organisation=tax)
    clock_stop(clock=on_time.clock, at=at(day, 10, 59))
    clock_stop(clock=late.clock, at=at(day, 11, 1))  # the same day as its due moment, two minutes late
    (row,) = [r for r in department_assessment(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
              if r.organisation_id == tax.pk]
    assert (row.closed, row.on_time, row.overdue) == (2, 1, 1)
