from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Role
from .selectors import acting_enterprise, enterprises_of, has_role, roles_of


def workbench(request: HttpRequest) -> dict[str, Any]:
    """What every layout needs to know about the person looking at it."""
    user = getattr(request, "user", None)
    return {
        "is_staff_member": bool(roles_of(user)),
        # Navigation shows only what the selectors would allow; the selectors still decide.
        "can_read_audit_log": has_role(user, Role.SUPERVISOR, Role.PLATFORM_ADMIN),
        "can_admin_calendar": has_role(user, Role.PLATFORM_ADMIN),
        "acting_enterprises": enterprises_of(user=user) if user is not None else [],
        # Shown in every portal header (identity/_acting_switch.html); re-checked, so a revoked agent drops out.
        "acting_enterprise": acting_enterprise(request=request),
        "can_verify_at_counter": has_role(user, Role.WINDOW_CLERK),
    }
