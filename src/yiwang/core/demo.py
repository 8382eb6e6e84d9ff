"""Demo-data loaders: a registry higher apps register into (``yiwang demo-data`` runs them in order).

identity's command loads the organisation tree and the demo logins first, then calls every loader
registered here, in INSTALLED_APPS order (an app registers in its ``AppConfig.ready``). A loader is
idempotent like the command: what exists already is kept. It returns ``(created, present)`` counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Writer(Protocol):
    """Where a loader reports progress (a management command's ``stdout``)."""

    def write(self, msg: str, /) -> object: ...


DemoLoader = Callable[[Writer | None], tuple[int, int]]


@dataclass(frozen=True)
class DemoStep:
    name: str
    load: DemoLoader


_steps: dict[str, DemoStep] = {}


def register_demo_loader(name: str, load: DemoLoader) -> None:
    """Register (or replace, on a reload) the demo loader called ``name``."""
    _steps[name] = DemoStep(name=name, load=load)


def demo_loaders() -> list[DemoStep]:
    return list(_steps.values())
