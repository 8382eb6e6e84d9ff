"""Demo data of the base registries (``yiwang demo-data`` runs this after identity's loader).

A few thousand synthetic residents of Pudong with their household addresses, a few hundred legal
persons, the demo citizen and the demo enterprise of identity's demo data (so that pre-filling and
registry checks find them), one correction on each of those two (so their history shows a change), and
field grants for some departments. Idempotent: what exists is kept (people by identity number, legal
persons by credit code, addresses by text; the synthetic loads are skipped when their import exists).
All personal data here is SYNTHETIC (see ``generator``).
"""

from __future__ import annotations

from typing import Protocol

from django.db import transaction

from yiwang.core.public import register_demo_loader
from yiwang.exchange.public import Member, Service
from yiwang.identity.public import Organisation

from . import bulk, services
from .exchange import LEGAL_PERSON_SERVICE, POPULATION_SERVICE, registries_services_register
from .models import LegalPerson, Person, Registry, RegistryFieldGrant, RegistryImport
from .reference import Industry, LegalPersonKind


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


DEMO_SEED = 310115
DEMO_PEOPLE = 3000
DEMO_LEGAL_PERSONS = 300

POPULATION_SOURCE = "PD-GAFJ"  # 区公安分局: household registration (户籍) and residence permits
LEGAL_PERSON_SOURCE = "PD-SCJGJ"  # 区市场监管局: business registration
ADDRESS_SOURCE = "PD-GHZYJ"  # 区规划资源局: the address and map base

# identity/demo.py's citizen (DEMO_CITIZEN) and enterprise (DEMO_ENTERPRISE), both synthetic.
DEMO_CITIZEN = {"id_number": "310115199306151033", "name": "张三", "household_code": "01600000001",
                "household_address": "上海市浦东新区花木街道锦绣路1001弄12号702室",
                "actual_address": "上海市浦东新区花木街道锦绣路1001弄12号702室", "area_code": "310115016"}
DEMO_CITIZEN_MOVED = {"actual_address": "上海市浦东新区张江镇碧波路690弄5号1201室", "area_code": "310115125"}
DEMO_CITIZEN_MOVE_REPORTED_BY = "310115125"  # 张江镇 records where he now lives
DEMO_ENTERPRISE = {"credit_code": "91310115MA1YW0012F", "name": "上海浦东示例科技有限公司",
                   "kind": LegalPersonKind.LIMITED_COMPANY, "legal_representative": "李四",
                   "registered_address": "上海市浦东新区祖冲之路899号5层", "industry": Industry.I,
                   "established_on": "2021-03-18", "area_code": "310115125"}
DEMO_ENTERPRISE_CHANGE = {"registered_address": "上海市浦东新区科苑路399号10层"}

# Which department may read what (origin "local"); the sharing catalogue will add its own grants.
DEMO_GRANTS: dict[str, dict[str, list[str]]] = {
    "PD-SWJ": {  # tax: who the taxpayer is and where they live; the whole legal-person record
        Registry.PERSON: ["name", "sex", "birth_date", "household_address", "actual_address", "area_code",
                          "area_name"],
        Registry.LEGAL_PERSON: ["name", "kind", "legal_representative", "registered_address", "status", "industry",
                                "established_on", "area_code", "area_name", "source", "version", "updated_at"],
    },
    "PD-MZJ": {  # civil affairs: households for assistance and elderly care
        Registry.PERSON: ["name", "sex", "birth_date", "household_code", "household_address", "actual_address",
                          "area_code", "area_name", "updated_at"],
    },
    "PD-CC": {  # the citizen centre's windows check who stands at the counter
        Registry.PERSON: ["name", "sex", "birth_date", "area_name"],
        Registry.LEGAL_PERSON: ["name", "kind", "legal_representative", "status", "registered_address"],
    },
    "PD-SCJGJ": {Registry.PERSON: ["name"]},  # a legal representative's name against their number
    "PD-RSJ": {Registry.PERSON: ["name", "sex", "birth_date"]},
}


