"""Audit action types of the exchange (docs/exchange.md). Calls themselves go to the message log, not here."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("exchange.member.create", _("Admit a member to the exchange and issue its certificate"), security=True)
register_action("exchange.member.rotate", _("Rotate an exchange member's key and certificate"), security=True)
register_action("exchange.member.revoke", _("Revoke an exchange member"), security=True)
register_action("exchange.gateway.rotate", _("Rotate the exchange gateway's signing key"), security=True)
register_action("exchange.service.register", _("Register a service on the exchange"))
register_action("exchange.service.change", _("Change or withdraw a service on the exchange"))
register_action("exchange.grant.create", _("Grant a member access to an exchange service"), security=True)
register_action("exchange.grant.revoke", _("Revoke a member's access to an exchange service"), security=True)
register_action("exchange.log.verify", _("Verify the exchange message log"), security=True)
register_action("exchange.nonce.purge", _("Forget expired request nonces"))
