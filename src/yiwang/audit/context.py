"""Per-request context (client address, current user) so services can audit without threading it."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    client_ip: str | None = None


_EMPTY = RequestContext()
current: ContextVar[RequestContext] = ContextVar("yiwang_audit_context", default=_EMPTY)  # noqa: B039 (frozen)
