"""Clock kinds: modules tell supervision what their clocks time; supervision imports none of them.

A module registers, from its ``AppConfig.ready()``, the model whose foreign key to ``core.Clock`` marks
the clocks it wants watched, and where on that model the responsible department and person are::

    register_clock_kind(ClockKind(key="intake.case", label=_("Case"), model=Application,
                                  organisation="version__lead_department", reference="number",
                                  label_field="version__name", url=lambda pk: f"/workbench/cases/{pk}/"))

The sweep then finds, set-wise, the rows of that model whose clock is not watched yet and watches them
(``watches_discover``). A module that would rather say it itself calls ``clock_watch`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class ClockKind:
    key: str  # "<app>.<what>", e.g. "intake.case", "workflow.task", "sharing.request"
    label: str | Promise
    model: type[models.Model] | None = None  # whose ``clock_field`` points at core.Clock
    clock_field: str = "clock"
    organisation: str = ""  # ORM path from ``model`` to the responsible Organisation
    user: str = ""  # ORM path to the responsible user (handler), if any
    reference: str = "pk"  # ORM path to what staff quote (the case number)
    label_field: str = ""  # ORM path to a short description; the kind's label when empty
    url: Callable[[Any], str] | None = None  # the staff page of the subject, from its primary key
    # Turns a batch of raw values read at ``reference`` into what staff quote, when the model holds only a key
    # (a department task knows its case as "intake.application:42"; staff know it as its case number).
    references: Callable[[list[str]], dict[str, str]] | None = None
    warn_percent: int | None = None  # None: settings.YIWANG_SUPERVISION_WARN_PERCENT (per-kind override there)


_KINDS: dict[str, ClockKind] = {}


def register_clock_kind(kind: ClockKind) -> None:
    if not kind.key or ":" in kind.key or len(kind.key) > 60:
        raise ValueError(f"a clock kind key is a non-empty string without ':' of at most 60 characters ({kind.key!r})")
    if kind.warn_percent is not None and not 1 <= kind.warn_percent <= 100:
        raise ValueError("warn_percent is a share of the limit between 1 and 100")
    _KINDS[kind.key] = kind


def clock_kinds() -> dict[str, ClockKind]:
    return dict(_KINDS)


def clock_kind(key: str) -> ClockKind | None:
    return _KINDS.get(key)
