"""Deadline clocks: start, pause (补正, third-party consultation), resume, stop, and recomputation when
the calendar changes. Dates are counted by hand in the comments; 2027 data is MADE UP FOR TESTS.
"""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.audit.models import AuditRecord
from yiwang.core import services
from yiwang.core.calendar import clock_state_on
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import Clock, ClockState
from yiwang.core.services import clock_pause, clock_resume, clock_start, clock_stop

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_clock_counts_working_days_across_the_spring_festival():
    # From Fri 24 Jan 2025, 5 working days -> Fri 7 Feb (see test_calendar for the count).
    clock = clock_start(purpose="acceptance check", started_on=D(2025, 1, 24), limit_days=5)
    assert (clock.due_on, clock.provisional, clock.state) == (D(2025, 2, 7), False, ClockState.RUNNING)
    # On Tue 28 Jan (holiday) two days are used: Sun 26 (make-up) and Mon 27.
    reading = clock_state_on(clock, D(2025, 1, 28))
    assert (reading.elapsed, reading.remaining, reading.overdue) == (2, 3, False)
    assert not clock_state_on(clock, D(2025, 2, 7)).overdue
    late = clock_state_on(clock, D(2025, 2, 8))  # Sat 8 Feb is a make-up working day: one day over
    assert (late.elapsed, late.remaining, late.overdue) == (6, -1, True)


def test_pause_and_resume_extend_the_deadline_by_the_paused_working_days():
    # 20 working days from Mon 3 Mar 2025: 4–7 Mar (4), 10–14 (9), 17–21 (14), 24–28 (19), Mon 31 Mar (20).
    clock = clock_start(purpose="licence decision", started_on=D(2025, 3, 3), limit_days=20)
    assert clock.due_on == D(2025, 3, 31)
    # Supplement notice (补正) on Fri 7 Mar: that day still counts, 4 days used, 16 left.
    clock_pause(clock=clock, reason="补正材料", on=D(2025, 3, 7))
    assert clock.state == ClockState.PAUSED
    paused = clock_state_on(clock, D(2025, 3, 12))
    assert (paused.elapsed, paused.remaining, paused.overdue) == (4, 16, False)
    # Were it resumed on Wed 12 Mar, the 3 paused days (10–12 Mar) would move 31 Mar to Thu 3 Apr.
    assert paused.due_on == D(2025, 4, 3)
    # The materials arrive on Mon 17 Mar: paused working days after 7 Mar up to 17 Mar are 10–14 and 17 = 6.
    # 16 days left from 17 Mar: 18–21 (4), 24–28 (9), 31 Mar–3 Apr (13), [Fri 4 Apr Qingming, off],
    # 7–9 Apr (16) -> Wed 9 Apr 2025.
    clock_resume(clock=clock, on=D(2025, 3, 17))
    clock.refresh_from_db()
    assert (clock.state, clock.due_on, clock.paused_days) == (ClockState.RUNNING, D(2025, 4, 9), 6)
    assert clock.pauses.get().working_days == 6
    assert clock_state_on(clock, D(2025, 4, 9)).remaining == 0
    assert clock_state_on(clock, D(2025, 4, 10)).overdue


def test_two_pauses_across_national_day_both_count():
    # 10 working days from Mon 15 Sep 2025: 16–19 (4), 22–26 (9), Sun 28 Sep make-up (10) -> Sun 28 Sep.
    clock = clock_start(purpose="sharing request reply", started_on=D(2025, 9, 15), limit_days=10)
    assert clock.due_on == D(2025, 9, 28)
    # Third-party consultation from Wed 17 to Fri 19 Sep: 18, 19 paused (2).
    clock_pause(clock=clock, reason="征求第三方意见", on=D(2025, 9, 17))
    clock_resume(clock=clock, on=D(2025, 9, 19))
    # 12 working days: … Sun 28 (10), Mon 29 (11), Tue 30 (12) -> Tue 30 Sep.
    assert clock.due_on == D(2025, 9, 30) and clock.paused_days == 2
    # Supplement from Mon 29 Sep to Thu 9 Oct: Tue 30, [1–8 Oct off], Thu 9 = 2 paused days.
    clock_pause(clock=clock, reason="补正材料", on=D(2025, 9, 29))
    clock_resume(clock=clock, on=D(2025, 10, 9))
    # 14 working days: … Tue 30 Sep (12), Thu 9 Oct (13), Fri 10 Oct (14) -> Fri 10 Oct.
    assert (clock.due_on, clock.paused_days) == (D(2025, 10, 10), 4)


def test_a_pause_begun_after_the_deadline_does_not_cure_an_overdue_clock():
    clock = clock_start(purpose="complaint answer", started_on=D(2025, 3, 3), limit_days=5)  # due Mon 10 Mar
    clock_pause(clock=clock, reason="补正材料", on=D(2025, 3, 12))
    assert clock_state_on(clock, D(2025, 3, 14)).overdue
    clock_resume(clock=clock, on=D(2025, 3, 20))
    assert (clock.due_on, clock.paused_days) == (D(2025, 3, 10), 0)
    assert clock.pauses.get().working_days == 0


