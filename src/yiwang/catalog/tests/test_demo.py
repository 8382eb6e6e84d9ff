"""The demo catalogue: real Pudong matters, published, loaded idempotently."""

from __future__ import annotations

import pytest

from yiwang.audit.public import AuditRecord
from yiwang.catalog.demo import MATTER_FILES, demo_matters_load
from yiwang.catalog.models import LifeEvent, Matter, MatterVersion, VersionStatus
from yiwang.catalog.public import matter_version_for_application
from yiwang.core.public import demo_loaders
from yiwang.identity.demo import demo_data_load


@pytest.fixture
def demo_identity(db):
    demo_data_load()


def test_the_catalogue_registers_its_demo_loader():
    assert "catalogue" in [step.name for step in demo_loaders()]


def test_demo_matters_are_published_with_processes(demo_identity):
    created, present = demo_matters_load()
    assert present == 0
    assert created == LifeEvent.objects.count() + len(MATTER_FILES)
    assert MatterVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == len(MATTER_FILES)

    permit = matter_version_for_application(code="PD-SCJGJ-0001")  # (a)
    assert permit.promised_days < permit.statutory_days
    assert [d.code for d in permit.departments.all()] == ["PD-SCJGJ"]
    assert permit.process is not None

    counter = matter_version_for_application(code="PD-MZJ-0001")  # (b)
    assert counter.on_the_spot and counter.process is None and counter.promised_days == 0

    startup = matter_version_for_application(code="PD-SCJGJ-0002")  # (c)
    assert startup.process is not None
    lanes = {a["organisation"] for a in startup.process.assignments.values()}
    assert lanes == {"PD-SCJGJ", "PD-SWJ", "PD-TJJ", "PD-SWW"}
    assert {d.code for d in startup.departments.all()} == lanes
    assert "foreign_capital" in startup.form_schema["required"]


def test_loading_twice_creates_nothing_and_audits_nothing(demo_identity):
    demo_matters_load()
    matters, versions, records = Matter.objects.count(), MatterVersion.objects.count(), AuditRecord.objects.count()
    created, present = demo_matters_load()
    assert created == 0
    assert present == LifeEvent.objects.count() + len(MATTER_FILES)
    assert (Matter.objects.count(), MatterVersion.objects.count(), AuditRecord.objects.count()) == (
        matters, versions, records)
