"""In-process providers: apps of yiwang register a handler per service code (``register_local_service``).

The registries app, for instance, registers ``register_local_service("population-lookup", handler)`` in its
``AppConfig.ready()`` and then registers the service itself (``service_register(kind="local", …)``) with its
OpenAPI document. The gateway calls the handler directly — no HTTP hop — after the same authentication, grant
check and logging as for an external provider, and removes ungranted fields from what it returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LocalRequest:
    """A call through the gateway, as an in-process handler sees it."""

    consumer: str  # the calling member's identifier, authenticated by the gateway
    message_id: str  # the message log's id of this call
    method: str
    path: str  # the part after /exchange/v1/<service code>/
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    # The fields the consumer's grant allows (None: all). The gateway filters anyway; a handler may use this
    # to avoid reading what it may not return.
    granted_fields: frozenset[str] | None = None
    # The calling member's organisation (identity's Organisation, or None for an outside system), as the
    # gateway's directory knows it: a handler need not look the member up again.
    consumer_organisation: Any = None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class LocalResponse:
    """What an in-process handler answers: JSON ``data`` (filtered field by field), or raw ``body`` bytes."""

    status: int = 200
    data: Any = None
    body: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


LocalHandler = Callable[[LocalRequest], LocalResponse]
_handlers: dict[str, LocalHandler] = {}


def register_local_service(code: str, handler: LocalHandler) -> None:
    """Make ``handler`` the in-process provider of service ``code`` (call from ``AppConfig.ready()``).

    Registering the same handler twice is harmless (``ready()`` may run again in tests); a different handler
    for a taken code is a programming error.
    """
    existing = _handlers.get(code)
    if existing is not None and existing is not handler and getattr(existing, "__qualname__", None) != getattr(
            handler, "__qualname__", object()):
        raise ValueError(f"local service {code!r} is already registered to {existing!r}")
    _handlers[code] = handler


def local_handler(code: str) -> LocalHandler | None:
    return _handlers.get(code)


def local_service_codes() -> list[str]:
    return sorted(_handlers)
