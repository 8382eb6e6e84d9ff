"""``yiwang registries generate --people N --legal-persons M [--seed S]``: load a synthetic population.

Also ``yiwang registries grant ORG_CODE REGISTRY FIELD,FIELD`` (an empty field list withdraws) and
``yiwang registries fields`` (what can be granted). Thin wrappers around ``bulk`` and ``services``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.audit.public import system_actor
from yiwang.core.public import ServiceError
from yiwang.identity.public import Organisation

from ... import bulk, services
from ...catalogue import SPECS


class Command(BaseCommand):
    help = "Base registries: generate a synthetic population, grant fields to a department."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Load synthetic residents, legal persons and addresses.")
        gen.add_argument("--people", type=int, default=0, help="How many residents (Pudong: 5700000).")
        gen.add_argument("--legal-persons", type=int, default=0, help="How many legal persons.")
        gen.add_argument("--addresses", action="store_true",
                         help="Also load the households' geocoded addresses into the address registry.")
        gen.add_argument("--seed", type=int, default=1, help="Same seed, same population (default 1).")
        gen.add_argument("--source", default="PD-GAFJ",
                         help="Code of the population's source department (default PD-GAFJ).")
        gen.add_argument("--legal-person-source", default="PD-SCJGJ",
                         help="Code of the legal persons' source department (default PD-SCJGJ).")
        gen.add_argument("--workers", type=int, default=-1,
                         help="Processes that generate and encrypt (default: one per CPU for > 50,000 people).")
        gen.add_argument("--batch-size", type=int, default=20_000, help="Rows per insert (default 20000).")
        grant = sub.add_parser("grant", help="Set the fields of a registry a department may read.")
        grant.add_argument("organisation", help="Organisation code, e.g. PD-SWJ")
        grant.add_argument("registry", choices=sorted(SPECS))
        grant.add_argument("fields", nargs="?", default="", help="Comma-separated field names; empty withdraws.")
        sub.add_parser("fields", help="List the fields of each registry.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            with system_actor(f"cli:registries-{action}"):
                getattr(self, f"_{action}")(options)
        except ServiceError as exc:
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.field_errors.items())
            raise CommandError(f"{exc.message} {problems}".strip()) from exc

    def _organisation(self, code: str) -> Organisation:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"no organisation with code {code!r}: load the demo data (yiwang demo-data) or pass "
                               "another code")
        return org

    def _generate(self, options: dict[str, Any]) -> None:
        people, legal_persons, seed = options["people"], options["legal_persons"], options["seed"]
        if people < 0 or legal_persons < 0 or not (people or legal_persons):
            raise CommandError("give --people and/or --legal-persons (positive numbers)")
        progress = options["verbosity"] >= 1
        if people:
            source = self._organisation(options["source"])
            workers = options["workers"]
            if workers < 0:
                workers = (os.cpu_count() or 1) if people > 50_000 else 0
            started = time.monotonic()
            batch = bulk.people_generate(count=people, seed=seed, source=source, workers=workers,
                                         batch_size=options["batch_size"], progress=progress)
            elapsed = time.monotonic() - started
            self.stdout.write(f"residents: {batch.created} created of {people} requested in {elapsed:.1f} s "
                              f"({people / max(elapsed, 1e-9):,.0f}/s, {workers or 1} process(es)), import "
                              f"#{batch.pk}")
            if options["addresses"]:
                batch = bulk.addresses_generate(people=people, seed=seed, source=source,
                                                batch_size=options["batch_size"], progress=progress)
                self.stdout.write(f"addresses: {batch.created} created, import #{batch.pk}")
        if legal_persons:
            source = self._organisation(options["legal_person_source"])
            started = time.monotonic()
            batch = bulk.legal_persons_generate(count=legal_persons, seed=seed, source=source,
                                                batch_size=options["batch_size"], progress=progress)
            self.stdout.write(f"legal persons: {batch.created} created of {legal_persons} requested in "
                              f"{time.monotonic() - started:.1f} s, import #{batch.pk}")

    def _grant(self, options: dict[str, Any]) -> None:
        org = self._organisation(options["organisation"])
        fields = [f.strip() for f in options["fields"].split(",") if f.strip()]
        grant = services.field_grant_set(organisation=org, registry=options["registry"], fields=fields)
        if grant is None:
            self.stdout.write(f"{org.code} may no longer read {options['registry']} (local grant withdrawn)")
        else:
            self.stdout.write(f"{org.code} may read {options['registry']}: {', '.join(grant.fields)}")

    def _fields(self, options: dict[str, Any]) -> None:
        for name, spec in SPECS.items():
            self.stdout.write(f"{name} (key {spec.key}): {', '.join(spec.readable)}")
