"""Catalogue fixtures: a department, a complete guide, drafts and published versions."""

from __future__ import annotations

from typing import Any

import pytest

from yiwang.catalog import services
from yiwang.catalog.models import MatterVersion
from yiwang.identity import services as identity
from yiwang.identity.models import Organisation, OrgKind

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "company_name": {"type": "string", "title": "企业名称", "x-title-en": "Company name", "maxLength": 20,
                         "description": "与营业执照一致", "x-description-en": "As on the licence"},
        "kind": {"type": "string", "title": "类型", "enum": ["llc", "partnership"],
                 "x-enum-titles": ["有限责任公司", "合伙企业"], "x-enum-titles-en": ["LLC", "Partnership"]},
        "employees": {"type": "integer", "title": "从业人数", "minimum": 0, "maximum": 1000},
        "capital": {"type": "number", "title": "注册资本", "minimum": 0},
        "opening": {"type": "string", "title": "开业日期", "format": "date"},
        "email": {"type": "string", "title": "电子邮箱", "format": "email"},
        "phone": {"type": "string", "title": "手机", "pattern": "^1[3-9][0-9]{9}$"},
        "foreign_capital": {"type": "boolean", "title": "外资"},
    },
    "required": ["company_name", "kind", "employees", "foreign_capital"],
}

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://t">
  <bpmn:process id="permit" name="Permit" isExecutable="true">
    <bpmn:laneSet id="LS">
      <bpmn:lane id="L1" name="PD-SCJGJ 区市场监管局">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="L2" name="PD-SWJ 区税务局"><bpmn:flowNodeRef>tax</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Review">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="tax" name="Tax">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="tax" />
    <bpmn:sequenceFlow id="f3" sourceRef="tax" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""

MATERIALS = [
    {"code": "application", "name": "申请书", "form": "original", "copies": 1, "medium": "electronic",
     "required": True, "content_types": ["application/pdf"], "max_bytes": 1024 * 1024},
    {"code": "lease", "name": "租赁合同", "form": "copy", "copies": 2, "medium": "paper", "required": False},
]


@pytest.fixture
def market(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-SCJGJ", name="区市场监管局",
                                        name_en="Pudong Administration for Market Regulation", parent=district)


@pytest.fixture
def pd_tax(district) -> Organisation:
    return identity.organisation_create(kind=OrgKind.DEPARTMENT, code="PD-SWJ", name="区税务局",
                                        name_en="Pudong Taxation Bureau", parent=district)


@pytest.fixture
def guide(market) -> dict[str, Any]:
    return {
        "name": "食品经营许可", "name_en": "Food business licence", "matter_type": "licensing",
        "applicant_kind": "enterprise", "lead_department": market, "summary": "开办餐饮需许可。",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条", "acceptance_conditions": "已取得营业执照。",
        "statutory_days": 10, "promised_days": 5, "on_the_spot": False, "charges_fee": False,
        "apply_online": True, "windows": "浦东新区市民中心", "hours": "工作日 9:00—17:00", "visits_needed": 0,
        "result_name": "食品经营许可证", "result_delivery": "电子证照", "consultation": "12345",
        "complaint": "12345", "required_assurance": 2, "form_schema": SCHEMA,
    }


@pytest.fixture
def draft(guide, platform_admin) -> MatterVersion:
    return services.matter_create(code="PD-SCJGJ-0001", guide=guide, by=platform_admin)


@pytest.fixture
def complete_draft(draft, platform_admin, pd_tax) -> MatterVersion:
    services.matter_version_materials_set(version=draft, materials=MATERIALS, by=platform_admin)
    return services.matter_version_process_attach(version=draft, bpmn=BPMN, by=platform_admin)


@pytest.fixture
def published(complete_draft, platform_admin) -> MatterVersion:
    return services.matter_version_publish(version=complete_draft, by=platform_admin)
