"""Audit action types of notifications (docs/decisions/0017-notifications.md)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("notifications.notification.send", _("Send a notice"))
register_action("notifications.notification.read", _("Mark notices as read"))
