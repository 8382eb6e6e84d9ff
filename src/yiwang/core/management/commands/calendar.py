"""``yiwang calendar``: load, inspect and use the official working-day calendar.

    yiwang calendar load-library [--year 2026]
    yiwang calendar import schedule-2027.csv --year 2027 --source "国办发明电〔2026〕…号" [--replace]
    yiwang calendar set-day 2027-10-09 workday --name 国庆节      (or: set-day 2027-10-09 clear)
    yiwang calendar show --year 2025
    yiwang calendar deadline 2025-01-20 10
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core import calendar, services
from yiwang.core.errors import ValidationFailed


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "The official working-day calendar: load a year, show it, compute a deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        library = sub.add_parser("load-library", help="Load years from the installed chinesecalendar package.")
        library.add_argument("--year", type=int, help="Only this year (default: every year the package knows).")
        library.add_argument("--missing-only", action="store_true", help="Skip years already loaded.")
        imp = sub.add_parser("import", help="Load a newly published year from a CSV or JSON file.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--year", type=int, required=True)
        imp.add_argument("--source", default="", help="The notice it was published in (required for CSV).")
        imp.add_argument("--replace", action="store_true", help="Overwrite the year if it is already loaded.")
        day = sub.add_parser("set-day", help="Correct one day of a loaded year.")
        day.add_argument("date", type=_date)
        day.add_argument("kind", choices=["holiday", "workday", "clear"])
        day.add_argument("--name", default="")
        show = sub.add_parser("show", help="List the holidays and make-up working days of a year.")
        show.add_argument("--year", type=int, help="Default: the last loaded year.")
        deadline = sub.add_parser("deadline", help="The date N working days after START.")
        deadline.add_argument("start", type=_date)
        deadline.add_argument("days", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["subcommand"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except ValidationFailed as exc:
            problems = [f"  {field}: {msg}" for field, msgs in exc.field_errors.items() for msg in msgs]
            raise CommandError("\n".join([str(exc.message), *problems])) from None

    @staticmethod
    def _by_name() -> str:
        try:
            return f"cli:{getpass.getuser()}"
        except (KeyError, OSError):
            return "cli"

    def do_load_library(self, options: dict[str, Any]) -> None:
        years = [options["year"]] if options["year"] else services.library_years()
        if options["missing_only"]:
            known = {y.year for y in calendar.calendar_years()}
            years = [y for y in years if y not in known]
        for year in years:
            loaded = services.calendar_year_load_from_library(year=year, by_name=self._by_name())
            self.stdout.write(f"{loaded.year}: loaded from {loaded.source}")
        self.stdout.write(self.style.SUCCESS(f"{len(years)} year(s) loaded"))

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        loaded = services.calendar_year_import(year=options["year"], data=data, filename=path.name,
                                               source=options["source"], replace=options["replace"],
                                               by_name=self._by_name())
        count = loaded.days.count()
        self.stdout.write(self.style.SUCCESS(f"{loaded.year}: {count} days loaded from {loaded.source}"))

    def do_set_day(self, options: dict[str, Any]) -> None:
        kind = None if options["kind"] == "clear" else options["kind"]
        services.calendar_day_set(date=options["date"], kind=kind, name=options["name"], by_name=self._by_name())
        self.stdout.write(self.style.SUCCESS(f"{options['date'].isoformat()}: {options['kind']}"))

    def do_show(self, options: dict[str, Any]) -> None:
        year = options["year"] or calendar.last_known_year()
        if year is None:
            raise CommandError("no year is loaded")
        info = calendar.calendar_years().filter(year=year).first()
        if info is None:
            self.stdout.write(f"{year} is not loaded: Monday to Friday are working days, deadlines provisional")
            return
        self.stdout.write(f"{year} (source: {info.source}; loaded {info.loaded_at:%Y-%m-%d})")
        for day in calendar.calendar_days(year):
            self.stdout.write(f"{day.date.isoformat()} {day.date:%a} {day.kind:<8} {day.name}")

    def do_deadline(self, options: dict[str, Any]) -> None:
        if not 0 <= options["days"] <= services.MAX_LIMIT_DAYS:
            raise CommandError(f"days must be between 0 and {services.MAX_LIMIT_DAYS}")
        due = calendar.add_working_days(options["start"], options["days"])
        note = " PROVISIONAL (runs past the last loaded year; weekends-only rule)" if due.provisional else ""
        self.stdout.write(f"{due.date.isoformat()} {due.date:%a}{note}")
