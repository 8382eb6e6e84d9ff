"""Audit action types of intake (docs/intake.md lists when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("intake.application.submit", _("Submit and accept an application (受理)"))
register_action("intake.application.decide_on_spot", _("Decide an on-the-spot matter (即办件)"))
register_action("intake.application.finish", _("Record the result of a case"))
register_action("intake.application.withdraw", _("Withdraw an application"))
register_action("intake.supplement.request", _("Send a one-time notice of missing materials (一次性告知)"))
register_action("intake.supplement.submit", _("Supplement an application (补正)"))
register_action("intake.material.download", _("Open an applicant's material"))
