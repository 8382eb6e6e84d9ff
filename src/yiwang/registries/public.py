"""Registries' public surface: the only module other apps import from ``yiwang.registries``."""

__all__: list[str] = []
