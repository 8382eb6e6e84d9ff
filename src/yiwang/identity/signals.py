"""Authentication events into the audit chain."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yiwang.audit.public import AuditResult, audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="identity.user.login", actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="identity.user.logout", actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Never log the password; the user name is what an investigator needs.
    audit_record(action="identity.user.login_failed", actor_name=str(credentials.get("username", ""))[:150],
                 result=AuditResult.FAILURE)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None,
                **kwargs: Any) -> None:
    audit_record(action="identity.user.locked_out", actor_name=(username or "")[:150],
                 result=AuditResult.DENIED, client_ip=ip_address)
