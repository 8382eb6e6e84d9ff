"""``yiwang supervision sweep [--today YYYY-MM-DD]``: grade every watched clock and tell who must know.

Run it daily from cron or a systemd timer (docs/supervision.md, ADR 0025).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.supervision.services import sweep


class Command(BaseCommand):
    help = "E-supervision: 'sweep' grades all watched clocks (yellow/red cards) and sends the warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="Grade all open clocks and notify (idempotent; run daily).")
        run.add_argument("--today", help="The day to grade for (YYYY-MM-DD); default today in Asia/Shanghai.")
        run.add_argument("--no-notify", action="store_true", help="Grade and record cards but send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today must be a date YYYY-MM-DD, not {options['today']!r}") from exc
        result = sweep(today=today, notify=not options["no_notify"])
        self.stdout.write(
            f"supervision sweep {result.today.isoformat()}: {result.discovered} newly watched, {result.synced} "
            f"resynchronised, {result.yellow} yellow, {result.red} red, {result.cards} cards, "
            f"{result.notices} notices sent")