def _say(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _imported(registry: str, note: str) -> bool:
    return RegistryImport.objects.filter(registry=registry, note=note, finished_at__isnull=False).exists()


@transaction.atomic
def registries_demo_load(stdout: Writer | None = None) -> tuple[int, int]:
    orgs = {o.code: o for o in Organisation.objects.filter(
        code__in=[POPULATION_SOURCE, LEGAL_PERSON_SOURCE, ADDRESS_SOURCE, DEMO_CITIZEN_MOVE_REPORTED_BY,
                  *DEMO_GRANTS])}
    missing = {POPULATION_SOURCE, LEGAL_PERSON_SOURCE, ADDRESS_SOURCE} - set(orgs)
    if missing:
        _say(stdout, f"  base registries: skipped, departments missing: {', '.join(sorted(missing))}")
        return 0, 0
    created = present = 0

    note = f"demo: synthetic population, seed {DEMO_SEED}"
    if _imported(Registry.PERSON, note):
        present += DEMO_PEOPLE
    else:
        created += bulk.people_generate(count=DEMO_PEOPLE, seed=DEMO_SEED, source=orgs[POPULATION_SOURCE],
                                        note=note).created
    note = f"demo: synthetic legal persons, seed {DEMO_SEED}"
    if _imported(Registry.LEGAL_PERSON, note):
        present += DEMO_LEGAL_PERSONS
    else:
        created += bulk.legal_persons_generate(count=DEMO_LEGAL_PERSONS, seed=DEMO_SEED,
                                               source=orgs[LEGAL_PERSON_SOURCE], note=note).created
    if RegistryImport.objects.filter(registry=Registry.ADDRESS, source=orgs[ADDRESS_SOURCE]).exists():
        present += 1
    else:
        created += bulk.addresses_generate(people=DEMO_PEOPLE, seed=DEMO_SEED, source=orgs[ADDRESS_SOURCE]).created

    if Person.objects.filter(id_number_index=services.person_index(DEMO_CITIZEN["id_number"])).exists():
        present += 1
    else:
        person = services.person_register(source=orgs[POPULATION_SOURCE], **DEMO_CITIZEN)
        reporter = orgs.get(DEMO_CITIZEN_MOVE_REPORTED_BY, orgs[POPULATION_SOURCE])
        services.person_update(person=person, changes=DEMO_CITIZEN_MOVED, source=reporter)
        created += 1
    if LegalPerson.objects.filter(credit_code=DEMO_ENTERPRISE["credit_code"]).exists():
        present += 1
    else:
        enterprise = services.legal_person_register(source=orgs[LEGAL_PERSON_SOURCE], **DEMO_ENTERPRISE)
        services.legal_person_update(legal_person=enterprise, changes=DEMO_ENTERPRISE_CHANGE,
                                     source=orgs[LEGAL_PERSON_SOURCE])
        created += 1

    for code, registries in DEMO_GRANTS.items():
        if code not in orgs:
            continue
        for registry, fields in registries.items():
            if RegistryFieldGrant.objects.filter(organisation=orgs[code], registry=registry, origin="local").exists():
                present += 1
            else:
                services.field_grant_set(organisation=orgs[code], registry=registry, fields=fields)
                created += 1
    created_services, present_services = _exchange_services(orgs, stdout)
    created += created_services
    present += present_services
    _say(stdout, f"  {'base registries':<28} {created:>3} created, {present:>3} already present")
    return created, present


def _exchange_services(orgs: dict[str, Organisation], stdout: Writer | None) -> tuple[int, int]:
    """Put the lookups on the exchange when the exchange's demo data gave the source departments members."""
    providers = {code: Member.objects.filter(organisation=orgs[code], status="active").order_by("pk").first()
                 for code in (POPULATION_SOURCE, LEGAL_PERSON_SOURCE)}
    if None in providers.values():
        _say(stdout, "  base registries: no exchange members for PD-GAFJ / PD-SCJGJ yet; lookups not on the exchange")
        return 0, 0
    if Service.objects.filter(code__in=[POPULATION_SERVICE, LEGAL_PERSON_SERVICE]).count() == 2:
        return 0, 2
    registries_services_register(population_provider=providers[POPULATION_SOURCE],  # type: ignore[arg-type]
                                 legal_person_provider=providers[LEGAL_PERSON_SOURCE])  # type: ignore[arg-type]
    return 2, 0


def register() -> None:
    register_demo_loader("registries", registries_demo_load)
