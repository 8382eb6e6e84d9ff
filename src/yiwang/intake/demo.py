"""Demo cases (``yiwang demo-data``): the demo citizen and the demo enterprise each have cases in several states.

Runs after identity's accounts and the catalogue's matters. The story: 张三 had his identity card checked at
the citizen centre (assurance "verified in person"), registered unemployment at the counter (decided on the
spot), applied online for the minimum living allowance (accepted, with the civil affairs bureau); as agent of
上海浦东示例科技有限公司 he applied for a food business licence (approved by the market regulation bureau), a
second one for another shop (the bureau asked for supplements), and set up a branch through the one-form
matter (the tax bureau has approved its part, the others are still working). Everything goes through the
services, so clocks, processes, notices and the audit trail are real. Idempotent: skipped when the demo citizen
already has a case.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yiwang.audit.public import system_actor
from yiwang.catalog.public import Matter, materials_of
from yiwang.core.public import ValidationFailed, register_demo_loader
from yiwang.identity.public import (
    AssuranceLevel,
    AssuranceMethod,
    Enterprise,
    StaffRole,
    User,
    assurance_raise,
)
from yiwang.workflow.public import task_approve, tasks_of_subject

from . import services
from .models import Application, Channel
from .uploads import Upload

DEMO_CITIZEN = "demo_citizen"
DEMO_ENTERPRISE = "91310115MA1YW0012F"
DEMO_CLERK = "demo_clerk"


def demo_pdf(title: str) -> bytes:
    """A small, well-formed PDF standing in for a scanned material."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _uploads(code: str, *, channel: str) -> list[Upload]:
    """A PDF for every material the matter needs uploaded on this channel."""
    version = Matter.objects.get(code=code).versions.get(status="published")
    return [Upload(requirement=r.code, name=f"{r.code}.pdf", content=demo_pdf(r.code))
            for r in materials_of(version=version)
            if r.required and services.upload_needed(r, channel) and "application/pdf" in (r.content_types or
                                                                                               ["application/pdf"])]


def _approve_all(application: Application, *, opinion: str, only: str | None = None) -> None:
    """Let the staff holding each open task's role approve it, step after step (only one department if given)."""
    for _round in range(10):
        tasks = [t for t in tasks_of_subject(subject=application.subject) if t.status in ("open", "claimed")
                 and (only is None or t.organisation.code == only)]
        if not tasks:
            return
        for task in tasks:
            grant = (StaffRole.objects.filter(organisation=task.organisation, role=task.role)
                     .select_related("user").order_by("pk").first())
            if grant is None:
                return
            task_approve(task=task, opinion=opinion, by=grant.user)


STARTUP_FORM = {
    "company_name": "上海浦东示例科技有限公司张江分公司", "enterprise_type": "llc", "registered_capital": 1000000,
    "address": "上海市浦东新区张江高科技园区碧波路690号", "business_scope": "软件开发；信息技术咨询服务",
    "legal_representative": "李四", "legal_representative_id": "310115199306151033", "employees": 12,
    "foreign_capital": False, "need_invoices": True, "contact_phone": "13800138000",
}


def _food_form(name: str, address: str) -> dict[str, Any]:
    return {"business_name": name, "credit_code": DEMO_ENTERPRISE, "premises_address": address,
            "operator_type": "catering", "business_items": "热食类食品制售；冷食类食品制售",
            "food_safety_manager": "王五", "contact_phone": "13800138000"}


def intake_demo_load(stdout: Any = None) -> tuple[int, int]:
    citizen = User.objects.filter(username=DEMO_CITIZEN).first()
    clerk = User.objects.filter(username=DEMO_CLERK).first()
    enterprise = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
    if citizen is None or clerk is None or enterprise is None:
        return 0, 0
    present = Application.objects.filter(applicant=citizen).count()
    if present:
        _say(stdout, 0, present)
        return 0, present
    created = 0
    try:
        with system_actor("demo-data"), transaction.atomic():
            if citizen.assurance_level < AssuranceLevel.IN_PERSON:
                assurance_raise(user=citizen, level=AssuranceLevel.IN_PERSON, method=AssuranceMethod.COUNTER_CHECK,
                                by=clerk, note="演示数据：市民中心窗口核验身份证")
                citizen.refresh_from_db()
            spot = services.application_submit(
                code="PD-RSJ-0001", applicant=citizen, by=clerk, channel=Channel.COUNTER,
                form_data={"last_employer": "上海某贸易有限公司", "separation_date": "2026-10-31",
                           "separation_reason": "contract_expired", "wanted_job": "销售",
                           "contact_phone": "13800138000"},
                files=_uploads("PD-RSJ-0001", channel=Channel.COUNTER))
            services.application_decide_on_spot(application=spot, outcome="approved", by=clerk,
                                                opinion="材料齐全，符合失业登记条件，当场办结。")
            services.application_submit(
                code="PD-MZJ-0002", applicant=citizen, by=citizen, channel=Channel.PORTAL,
                form_data={"household_size": 3, "monthly_income": 1800, "residence_address": "浦东新区洋泾街道某小区",
                           "reason": "家庭主要劳动力失业，收入低于本市最低生活保障标准。",
                           "contact_phone": "13800138000"},
                files=_uploads("PD-MZJ-0002", channel=Channel.PORTAL))
            approved = services.application_submit(
                code="PD-SCJGJ-0001", applicant=citizen, by=citizen, channel=Channel.PORTAL, enterprise=enterprise,
                form_data=_food_form("示例科技员工餐厅", "浦东新区张江路100号1层"),
                files=_uploads("PD-SCJGJ-0001", channel=Channel.PORTAL))
            _approve_all(approved, opinion="经营场所核查合格，准予许可。")
            waiting = services.application_submit(
                code="PD-SCJGJ-0001", applicant=citizen, by=citizen, channel=Channel.PORTAL, enterprise=enterprise,
                form_data=_food_form("示例科技咖啡角", "浦东新区张江路100号2层"),
                files=_uploads("PD-SCJGJ-0001", channel=Channel.PORTAL))
            handler = User.objects.filter(username="demo_handler").first()
            if handler is not None:
                services.supplement_request(application=waiting, by=handler, note="请一次性补齐后重新提交。", items=[
                    {"code": "layout", "reason": "平面布局图未标明食品处理区和就餐区"},
                    {"code": "", "reason": "经营项目与布局不符：无冷食操作间时不能申请冷食类食品制售"}])
            startup = services.application_submit(
                code="PD-SCJGJ-0002", applicant=citizen, by=citizen, channel=Channel.PORTAL, enterprise=enterprise,
                form_data=STARTUP_FORM, files=_uploads("PD-SCJGJ-0002", channel=Channel.PORTAL))
            _approve_all(startup, opinion="税务信息确认，准予登记。", only="PD-SWJ")
            created = Application.objects.filter(applicant=citizen).count()
    except ValidationFailed as exc:  # a catalogue that changed shape: say so instead of half-loading
        if stdout is not None:
            stdout.write(f"  intake demo cases skipped: {exc.message} {exc.field_errors}\n")
        return 0, 0
    _say(stdout, created, 0)
    return created, 0


def _say(stdout: Any, created: int, present: int) -> None:
    if stdout is not None:
        stdout.write(f"  {'cases (办件)':<28} {created:>3} created, {present:>3} already present\n")


def register() -> None:
    register_demo_loader("intake cases", intake_demo_load)
