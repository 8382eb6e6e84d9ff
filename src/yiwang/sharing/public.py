"""sharing's public surface: the only module other apps import from ``yiwang.sharing``."""

__all__: list[str] = []
