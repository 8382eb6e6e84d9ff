"""Calendar fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from yiwang.core import services
from yiwang.core.models import CalendarYear


@pytest.fixture(autouse=True)
def official_calendar(db):
    """The data migration seeds 2004–2026; a flushing (transactional) test elsewhere may have wiped it."""
    if not CalendarYear.objects.filter(year=2025).exists():
        for year in services.library_years():
            services.calendar_year_load_from_library(year=year)


@pytest.fixture
def unpublished_2027(db):
    """Today (late 2026) the 2027 schedule is not published: make sure no 2027+ year is loaded, even if a
    newer chinesecalendar release seeded one."""
    CalendarYear.objects.filter(year__gte=2027).delete()