def test_stopping_a_paused_clock_closes_the_pause():
    clock = clock_start(purpose="disclosure reply", started_on=D(2025, 3, 3), limit_days=20)
    clock_pause(clock=clock, reason="征求第三方意见", on=D(2025, 3, 7))
    clock_stop(clock=clock, on=D(2025, 3, 11))  # withdrawn; 10, 11 Mar paused
    assert (clock.state, clock.stopped_on, clock.paused_days) == (ClockState.STOPPED, D(2025, 3, 11), 2)
    reading = clock_state_on(clock, D(2025, 6, 1))  # read long after: frozen at the stop
    assert (reading.day, reading.elapsed, reading.overdue) == (D(2025, 3, 11), 4, False)


@pytest.mark.parametrize(("action", "field"), [
    (lambda c: clock_resume(clock=c, on=D(2025, 3, 5)), "clock"),            # not paused
    (lambda c: clock_pause(clock=c, reason="x", on=D(2025, 3, 1)), "on"),    # before the start
    (lambda c: clock_pause(clock=c, reason="", on=D(2025, 3, 5)), "reason"),
    (lambda c: clock_stop(clock=c, on=D(2025, 3, 1)), "on"),
])
def test_impossible_clock_changes_are_refused(action, field):
    clock = clock_start(purpose="p", started_on=D(2025, 3, 3), limit_days=5)
    with pytest.raises(ValidationFailed) as caught:
        action(clock)
    assert field in caught.value.field_errors
    clock.refresh_from_db()
    assert clock.state == ClockState.RUNNING and not clock.pauses.exists()


def test_resume_before_the_pause_and_double_stop_are_refused():
    clock = clock_start(purpose="p", started_on=D(2025, 3, 3), limit_days=5)
    clock_pause(clock=clock, reason="补正", on=D(2025, 3, 5))
    with pytest.raises(ValidationFailed):
        clock_resume(clock=clock, on=D(2025, 3, 4))
    clock_stop(clock=clock, on=D(2025, 3, 6))
    with pytest.raises(ValidationFailed):
        clock_stop(clock=clock, on=D(2025, 3, 7))
    with pytest.raises(ValidationFailed):
        clock_start(purpose="p", started_on=D(2025, 3, 3), limit_days=0)


def test_loading_the_next_year_recomputes_provisional_clocks(unpublished_2027):
    # From Thu 24 Dec 2026, 10 working days on weekends-only rules for 2027 -> Thu 7 Jan 2027, provisional.
    running = clock_start(purpose="licence decision", started_on=D(2026, 12, 24), limit_days=10)
    assert (running.due_on, running.provisional) == (D(2027, 1, 7), True)
    assert clock_state_on(running, D(2026, 12, 28)).provisional
    stopped = clock_start(purpose="withdrawn", started_on=D(2026, 12, 24), limit_days=10)
    clock_stop(clock=stopped, on=D(2026, 12, 28))
    within_2026 = clock_start(purpose="short", started_on=D(2026, 12, 1), limit_days=3)
    untouched = Clock.objects.get(pk=within_2026.pk).updated_at

    # MADE-UP 2027 TEST DATA: Fri 1 Jan off. Then 25, 28–31 Dec (5), 4–8 Jan (10) -> Fri 8 Jan 2027.
    services.calendar_year_load(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦(测试数据)")],
                                source="TEST DATA, not official")
    running.refresh_from_db()
    assert (running.due_on, running.provisional) == (D(2027, 1, 8), False)
    stopped.refresh_from_db()
    assert (stopped.due_on, stopped.provisional) == (D(2027, 1, 7), True)  # history is not rewritten
    assert Clock.objects.get(pk=within_2026.pk).updated_at == untouched
    assert AuditRecord.objects.get(action="core.calendar.year_load").details["clocks_changed"] == 1


def test_a_paused_provisional_clock_is_recomputed_too(unpublished_2027):
    clock = clock_start(purpose="disclosure reply", started_on=D(2026, 12, 21), limit_days=20)
    # Paused Tue 22 Dec 2026 – Tue 5 Jan 2027: weekends-only rule counts 23–25, 28–31 Dec, 1, 4, 5 Jan = 10.
    clock_pause(clock=clock, reason="征求第三方意见", on=D(2026, 12, 22))
    clock_resume(clock=clock, on=D(2027, 1, 5))
    assert (clock.paused_days, clock.provisional) == (10, True)
    services.calendar_year_load(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦(测试数据)")],
                                source="TEST DATA, not official")
    clock.refresh_from_db()
    assert (clock.paused_days, clock.provisional) == (9, False)  # 1 Jan is now off
    # 20 + 9 = 29 working days from Mon 21 Dec 2026: 22–25 (4), 28–31 (8), 4–8 Jan (13), 11–15 (18),
    # 18–22 (23), 25–29 (28), Mon 1 Feb (29).
    assert clock.due_on == D(2027, 2, 1)


