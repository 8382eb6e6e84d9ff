"""Services of collaborative handling: definitions, starting, claiming, deciding, transfer, countersign,
cancel, timers. Each bad input is refused clearly and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yiwang.audit.models import AuditRecord
from yiwang.core.public import ClockState, ServiceError, ValidationFailed
from yiwang.identity.models import Role
from yiwang.workflow import services
from yiwang.workflow.models import (
    Countersign,
    DepartmentTask,
    ProcessDefinition,
    ProcessInstance,
    TaskAction,
)
from yiwang.workflow.public import instance_of_subject, process_finished, tasks_of_subject

from .conftest import bpmn, engine_time_shifted, task_of

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    """Counts of every workflow table and the audit chain: 'nothing changed' means this did not move."""
    return (ProcessDefinition.objects.count(), ProcessInstance.objects.count(), DepartmentTask.objects.count(),
            Countersign.objects.count(), TaskAction.objects.count(), AuditRecord.objects.count())


def task_state(task: DepartmentTask) -> tuple:
    task = DepartmentTask.objects.get(pk=task.pk)
    return task.status, task.assignee_id, task.decision, task.opinion, task.organisation_id


def clock_state(task: DepartmentTask) -> str | None:
    return task.clock.state if task.clock is not None else None


@pytest.fixture
def finished_signals():
    received: list[dict] = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    process_finished.connect(receiver)
    yield received
    process_finished.disconnect(receiver)


# --- definitions ---------------------------------------------------------------------------------------

def test_a_definition_is_stored_with_its_departments_and_versions(single_definition, platform_admin, tax):
    assert single_definition.version == 1 and single_definition.process_id == "tax_permit"
    assert single_definition.assignments["review"] == {
        "organisation": "SWJ", "organisation_id": tax.pk, "role": "handler", "name": "Review the application",
        "limit_days": None}
    assert services.process_definition_departments(definition=single_definition) == [tax]
    again = services.process_definition_create(bpmn=bpmn("single_approval.bpmn").decode(), name="Tax  permit",
                                               by=platform_admin)
    assert again.key == single_definition.key and again.version == 2
    assert AuditRecord.objects.filter(action="workflow.definition.create").count() == 2


def test_the_parallel_definition_names_four_departments(parallel_definition):
    codes = [o.code for o in services.process_definition_departments(definition=parallel_definition)]
    assert codes == ["CZJ", "SCJGJ", "SWJ", "SWW"]


def test_a_definition_cannot_be_changed_in_place(single_definition):
    single_definition.name = "changed"
    with pytest.raises(RuntimeError):
        single_definition.save()


@pytest.mark.parametrize(("filename", "message"), [
    ("broken_not_xml.bpmn", "not well-formed XML"),
    ("broken_not_executable.bpmn", "no executable process"),
    ("broken_no_lane.bpmn", "is in no lane"),
    ("broken_unknown_department.bpmn", "no organisation has the code “PD-NOPE”"),
    ("broken_unknown_role.bpmn", "role “chief_wizard”"),
    ("broken_condition.bpmn", "is not a valid expression"),
    ("broken_schema.bpmn", "not valid BPMN 2.0"),
    ("broken_doctype.bpmn", "document type declaration"),
    ("broken_two_executable.bpmn", "2 executable processes"),
    ("broken_timer_unquoted.bpmn", "write the ISO 8601 value in quotes"),
])
def test_broken_bpmn_is_refused_and_nothing_stored(filename, message, tax, platform_admin):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.process_definition_create(bpmn=bpmn(filename), name="Broken", by=platform_admin)
    assert message in " ".join(caught.value.field_errors["bpmn"])
    assert snapshot() == before


def test_an_empty_file_and_an_empty_name_are_both_reported(platform_admin):
    with pytest.raises(ValidationFailed) as caught:
        services.process_definition_create(bpmn=b"   ", name=" ", by=platform_admin)
    assert set(caught.value.field_errors) == {"bpmn", "name"}
    assert not ProcessDefinition.objects.exists()


# --- start -----------------------------------------------------------------------------------------------

def test_start_creates_the_first_department_task_with_its_own_clock(single_definition, start, tax):
    instance = start(single_definition, {"form": {"name": "x"}, "applicant_kind": "citizen"})
    assert instance.status == "running" and instance.outcome == ""
    [task] = tasks_of_subject(subject=instance.subject)
    assert (task.organisation, task.role, task.status, task.name) == (tax, Role.HANDLER, "open",
                                                                      "Review the application")
    assert task.clock is not None and task.clock.limit_days == 5 and task.clock.state == ClockState.RUNNING
    assert instance_of_subject(subject=instance.subject) == instance
    assert AuditRecord.objects.filter(action="workflow.process.start", object_id=str(instance.pk)).exists()


def test_start_refuses_bad_subject_and_data_and_stores_nothing(single_definition, citizen):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.process_start(definition=single_definition, subject="", data={"decisions": {}}, by=citizen)
    assert set(caught.value.field_errors) == {"subject", "data"}
    with pytest.raises(ValidationFailed):
        services.process_start(definition=single_definition, subject="a:1", data={"when": dt.date(2026, 1, 5)},
                               by=citizen)
    assert snapshot() == before


def test_a_condition_failing_on_the_data_stores_nothing(parallel_definition, citizen):
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        services.process_start(definition=parallel_definition, subject="a:1", data={"no_form": True}, by=citizen)
    assert caught.value.code == "process_error"
    assert snapshot() == before


def test_parallel_fan_out_without_foreign_capital_reaches_three_departments(parallel_definition, start):
    instance = start(parallel_definition, {"form": {"foreign_capital": False}})
    codes = sorted(t.organisation.code for t in tasks_of_subject(subject=instance.subject))
    assert codes == ["CZJ", "SCJGJ", "SWJ"]


def test_foreign_capital_adds_the_fourth_department(parallel_definition, start):
    instance = start(parallel_definition, {"form": {"foreign_capital": True}})
    codes = sorted(t.organisation.code for t in tasks_of_subject(subject=instance.subject))
    assert codes == ["CZJ", "SCJGJ", "SWJ", "SWW"]


# --- claim and decide -------------------------------------------------------------------------------------

def test_claim_then_approve_completes_the_single_department_process(single_definition, start, tax_handler,
                                                                    finished_signals):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    services.task_claim(task=task, by=tax_handler)
    assert task.status == "claimed" and task.assignee == tax_handler
    services.task_approve(task=task, opinion="材料齐全，同意。", by=tax_handler)
    instance.refresh_from_db()
    task.refresh_from_db()
    assert (task.status, task.decision, task.opinion) == ("completed", "approved", "材料齐全，同意。")
    assert (instance.status, instance.outcome) == ("completed", "approved")
    assert task.clock is not None and task.clock.state == ClockState.STOPPED
    assert [s["outcome"] for s in finished_signals] == ["approved"]
    assert finished_signals[0]["subject"] == instance.subject
    state = services.engine.load(instance.state)
    assert services.data_of(state)["decisions"] == {"SWJ": "approved"}
    assert services.data_of(state)["opinions"] == {"SWJ": "材料齐全，同意。"}
    actions = set(AuditRecord.objects.filter(object_id=str(task.pk), action__startswith="workflow.task.")
                  .values_list("action", flat=True))
    assert {"workflow.task.create", "workflow.task.claim", "workflow.task.approve"} <= actions


def test_reject_ends_the_process_rejected_with_the_reason(single_definition, start, tax_handler, finished_signals):
    instance = start(single_definition)
    services.task_reject(task=task_of(instance, "SWJ"), opinion="经营范围不符合规定。", by=tax_handler)
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == ("completed", "rejected")
    assert finished_signals[0]["outcome"] == "rejected"


def test_completing_a_task_twice_is_refused_and_changes_nothing(single_definition, start, tax_handler,
                                                                tax_colleague, finished_signals):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    services.task_approve(task=task, opinion="同意", by=tax_handler)
    stale = DepartmentTask.objects.get(pk=task.pk)
    before, state = snapshot(), task_state(task)
    for actor, act in [(tax_handler, services.task_approve), (tax_colleague, services.task_reject)]:
        with pytest.raises(ValidationFailed) as caught:
            act(task=stale, opinion="again", by=actor)
        assert caught.value.code == "task_closed" and "already completed" in str(caught.value.message)
    assert snapshot() == before and task_state(task) == state
    assert len(finished_signals) == 1


def test_a_decision_needs_an_opinion(single_definition, start, tax_handler):
    task = task_of(start(single_definition), "SWJ")
    before, state = snapshot(), task_state(task)
    for opinion in ["", "   ", "x" * 2001]:
        with pytest.raises(ValidationFailed) as caught:
            services.task_approve(task=task, opinion=opinion, by=tax_handler)
        assert "opinion" in caught.value.field_errors
    assert snapshot() == before and task_state(task) == state


def test_a_task_claimed_by_a_colleague_cannot_be_taken_over(single_definition, start, tax_handler, tax_colleague):
    task = task_of(start(single_definition), "SWJ")
    services.task_claim(task=task, by=tax_handler)
    services.task_claim(task=task, by=tax_handler)  # one's own claim again: harmless
    before = snapshot()
    for call in [lambda: services.task_claim(task=task, by=tax_colleague),
                 lambda: services.task_approve(task=task, opinion="ok", by=tax_colleague)]:
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert caught.value.code == "task_claimed"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["commerce_handler", "citizen", "tax_head"])
def test_acting_on_another_departments_task_is_denied_and_audited(who, request, single_definition, start):
    actor = request.getfixturevalue(who)
    task = task_of(start(single_definition), "SWJ")
    state = task_state(task)
    denied = AuditRecord.objects.filter(action="audit.access.denied").count()
    calls = [
        lambda: services.task_claim(task=task, by=actor),
        lambda: services.task_approve(task=task, opinion="ok", by=actor),
        lambda: services.task_reject(task=task, opinion="no", by=actor),
        lambda: services.task_transfer(task=task, opinion="x", by=actor, to_organisation=task.organisation),
        lambda: services.task_countersign(task=task, colleagues=[actor], opinion="x", by=actor),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert AuditRecord.objects.filter(action="audit.access.denied").count() == denied + len(calls)
    assert task_state(task) == state


# --- the parallel case ----------------------------------------------------------------------------------

def test_parallel_case_completes_once_when_the_last_department_finishes(
        parallel_definition, start, tax_handler, commerce_handler, finance_handler, foreign_handler,
        finished_signals):
    instance = start(parallel_definition, {"form": {"foreign_capital": True}})
    order = [("SWJ", tax_handler, "approve"), ("SWW", foreign_handler, "reject"),
             ("CZJ", finance_handler, "approve"), ("SCJGJ", commerce_handler, "approve")]
    for n, (code, user, verb) in enumerate(order, start=1):
        getattr(services, f"task_{verb}")(task=task_of(instance, code), opinion=f"{code} 意见", by=user)
        instance.refresh_from_db()
        assert instance.status == ("completed" if n == len(order) else "running")
    assert instance.outcome == "rejected"
    assert len(finished_signals) == 1
    data = services.data_of(services.engine.load(instance.state))
    assert data["decisions"] == {"SWJ": "approved", "SWW": "rejected", "CZJ": "approved", "SCJGJ": "approved"}
    assert data["opinions"]["SWW"] == "SWW 意见"


# --- transfer -------------------------------------------------------------------------------------------

def test_transfer_to_another_department_puts_the_task_in_their_worklist(single_definition, start, tax_handler,
                                                                        commerce, commerce_handler):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    services.task_claim(task=task, by=tax_handler)
    services.task_transfer(task=task, opinion="属市场监管局职责", by=tax_handler, to_organisation=commerce)
    task.refresh_from_db()
    assert (task.organisation, task.status, task.assignee) == (commerce, "open", None)
    with pytest.raises(PermissionDenied):
        services.task_approve(task=task, opinion="x", by=tax_handler)
    services.task_approve(task=task, opinion="同意", by=commerce_handler)
    instance.refresh_from_db()
    assert instance.status == "completed"
    assert services.data_of(services.engine.load(instance.state))["decisions"] == {"SCJGJ": "approved"}
    assert TaskAction.objects.filter(task=task, kind="transferred", opinion="属市场监管局职责").exists()


def test_transfer_to_a_colleague_makes_it_theirs(single_definition, start, tax_handler, tax_colleague):
    task = task_of(start(single_definition), "SWJ")
    services.task_transfer(task=task, opinion="请你办理", by=tax_handler, to_user=tax_colleague)
    task.refresh_from_db()
    assert (task.status, task.assignee) == ("claimed", tax_colleague)


def test_bad_transfers_are_refused_and_change_nothing(single_definition, start, tax_handler, commerce_handler,
                                                      tax_head, tax, commerce):
    task = task_of(start(single_definition), "SWJ")
    before, state = snapshot(), task_state(task)
    cases = [
        ({"opinion": "x"}, "to"),
        ({"opinion": "x", "to_organisation": commerce, "to_user": tax_head}, "to"),
        ({"opinion": "", "to_organisation": commerce}, "opinion"),
        ({"opinion": "x", "to_organisation": tax}, "to_organisation"),
        ({"opinion": "x", "to_user": commerce_handler}, "to_user"),
        ({"opinion": "x", "to_user": tax_head}, "to_user"),  # a head does not hold the handler role
        ({"opinion": "x", "to_user": tax_handler}, "to_user"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.task_transfer(task=task, by=tax_handler, **kwargs)
        assert field in caught.value.field_errors, kwargs
    assert snapshot() == before and task_state(task) == state


# --- countersign ------------------------------------------------------------------------------------------

def test_countersign_blocks_completion_until_every_colleague_answered(single_definition, start, tax_handler,
                                                                      tax_colleague, tax_head):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    requests = services.task_countersign(task=task, colleagues=[tax_colleague, tax_head], opinion="请会签",
                                         by=tax_handler)
    assert {r.colleague for r in requests} == {tax_colleague, tax_head}
    task.refresh_from_db()
    assert task.assignee == tax_handler
    with pytest.raises(ValidationFailed) as caught:
        services.task_approve(task=task, opinion="同意", by=tax_handler)
    assert caught.value.code == "countersign_pending"
    services.countersign_answer(countersign=requests[0], agree=True, opinion="同意", by=requests[0].colleague)
    with pytest.raises(ValidationFailed):
        services.task_approve(task=task, opinion="同意", by=tax_handler)
    services.countersign_answer(countersign=requests[1], agree=False, opinion="建议补充说明", by=requests[1].colleague)
    services.task_approve(task=task, opinion="综合会签意见，同意", by=tax_handler)
    instance.refresh_from_db()
    assert instance.status == "completed"
    statuses = sorted(Countersign.objects.filter(task=task).values_list("status", "opinion"))
    assert statuses == [("agreed", "同意"), ("disagreed", "建议补充说明")]


def test_bad_countersign_requests_and_answers_are_refused(single_definition, start, tax_handler, tax_colleague,
                                                         commerce_handler):
    task = task_of(start(single_definition), "SWJ")
    before = snapshot()
    for colleagues, opinion, field in [([], "x", "colleagues"), ([tax_handler], "x", "colleagues"),
                                       ([commerce_handler], "x", "colleagues"), ([tax_colleague], "", "opinion")]:
        with pytest.raises(ValidationFailed) as caught:
            services.task_countersign(task=task, colleagues=colleagues, opinion=opinion, by=tax_handler)
        assert field in caught.value.field_errors
    assert snapshot() == before
    [request] = services.task_countersign(task=task, colleagues=[tax_colleague], opinion="请会签", by=tax_handler)
    with pytest.raises(ValidationFailed):  # asked twice before answering
        services.task_countersign(task=task, colleagues=[tax_colleague], opinion="再签", by=tax_handler)
    with pytest.raises(PermissionDenied):  # only the colleague asked may answer
        services.countersign_answer(countersign=request, agree=True, opinion="ok", by=tax_handler)
    with pytest.raises(ValidationFailed):
        services.countersign_answer(countersign=request, agree=True, opinion=" ", by=tax_colleague)
    services.countersign_answer(countersign=request, agree=True, opinion="同意", by=tax_colleague)
    with pytest.raises(ValidationFailed) as caught:  # answering twice
        services.countersign_answer(countersign=request, agree=False, opinion="改主意", by=tax_colleague)
    assert caught.value.code == "countersign_closed"
    request.refresh_from_db()
    assert (request.status, request.opinion) == ("agreed", "同意")


# --- cancel ---------------------------------------------------------------------------------------------

def test_cancel_stops_the_process_its_tasks_and_their_clocks(parallel_definition, start, platform_admin,
                                                             finished_signals):
    instance = start(parallel_definition, {"form": {"foreign_capital": False}})
    services.process_cancel(instance=instance, reason="申请人撤回", by=platform_admin)
    assert (instance.status, instance.cancel_reason) == ("cancelled", "申请人撤回")
    tasks = tasks_of_subject(subject=instance.subject)
    assert {t.status for t in tasks} == {"cancelled"}
    assert {t.clock.state if t.clock else None for t in tasks} == {ClockState.STOPPED}
    with pytest.raises(ValidationFailed) as caught:
        services.process_cancel(instance=instance, reason="again", by=platform_admin)
    assert caught.value.code == "process_closed"
    assert finished_signals == []


def test_cancel_needs_a_reason(single_definition, start, platform_admin):
    instance = start(single_definition)
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.process_cancel(instance=instance, reason="", by=platform_admin)
    assert snapshot() == before
    instance.refresh_from_db()
    assert instance.status == "running"


def test_a_cancelled_task_cannot_be_decided(single_definition, start, platform_admin, tax_handler):
    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    services.process_cancel(instance=instance, reason="撤回", by=platform_admin)
    with pytest.raises(ValidationFailed) as caught:
        services.task_approve(task=task, opinion="x", by=tax_handler)
    assert caught.value.code == "task_closed"


# --- timers -----------------------------------------------------------------------------------------------

def test_an_overdue_task_escalates_to_the_department_head(timer_definition, start, tax_handler, tax_head,
                                                          finished_signals):
    instance = start(timer_definition)
    assert instance.timer_due_at is not None and instance.timer_due_at > timezone.now()
    assert services.process_timers_fire() == 0  # not due yet
    assert [t.bpmn_id for t in tasks_of_subject(subject=instance.subject)] == ["review"]
    later = timezone.now() + dt.timedelta(days=10)
    with engine_time_shifted(days=10):
        assert services.process_timers_fire(now=later) == 1
    tasks = {t.bpmn_id: t for t in tasks_of_subject(subject=instance.subject)}
    assert set(tasks) == {"review", "head_reminder"}
    head_task = tasks["head_reminder"]
    assert (head_task.role, head_task.status) == (Role.DEPARTMENT_HEAD, "open")
    with pytest.raises(PermissionDenied):  # the handler does not hold the head's role
        services.task_claim(task=head_task, by=tax_handler)
    assert AuditRecord.objects.filter(action="workflow.timer.fire", object_id=str(instance.pk)).exists()
    services.task_approve(task=tasks["review"], opinion="同意", by=tax_handler)
    instance.refresh_from_db()
    assert instance.status == "running"  # the head's task is still open
    services.task_approve(task=head_task, opinion="已督办", by=tax_head)
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == ("completed", "approved")
    assert len(finished_signals) == 1


def test_a_task_finished_in_time_cancels_its_timer(timer_definition, start, tax_handler):
    instance = start(timer_definition)
    services.task_approve(task=task_of(instance, "SWJ"), opinion="同意", by=tax_handler)
    instance.refresh_from_db()
    assert (instance.status, instance.timer_due_at) == ("completed", None)
    with engine_time_shifted(days=10):
        assert services.process_timers_fire(now=timezone.now() + dt.timedelta(days=10)) == 0


def test_the_timer_is_due_after_three_working_days(timer_definition, start):
    instance = start(timer_definition)
    from yiwang.core.public import add_working_days
    expected = add_working_days(timezone.localdate(), 3).date + dt.timedelta(days=1)
    assert timezone.localtime(instance.timer_due_at).date() == expected


# --- clocks of a subject --------------------------------------------------------------------------------

def test_subject_clocks_pause_and_resume(single_definition, start):
    instance = start(single_definition)
    assert services.subject_clocks_pause(subject=instance.subject, reason="补正") == 1
    assert clock_state(task_of(instance, "SWJ")) == ClockState.PAUSED
    assert services.subject_clocks_resume(subject=instance.subject) == 1
    assert clock_state(task_of(instance, "SWJ")) == ClockState.RUNNING


def test_the_task_keeps_its_clocks_due_date_through_pause_resume_and_a_calendar_change(single_definition, start):
    """The worklist orders open tasks by the task's copy of the due date (ADR 0027): it must follow the clock."""
    from yiwang.core.public import Clock, current_calendar
    from yiwang.core.services import calendar_day_set

    def copy_and_clock(task):
        task.refresh_from_db()
        return task.due_on, Clock.objects.get(pk=task.clock_id).due_on

    instance = start(single_definition)
    task = task_of(instance, "SWJ")
    due, clock_due = copy_and_clock(task)
    assert due is not None and due == clock_due
    today = timezone.localdate()
    services.subject_clocks_pause(subject=instance.subject, reason="补正", on=today)
    services.subject_clocks_resume(subject=instance.subject, on=today + dt.timedelta(days=7))
    resumed, clock_due = copy_and_clock(task)
    assert resumed == clock_due and resumed > due  # a week of pause pushed the deadline back
    # A working day between the resumption and the deadline becomes a holiday: core moves the clock, the task's
    # copy follows.
    calendar = current_calendar()
    after_resume = today + dt.timedelta(days=8)
    day = next(after_resume + dt.timedelta(days=n) for n in range(30)
               if calendar.is_working_day(after_resume + dt.timedelta(days=n)))
    assert day <= resumed
    if day.year != today.year:
        pytest.skip("the next working day is in a year whose calendar may not be loaded")
    calendar_day_set(date=day, kind="holiday", name="测试")
    moved, clock_due = copy_and_clock(task)
    assert moved == clock_due and moved > resumed


