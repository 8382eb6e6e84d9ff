"""Audit action types of the event bus (docs/events.md says when each is written).

Publishing and delivering are not audited one by one: the business change that publishes an event has
its own audit record in the same transaction, and the outbox row itself is the trace.
"""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("events.delivery.dead_letter", _("Park an event a consumer kept failing on as a dead letter"))
register_action("events.delivery.requeue", _("Re-queue a dead-lettered event"))
register_action("events.outbox.purge", _("Purge delivered events and old dedup records"))
