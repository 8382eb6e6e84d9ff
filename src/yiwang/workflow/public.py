"""Workflow's public surface: the only module other apps import from ``yiwang.workflow``."""

__all__: list[str] = []
