"""Audit action types of the service catalogue (docs/adding-a-matter.md says when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("catalog.life_event.create", _("Create a life event of the catalogue"))
register_action("catalog.matter.create", _("Create a matter with its first draft"))
register_action("catalog.version.create", _("Start a new draft version of a matter"))
register_action("catalog.version.update", _("Change the service guide or form of a draft"))
register_action("catalog.version.materials", _("Change the materials list of a draft"))
register_action("catalog.version.process", _("Attach a BPMN process to a draft"))
register_action("catalog.version.publish", _("Publish a matter version"), security=True)
register_action("catalog.version.retire", _("Retire a matter version"), security=True)
