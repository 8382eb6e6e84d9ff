"""The OpenID provider's public surface: the only module other apps import from ``yiwang.sso``.

The account page lists ``authorised_apps_for(user=…)`` and posts a withdrawal to the URL named
``sso:authorisation_revoke`` (argument: the application id), which calls ``sso_authorisation_revoke``.
"""

from .claims import ACR_VALUES, ID_NUMBER_CLAIM, acr_of
from .selectors import AuthorisedApp, authorised_apps_for
from .services import sso_authorisation_revoke

__all__ = ["ACR_VALUES", "ID_NUMBER_CLAIM", "AuthorisedApp", "acr_of", "authorised_apps_for",
           "sso_authorisation_revoke"]
