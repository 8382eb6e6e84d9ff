"""Workflow's public surface: the only module other apps import from ``yiwang.workflow``."""

from .models import (
    Countersign,
    CountersignStatus,
    Decision,
    DepartmentTask,
    InstanceStatus,
    Outcome,
    ProcessDefinition,
    ProcessInstance,
    TaskStatus,
)
from .registry import SubjectInfo, describe_subject, describe_subjects, register_subject_type
from .selectors import instance_of_subject, tasks_of_subject
from .services import (
    countersign_answer,
    process_cancel,
    process_definition_create,
    process_definition_departments,
    process_start,
    process_timers_fire,
    subject_clocks_pause,
    subject_clocks_resume,
    task_approve,
    task_claim,
    task_countersign,
    task_reject,
    task_transfer,
)
from .signals import process_finished

__all__ = [
    "Countersign", "CountersignStatus", "Decision", "DepartmentTask", "InstanceStatus", "Outcome",
    "ProcessDefinition", "ProcessInstance", "SubjectInfo", "TaskStatus", "countersign_answer", "describe_subject",
    "describe_subjects", "instance_of_subject", "process_cancel", "process_definition_create",
    "process_definition_departments", "process_finished", "process_start", "process_timers_fire",
    "register_subject_type", "subject_clocks_pause", "subject_clocks_resume", "task_approve", "task_claim",
    "task_countersign", "task_reject", "task_transfer", "tasks_of_subject",
]
