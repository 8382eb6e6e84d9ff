"""Seed the official calendar with every year the installed ``chinesecalendar`` package knows.

So that any fresh database — a new deployment, a test database — counts working days correctly from
the start. Years published later are loaded with ``yiwang calendar import`` or on the workbench
(docs/decisions/0003-working-day-calendar.md). Self-contained on purpose: a migration must not
change behaviour when application code changes later.
"""

from importlib import metadata

from django.db import migrations
from django.utils import timezone


def _chinese(english):
    from chinese_calendar.constants import Holiday

    try:
        return str(Holiday(english).chinese)
    except ValueError:
        return english


def load(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    source = f"chinesecalendar {metadata.version('chinesecalendar')}"
    now = timezone.now()
    years = sorted({d.year for d in holidays} | {d.year for d in workdays})
    existing = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    rows = {year: CalendarYear.objects.create(year=year, source=source, loaded_at=now, updated_at=now)
            for year in years if year not in existing}
    days = [CalendarDay(year=rows[d.year], date=d, kind="holiday", name=_chinese(n))
            for d, n in holidays.items() if d.year in rows]
    days += [CalendarDay(year=rows[d.year], date=d, kind="workday", name=_chinese(n))
             for d, n in workdays.items() if d.year in rows]
    CalendarDay.objects.bulk_create(sorted(days, key=lambda day: day.date), batch_size=500)


def unload(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarYear.objects.filter(source__startswith="chinesecalendar ", loaded_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_calendar_and_clocks")]

    operations = [migrations.RunPython(load, unload)]
