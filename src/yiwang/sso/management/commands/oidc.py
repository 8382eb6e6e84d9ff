"""``yiwang oidc create-client …`` and ``yiwang oidc rotate-key``: thin wrappers around the sso services."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.public import system_actor
from yiwang.core.public import ValidationFailed
from yiwang.sso.keys import key_id
from yiwang.sso.models import Scope
from yiwang.sso.services import client_create, signing_key_rotate


class Command(BaseCommand):
    help = "OpenID Connect provider: register a department system as a client, or rotate the signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create-client", help="Register a department system (prints its credentials once).")
        create.add_argument("--department", required=True, help="Code of the owning department, e.g. SWJ")
        create.add_argument("--name", required=True, help="Name shown to people on the consent page")
        create.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris",
                            help="Exact redirect URI (https); repeat for several")
        create.add_argument("--post-logout-redirect-uri", action="append", default=[], dest="logout_uris",
                            help="Where the system may send people after logout; repeat for several")
        create.add_argument("--scope", action="append", dest="scopes", choices=[s for s in Scope.values
                                                                                 if s != Scope.IDCARD],
                            help="A scope the client may ask for (default: openid profile); repeat for several")
        create.add_argument("--allow-idcard", action="store_true",
                            help="Allow the idcard scope (resident identity number); a platform decision")
        create.add_argument("--public", action="store_true",
                            help="A public client (browser or mobile app): no secret, PKCE only")
        sub.add_parser("rotate-key", help="Make a new ID-token signing key; old keys stay in the JWKS.")

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor(f"cli:{getpass.getuser()}"):
            if options["action"] == "rotate-key":
                keys = signing_key_rotate()
                self.stdout.write(f"new signing key {key_id(keys.active)}; "
                                  f"published: {', '.join(key_id(p) for p in keys.all)}")
                return
            try:
                registration = client_create(
                    organisation_code=options["department"], name=options["name"],
                    redirect_uris=options["redirect_uris"], post_logout_redirect_uris=options["logout_uris"],
                    confidential=not options["public"], scopes=options["scopes"] or [Scope.OPENID, Scope.PROFILE],
                    allow_idcard=options["allow_idcard"])
            except ValidationFailed as exc:
                problems = "; ".join(m for messages in exc.field_errors.values() for m in messages)
                raise CommandError(problems or str(exc.message)) from exc
        app = registration.application
        self.stdout.write(f"client_id:     {app.client_id}")
        if registration.client_secret:
            self.stdout.write(f"client_secret: {registration.client_secret}")
            self.stdout.write("Store the secret now: yiwang keeps only its hash and cannot show it again.")
        else:
            self.stdout.write("public client: no secret; the system must use PKCE (S256).")
