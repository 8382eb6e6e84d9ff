"""Audit action types of supervision (docs/supervision.md says when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("supervision.clocks.sweep", _("Grade all watched clocks (supervision sweep)"))
register_action("supervision.notice.issue", _("Issue a supervision notice (督办) to a department"))
register_action("supervision.notice.reply", _("Reply to a supervision notice"))
register_action("supervision.complaint.file", _("File a complaint"))
register_action("supervision.complaint.close", _("Close a complaint with its outcome"))
register_action("supervision.rating.submit", _("Rate a completed service"))
register_action("supervision.rectification.record", _("Record the callback and rectification of a bad rating"))
register_action("supervision.rating.appeal", _("Appeal a rating"))
register_action("supervision.rating.appeal_decide", _("Decide a rating appeal"))
