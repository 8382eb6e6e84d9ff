"""``yiwang audit verify``: prove the audit chain intact or name the first bad record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.models import AuditResult
from yiwang.audit.services import audit_chain_verify, audit_record


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks every record's hash and link; exits 1 on the first bad one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        audit_record(
            action="audit.log.verify", actor_name="cli:audit-verify",
            result=AuditResult.SUCCESS if report.ok else AuditResult.FAILURE,
            details={"checked": report.checked, "first_bad_seq": report.first_bad_seq},
        )
        if not report.ok:
            raise CommandError(f"audit chain BROKEN after {report.checked} good records: {report.problem}")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} records verified"))