def test_correcting_a_day_moves_running_clocks_that_cover_it():
    clock = clock_start(purpose="p", started_on=D(2025, 3, 3), limit_days=5)  # due Mon 10 Mar
    services.calendar_day_set(date=D(2025, 3, 5), kind="holiday", name="测试")
    clock.refresh_from_db()
    assert clock.due_on == D(2025, 3, 11)


# --- clocks in hours (ADR 0029) -----------------------------------------------------------------------------

SH = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SH)


def test_a_clock_in_hours_runs_round_the_clock_through_a_holiday():
    # 22:00 on Tue 28 Jan 2025 (Spring Festival holiday) + 4 hours = 02:00 on Wed 29 Jan, itself a holiday.
    clock = services.clock_start_hours(purpose="hotline urgent contact", started_at=at(D(2025, 1, 28), 22),
                                       limit_hours=4)
    assert clock.in_hours and clock.limit_days == 0
    assert (clock.due_at, clock.due_on, clock.started_on) == (at(D(2025, 1, 29), 2), D(2025, 1, 29), D(2025, 1, 28))
    with pytest.raises(ValueError):
        clock_state_on(clock)  # read in hours from due_at, not in working days


def test_a_pause_in_hours_pushes_the_deadline_back_by_its_length_and_a_late_one_does_not():
    day = D(2026, 3, 2)
    clock = services.clock_start_hours(purpose="urgent notice", started_at=at(day, 10), limit_hours=4)
    clock_pause(clock=clock, reason="等待来电人补充信息", at=at(day, 11))
    assert clock.state == ClockState.PAUSED
    clock_resume(clock=clock, at=at(day, 13, 30))
    clock.refresh_from_db()
    assert clock.due_at == at(day, 16, 30) and clock.state == ClockState.RUNNING
    pause = clock.pauses.get()
    assert (pause.started_at, pause.ended_at, pause.ended_on) == (at(day, 11), at(day, 13, 30), day)
    clock_pause(clock=clock, reason="late", at=at(day, 17))  # after the deadline: cures nothing
    clock_stop(clock=clock, at=at(day, 19))
    clock.refresh_from_db()
    assert (clock.state, clock.due_at, clock.stopped_at, clock.stopped_on) == (
        ClockState.STOPPED, at(day, 16, 30), at(day, 19), day)
    assert clock.pauses.filter(ended_at__isnull=True).count() == 0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"limit_hours": 0}, "limit_hours"),
    ({"limit_hours": True}, "limit_hours"),
    ({"limit_hours": 24 * 400}, "limit_hours"),
    ({"started_at": dt.datetime(2026, 3, 2, 10)}, "started_at"),  # noqa: DTZ001 (no time zone, on purpose)
    ({"purpose": " "}, "purpose"),
])
def test_a_clock_in_hours_with_bad_input_is_refused_and_nothing_is_written(kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        services.clock_start_hours(**{"purpose": "x", "started_at": at(D(2026, 3, 2), 10), "limit_hours": 2, **kwargs})
    assert field in caught.value.field_errors
    assert not Clock.objects.exists()


def test_impossible_moments_of_a_clock_in_hours_are_refused_and_change_nothing():
    day = D(2026, 3, 2)
    clock = services.clock_start_hours(purpose="urgent notice", started_at=at(day, 10), limit_hours=4)
    with pytest.raises(ValidationFailed) as caught:
        clock_pause(clock=clock, reason="x", at=at(day, 9))  # before it started
    assert "at" in caught.value.field_errors
    clock_pause(clock=clock, reason="x", at=at(day, 11))
    for bad in (at(day, 10, 59), dt.datetime(2026, 3, 2, 12)):  # noqa: DTZ001 (before the pause; no time zone)
        with pytest.raises(ValidationFailed) as caught:
            clock_resume(clock=clock, at=bad)
        assert "at" in caught.value.field_errors
    clock.refresh_from_db()
    assert clock.state == ClockState.PAUSED and clock.due_at == at(day, 14)
    assert clock.pauses.get().ended_at is None


def test_a_calendar_change_leaves_a_clock_in_hours_alone():
    day = D(2026, 3, 3)  # an ordinary Tuesday
    in_hours = services.clock_start_hours(purpose="urgent", started_at=at(day, 9), limit_hours=30)
    in_days = clock_start(purpose="licence", started_on=D(2026, 3, 2), limit_days=5)
    services.calendar_day_set(date=D(2026, 3, 4), kind="holiday", name="测试")
    in_hours.refresh_from_db()
    in_days.refresh_from_db()
    assert in_hours.due_at == at(D(2026, 3, 4), 15) and in_days.due_on == D(2026, 3, 10)  # the day clock moved
