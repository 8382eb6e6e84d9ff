"""Exchange's public surface: the only module other apps import from ``yiwang.exchange``.

- ``register_local_service(code, handler)``: an app of ours provides a service in-process (``LocalRequest`` in,
  ``LocalResponse`` out); then ``service_register(kind="local", …)`` puts it on the exchange.
- ``grant_create`` / ``grant_revoke``: the sharing catalogue turns its decisions into grants the gateway enforces.
"""

from .models import AccessGrant, Member, MessageLogEntry, Service
from .registry import LocalRequest, LocalResponse, register_local_service
from .selectors import entries_of
from .services import grant_create, grant_revoke, member_create, service_register
from .signals import grant_revoked

__all__ = [
    "AccessGrant", "LocalRequest", "LocalResponse", "Member", "MessageLogEntry", "Service", "entries_of",
    "grant_create", "grant_revoke", "grant_revoked", "member_create", "register_local_service", "service_register",
]
