"""events's JSON API (mounted at /api/v1/): queue state and dead letters, for platform administrators."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["events"])


class QueueStateOut(Schema):
    consumer: str
    topics: list[str]
    registered: bool
    pending: int | None
    retrying: int
    dead_lettered: int
    oldest_pending_at: datetime | None
    lag_seconds: float | None
    last_processed_at: datetime | None


class DeadLetterOut(Schema):
    consumer: str
    message_id: str
    topic: str
    key: str
    published_at: datetime
    attempts: int
    dead_at: datetime | None
    last_error: str


@router.get("/events/queues", response=list[QueueStateOut],
            summary="Event bus: pending, retrying and dead-lettered messages and the lag, per consumer")
def queues(request: HttpRequest) -> list[dict[str, Any]]:
    return [asdict(state) for state in selectors.access_event_queues(user=request.user)]


@router.get("/events/dead-letters", response=list[DeadLetterOut],
            summary="Event bus: dead letters with their last error, newest first")
def dead_letters(request: HttpRequest, consumer: str = "") -> list[dict[str, Any]]:
    return [{"consumer": d.consumer, "message_id": str(d.message_id), "topic": d.message.topic,
             "key": d.message.key, "published_at": d.message.published_at, "attempts": d.attempts,
             "dead_at": d.dead_at, "last_error": d.last_error}
            for d in selectors.access_dead_letters(user=request.user, consumer=consumer)]
