"""``yiwang otp code USERNAME``: the code a user's authenticator shows now (demo and development only).

So that a reviewer can log in as demo staff without a phone. Refuses while DEBUG is off unless
``--force`` is given: on a real system, printing a staff member's current code defeats the second factor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.identity import otp
from yiwang.identity.models import User


class Command(BaseCommand):
    help = "Print the current second-factor code of a user's authenticator (DEBUG or --force only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["code"], help="code: print the current six-digit code")
        parser.add_argument("username")
        parser.add_argument("--force", action="store_true",
                            help="Run even when DEBUG is off (never on a production system).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("refusing to print second-factor codes while DEBUG is off; "
                               "pass --force if this really is a demo or development database")
        user = User.objects.filter(username=options["username"]).first()
        device = otp.totp_device_of(user) if user is not None else None
        if device is None:
            raise CommandError(f"{options['username']!r} has no authenticator set up")
        self.stdout.write(otp.totp_code_now(device))
