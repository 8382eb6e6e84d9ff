"""``yiwang restore PATH [--yes]``: replace the database with a backup, then verify the audit chain."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from yiwang.audit.public import audit_chain_verify, system_actor
from yiwang.core.backup import backup_restore
from yiwang.core.errors import ServiceError

CONFIRMATION = "yes"


class Command(BaseCommand):
    help = ("Replace EVERY row of the database with a backup made by 'yiwang backup', then verify the "
            "audit chain (exit status 1 if it is broken). Asks for confirmation unless --yes.")
    stealth_options = ("stdin",)  # tests hand in a stand-in for the terminal

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (.sqlite3 or .pgdump).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not options["yes"]:
            self._confirm(path, options.get("stdin") or sys.stdin)
        try:
            with system_actor("cli:restore"):
                backup_restore(path=path)
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(_("Restored %(path)s.") % {"path": path}))

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(self.style.WARNING(
                _("The backup predates %(count)d migration(s) of this version; run 'yiwang migrate' before "
                  "starting the application.") % {"count": len(pending)}))

        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(_("Audit chain BROKEN after %(checked)d good records: %(problem)s")
                               % {"checked": report.checked, "problem": report.problem})
        self.stdout.write(self.style.SUCCESS(
            _("Audit chain intact: %(checked)d records verified.") % {"checked": report.checked}))

    def _confirm(self, path: Path, stdin: TextIO) -> None:
        if not stdin.isatty():
            raise CommandError(_("Refusing to restore without confirmation: standard input is not a terminal. "
                                 "Pass --yes to restore anyway."))
        self.stdout.write(
            _("This replaces EVERY row of the database %(database)s with %(path)s; anything written since the "
              "backup is lost. Type '%(word)s' to continue: ")
            % {"database": connection.settings_dict["NAME"], "path": path, "word": CONFIRMATION}, ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() != CONFIRMATION:
            raise CommandError(_("Restore cancelled; nothing was changed."))
