"""Audit action types owned by core (registered at start-up)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("core.calendar.year_load", _("Load a year of the official working-day calendar"))
register_action("core.calendar.day_set", _("Set a day of the official working-day calendar"))
register_action("core.backup.create", _("Create a backup"))
register_action("core.backup.restore", _("Restore a backup"))
