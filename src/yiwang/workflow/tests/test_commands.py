"""``yiwang workflow``: tick fires due timers; define and check BPMN files."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from yiwang.workflow.models import DepartmentTask, ProcessDefinition

from .conftest import BPMN_DIR, engine_time_shifted

pytestmark = pytest.mark.django_db


def test_tick_with_nothing_due(capsys, timer_definition, start):
    start(timer_definition)
    call_command("workflow", "tick", "--quiet")
    assert "0 process(es)" in capsys.readouterr().out
    assert DepartmentTask.objects.count() == 1


def test_tick_escalates_once_the_timer_is_due(capsys, timer_definition, start, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from yiwang.workflow import services

    instance = start(timer_definition)
    real_fire = services.process_timers_fire
    later = timezone.now() + dt.timedelta(days=10)
    monkeypatch.setattr(services, "process_timers_fire", lambda **kw: real_fire(now=later, **kw))
    with engine_time_shifted(days=10):
        call_command("workflow", "tick", "--quiet")
    assert "1 process(es)" in capsys.readouterr().out
    assert set(DepartmentTask.objects.filter(instance=instance).values_list("bpmn_id", flat=True)) == {
        "review", "head_reminder"}


def test_define_and_check(capsys, tax, platform_admin, tax_handler):
    call_command("workflow", "check", str(BPMN_DIR / "single_approval.bpmn"))
    assert "OK: process tax_permit, departments SWJ" in capsys.readouterr().out
    assert not ProcessDefinition.objects.exists()
    call_command("workflow", "define", str(BPMN_DIR / "single_approval.bpmn"), "--name", "Tax permit",
                 "--by", platform_admin.username)
    assert ProcessDefinition.objects.get().version == 1
    with pytest.raises(CommandError, match="is in no lane"):
        call_command("workflow", "define", str(BPMN_DIR / "broken_no_lane.bpmn"), "--name", "x",
                     "--by", platform_admin.username)
    with pytest.raises(CommandError, match="no active user"):
        call_command("workflow", "define", str(BPMN_DIR / "single_approval.bpmn"), "--name", "x", "--by", "nobody")
    with pytest.raises(CommandError, match="not a platform administrator"):
        call_command("workflow", "define", str(BPMN_DIR / "single_approval.bpmn"), "--name", "x",
                     "--by", tax_handler.username)
    assert ProcessDefinition.objects.count() == 1


def test_check_with_a_decision_table(capsys, commerce, platform_admin):
    with pytest.raises(CommandError, match="review_level_table"):
        call_command("workflow", "check", str(BPMN_DIR / "dmn_routing.bpmn"))
    call_command("workflow", "check", str(BPMN_DIR / "dmn_routing.bpmn"), "--dmn", str(BPMN_DIR / "review_level.dmn"))
    assert "OK: process capital_review, departments SCJGJ" in capsys.readouterr().out
