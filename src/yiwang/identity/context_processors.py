from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import enterprises_of, roles_of


def workbench(request: HttpRequest) -> dict[str, Any]:
    """What every layout needs to know about the person looking at it."""
    user = getattr(request, "user", None)
    return {
        "is_staff_member": bool(roles_of(user)),
        "acting_enterprises": enterprises_of(user=user) if user is not None else [],
    }
