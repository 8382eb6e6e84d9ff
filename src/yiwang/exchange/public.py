"""Exchange's public surface: the only module other apps import from ``yiwang.exchange``."""

__all__: list[str] = []
