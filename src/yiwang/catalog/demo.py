"""Demo catalogue (``yiwang demo-data``): life events and real Pudong matters, published.

Each matter is a matter file in ``catalog/demo/`` (the same format ``yiwang catalog publish`` reads,
docs/adding-a-matter.md) with, unless it is decided on the spot, a BPMN file of the same name. The
guide content is written from public knowledge of Shanghai's and Pudong's service guides (legal
basis, conditions, materials, limits); it is demo content, not an official guide.

Idempotent: a life event or a matter whose code exists is kept as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.public import ValidationFailed
from yiwang.identity.public import Role, StaffRole, User

from . import services
from .models import ApplicantKind, LifeEvent, Matter

DEMO_DIR = Path(__file__).resolve().parent / "demo"

# (code, 中文, English, for whom)
LIFE_EVENTS: tuple[tuple[str, str, str, str], ...] = (
    ("birth", "出生", "Birth", ApplicantKind.CITIZEN),
    ("schooling", "上学", "Going to school", ApplicantKind.CITIZEN),
    ("employment", "就业", "Employment", ApplicantKind.CITIZEN),
    ("marriage", "婚姻", "Marriage", ApplicantKind.CITIZEN),
    ("housing", "住房", "Housing", ApplicantKind.CITIZEN),
    ("social_assistance", "社会救助", "Social assistance", ApplicantKind.CITIZEN),
    ("retirement", "养老", "Retirement", ApplicantKind.CITIZEN),
    ("business_startup", "开办企业", "Starting a business", ApplicantKind.ENTERPRISE),
    ("business_operation", "经营许可", "Running a business", ApplicantKind.ENTERPRISE),
    ("business_closure", "企业注销", "Closing a business", ApplicantKind.ENTERPRISE),
)

# (a) a single-department permit whose promised limit is shorter than the statutory one,
# (b) matters decided on the spot at the counter (即办件), (c) a parallel approval by three departments
# with a conditional fourth branch — and more.
MATTER_FILES = (
    "food-business-licence",          # (a) PD-SCJGJ, statutory 10 / promised 5 working days
    "marriage-registration",          # (b) 即办件, decided at the counter
    "business-startup",               # (c) PD-SCJGJ + PD-SWJ + PD-TJJ in parallel, PD-SWW if foreign capital
    "public-place-hygiene-licence",   # PD-WJW, statutory 20 / promised 7
    "minimum-living-allowance",       # PD-MZJ, two steps (handler, department head)
    "unemployment-registration",      # 即办件 online
)


def matter_file(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    return data


def _publisher() -> User:
    user = User.objects.filter(username="demo_admin").first()
    if user is None:
        grant = StaffRole.objects.filter(role=Role.PLATFORM_ADMIN).select_related("user").order_by("pk").first()
        user = grant.user if grant is not None else None
    if user is None:
        raise ValidationFailed(_("The demo catalogue is published by a platform administrator: load identity's "
                                 "demo data first."))
    return user


@transaction.atomic
def demo_matters_load(stdout: Any = None) -> tuple[int, int]:
    """Create the demo life events and publish the demo matters; returns (created, present)."""
    created = present = 0
    by = _publisher()
    for position, (code, name, name_en, audience) in enumerate(LIFE_EVENTS, start=1):
        if LifeEvent.objects.filter(code=code).exists():
            present += 1
            continue
        services.life_event_create(code=code, name=name, name_en=name_en, audience=audience,
                                   sort_order=position * 10, by=by)
        created += 1
    for stem in MATTER_FILES:
        data = matter_file(stem)
        if Matter.objects.filter(code=data["code"]).exists():
            present += 1
            continue
        bpmn_path = DEMO_DIR / f"{stem}.bpmn"
        bpmn = bpmn_path.read_bytes() if bpmn_path.exists() else None
        services.matter_import(data=data, bpmn=bpmn, by=by, publish=True)
        created += 1
    if stdout is not None:
        stdout.write(f"  {'catalogue (matters)':<28} {created:>3} created, {present:>3} already present\n")
    return created, present
