"""Remember, in the session itself, when and from where it was opened, so the account page can list a
person's sessions and let them end the ones they do not recognise."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .selectors_accounts import SESSION_META_KEY


@receiver(user_logged_in, dispatch_uid="yiwang.identity.session_tracking")
def _remember_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    meta = getattr(request, "META", {}) or {}
    session[SESSION_META_KEY] = {
        "at": timezone.now().isoformat(),
        "ip": meta.get("REMOTE_ADDR") or "",
        "ua": str(meta.get("HTTP_USER_AGENT", ""))[:200],
    }
