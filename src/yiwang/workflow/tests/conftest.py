"""Workflow test fixtures: more departments, their handlers and heads, the test BPMN files as definitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind, Role, User
from yiwang.workflow import services
from yiwang.workflow.models import DepartmentTask, ProcessDefinition, ProcessInstance

BPMN_DIR = Path(__file__).parent / "bpmn"


def bpmn(name: str) -> bytes:
    return (BPMN_DIR / name).read_bytes()


@pytest.fixture
def foreign_trade(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="SWW", name="区商务委",
                                        name_en="District Commerce Commission", parent=district)


@pytest.fixture
def tax_colleague(make_staff, tax) -> User:
    return make_staff(tax, Role.HANDLER, username="tax_colleague")


@pytest.fixture
def tax_head(make_staff, tax) -> User:
    return make_staff(tax, Role.DEPARTMENT_HEAD, username="tax_head")


@pytest.fixture
def foreign_handler(make_staff, foreign_trade) -> User:
    return make_staff(foreign_trade, Role.HANDLER, username="foreign_handler")


@pytest.fixture
def single_definition(tax, platform_admin) -> ProcessDefinition:
    return services.process_definition_create(bpmn=bpmn("single_approval.bpmn"), name="Tax permit",
                                              by=platform_admin)


@pytest.fixture
def parallel_definition(tax, commerce, finance, foreign_trade, platform_admin) -> ProcessDefinition:
    return services.process_definition_create(bpmn=bpmn("parallel_one_form.bpmn"), name="Enterprise set-up",
                                              by=platform_admin)


@pytest.fixture
def timer_definition(tax, platform_admin) -> ProcessDefinition:
    return services.process_definition_create(bpmn=bpmn("timer_escalation.bpmn"), name="Escalating permit",
                                              by=platform_admin)


@pytest.fixture
def start(citizen):
    counter = {"n": 0}

    def start_process(definition: ProcessDefinition, data: dict | None = None) -> ProcessInstance:
        counter["n"] += 1
        return services.process_start(definition=definition, subject=f"test.case:{counter['n']}",
                                      data=data if data is not None else {"form": {}}, by=citizen)

    return start_process


def task_of(instance: ProcessInstance, code: str) -> DepartmentTask:
    return DepartmentTask.objects.get(instance=instance, organisation__code=code, status__in=["open", "claimed"])


@contextmanager
def engine_time_shifted(days: float) -> Iterator[None]:
    """Make SpiffWorkflow's timers believe ``days`` have passed (its timer module reads the wall clock)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    real = timer.datetime

    class Later(real):  # type: ignore[misc,valid-type]
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return real.now(tz) + dt.timedelta(days=days)

    with mock.patch.object(timer, "datetime", Later):
        yield
