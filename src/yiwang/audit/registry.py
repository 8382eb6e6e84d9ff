"""The registry of audit action types. Each app registers its own in its ``audit_actions`` module.

An action id reads ``<app>.<entity>.<verb>`` (``identity.user.login``). Recording an unregistered
action is a programming error and raises, so a typo never writes an unreadable audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise

_ACTION_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2}$")


@dataclass(frozen=True)
class ActionType:
    id: str
    label: str | Promise
    security: bool = False  # security-relevant actions are kept at least six months (等保 L3)


_registry: dict[str, ActionType] = {}


def register_action(action_id: str, label: str | Promise, *, security: bool = False) -> ActionType:
    if not _ACTION_ID.match(action_id):
        raise ValueError(f"audit action id {action_id!r} must look like 'app.entity.verb'")
    existing = _registry.get(action_id)
    if existing is not None:
        return existing
    action = ActionType(action_id, label, security)
    _registry[action_id] = action
    return action


def get_action(action_id: str) -> ActionType:
    try:
        return _registry[action_id]
    except KeyError:
        raise LookupError(f"audit action {action_id!r} is not registered") from None


def all_actions() -> list[ActionType]:
    return sorted(_registry.values(), key=lambda a: a.id)
