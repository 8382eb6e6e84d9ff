"""Collaborative handling (协同办理): BPMN process definitions, their running instances, department tasks.

The engine is SpiffWorkflow (docs/decisions/0015-workflow-engine.md). An instance keeps the engine's
whole serialized state in its row, so a case survives restarts and stays pinned to the definition
version it started with. ``DepartmentTask`` rows mirror the engine's ready user tasks: they are what
worklists query, claim and complete.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcessDefinition(models.Model):
    """One version of a BPMN 2.0 process; immutable once stored (running cases depend on it)."""

    key = models.CharField(_("key"), max_length=200,
                           help_text=_("Versions of the same process share the key (from its name)."))
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    bpmn_xml = models.TextField(_("BPMN 2.0 XML"))
    dmn_xml = models.JSONField(_("DMN decision tables"), default=list, blank=True,
                               help_text=_("The DMN 1.x files the process's business rule tasks call."))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    process_id = models.CharField(_("process id"), max_length=200,
                                  help_text=_("The id of the executable process in the file."))
    # bpmn id of each user task → {"organisation": code, "role": role, "name": name, "limit_days": n | None}
    assignments = models.JSONField(_("assignments"), default=dict)
    departments = models.ManyToManyField("identity.Organisation", verbose_name=_("departments"),
                                         related_name="process_definitions")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="workflow_definition_key_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("A process definition is immutable; create a new version instead.")
        super().save(*args, **kwargs)


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProcessInstance(models.Model):
    """One case running through a process definition (pinned for life)."""

    definition = models.ForeignKey(ProcessDefinition, verbose_name=_("process definition"),
                                   on_delete=models.PROTECT, related_name="instances")
    subject = models.CharField(_("subject"), max_length=200, db_index=True,
                               help_text=_("What the process decides, e.g. “intake.application:42”."))
    # SpiffWorkflow's serialized workflow, as the JSON text its serializer wrote. Text, not jsonb: PostgreSQL's
    # jsonb reorders object keys, and the engine's restored task order must be exactly what it saved.
    state = models.TextField(_("engine state (JSON)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InstanceStatus.choices,
                              default=InstanceStatus.RUNNING)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")
    # The earliest moment a timer of this instance is due; the timer sweep looks only at these rows.
    timer_due_at = models.DateTimeField(_("next timer due"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InstanceStatus.values),
                                   name="workflow_instance_status_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="workflow_instance_outcome_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "timer_due_at"], name="workflow_instance_timer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.name} · {self.subject}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Unclaimed")
    CLAIMED = "claimed", _("Claimed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    NONE = "", _("None yet")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED)


class DepartmentTask(models.Model):
    """A user task of a process, in one department's worklist, for staff holding ``role`` there."""

    instance = models.ForeignKey(ProcessInstance, verbose_name=_("process instance"), on_delete=models.PROTECT,
                                 related_name="tasks")
    organisation = models.ForeignKey("identity.Organisation", verbose_name=_("department"),
                                     on_delete=models.PROTECT, related_name="workflow_tasks")
    role = models.CharField(_("role"), max_length=20, default="handler")
    name = models.CharField(_("name"), max_length=200)
    bpmn_id = models.CharField(_("BPMN task id"), max_length=200)
    engine_task_id = models.UUIDField(_("engine task id"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="workflow_tasks")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    opinion = models.TextField(_("opinion"), blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    clock = models.OneToOneField("core.Clock", verbose_name=_("clock"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # A copy of the clock's due date, so that a department's open tasks are read in deadline order from an
    # index of this table (ADR 0027); kept in step by core's clocks_moved signal (calendar changes, resume, stop).
    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="workflow_task_status_valid"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="workflow_task_decision_valid"),
            models.UniqueConstraint(fields=["instance", "engine_task_id"], name="workflow_task_engine_id_unique"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"], name="workflow_task_worklist_idx"),
            # a department's tasks in the worklist's order: "finished" and "all" pages without sorting them all
            models.Index(fields=["organisation", "created_at", "id"], name="workflow_task_org_created_idx"),
            # "claimed by me": a handler's claimed tasks in one department, in arrival order, without reading
            # everything they ever completed nor every task of the department
            models.Index(fields=["assignee", "organisation", "created_at", "id"], name="workflow_task_mine_idx",
                         condition=models.Q(status="claimed")),
            # a department's open tasks in deadline order (the "due" sort), without joining and sorting clocks
            models.Index(fields=["organisation", "due_on", "created_at", "id"], name="workflow_task_org_due_idx",
                         condition=models.Q(status__in=["open", "claimed"])),
            # a department's finished tasks, most recently finished first (the "finished" scope's default order);
            # status included: the capped count of a department's finished tasks is an index-only scan
            models.Index(fields=["organisation", "-completed_at", "-id"], name="workflow_task_org_finished_idx",
                         include=["status"], condition=models.Q(completed_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.instance.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES


class CountersignStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    AGREED = "agreed", _("Agreed")
    DISAGREED = "disagreed", _("Disagreed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Countersign(models.Model):
    """A colleague asked to countersign (会签) a task; the task cannot complete until every one answered."""

    task = models.ForeignKey(DepartmentTask, verbose_name=_("task"), on_delete=models.PROTECT,
                             related_name="countersigns")
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("colleague"), on_delete=models.PROTECT,
                                  related_name="workflow_countersigns")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    request_note = models.TextField(_("request"))
    status = models.CharField(_("status"), max_length=10, choices=CountersignStatus.choices,
                              default=CountersignStatus.PENDING)
    opinion = models.TextField(_("opinion"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("countersign request")
        verbose_name_plural = _("countersign requests")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CountersignStatus.values),
                                   name="workflow_countersign_status_valid"),
            models.UniqueConstraint(fields=["task", "colleague"], condition=Q(status="pending"),
                                    name="workflow_countersign_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.colleague} · {self.task}"


class TaskActionKind(models.TextChoices):
    CREATED = "created", _("Arrived")
    CLAIMED = "claimed", _("Claimed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    TRANSFERRED = "transferred", _("Transferred")
    COUNTERSIGN_REQUESTED = "cs_requested", _("Countersign requested")
    COUNTERSIGN_ANSWERED = "cs_answered", _("Countersigned")
    CANCELLED = "cancelled", _("Cancelled")


class TaskAction(models.Model):
    """The history of a task as its page shows it (the audit chain holds the same facts, tamper-evident)."""

    task = models.ForeignKey(DepartmentTask, verbose_name=_("task"), on_delete=models.PROTECT,
                             related_name="actions")
    kind = models.CharField(_("action"), max_length=15, choices=TaskActionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("task action")
        verbose_name_plural = _("task actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.task}"
