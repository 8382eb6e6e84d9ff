"""Demo data: every department of the demo organisation tree becomes an exchange member ``CN-SH/GOV/<code>/main``.

Runs before the registries' and the sharing catalogue's loaders (INSTALLED_APPS order), which put their services
on the exchange and grant access between these members. Keys are generated and kept in the key store.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from yiwang.core.public import ValidationFailed
from yiwang.identity.public import Organisation, OrgKind

from .models import Member
from .services import MEMBER_CODE_RE, member_create

DEMO_SUBSYSTEM = "main"


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


def demo_member_identifier(organisation: Organisation) -> str:
    return f"{settings.YIWANG_EXCHANGE_INSTANCE}/GOV/{organisation.code}/{DEMO_SUBSYSTEM}"


def exchange_demo_load(stdout: Writer | None = None) -> tuple[int, int]:
    created = present = 0
    for organisation in Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("code"):
        if not MEMBER_CODE_RE.match(organisation.code):
            continue
        identifier = demo_member_identifier(organisation)
        if Member.objects.filter(identifier=identifier).exists():
            present += 1
            continue
        try:
            member_create(identifier=identifier, name=f"{organisation.name} 业务系统", organisation=organisation)
        except ValidationFailed:
            continue
        created += 1
    if stdout is not None:
        stdout.write(f"  {'exchange members':<28} {created:>3} created, {present:>3} already present\n")
    return created, present
