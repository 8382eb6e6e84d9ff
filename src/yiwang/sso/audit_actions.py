"""Audit action types of the OpenID Connect provider (docs/identity.md lists when each is written)."""

from django.utils.translation import gettext_lazy as _

from yiwang.audit.public import register_action

register_action("sso.client.create", _("Register a department system as an OIDC client"), security=True)
register_action("sso.client.change", _("Change an OIDC client"), security=True)
register_action("sso.key.rotate", _("Rotate the ID token signing key"), security=True)
register_action("sso.authorize.refuse", _("Refuse an OIDC authorisation request"), security=True)
register_action("sso.authorize.grant", _("Issue an authorisation code to a department system"), security=True)
register_action("sso.consent.give", _("Consent to share data with a department system"), security=True)
register_action("sso.consent.refuse", _("Refuse to share data with a department system"), security=True)
register_action("sso.consent.revoke", _("Withdraw a department system's access"), security=True)
register_action("sso.token.issue", _("Issue tokens for an authorisation code"), security=True)
register_action("sso.token.refresh", _("Refresh tokens"), security=True)
register_action("sso.token.refuse", _("Refuse a token request"), security=True)
register_action("sso.code.replay", _("Authorisation code used twice: tokens revoked"), security=True)
register_action("sso.refresh_token.reuse", _("Refresh token used twice: token family revoked"), security=True)
register_action("sso.userinfo.refuse", _("Refuse a userinfo request"), security=True)
register_action("sso.logout.rp", _("Log out at a department system's request"), security=True)
register_action("sso.logout.refuse", _("Refuse a logout request from a department system"), security=True)
