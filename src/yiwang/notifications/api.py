"""Notifications' JSON API (mounted at /api/v1/): one's own site inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool = Field(..., alias="is_read")


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, description="Notices to mark read; all unread ones when omitted")


@router.get("/notifications", response=list[NotificationOut], summary="My site inbox (newest first, at most 100)")
def inbox(request: HttpRequest, unread_only: bool = False) -> Any:
    notices = selectors.access_inbox(user=request.user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return list(notices[:100])


@router.get("/notifications/unread-count", response=UnreadOut, summary="How many of my notices are unread")
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(user=request.user)}


@router.post("/notifications/read", response=UnreadOut, summary="Mark my notices read")
def mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    selectors.access_inbox(user=request.user)
    services.notifications_mark_read(user=request.user, ids=payload.ids)
    return {"unread": selectors.unread_count(user=request.user)}
