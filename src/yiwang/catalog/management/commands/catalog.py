"""``yiwang catalog``: script the service catalogue.

    yiwang catalog publish --file matter.json [--bpmn process.bpmn] --by ADMIN [--draft]
    yiwang catalog list

``publish`` reads a matter file (docs/adding-a-matter.md), creates the matter or a new draft of it,
attaches the BPMN process and publishes — all in one transaction through the same services as the
administration pages, audited as the named platform administrator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.public import system_actor
from yiwang.core.public import ServiceError
from yiwang.identity.public import User, is_platform_admin

from ... import selectors, services


class Command(BaseCommand):
    help = "Publish matters from files and list the published catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        # One positional action rather than sub-parsers, so Django's own options (--settings,
        # --verbosity) work wherever they are written.
        parser.add_argument("action", choices=["publish", "list"],
                            help="publish: create or update a matter from a matter file and publish it; "
                                 "list: the published matters.")
        parser.add_argument("--file", help="publish: the matter file (JSON).")
        parser.add_argument("--bpmn", help="publish: the BPMN 2.0 process (not needed for a matter decided on "
                                           "the spot).")
        parser.add_argument("--by", help="publish: user name of the platform administrator responsible.")
        parser.add_argument("--draft", action="store_true", help="publish: save as a draft without publishing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for version in selectors.published_versions():
                self.stdout.write(f"{version.matter.code}\tv{version.number}\t{version.name}")
            return
        self._publish(options)

    def _publish(self, options: dict[str, Any]) -> None:
        if not options["file"] or not options["by"]:
            raise CommandError("publish needs --file and --by")
        by = User.objects.filter(username=options["by"]).first()
        if by is None or not is_platform_admin(by):
            raise CommandError(f"{options['by']!r} is not a platform administrator")
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read the matter file: {exc}") from exc
        bpmn = None
        if options["bpmn"]:
            try:
                bpmn = Path(options["bpmn"]).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read the BPMN file: {exc}") from exc
        try:
            with system_actor("cli:catalog"):
                version = services.matter_import(data=data, bpmn=bpmn, by=by, publish=not options["draft"])
        except ServiceError as exc:
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.field_errors.items())
            raise CommandError(f"nothing was changed: {exc.message}" + (f" {problems}" if problems else "")) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{version.matter.code} v{version.number} {version.get_status_display()}: {version.name}"))