def test_state_survives_a_restart(parallel_definition, start, tax_handler, commerce_handler, finance_handler):
    """The engine state is only the row: a fresh load (as after a restart) continues the case."""
    instance = start(parallel_definition, {"form": {"foreign_capital": False}})
    services.task_approve(task=task_of(instance, "SWJ"), opinion="同意", by=tax_handler)
    reloaded = ProcessInstance.objects.get(pk=instance.pk)
    assert reloaded.status == "running"
    services.task_approve(task=task_of(reloaded, "SCJGJ"), opinion="同意", by=commerce_handler)
    services.task_approve(task=task_of(reloaded, "CZJ"), opinion="同意", by=finance_handler)
    reloaded.refresh_from_db()
    assert (reloaded.status, reloaded.outcome) == ("completed", "approved")


# --- sub-processes, interrupting timers, script outcome ---------------------------------------------------

@pytest.fixture
def subprocess_definition(tax, platform_admin) -> ProcessDefinition:
    return services.process_definition_create(bpmn=bpmn("subprocess_interrupting.bpmn"), name="Sub-process permit",
                                              by=platform_admin)


def test_a_user_task_inside_a_sub_process_reaches_its_department(subprocess_definition, start, tax_handler):
    instance = start(subprocess_definition)
    task = task_of(instance, "SWJ")
    assert task.bpmn_id == "tax_check"
    services.task_approve(task=task, opinion="同意", by=tax_handler)
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == ("completed", "approved")


