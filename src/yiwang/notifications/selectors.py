"""Reads of the inbox: a person sees only their own notices."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import Notification


def access_inbox(*, user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("inbox")
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_about(*, user: Any, url: str) -> QuerySet[Notification]:
    """The user's own notices that link to ``url`` (e.g. every notice about one case, for its page)."""
    if not getattr(user, "is_authenticated", False) or not url:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, url=url).order_by("created_at", "pk")
