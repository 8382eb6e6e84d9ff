"""Audit action types of the sharing catalogue (docs/sharing.md says when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("sharing.resource.create", _("Add a resource to the sharing catalogue"))
register_action("sharing.resource.update", _("Change a resource of the sharing catalogue"))
register_action("sharing.resource.publish", _("Publish a resource of the sharing catalogue"))
register_action("sharing.resource.withdraw", _("Withdraw a resource from the sharing catalogue"))
register_action("sharing.request.submit", _("Request a shared resource"))
register_action("sharing.request.answer", _("Answer a request for a shared resource"), security=True)
register_action("sharing.request.withdraw", _("Withdraw a request for a shared resource"))
register_action("sharing.request.dispute", _("Escalate a refused sharing request to the sharing authority"))
register_action("sharing.dispute.decide", _("Decide a sharing dispute"), security=True)
register_action("sharing.grant.revoke", _("Revoke a sharing grant"), security=True)
