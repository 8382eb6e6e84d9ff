"""Identity's public surface: the only module other apps import from ``yiwang.identity``."""

from .models import (
    AccountKind,
    AssuranceLevel,
    AssuranceMethod,
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
    counter_visitor_lookup,
    hotline_caller_lookup,
    login_history_of,
    sessions_of,
)
from .services_accounts import assurance_raise  # intake's demo cases: the demo citizen checked at the counter
from .sms import SmsDeliveryError, send_sms  # notifications' SMS channel
from .validators import normalise_credit_code, normalise_id_number  # used by yiwang.registries

__all__ = [
    "AssuranceMethod", "SmsDeliveryError", "assurance_raise", "counter_visitor_lookup", "hotline_caller_lookup",
    "send_sms",
    "SessionInfo", "agencies_of", "assurance_history_of", "assurance_meets", "login_history_of", "sessions_of",
    "ACTING_ENTERPRISE_SESSION_KEY", "AccountKind", "AssuranceLevel", "Enterprise", "EnterpriseAgent", "OrgKind",
    "Organisation", "Role", "StaffRole", "User", "access_audit_log", "access_calendar_admin",
    "access_citizen_account", "access_organisation_staff", "access_organisation_tree", "access_own_account",
    "access_workbench", "acting_enterprise", "deny", "enterprises_of", "has_role", "is_platform_admin", "roles_of",
    "normalise_credit_code", "normalise_id_number",
]
