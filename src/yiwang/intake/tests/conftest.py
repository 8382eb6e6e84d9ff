"""Intake test fixtures: matters built through the catalog's own services (``matter_import``), with small BPMN
processes; staff of the departments; files whose content is (or is not) what their name says."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from yiwang.catalog import services as catalog
from yiwang.identity import services as identity
from yiwang.identity.models import AssuranceLevel, Organisation, OrgKind, Role, User
from yiwang.intake.uploads import Upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

SINGLE_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_intake_single"
                  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collab"><bpmn:participant id="P" processRef="intake_single" /></bpmn:collaboration>
  <bpmn:process id="intake_single" name="Tax permit" isExecutable="true">
    <bpmn:laneSet id="Lanes"><bpmn:lane id="Lane_tax" name="SWJ 区税务局">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Review"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""

PARALLEL_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_intake_parallel"
                  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collab"><bpmn:participant id="P" processRef="intake_parallel" /></bpmn:collaboration>
  <bpmn:process id="intake_parallel" name="Two departments" isExecutable="true">
    <bpmn:laneSet id="Lanes">
      <bpmn:lane id="Lane_commerce" name="SCJGJ 区市场监管局">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>fan</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>commerce_review</bpmn:flowNodeRef><bpmn:flowNodeRef>join</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_tax" name="SWJ 区税务局"><bpmn:flowNodeRef>tax_review</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="fan"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="commerce_review" name="Register"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="tax_review" name="Tax registration"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="join"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fan" />
    <bpmn:sequenceFlow id="f1" sourceRef="fan" targetRef="commerce_review" />
    <bpmn:sequenceFlow id="f2" sourceRef="fan" targetRef="tax_review" />
    <bpmn:sequenceFlow id="f3" sourceRef="commerce_review" targetRef="join" />
    <bpmn:sequenceFlow id="f4" sourceRef="tax_review" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""

FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "company_name": {"type": "string", "title": "企业名称", "x-title-en": "Company name", "maxLength": 50},
        "employees": {"type": "integer", "title": "从业人数", "x-title-en": "Employees", "minimum": 0},
    },
    "required": ["company_name"],
}

GUIDE: dict[str, Any] = {
    "name": "税务登记", "name_en": "Tax registration", "matter_type": "licensing", "applicant_kind": "both",
    "legal_basis": "《税收征收管理法》第十五条", "acceptance_conditions": "已领取营业执照",
    "windows": "浦东新区市民中心", "hours": "工作日 9:00-17:00", "result_name": "税务登记证",
    "result_delivery": "电子证照", "consultation": "12345", "complaint": "12345",
    "statutory_days": 20, "promised_days": 5, "lead_department": "SWJ", "required_assurance": 1,
    "form_schema": FORM_SCHEMA,
    "materials": [
        {"code": "licence", "name": "营业执照", "content_types": ["application/pdf"], "max_bytes": 1000},
        {"code": "photo", "name": "经营场所照片", "content_types": ["image/png", "image/jpeg"], "required": False},
        {"code": "lease", "name": "租赁合同原件", "medium": "paper", "required": True},
    ],
}

FORM = {"company_name": "浦东测试有限公司", "employees": 12}


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "intake"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def licence(content: bytes = PDF, name: str = "licence.pdf") -> Upload:
    return Upload(requirement="licence", name=name, content=content)


@pytest.fixture(autouse=True)
def _clean_media():
    """Each test starts and ends with no stored material (other apps' tests may load the demo cases)."""
    for path in media_files():
        path.unlink()
    yield
    for path in media_files():
        path.unlink()


@pytest.fixture
def centre(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.CENTRE, code="PD-SMZX", name="浦东新区市民中心",
                                        name_en="Pudong Citizen Centre", parent=district)


@pytest.fixture
def clerk(make_staff, centre) -> User:
    return make_staff(centre, Role.WINDOW_CLERK, username="clerk")


@pytest.fixture
def hotline_agent(make_staff, centre) -> User:
    return make_staff(centre, Role.HOTLINE_AGENT, username="hotline")


@pytest.fixture
def supervisor(make_staff, district) -> User:
    return make_staff(district, Role.SUPERVISOR, username="supervisor")


@pytest.fixture
def other_citizen(db) -> User:
    return identity.citizen_register(username="lisi", password="Pudong-Test-2026!", real_name="李四",
                                     id_number="440524188001010014", phone="13900139000")


def make_matter(by: User, *, code: str, bpmn: str | None = SINGLE_BPMN, publish: bool = True, **changes: Any):
    data = copy.deepcopy(GUIDE) | {"code": code} | changes
    return catalog.matter_import(data=data, by=by, bpmn=bpmn, publish=publish)


@pytest.fixture
def matter(platform_admin, tax):
    """A single-department permit of the tax bureau: promised 5 working days, statutory 20."""
    return make_matter(platform_admin, code="PD-SWJ-0001")


@pytest.fixture
def parallel_matter(platform_admin, tax, commerce):
    return make_matter(platform_admin, code="PD-SCJGJ-0002", bpmn=PARALLEL_BPMN, lead_department="SCJGJ",
                       promised_days=10)


@pytest.fixture
def spot_matter(platform_admin, tax):
    """An on-the-spot matter (即办件): no process, decided at the counter."""
    return make_matter(platform_admin, code="PD-SWJ-0003", bpmn=None, on_the_spot=True, promised_days=0,
                       materials=[])


@pytest.fixture
def verified_citizen(citizen) -> User:
    citizen.assurance_level = AssuranceLevel.IN_PERSON
    citizen.save(update_fields=["assurance_level"])
    return citizen
