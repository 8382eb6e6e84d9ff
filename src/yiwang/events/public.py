"""Events's public surface: the only module other apps import from ``yiwang.events``."""

__all__: list[str] = []
