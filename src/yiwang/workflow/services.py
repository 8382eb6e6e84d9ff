"""Writes of collaborative handling (协同办理): process definitions, instances and department tasks.

Every change to a running process follows one pattern (docs/decisions/0015-workflow-engine.md):
lock the ``ProcessInstance`` row (``select_for_update``), load the engine state from it, step the
engine, mirror its ready user tasks into ``DepartmentTask`` rows, save the state — all in one
transaction. Two departments finishing parallel branches at the same moment therefore queue on the
row: the second one sees the first one's branch already done, and only one of them completes the case.

Who may act: staff holding the task's role in the task's organisation (identity ``StaffRole``).
Anyone else is refused, and the refusal is audited *outside* the transaction so it is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_record
from yiwang.core.public import (
    Clock,
    ClockState,
    ServiceError,
    ValidationFailed,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
)
from yiwang.core.public import FieldErrors as _Errors
from yiwang.events.public import event_publish
from yiwang.identity.public import Organisation, Role, StaffRole, deny, has_role

from . import engine
from .models import (
    ACTIVE_TASK_STATUSES,
    Countersign,
    CountersignStatus,
    Decision,
    DepartmentTask,
    InstanceStatus,
    Outcome,
    ProcessDefinition,
    ProcessInstance,
    TaskAction,
    TaskActionKind,
    TaskStatus,
)
from .signals import process_finished

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from yiwang.identity.public import User

logger = logging.getLogger(__name__)

MAX_OPINION = 2000
MAX_SUBJECT = 200
RESERVED_DATA_KEYS = frozenset({"decisions", "opinions", "working_days"})


def _refuse(field: str, message: str, *, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, field_errors={field: [message]})


def _check_opinion(errors: _Errors, opinion: Any, *, field: str = "opinion") -> str:
    text = str(opinion or "").strip()
    if not text:
        errors.add(field, _("Give your opinion (意见)."))
    elif len(text) > MAX_OPINION:
        errors.add(field, _("The opinion is longer than %(n)d characters.") % {"n": MAX_OPINION})
    return text


@contextmanager
def _engine_errors(what: str) -> Iterator[None]:
    """An error raised by the engine (a condition that fails on the case's data, a script error) is the
    process definition's fault, not the caller's: report it clearly; the transaction rolls back."""
    try:
        yield
    except (ServiceError, IntegrityError):
        raise
    except Exception as exc:  # noqa: BLE001 (SpiffWorkflow raises many kinds)
        logger.warning("workflow engine error while %s", what, exc_info=True)
        raise ServiceError(_("The process could not continue: %(error)s") % {"error": engine._one_line(exc)},
                           code="process_error", field_errors={"process": [engine._one_line(exc)]}) from exc


# --- definitions ------------------------------------------------------------------------------------------

def _definition_key(name: str, process_id: str) -> str:
    return (slugify(name, allow_unicode=True) or slugify(process_id, allow_unicode=True) or process_id)[:200]


def _check_assignments(parsed: engine.ParsedProcess) -> tuple[dict[str, dict[str, Any]], list[Organisation]]:
    """Each user task must sit in a lane naming an existing organisation, with a known role."""
    problems: list[str] = []
    codes = {task["code"] for task in parsed.user_tasks.values() if task["code"]}
    orgs = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
    assignments: dict[str, dict[str, Any]] = {}
    for bpmn_id, task in sorted(parsed.user_tasks.items()):
        label = f"“{task['name']}” ({bpmn_id})" if task["name"] != bpmn_id else f"“{bpmn_id}”"
        if not task["lane"]:
            problems.append(_("The user task %(task)s is in no lane: put it in the lane of the department that "
                              "handles it.") % {"task": label})
            continue
        org = orgs.get(task["code"])
        if org is None:
            problems.append(_("The user task %(task)s is in the lane “%(lane)s”, but no organisation has the code "
                              "“%(code)s”.") % {"task": label, "lane": task["lane"], "code": task["code"]})
            continue
        if task["role"] not in Role.values:
            problems.append(_("The user task %(task)s asks for the role “%(role)s”, which does not exist (use one "
                              "of %(roles)s).") % {"task": label, "role": task["role"],
                                                   "roles": ", ".join(Role.values)})
            continue
        limit = task["limit_days"]
        if limit not in (None, ""):
            try:
                limit = int(str(limit))
            except ValueError:
                limit = -1
            if not 1 <= limit <= engine.MAX_LIMIT_DAYS:
                problems.append(_("The user task %(task)s has limit_days “%(value)s”: give a whole number of "
                                  "working days from 1 to %(max)d.") % {"task": label, "value": task["limit_days"],
                                                                        "max": engine.MAX_LIMIT_DAYS})
                continue
        else:
            limit = None
        assignments[bpmn_id] = {"organisation": org.code, "organisation_id": org.pk, "role": task["role"],
                                "name": task["name"][:200], "limit_days": limit}
    if problems:
        raise ValidationFailed(_("The process definition was not stored: please correct the BPMN file."),
                               field_errors={"bpmn": problems})
    return assignments, sorted({orgs[a["organisation"]] for a in assignments.values()}, key=lambda o: o.code)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


@transaction.atomic
def process_definition_create(*, bpmn: bytes | str, name: str, by: User,
                              dmn: Sequence[bytes | str] = ()) -> ProcessDefinition:
    """Store a new version of a BPMN 2.0 process after checking it can run in yiwang.

    Refused (``ValidationFailed`` on ``bpmn``, nothing stored): a file that does not parse, has no (or
    more than one) executable process, a condition or script that does not compile, or a user task
    that is not in a lane naming an existing organisation code (docs/workflow.md). ``dmn`` holds the
    DMN decision tables its business rule tasks call (a missing one is refused too). The same ``name``
    again gives the next ``version``; earlier versions stay, and cases keep the one they started with.
    """
    errors = _Errors()
    name = " ".join(str(name or "").split())
    if not name:
        errors.add("name", _("Give the process a name."))
    elif len(name) > 200:
        errors.add("name", _("The name is longer than 200 characters."))
    parsed = None
    text, dmn_texts = "", []
    try:
        text, dmn_texts = _text(bpmn), [_text(table) for table in dmn]
        parsed = engine.parse(text, dmn_texts)
    except UnicodeDecodeError:
        errors.add("bpmn", _("The file is not UTF-8 text."))
    except engine.BpmnProblem as exc:
        errors.add("bpmn", str(exc))
    errors.raise_if_any(_("The process definition was not stored: please correct the errors."))
    assert parsed is not None
    assignments, departments = _check_assignments(parsed)

    key = _definition_key(name, parsed.process_id)
    last = ProcessDefinition.objects.filter(key=key).order_by("-version").values_list("version", flat=True).first()
    definition = ProcessDefinition(
        key=key, version=(last or 0) + 1, name=name, bpmn_xml=text, dmn_xml=dmn_texts,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), process_id=parsed.process_id,
        assignments=assignments, created_by=by,
    )
    try:
        with transaction.atomic():
            definition.save()
    except IntegrityError as exc:  # the same name uploaded at the same moment
        raise _refuse("name", _("Another version of “%(name)s” was stored just now; upload again.")
                      % {"name": name}) from exc
    definition.departments.set(departments)
    audit_record(action="workflow.definition.create", actor=by, obj=definition, details={
        "key": key, "version": definition.version, "process_id": parsed.process_id, "sha256": definition.sha256,
        "decision_tables": len(dmn_texts),
        "departments": [org.code for org in departments], "user_tasks": len(assignments),
    })
    return definition


def process_definition_departments(*, definition: ProcessDefinition) -> list[Organisation]:
    """The organisations whose lanes hold a user task of ``definition``, by code."""
    return list(definition.departments.order_by("code"))


# --- running a process --------------------------------------------------------------------------------------

def _default_limit_days() -> int:
    return int(getattr(settings, "YIWANG_WORKFLOW_TASK_DAYS", 5))


def _task_created(instance: ProcessInstance, spiff_task: Any, by: User | None,
                  orgs: dict[int, Organisation]) -> DepartmentTask:
    bpmn_id = spiff_task.task_spec.bpmn_id
    assignment = instance.definition.assignments.get(bpmn_id)
    if assignment is None:  # the definition was checked at upload: this is a bug, not bad input
        raise ServiceError(_("The process reached the user task “%(task)s”, which has no department.")
                           % {"task": bpmn_id}, code="process_error")
    org_id = assignment["organisation_id"]
    if org_id not in orgs:
        orgs[org_id] = Organisation.objects.get(pk=org_id)
    limit = assignment.get("limit_days") or _default_limit_days()
    clock = clock_start(purpose=f"workflow task {bpmn_id}"[:100], started_on=timezone.localdate(),
                        limit_days=limit) if limit > 0 else None
    task = DepartmentTask.objects.create(
        instance=instance, organisation=orgs[org_id], role=assignment["role"], name=assignment["name"],
        bpmn_id=bpmn_id, engine_task_id=spiff_task.id, clock=clock, due_on=clock.due_on if clock else None,
    )
    TaskAction.objects.create(task=task, kind=TaskActionKind.CREATED, actor=by)
    facts = {"task": task.pk, "subject": instance.subject, "organisation": orgs[org_id].code, "role": task.role,
             "bpmn_id": bpmn_id, "due_on": clock.due_on.isoformat() if clock else None}
    audit_record(action="workflow.task.create", actor=by, obj=task, details=facts)
    event_publish(topic="workflow.task.created", payload=facts, key=instance.subject)
    return task


def _stop_clock(task: DepartmentTask) -> None:
    if task.clock is not None and task.clock.state != ClockState.STOPPED:
        clock_stop(clock=task.clock, on=max(timezone.localdate(), task.clock.started_on))


def task_due_dates_follow(*, clock_ids: list[int], **_signal: Any) -> int:
    """core's ``clocks_moved`` (a calendar change, a resumption or a stop moved these clocks): the tasks' copies
    of their due dates follow."""
    return DepartmentTask.objects.filter(clock_id__in=clock_ids).update(
        due_on=Subquery(Clock.objects.filter(pk=OuterRef("clock_id")).values("due_on")[:1]))


def _task_cancel(task: DepartmentTask, *, by: User | None, reason: str) -> None:
    task.status = TaskStatus.CANCELLED
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "completed_at"])
    _stop_clock(task)
    Countersign.objects.filter(task=task, status=CountersignStatus.PENDING).update(
        status=CountersignStatus.WITHDRAWN, answered_at=timezone.now())
    TaskAction.objects.create(task=task, kind=TaskActionKind.CANCELLED, actor=by, details={"reason": reason})
    audit_record(action="workflow.task.cancel", actor=by, obj=task, details={"reason": reason,
                                                                             "subject": task.instance.subject})
    event_publish(topic="workflow.task.cancelled", key=task.instance.subject, payload={
        "task": task.pk, "subject": task.instance.subject, "organisation": task.organisation.code})


def _outcome(instance: ProcessInstance, workflow: BpmnWorkflow) -> str:
    declared = data_of(workflow).get("outcome")
    if declared in (Outcome.APPROVED, Outcome.REJECTED):
        return str(declared)
    rejected = instance.tasks.filter(decision=Decision.REJECTED).exists()
    return Outcome.REJECTED if rejected else Outcome.APPROVED


def _sync(instance: ProcessInstance, workflow: BpmnWorkflow, *, by: User | None,
          started: bool = False) -> list[DepartmentTask]:
    """Mirror the engine into rows: new ready user tasks become department tasks, tasks the engine no
    longer offers are cancelled, a finished workflow completes the instance. Returns the new tasks.
    ``started``: the instance was created just now, so it has no tasks yet."""
    ready = {t.id: t for t in engine.ready_user_tasks(workflow)}
    # the related manager gives each task this very instance: no join needed
    active = {} if started else {t.engine_task_id: t for t in instance.tasks.filter(status__in=ACTIVE_TASK_STATUSES)
                                 .select_related("clock")}
    new = [spiff_task for engine_id, spiff_task in ready.items() if engine_id not in active]
    # the new tasks' departments in one query (in_bulk of nothing asks nothing)
    assignments = instance.definition.assignments
    orgs: dict[int, Organisation] = Organisation.objects.in_bulk(
        {a["organisation_id"] for t in new if (a := assignments.get(t.task_spec.bpmn_id))})
    created = [_task_created(instance, spiff_task, by, orgs) for spiff_task in new]
    for engine_id, task in active.items():
        if engine_id not in ready:
            _task_cancel(task, by=by, reason="engine")
    now = timezone.now()
    instance.state = engine.dump(workflow)
    instance.updated_at = now
    if workflow.is_completed():
        instance.status = InstanceStatus.COMPLETED
        instance.outcome = _outcome(instance, workflow)
        instance.finished_at = now
        instance.timer_due_at = None
    else:
        instance.timer_due_at = engine.next_timer_due(workflow)
    instance.save(update_fields=["state", "updated_at", "status", "outcome", "finished_at", "timer_due_at"])
    if instance.status == InstanceStatus.COMPLETED:
        decisions = data_of(workflow).get("decisions", {})
        audit_record(action="workflow.process.complete", actor=by, obj=instance, details={
            "subject": instance.subject, "outcome": instance.outcome, "decisions": decisions,
        })
        event_publish(topic="workflow.process.finished", key=instance.subject, payload={
            "instance": instance.pk, "subject": instance.subject, "outcome": instance.outcome,
            "decisions": decisions})
        process_finished.send(sender=ProcessInstance, instance=instance, subject=instance.subject,
                              outcome=instance.outcome)
    return created


def data_of(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data a finished workflow ended with (every branch merged at the end)."""
    data = workflow.data
    return {k: v for k, v in data.items() if k != "data_objects"} if isinstance(data, dict) else {}


def _check_data(errors: _Errors, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add("data", _("The process data must be an object."))
        return {}
    reserved = sorted(RESERVED_DATA_KEYS & set(data))
    if reserved:
        errors.add("data", _("These names are reserved for the process: %(names)s.") % {"names": ", ".join(reserved)})
    try:
        return json.loads(json.dumps(data))  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        errors.add("data", _("The process data must be plain JSON (text, numbers, lists, objects)."))
        return {}


def process_start(*, definition: ProcessDefinition, subject: str, data: dict[str, Any],
                  by: User | None) -> ProcessInstance:
    """Start ``definition`` for ``subject`` with ``data`` as the workflow's data, in the caller's transaction.

    Runs the engine to its first wait states and creates the department tasks; a process without a
    user task completes at once (and ``process_finished`` is sent). A condition that fails on ``data``
    raises ``ServiceError`` (code ``process_error``) and nothing is stored.
    """
    errors = _Errors()
    subject = str(subject or "").strip()
    if not subject or len(subject) > MAX_SUBJECT or ":" not in subject:
        errors.add("subject", _("The subject must look like “app.entity:id”, at most %(n)d characters.")
                   % {"n": MAX_SUBJECT})
    clean = _check_data(errors, data)
    errors.raise_if_any(_("The process was not started: please correct the errors."))
    with _engine_errors("starting a process"):  # nothing written yet: the caller's transaction can go on
        workflow = engine.new_workflow(definition.bpmn_xml, definition.process_id, definition.dmn_xml)
        start = workflow.get_tasks(state=engine.TaskState.READY)[0]
        start.data.update(clean)
        workflow.do_engine_steps()
    # No savepoint of its own (its two round trips on every submission): once something is written, a failure
    # leaves the caller's transaction only able to roll back, which is what a half-started process needs.
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        instance = ProcessInstance.objects.create(definition=definition, subject=subject, state="",
                                                  started_at=now, updated_at=now, started_by=by)
        audit_record(action="workflow.process.start", actor=by, obj=instance, details={
            "subject": subject, "definition": definition.key, "version": definition.version,
        })
        _sync(instance, workflow, by=by, started=True)
    return instance


def _locked_instance(instance_id: int) -> ProcessInstance:
    return ProcessInstance.objects.select_for_update(of=("self",)).select_related("definition").get(pk=instance_id)


def _load(instance: ProcessInstance) -> BpmnWorkflow:
    with _engine_errors("loading a process"):
        return engine.load(instance.state)


def process_cancel(*, instance: ProcessInstance, reason: str, by: User | None) -> ProcessInstance:
    """Stop a running process (e.g. the applicant withdrew the case): its open tasks are cancelled and
    their clocks stopped. The caller has checked that ``by`` may do this to the subject."""
    errors = _Errors()
    reason = str(reason or "").strip()
    if not reason:
        errors.add("reason", _("Say why the process is cancelled."))
    elif len(reason) > 500:
        errors.add("reason", _("The reason is longer than 500 characters."))
    errors.raise_if_any(_("The process was not cancelled: please correct the errors."))
    with transaction.atomic():
        locked = _locked_instance(instance.pk)
        if locked.status != InstanceStatus.RUNNING:
            raise _refuse("instance", _("This process has already ended (%(status)s).")
                          % {"status": locked.get_status_display()}, code="process_closed")
        workflow = _load(locked)
        with _engine_errors("cancelling a process"):
            workflow.cancel()
        for task in locked.tasks.filter(status__in=ACTIVE_TASK_STATUSES).select_related("clock", "instance"):
            _task_cancel(task, by=by, reason=reason)
        locked.state = engine.dump(workflow)
        locked.status = InstanceStatus.CANCELLED
        locked.cancel_reason = reason
        locked.finished_at = locked.updated_at = timezone.now()
        locked.timer_due_at = None
        locked.save(update_fields=["state", "status", "cancel_reason", "finished_at", "updated_at", "timer_due_at"])
        audit_record(action="workflow.process.cancel", actor=by, obj=locked,
                     details={"subject": locked.subject, "reason": reason})
    _copy(locked, instance)
    return instance


def _copy(source: Any, target: Any) -> None:
    """Give the caller's object the committed state (callers keep using the object they passed in)."""
    if source is not target:
        target.__dict__.update(source.__dict__)


# --- department tasks -----------------------------------------------------------------------------------

def holds_task_role(user: Any, task: DepartmentTask) -> bool:
    return has_role(user, task.role, organisation=task.organisation)


def _require_holder(user: Any, task: DepartmentTask, what: str) -> None:
    """Only staff holding the task's role in its organisation may act; refusals are audited and kept."""
    if not holds_task_role(user, task):
        raise deny(user, f"workflow.task.{what}", task)


def _lock_task(task: DepartmentTask) -> tuple[ProcessInstance, DepartmentTask]:
    instance = _locked_instance(task.instance_id)
    fresh = (DepartmentTask.objects.select_for_update(of=("self",))
             .select_related("organisation", "assignee", "clock").get(pk=task.pk))
    fresh.instance = instance
    return instance, fresh


def _require_open(task: DepartmentTask, by: User, *, original_org: int) -> None:
    if task.status == TaskStatus.COMPLETED:
        raise _refuse("task", _("This task was already completed (%(decision)s by %(who)s); nothing was changed.")
                      % {"decision": task.get_decision_display(), "who": task.completed_by or "—"},
                      code="task_closed")
    if task.status == TaskStatus.CANCELLED or task.instance.status != InstanceStatus.RUNNING:
        raise _refuse("task", _("This task was cancelled; nothing was changed."), code="task_closed")
    if task.organisation_id != original_org:
        raise _refuse("task", _("This task was transferred to %(org)s meanwhile; nothing was changed.")
                      % {"org": task.organisation}, code="task_moved")
    if task.status == TaskStatus.CLAIMED and task.assignee_id != by.pk:
        raise _refuse("task", _("%(who)s has claimed this task.") % {"who": task.assignee}, code="task_claimed")


def _claim_in_place(task: DepartmentTask, by: User) -> bool:
    if task.status == TaskStatus.OPEN:
        task.status = TaskStatus.CLAIMED
        task.assignee = by
        task.claimed_at = timezone.now()
        task.save(update_fields=["status", "assignee", "claimed_at"])
        TaskAction.objects.create(task=task, kind=TaskActionKind.CLAIMED, actor=by)
        audit_record(action="workflow.task.claim", actor=by, obj=task, details={"subject": task.instance.subject})
        return True
    return False


def _done(source: DepartmentTask, target: DepartmentTask) -> DepartmentTask:
    _copy(source, target)
    return target


def task_claim(*, task: DepartmentTask, by: User) -> DepartmentTask:
    """Take an unclaimed task of one's department into one's own work (claiming one's own claim again is
    harmless)."""
    _require_holder(by, task, "claim")
    with transaction.atomic():
        _instance, fresh = _lock_task(task)
        _require_open(fresh, by, original_org=task.organisation_id)
        _claim_in_place(fresh, by)
    return _done(fresh, task)


def _complete(*, task: DepartmentTask, decision: str, opinion: str, by: User) -> DepartmentTask:
    verb = "approve" if decision == Decision.APPROVED else "reject"
    _require_holder(by, task, verb)
    errors = _Errors()
    opinion = _check_opinion(errors, opinion)
    errors.raise_if_any(_("The task was not completed: please correct the errors."))
    with transaction.atomic():
        instance, fresh = _lock_task(task)
        _require_open(fresh, by, original_org=task.organisation_id)
        pending = fresh.countersigns.filter(status=CountersignStatus.PENDING).count()
        if pending:
            raise _refuse("task", _("%(n)d countersign request(s) have not been answered yet.") % {"n": pending},
                          code="countersign_pending")
        _claim_in_place(fresh, by)
        workflow = _load(instance)
        spiff_task = engine.find_task(workflow, fresh.engine_task_id)
        if spiff_task is None or spiff_task.state != engine.TaskState.READY:
            raise _refuse("task", _("The process no longer waits for this task; nothing was changed."),
                          code="task_closed")
        code = fresh.organisation.code
        with _engine_errors("completing a task"):
            decisions = spiff_task.data.setdefault("decisions", {})
            # One rejection by a department stands, whatever another task of the same department decides.
            if decisions.get(code) != Decision.REJECTED:
                decisions[code] = decision
            spiff_task.data.setdefault("opinions", {})[code] = opinion
            spiff_task.run()
            workflow.do_engine_steps()
        now = timezone.now()
        fresh.status = TaskStatus.COMPLETED
        fresh.decision = decision
        fresh.opinion = opinion
        fresh.completed_by = by
        fresh.completed_at = now
        fresh.save(update_fields=["status", "decision", "opinion", "completed_by", "completed_at"])
        _stop_clock(fresh)
        TaskAction.objects.create(task=fresh, kind=decision, actor=by, opinion=opinion)
        audit_record(action=f"workflow.task.{verb}", actor=by, obj=fresh, details={
            "subject": instance.subject, "organisation": code, "opinion": opinion,
        })
        event_publish(topic="workflow.task.completed", key=instance.subject, payload={
            "task": fresh.pk, "subject": instance.subject, "organisation": code, "decision": decision,
            "overdue": bool(fresh.clock and fresh.clock.due_on < timezone.localdate())})
        _sync(instance, workflow, by=by)
    return _done(fresh, task)


def task_approve(*, task: DepartmentTask, opinion: str, by: User) -> DepartmentTask:
    """Complete the task with the department's approval and its opinion (claims it first if unclaimed)."""
    return _complete(task=task, decision=Decision.APPROVED, opinion=opinion, by=by)


def task_reject(*, task: DepartmentTask, opinion: str, by: User) -> DepartmentTask:
    """Complete the task with the department's rejection; the opinion is the reason the applicant is told."""
    return _complete(task=task, decision=Decision.REJECTED, opinion=opinion, by=by)


def task_transfer(*, task: DepartmentTask, opinion: str, by: User, to_organisation: Organisation | None = None,
                  to_user: User | None = None) -> DepartmentTask:
    """Hand the task to another department (it arrives there unclaimed) or to a colleague holding the task's
    role in this department (it becomes theirs). The deadline clock keeps running: a misrouted task does
    not earn a new time limit."""
    _require_holder(by, task, "transfer")
    errors = _Errors()
    opinion = _check_opinion(errors, opinion)
    if (to_organisation is None) == (to_user is None):
        errors.add("to", _("Choose either another department or a colleague."))
    if to_organisation is not None and to_organisation.pk == task.organisation_id:
        errors.add("to_organisation", _("The task is already in this department."))
    if to_user is not None:
        if to_user.pk == by.pk:
            errors.add("to_user", _("Choose a colleague other than yourself."))
        elif not has_role(to_user, task.role, organisation=task.organisation):
            errors.add("to_user", _("%(who)s does not hold the role this task needs in %(org)s.")
                       % {"who": to_user, "org": task.organisation})
    errors.raise_if_any(_("The task was not transferred: please correct the errors."))
    with transaction.atomic():
        instance, fresh = _lock_task(task)
        _require_open(fresh, by, original_org=task.organisation_id)
        if fresh.countersigns.filter(status=CountersignStatus.PENDING).exists():
            raise _refuse("task", _("Countersign requests are still open; wait for them before transferring."),
                          code="countersign_pending")
        from_org = fresh.organisation
        if to_organisation is not None:
            fresh.organisation = to_organisation
            fresh.status, fresh.assignee, fresh.claimed_at = TaskStatus.OPEN, None, None
        else:
            fresh.status, fresh.assignee, fresh.claimed_at = TaskStatus.CLAIMED, to_user, timezone.now()
        fresh.save(update_fields=["organisation", "status", "assignee", "claimed_at"])
        details = {"subject": instance.subject, "from_organisation": from_org.code, "opinion": opinion,
                   "to_organisation": to_organisation.code if to_organisation else from_org.code,
                   "to_user": to_user.get_username() if to_user else ""}
        TaskAction.objects.create(task=fresh, kind=TaskActionKind.TRANSFERRED, actor=by, opinion=opinion,
                                  details=details)
        audit_record(action="workflow.task.transfer", actor=by, obj=fresh, details=details)
    return _done(fresh, task)


def _is_colleague(user: Any, organisation: Organisation) -> bool:
    return StaffRole.objects.filter(user=user, organisation=organisation, user__is_active=True).exists()


def task_countersign(*, task: DepartmentTask, colleagues: Sequence[User], opinion: str,
                     by: User) -> list[Countersign]:
    """Ask colleagues of the task's department to countersign (会签): the task cannot be approved or
    rejected until each of them has answered with an opinion. ``opinion`` is what they are asked."""
    _require_holder(by, task, "countersign")
    errors = _Errors()
    opinion = _check_opinion(errors, opinion)
    people = list({user.pk: user for user in colleagues}.values())
    if not people:
        errors.add("colleagues", _("Choose at least one colleague."))
    for user in people:
        if user.pk == by.pk:
            errors.add("colleagues", _("You cannot ask yourself to countersign."))
        elif not _is_colleague(user, task.organisation):
            errors.add("colleagues", _("%(who)s does not work in %(org)s.") % {"who": user, "org": task.organisation})
    errors.raise_if_any(_("Nobody was asked to countersign: please correct the errors."))
    with transaction.atomic():
        instance, fresh = _lock_task(task)
        _require_open(fresh, by, original_org=task.organisation_id)
        already = set(fresh.countersigns.filter(status=CountersignStatus.PENDING, colleague__in=people)
                      .values_list("colleague__username", flat=True))
        if already:
            raise _refuse("colleagues", _("Already asked and not answered yet: %(names)s.")
                          % {"names": ", ".join(sorted(already))})
        _claim_in_place(fresh, by)
        requests = [Countersign.objects.create(task=fresh, colleague=user, requested_by=by, request_note=opinion)
                    for user in people]
        details = {"subject": instance.subject, "colleagues": sorted(u.get_username() for u in people),
                   "opinion": opinion}
        TaskAction.objects.create(task=fresh, kind=TaskActionKind.COUNTERSIGN_REQUESTED, actor=by, opinion=opinion,
                                  details=details)
        audit_record(action="workflow.task.countersign", actor=by, obj=fresh, details=details)
    _copy(fresh, task)
    return requests


def countersign_answer(*, countersign: Countersign, agree: bool, opinion: str, by: User) -> Countersign:
    """The asked colleague countersigns (agrees) or disagrees, always with an opinion."""
    if countersign.colleague_id != getattr(by, "pk", None) or not _is_colleague(by, countersign.task.organisation):
        raise deny(by, "workflow.countersign.answer", countersign)
    errors = _Errors()
    opinion = _check_opinion(errors, opinion)
    errors.raise_if_any(_("The countersign was not recorded: please correct the errors."))
    with transaction.atomic():
        _instance, task = _lock_task(countersign.task)
        fresh = Countersign.objects.select_for_update().get(pk=countersign.pk)
        if fresh.status != CountersignStatus.PENDING:
            raise _refuse("countersign", _("This request was already answered or withdrawn; nothing was changed."),
                          code="countersign_closed")
        if not task.is_active or task.instance.status != InstanceStatus.RUNNING:
            raise _refuse("countersign", _("The task has ended; nothing was changed."), code="task_closed")
        fresh.status = CountersignStatus.AGREED if agree else CountersignStatus.DISAGREED
        fresh.opinion = opinion
        fresh.answered_at = timezone.now()
        fresh.save(update_fields=["status", "opinion", "answered_at"])
        details = {"subject": task.instance.subject, "agree": bool(agree), "opinion": opinion}
        TaskAction.objects.create(task=task, kind=TaskActionKind.COUNTERSIGN_ANSWERED, actor=by, opinion=opinion,
                                  details=details)
        audit_record(action="workflow.countersign.answer", actor=by, obj=task, details=details)
    _copy(fresh, countersign)
    return countersign


# --- timers ----------------------------------------------------------------------------------------------

def process_timers_fire(*, now: dt.datetime | None = None, limit: int = 500,
                        progress: Callable[[int], object] | None = None) -> int:
    """Fire every due timer event (e.g. a non-interrupting boundary timer escalating an overdue task to
    the department head). Each instance is handled in its own transaction under its row lock; a broken
    instance is logged and skipped, not allowed to stop the sweep. Returns the number of instances
    whose timers were checked. ``now`` picks the instances due by then; the engine itself decides with
    the wall clock whether each timer has passed."""
    now = now or timezone.now()
    due = list(ProcessInstance.objects.filter(status=InstanceStatus.RUNNING, timer_due_at__lte=now)
               .order_by("timer_due_at").values_list("pk", flat=True)[:limit])
    handled = 0
    for pk in due:
        try:
            with transaction.atomic():
                instance = _locked_instance(pk)
                if instance.status != InstanceStatus.RUNNING or instance.timer_due_at is None \
                        or instance.timer_due_at > now:
                    continue  # someone else handled it meanwhile
                workflow = _load(instance)
                with _engine_errors("firing timers"):
                    workflow.refresh_timers()
                    workflow.do_engine_steps()
                created = _sync(instance, workflow, by=None)
                audit_record(action="workflow.timer.fire", obj=instance, details={
                    "subject": instance.subject, "new_tasks": [t.bpmn_id for t in created],
                    "completed": instance.status == InstanceStatus.COMPLETED,
                })
                handled += 1
        except ServiceError:
            logger.exception("timer sweep: process instance %s could not continue", pk)
        if progress is not None:
            progress(1)
    return handled


# --- clocks of a subject ----------------------------------------------------------------------------------

def subject_clocks_pause(*, subject: str, reason: str, on: dt.date | None = None) -> int:
    """Pause the running clocks of the subject's open tasks (e.g. while the applicant supplements, 补正).
    The caller audits its own action (the supplement notice). Returns how many clocks paused."""
    with transaction.atomic():
        tasks = DepartmentTask.objects.filter(instance__subject=subject, status__in=ACTIVE_TASK_STATUSES,
                                              clock__state=ClockState.RUNNING).select_related("clock")
        paused = 0
        for task in tasks:
            if task.clock is not None:
                clock_pause(clock=task.clock, reason=reason, on=on)
                paused += 1
        return paused


def subject_clocks_resume(*, subject: str, on: dt.date | None = None) -> int:
    """Resume the paused clocks of the subject's open tasks (the supplement arrived)."""
    with transaction.atomic():
        tasks = DepartmentTask.objects.filter(instance__subject=subject, status__in=ACTIVE_TASK_STATUSES,
                                              clock__state=ClockState.PAUSED).select_related("clock")
        resumed = 0
        for task in tasks:
            if task.clock is not None:
                clock_resume(clock=task.clock, on=on)
                resumed += 1
        return resumed
