"""``yiwang workflow``: run due process timers, upload a process definition, check a BPMN file.

    yiwang workflow tick [--limit 500] [--quiet]        fire due timers (run every minute from cron/systemd)
    yiwang workflow check process.bpmn [--dmn table.dmn]  parse and check a file without storing it
    yiwang workflow define process.bpmn --name "企业开办" --by admin [--dmn table.dmn …]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from yiwang.core.public import ValidationFailed
from yiwang.identity.public import User, is_platform_admin
from yiwang.workflow import services


class Command(BaseCommand):
    help = "Collaborative handling: fire due timers, upload or check BPMN process definitions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        tick = sub.add_parser("tick", help="Fire every due timer event (escalations) once.")
        tick.add_argument("--limit", type=int, default=500, help="At most this many processes per run.")
        tick.add_argument("--quiet", action="store_true", help="No progress bar.")
        check = sub.add_parser("check", help="Check a BPMN file as an upload would, storing nothing.")
        check.add_argument("file", type=Path)
        check.add_argument("--dmn", type=Path, action="append", default=[], help="A DMN file it calls (repeatable).")
        define = sub.add_parser("define", help="Store a BPMN file as the next version of a process.")
        define.add_argument("file", type=Path)
        define.add_argument("--name", required=True)
        define.add_argument("--by", required=True, help="User name of the platform administrator responsible.")
        define.add_argument("--dmn", type=Path, action="append", default=[], help="A DMN file it calls (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['subcommand']}")(options)
        except ValidationFailed as exc:
            problems = [f"  {field}: {msg}" for field, msgs in exc.field_errors.items() for msg in msgs]
            raise CommandError("\n".join([str(exc.message), *problems])) from None

    def do_tick(self, options: dict[str, Any]) -> None:
        with tqdm(unit=" processes", disable=options["quiet"], dynamic_ncols=True) as bar:
            handled = services.process_timers_fire(limit=options["limit"], progress=bar.update)
        self.stdout.write(f"{handled} process(es) with due timers handled")

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None

    def do_check(self, options: dict[str, Any]) -> None:
        data = self._read(options["file"])
        user = User.objects.filter(is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no user exists yet to check against")
        with transaction.atomic():
            definition = services.process_definition_create(bpmn=data, name=options["file"].stem, by=user,
                                                            dmn=[self._read(path) for path in options["dmn"]])
            departments = ", ".join(o.code for o in services.process_definition_departments(definition=definition))
            transaction.set_rollback(True)  # a check stores nothing
        self.stdout.write(f"OK: process {definition.process_id}, departments {departments}")

    def do_define(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['by']!r}")
        if not is_platform_admin(user):
            raise CommandError(f"{user.username} is not a platform administrator")
        definition = services.process_definition_create(bpmn=self._read(options["file"]), name=options["name"],
                                                        by=user, dmn=[self._read(path) for path in options["dmn"]])
        self.stdout.write(f"stored {definition.key} version {definition.version} (id {definition.pk})")
