"""``yiwang notifications retry``: try failed e-mail and SMS deliveries again (a thin wrapper)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.audit.public import system_actor
from yiwang.notifications.services import deliveries_retry


class Command(BaseCommand):
    help = "Notifications: retry e-mail and SMS deliveries that failed (the events worker sends the others)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        retry = sub.add_parser("retry", help="Retry failed deliveries (pending ones are the events worker's).")
        retry.add_argument("--limit", type=int, default=500, help="At most this many notices (default 500)")

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor(f"cli:{getpass.getuser()}"):
            sent = deliveries_retry(limit=options["limit"])
        self.stdout.write(f"{sent} deliveries sent")
