"""Intake's public surface: the only module other apps import from ``yiwang.intake``."""

__all__: list[str] = []
