from django.utils.translation import gettext_lazy as _

from .registry import register_action

register_action("audit.log.verify", _("Verify the audit chain"), security=True)
register_action("audit.access.denied", _("Permission denied"), security=True)
