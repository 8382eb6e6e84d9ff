"""Audit action types of the base registries (docs/registries.md says when each is written).

Lookups and history reads are audited too: reading personal data is a security-relevant action (等保
2.0 level 3). The records name the department, the fields and the record number, never the values.
"""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("registries.person.register", _("Add a resident to the population registry"))
register_action("registries.person.update", _("Change a resident's registry record"))
register_action("registries.person.import", _("Bulk-load residents into the population registry"))
register_action("registries.person.lookup", _("Look up a resident in the population registry"), security=True)
register_action("registries.person.history", _("Read the version history of a resident's record"), security=True)
register_action("registries.legal_person.register", _("Add a legal person to the registry"))
register_action("registries.legal_person.update", _("Change a legal person's registry record"))
register_action("registries.legal_person.import", _("Bulk-load legal persons into the registry"))
register_action("registries.legal_person.lookup", _("Look up a legal person in the registry"), security=True)
register_action("registries.legal_person.history", _("Read the version history of a legal person's record"),
                security=True)
register_action("registries.address.register", _("Add an address to the geospatial registry"))
register_action("registries.address.update", _("Change an address in the geospatial registry"))
register_action("registries.address.import", _("Bulk-load addresses into the geospatial registry"))
register_action("registries.grant.set", _("Grant a department fields of a registry"), security=True)
register_action("registries.grant.revoke", _("Withdraw a department's fields of a registry"), security=True)
