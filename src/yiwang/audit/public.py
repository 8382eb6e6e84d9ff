"""Audit's public surface: the only module other apps import from ``yiwang.audit``."""

from .context import system_actor
from .models import AuditRecord, AuditResult
from .registry import ActionType, all_actions, get_action, register_action
from .services import ChainReport, audit_chain_verify, audit_record

__all__ = [
    "ActionType", "AuditRecord", "AuditResult", "ChainReport", "all_actions", "audit_chain_verify",
    "audit_record", "get_action", "register_action", "system_actor",
]
