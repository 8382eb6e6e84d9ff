"""Identity's public surface: the only module other apps import from ``yiwang.identity``."""

from .models import (
    AccountKind,
    AssuranceLevel,
    Enterprise,
    EnterpriseAgent,
    Organisation,
    OrgKind,
    Role,
    StaffRole,
    User,
)
from .selectors import (
    ACTING_ENTERPRISE_SESSION_KEY,
    access_audit_log,
    access_calendar_admin,
    access_citizen_account,
    access_organisation_staff,
    access_organisation_tree,
    access_own_account,
    access_workbench,
    acting_enterprise,
    deny,
    enterprises_of,
    has_role,
    is_platform_admin,
    roles_of,
)

__all__ = [
    "ACTING_ENTERPRISE_SESSION_KEY", "AccountKind", "AssuranceLevel", "Enterprise", "EnterpriseAgent", "OrgKind",
    "Organisation", "Role", "StaffRole", "User", "access_audit_log", "access_calendar_admin",
    "access_citizen_account", "access_organisation_staff", "access_organisation_tree", "access_own_account",
    "access_workbench", "acting_enterprise", "deny", "enterprises_of", "has_role", "is_platform_admin", "roles_of",
]
