"""Core's public surface: the only module other apps import from ``yiwang.core``."""

from .calendar import (
    Deadline,
    add_working_days,
    clock_state_on,
    current_calendar,
    is_working_day,
    last_known_year,
    working_days_between,
)
from .crypto import EncryptedTextField, blind_index, decrypt, encrypt, mask
from .demo import DemoStep, demo_loaders, register_demo_loader
from .errors import FieldErrors, NotFound, PermissionDeniedError, ServiceError, ValidationFailed
from .menus import MenuItem, register_menu_item
from .models import Clock, ClockPause, ClockState
from .pagination import CappedPaginator
from .services import clock_pause, clock_resume, clock_start, clock_start_hours, clock_stop
from .signals import clocks_moved

__all__ = [
    "CappedPaginator", "Clock", "ClockPause", "MenuItem", "register_menu_item", "FieldErrors", "DemoStep",
    "demo_loaders", "register_demo_loader", "clocks_moved",
    "ClockState", "Deadline", "EncryptedTextField", "NotFound", "PermissionDeniedError",
    "ServiceError", "ValidationFailed", "add_working_days", "blind_index", "clock_pause", "clock_resume",
    "clock_start", "clock_start_hours", "clock_state_on", "clock_stop", "current_calendar", "decrypt", "encrypt",
    "is_working_day",
    "last_known_year", "mask", "working_days_between",
]