def test_an_interrupting_timer_cancels_the_task_and_a_script_sets_the_outcome(subprocess_definition, start,
                                                                             tax_handler, finished_signals):
    instance = start(subprocess_definition)
    task = task_of(instance, "SWJ")
    with engine_time_shifted(days=30):
        assert services.process_timers_fire(now=timezone.now() + dt.timedelta(days=30)) == 1
    instance.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "cancelled"
    assert task.clock is not None and task.clock.state == ClockState.STOPPED
    assert (instance.status, instance.outcome) == ("completed", "rejected")
    assert finished_signals[0]["outcome"] == "rejected"
    with pytest.raises(ValidationFailed) as caught:
        services.task_approve(task=task, opinion="too late", by=tax_handler)
    assert caught.value.code == "task_closed"


def test_the_engine_state_is_stored_exactly_as_the_serializer_wrote_it(parallel_definition, start):
    """Key order matters to SpiffWorkflow's restored task table (a key-sorted round trip, as PostgreSQL's
    jsonb would do, loses branch data): the row keeps the serializer's text unchanged (ADR 0015)."""
    instance = start(parallel_definition, {"form": {"foreign_capital": True}})
    stored = ProcessInstance.objects.get(pk=instance.pk).state
    assert services.engine.dump(services.engine.load(stored)) == stored


