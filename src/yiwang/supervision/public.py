"""supervision's public surface: the only module other apps import from ``yiwang.supervision``."""

__all__: list[str] = []
