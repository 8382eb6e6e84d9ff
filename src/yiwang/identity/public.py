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
from .selectors_accounts import (  # citizen accounts (docs/decisions/0013)
    SessionInfo,
    agencies_of,
    assurance_history_of,
    assurance_meets,
    login_history_of,
    sessions_of,
)

__all__ = [
    "SessionInfo", "agencies_of", "assurance_history_of", "assurance_meets", "login_history_of", "sessions_of",
    "ACTING_ENTERPRISE_SESSION_KEY", "AccountKind", "AssuranceLevel", "Enterprise", "EnterpriseAgent", "OrgKind",
    "Organisation", "Role", "StaffRole", "User", "access_audit_log", "access_calendar_admin",
    "access_citizen_account", "access_organisation_staff", "access_organisation_tree", "access_own_account",
    "access_workbench", "acting_enterprise", "deny", "enterprises_of", "has_role", "is_platform_admin", "roles_of",
]
