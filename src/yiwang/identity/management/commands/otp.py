"""``yiwang otp code USERNAME``: the code a user's authenticator shows now (demo and development only).

So that a reviewer can log in as demo staff without a phone. Refuses while DEBUG is off unless
``--force`` is given: on a real system, printing a staff member's current code defeats the second factor.

``yiwang otp reset USERNAME --by ADMIN --reason "…"``: a platform administrator removes a staff member's
lost authenticator and recovery codes and ends their sessions (audited); they set up a new one at their
next login.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.public import ValidationFailed
from yiwang.identity import otp
from yiwang.identity.models import User


class Command(BaseCommand):
    help = "Print the current second-factor code of a user's authenticator (DEBUG or --force only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["code", "reset"],
                            help="code: print the current six-digit code; reset: remove the second factor")
        parser.add_argument("username")
        parser.add_argument("--force", action="store_true",
                            help="code: run even when DEBUG is off (never on a production system).")
        parser.add_argument("--by", default="", help="reset: the platform administrator doing it (user name)")
        parser.add_argument("--reason", default="", help="reset: why (recorded in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset":
            self._reset(options)
            return
        if not settings.DEBUG and not options["force"]:
            raise CommandError("refusing to print second-factor codes while DEBUG is off; "
                               "pass --force if this really is a demo or development database")
        user = User.objects.filter(username=options["username"]).first()
        device = otp.totp_device_of(user) if user is not None else None
        if device is None:
            raise CommandError(f"{options['username']!r} has no authenticator set up")
        self.stdout.write(otp.totp_code_now(device))

    def _reset(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"]).first()
        admin = User.objects.filter(username=options["by"]).first() if options["by"] else None
        if user is None or admin is None:
            raise CommandError("name an existing account and, with --by, the administrator resetting it")
        try:
            ended = otp.second_factor_reset(by=admin, user=user, reason=options["reason"])
        except PermissionDenied as exc:
            raise CommandError(f"not reset: {admin.username} is not a platform administrator") from exc
        except ValidationFailed as exc:
            detail = "; ".join(str(m) for messages in exc.field_errors.values() for m in messages)
            raise CommandError(f"not reset: {detail}") from exc
        self.stdout.write(f"second factor of {user.username} removed; {ended} session(s) ended")
