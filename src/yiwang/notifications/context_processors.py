"""``unread_notifications`` for page headers (an inbox badge). Wire it in TEMPLATES' context processors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: pages that never show the badge never run the query.
    return {"unread_notifications": lambda: unread_count(user=user)}
