from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("identity.user.login", _("Log in"), security=True)
register_action("identity.user.logout", _("Log out"), security=True)
register_action("identity.user.login_failed", _("Failed login"), security=True)
register_action("identity.user.locked_out", _("Account locked after failed logins"), security=True)
register_action("identity.citizen.register", _("Register a citizen account"), security=True)
register_action("identity.enterprise.register", _("Register an enterprise"), security=True)
register_action("identity.enterprise.agent_add", _("Authorise an enterprise agent"), security=True)
register_action("identity.staff.create", _("Create a staff account"), security=True)
register_action("identity.staff.role_grant", _("Grant a staff role"), security=True)
register_action("identity.staff.role_revoke", _("Revoke a staff role"), security=True)
register_action("identity.organisation.create", _("Create an organisation unit"))
