"""``yiwang backup [--output PATH]``: a consistent copy of the whole database, with a manifest beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yiwang.audit.public import system_actor
from yiwang.core.backup import backup_create
from yiwang.core.errors import ServiceError


class Command(BaseCommand):
    help = ("Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) to YIWANG_BACKUP_DIR "
            "or --output, with a JSON manifest (sha256) beside the file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Write the backup to this file (it must not exist).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with system_actor("cli:backup"):
                path = backup_create(path=options["output"])
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Backup written to %(path)s (%(size)d bytes).") % {"path": path, "size": path.stat().st_size}))
