"""Catalog's public surface: the only module other apps import from ``yiwang.catalog``."""

__all__: list[str] = []
