"""supervision's public surface: the only module other apps import from ``yiwang.supervision``.

Modules register what their clocks time (``register_clock_kind``) and, for their KPIs, how to compute
them (``register_kpi``); they report ratings of completed services with ``rating_submit``.
"""

from .assessment import Kpi, department_assessment, register_kpi
from .models import Channel, Grade, Rating, Score, Watch
from .registry import ClockKind, register_clock_kind
from .services import RatingSubject, clock_open, clock_watch, complaint_file, rating_submit, sweep

__all__ = [
    "Channel", "ClockKind", "Grade", "Kpi", "Rating", "RatingSubject", "Score", "Watch", "clock_open",
    "clock_watch", "complaint_file", "department_assessment", "rating_submit", "register_clock_kind",
    "register_kpi", "sweep",
]
