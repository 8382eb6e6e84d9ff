"""``yiwang exchange …``: members and keys, services, grants, the message log. Thin wrappers around the services."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.public import AuditResult, audit_record, system_actor
from yiwang.core.public import ServiceError
from yiwang.exchange import services
from yiwang.exchange.messagelog import message_log_verify
from yiwang.identity.public import Organisation


class Command(BaseCommand):
    help = ("Data exchange: member-create, rotate, revoke, service-register, grant, grant-revoke, gateway-rotate, "
            "verify-log, purge-nonces.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("member-create", help="Admit a member and issue its certificate.")
        create.add_argument("identifier", help="INSTANCE/CLASS/MEMBER_CODE/SUBSYSTEM, e.g. CN-SH/GOV/PD-SWJ/tax-core")
        create.add_argument("--name", required=True)
        create.add_argument("--organisation", help="Code of the member's organisation (required for GOV)")
        create.add_argument("--public-key", type=Path, help="The member's own Ed25519 public key (PEM); "
                            "without it a key pair is generated")
        create.add_argument("--key-out", type=Path, help="Write the generated private key here (mode 0600)")
        create.add_argument("--cert-out", type=Path, help="Write the certificate (PEM) here")
        rotate = sub.add_parser("rotate", help="A new key and certificate for a member; the old one is kept.")
        rotate.add_argument("identifier")
        rotate.add_argument("--public-key", type=Path)
        rotate.add_argument("--key-out", type=Path)
        rotate.add_argument("--cert-out", type=Path)
        revoke = sub.add_parser("revoke", help="Revoke a member: the gateway refuses it from now on.")
        revoke.add_argument("identifier")
        revoke.add_argument("--reason", required=True)
        register = sub.add_parser("service-register", help="Register or update a provider's service.")
        register.add_argument("provider")
        register.add_argument("code")
        register.add_argument("--version", required=True)
        register.add_argument("--title", required=True)
        register.add_argument("--openapi", type=Path, required=True, help="The OpenAPI document (JSON file)")
        register.add_argument("--base-url", help="The provider's base URL (external HTTP service)")
        register.add_argument("--local", action="store_true", help="An in-process handler registered by our apps")
        register.add_argument("--timeout", type=float)
        grant = sub.add_parser("grant", help="Let a member call a service (optionally only some fields).")
        grant.add_argument("code")
        grant.add_argument("consumer")
        grant.add_argument("--field", action="append", dest="fields", help="A granted field; repeat (default: all)")
        grant.add_argument("--purpose", default="")
        grant_revoke = sub.add_parser("grant-revoke", help="End a grant.")
        grant_revoke.add_argument("grant_id", type=int)
        sub.add_parser("gateway-rotate", help="A new signing key for the message log.")
        sub.add_parser("verify-log", help="Prove the message log intact or name the first bad entry (exit 1).")
        sub.add_parser("purge-nonces", help="Forget nonces older than twice the clock-skew window.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with system_actor(f"cli:{getpass.getuser()}"):
            try:
                getattr(self, "do_" + action.replace("-", "_"))(options)
            except ServiceError as exc:
                problems = "; ".join(f"{field}: {m}" for field, messages in exc.field_errors.items() for m in messages)
                raise CommandError(problems or str(exc.message)) from exc

    def _write_keys(self, keys: services.MemberKeys, options: dict[str, Any]) -> None:
        self.stdout.write(f"member {keys.member.identifier}: certificate {keys.certificate.serial} "
                          f"valid until {keys.certificate.not_after:%Y-%m-%d}")
        if options.get("cert_out"):
            options["cert_out"].write_text(keys.certificate.pem)
            self.stdout.write(f"certificate written to {options['cert_out']}")
        if keys.private_key_pem is not None and options.get("key_out"):
            path: Path = options["key_out"]
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(keys.private_key_pem)
            self.stdout.write(f"private key written to {path} (mode 0600); hand it to the member's system securely")

    def _public_key(self, options: dict[str, Any]) -> str | None:
        return options["public_key"].read_text() if options.get("public_key") else None

    def do_member_create(self, options: dict[str, Any]) -> None:
        organisation = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with code {options['organisation']}")
        keys = services.member_create(identifier=options["identifier"], name=options["name"],
                                      organisation=organisation, public_key_pem=self._public_key(options))
        self._write_keys(keys, options)

    def do_rotate(self, options: dict[str, Any]) -> None:
        self._write_keys(services.member_rotate(identifier=options["identifier"],
                                                public_key_pem=self._public_key(options)), options)

    def do_revoke(self, options: dict[str, Any]) -> None:
        member = services.member_revoke(identifier=options["identifier"], reason=options["reason"])
        self.stdout.write(f"member {member.identifier} revoked")

    def do_service_register(self, options: dict[str, Any]) -> None:
        try:
            document = json.loads(options["openapi"].read_text())
        except ValueError as exc:
            raise CommandError(f"{options['openapi']} is not JSON") from exc
        service = services.service_register(
            provider=options["provider"], code=options["code"], version=options["version"], title=options["title"],
            openapi=document, kind="local" if options["local"] else "http", base_url=options.get("base_url") or "",
            timeout_seconds=options.get("timeout"))
        self.stdout.write(f"service {service.code} v{service.version}: /exchange/v1/{service.code}/")

    def do_grant(self, options: dict[str, Any]) -> None:
        grant = services.grant_create(service=options["code"], consumer=options["consumer"],
                                      fields=options["fields"], granted_by_name=f"cli:{getpass.getuser()}",
                                      purpose=options["purpose"])
        self.stdout.write(f"grant {grant.pk}: {grant.consumer} may call {grant.service.code} "
                          f"({', '.join(grant.fields) if grant.fields else 'every field'})")

    def do_grant_revoke(self, options: dict[str, Any]) -> None:
        grant = services.grant_revoke(grant=options["grant_id"], revoked_by_name=f"cli:{getpass.getuser()}")
        self.stdout.write(f"grant {grant.pk} revoked")

    def do_gateway_rotate(self, options: dict[str, Any]) -> None:
        cert = services.gateway_key_rotate()
        self.stdout.write(f"gateway signs with certificate {cert.serial} from now on")

    def do_verify_log(self, options: dict[str, Any]) -> None:
        report = message_log_verify()
        audit_record(action="exchange.log.verify", result=AuditResult.SUCCESS if report.ok else AuditResult.FAILURE,
                     details={"checked": report.checked, "first_bad_seq": report.first_bad_seq})
        if not report.ok:
            raise CommandError(f"message log BROKEN after {report.checked} good entries: {report.problem}")
        self.stdout.write(self.style.SUCCESS(f"message log intact: {report.checked} entries verified"))

    def do_purge_nonces(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{services.nonce_purge()} expired nonces forgotten")