def test_a_process_without_user_tasks_completes_at_once_with_the_scripts_outcome(tax, platform_admin, start,
                                                                                finished_signals):
    definition = services.process_definition_create(bpmn=bpmn("straight_through.bpmn"), name="By notice",
                                                     by=platform_admin)
    assert services.process_definition_departments(definition=definition) == []
    approved = start(definition, {"form": {"name": "浦东小店"}})
    refused = start(definition, {"form": {}})
    assert (approved.status, approved.outcome) == ("completed", "approved")
    assert (refused.status, refused.outcome) == ("completed", "rejected")
    assert [s["outcome"] for s in finished_signals] == ["approved", "rejected"]
    assert not DepartmentTask.objects.exists()


def test_scripts_cannot_import_modules(platform_admin, start):
    definition = services.process_definition_create(bpmn=bpmn("broken_script_import.bpmn"), name="Sneaky",
                                                     by=platform_admin)
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        start(definition, {"form": {}})
    assert caught.value.code == "process_error" and "import" in str(caught.value.message).lower()
    assert snapshot() == before


def test_every_step_is_published_on_the_event_bus(single_definition, start, tax_handler):
    from yiwang.events.models import OutboxMessage

    instance = start(single_definition)
    services.task_approve(task=task_of(instance, "SWJ"), opinion="同意", by=tax_handler)
    events = list(OutboxMessage.objects.filter(key=instance.subject).order_by("published_at")
                  .values_list("topic", "payload"))
    assert [topic for topic, _payload in events] == [
        "workflow.task.created", "workflow.task.completed", "workflow.process.finished"]
    assert events[1][1]["decision"] == "approved" and events[2][1]["outcome"] == "approved"


