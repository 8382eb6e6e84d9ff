"""Audit action types of collaborative handling (docs/workflow.md lists when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("workflow.definition.create", _("Upload a process definition (BPMN)"))
register_action("workflow.process.start", _("Start a process for a case"))
register_action("workflow.process.complete", _("A process completed"))
register_action("workflow.process.cancel", _("Cancel a process"))
register_action("workflow.timer.fire", _("A process timer fired"))
register_action("workflow.task.create", _("A department task arrived"))
register_action("workflow.task.cancel", _("A department task was cancelled"))
register_action("workflow.task.claim", _("Claim a department task"))
register_action("workflow.task.approve", _("Approve a department task"))
register_action("workflow.task.reject", _("Reject a department task"))
register_action("workflow.task.transfer", _("Transfer a department task"))
register_action("workflow.task.countersign", _("Ask colleagues to countersign (会签) a task"))
register_action("workflow.countersign.answer", _("Answer a countersign request"))
