"""Notifications's public surface: the only module other apps import from ``yiwang.notifications``."""

__all__: list[str] = []