# --- DMN decision tables ----------------------------------------------------------------------------------

def test_a_dmn_table_routes_large_capital_to_the_department_head(commerce, platform_admin, start,
                                                                 commerce_handler, make_staff):
    from yiwang.identity.models import Role as R

    head = make_staff(commerce, R.DEPARTMENT_HEAD, username="commerce_head")
    definition = services.process_definition_create(bpmn=bpmn("dmn_routing.bpmn"), dmn=[bpmn("review_level.dmn")],
                                                    name="Capital review", by=platform_admin)
    assert definition.dmn_xml and "review_level_table" in definition.dmn_xml[0]
    small, large = start(definition, {"form": {"capital": 500_000}}), start(definition, {"form": {"capital": 5e7}})
    for instance in (small, large):
        services.task_approve(task=task_of(instance, "SCJGJ"), opinion="同意", by=commerce_handler)
        instance.refresh_from_db()
    assert small.status == "completed"
    assert large.status == "running"
    head_task = task_of(large, "SCJGJ")
    assert (head_task.bpmn_id, head_task.role) == ("head_review", "department_head")
    services.task_approve(task=head_task, opinion="同意", by=head)
    large.refresh_from_db()
    assert (large.status, large.outcome) == ("completed", "approved")


def test_a_missing_or_broken_dmn_table_is_refused(commerce, platform_admin):
    before = snapshot()
    for tables, message in [([], "review_level_table"), ([b"<definitions"], "Decision table file 1")]:
        with pytest.raises(ValidationFailed) as caught:
            services.process_definition_create(bpmn=bpmn("dmn_routing.bpmn"), dmn=tables, name="x",
                                               by=platform_admin)
        assert message in " ".join(caught.value.field_errors["bpmn"])
    assert snapshot() == before
