from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiwang.identity.public import access_audit_log

from .models import AuditRecord


def audit_records_for(*, user: Any, action_prefix: str = "") -> QuerySet[AuditRecord]:
    """The audit trail, for those allowed to read it, newest first."""
    access_audit_log(user=user)
    qs = AuditRecord.objects.order_by("-seq")
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    return qs
