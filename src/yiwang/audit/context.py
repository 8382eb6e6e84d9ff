"""Per-request context (client address, current user) so services can audit without threading it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    client_ip: str | None = None
    # Who acts when no user does: a command or job names itself, e.g. "cli:demo-data".
    system_actor: str = ""


_EMPTY = RequestContext()
current: ContextVar[RequestContext] = ContextVar("yiwang_audit_context", default=_EMPTY)  # noqa: B039 (frozen)


@contextmanager
def system_actor(name: str) -> Iterator[None]:
    """Attribute audit records written inside this block, that have no user, to ``name``."""
    token = current.set(replace(current.get(), system_actor=name))
    try:
        yield
    finally:
        current.reset(token)
