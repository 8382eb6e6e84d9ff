"""Demo data of the sharing catalogue (``yiwang demo-data`` runs it after the exchange members and registries).

Seven resources of six Pudong departments (one of them not shared, to show the legal basis), and requests
between them in every state: granted at once (unconditional), granted by the provider, waiting, refused,
disputed. The population and legal-person resources are served by the registries' lookups on the exchange, so
their grants are exchange grants the gateway enforces (and registries field grants). Idempotent: a resource
is kept by its code, a request by (resource, consumer).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import transaction

from yiwang.core.public import register_demo_loader
from yiwang.exchange.public import Service
from yiwang.identity.public import Organisation, Role, StaffRole

from . import services
from .models import Resource, ResourceStatus, SharingRequest


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


def _f(name: str, label: str, data_type: str, length: int) -> dict[str, Any]:
    return {"name": name, "label": label, "type": data_type, "length": length}


RESOURCES: list[dict[str, Any]] = [
    {"provider": "PD-GAFJ", "code": "10101/000001", "name": "实有人口基础信息", "classification": "1",
     "description": "浦东新区实有人口（户籍与居住登记）基础信息，按公民身份号码查询。",
     "sharing_type": "conditional", "legal_basis": ("《中华人民共和国居民身份证法》第十九条；"
                     "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第九条"),
     "conditions": "仅限依法履职需要，按身份证号逐条核验，不得批量导出；使用部门须落实个人信息保护责任。",
     "open_attribute": "closed", "update_cycle": "realtime", "service": "population-lookup", "registry": "person",
     "fields": [_f("name", "姓名", "string", 50), _f("sex", "性别", "code", 6),
                _f("birth_date", "出生日期", "date", 10),
                _f("household_code", "户号", "string", 20),
                _f("household_address", "户籍地址", "string", 200), _f("actual_address", "实际居住地址", "string", 200),
                _f("area_code", "街镇代码", "code", 9), _f("area_name", "街镇", "string", 50)]},
    {"provider": "PD-SCJGJ", "code": "10201/000001", "name": "法人基础信息", "classification": "1",
     "description": "浦东新区登记的企业、个体工商户等市场主体的登记信息，按统一社会信用代码查询。",
     "sharing_type": "unconditional", "legal_basis": "《企业信息公示暂行条例》第六条", "conditions": "",
     "open_attribute": "open", "update_cycle": "realtime", "service": "legal-person-lookup",
     "registry": "legal_person",
     "fields": [_f("name", "名称", "string", 200), _f("kind", "市场主体类型", "code", 30),
                _f("legal_representative", "法定代表人", "string", 50),
                _f("registered_address", "住所", "string", 200), _f("status", "登记状态", "code", 20),
                _f("industry", "行业门类", "code", 1), _f("established_on", "成立日期", "date", 10),
                _f("area_code", "街镇代码", "code", 9)]},
    {"provider": "PD-SWJ", "code": "30301/000001", "name": "纳税信用等级", "classification": "3",
     "description": "纳税人年度纳税信用评价结果（A、B、M、C、D级）。",
     "sharing_type": "unconditional", "legal_basis": "《纳税信用管理办法（试行）》第三十一条", "conditions": "",
     "open_attribute": "conditional", "update_cycle": "yearly", "service": None, "registry": "",
     "fields": [_f("credit_code", "统一社会信用代码", "string", 18), _f("taxpayer_name", "纳税人名称", "string", 200),
                _f("grade", "纳税信用等级", "code", 1), _f("year", "评价年度", "integer", 4)]},
    {"provider": "PD-RSJ", "code": "30401/000001", "name": "社会保险参保状态", "classification": "3",
     "description": "个人养老、医疗、失业等社会保险的参保状态及缴费月数。",
     "sharing_type": "conditional", "legal_basis": "《中华人民共和国社会保险法》第八十一条",
     "conditions": "用于社会救助、人才认定等审核，须经本人授权或法律法规明确规定。",
     "open_attribute": "closed", "update_cycle": "monthly", "service": None, "registry": "",
     "fields": [_f("id_number", "公民身份号码", "string", 18), _f("insured", "是否参保", "boolean", 1),
                _f("pension_months", "养老保险累计缴费月数", "integer", 4),
                _f("employer_name", "参保单位", "string", 200)]},
    {"provider": "PD-MZJ", "code": "30501/000001", "name": "婚姻登记信息", "classification": "3",
     "description": "在本区办理的结婚、离婚登记记录。",
     "sharing_type": "conditional", "legal_basis": "《婚姻登记条例》；《婚姻登记档案管理办法》第十六条",
     "conditions": "仅限办理与婚姻状况直接相关的行政事项，逐人核验，不提供对方当事人信息。",
     "open_attribute": "closed", "update_cycle": "daily", "service": None, "registry": "",
     "fields": [_f("id_number", "公民身份号码", "string", 18), _f("marital_status", "婚姻状况", "code", 10),
                _f("registered_on", "登记日期", "date", 10), _f("registry_office", "登记机关", "string", 100)]},
    {"provider": "PD-GHZYJ", "code": "10301/000001", "name": "标准地址与单元网格", "classification": "1",
     "description": "浦东新区标准地址库及其所属单元网格、坐标。",
     "sharing_type": "unconditional", "legal_basis": "《地名管理条例》第二十二条", "conditions": "",
     "open_attribute": "open", "update_cycle": "weekly", "service": None, "registry": "address",
     "fields": [_f("text", "标准地址", "string", 200), _f("area_code", "街镇代码", "code", 9),
                _f("lon", "经度", "decimal", 12), _f("lat", "纬度", "decimal", 12),
                _f("grid_cell", "单元网格编码", "code", 15)]},
    {"provider": "PD-GAFJ", "code": "30201/000001", "name": "出入境证件签发记录", "classification": "3",
     "description": "出入境证件的签发记录。", "sharing_type": "none",
     "legal_basis": "《中华人民共和国出境入境管理法》第八十五条；涉及国家安全，不予共享。", "conditions": "",
     "open_attribute": "closed", "update_cycle": "daily", "service": None, "registry": "",
     "fields": [_f("id_number", "公民身份号码", "string", 18), _f("document_kind", "证件种类", "code", 10),
                _f("issued_on", "签发日期", "date", 10)]},
]

# (resource code, consumer, fields, purpose, legal basis, outcome): outcome is what the provider (and, for a
# dispute, the consumer) does after the request.
REQUESTS: list[tuple[str, str, list[str], str, str, str]] = [
    ("10101/000001", "PD-SWJ", ["name", "birth_date", "household_address"],
     "个人所得税专项附加扣除信息核验", "《中华人民共和国个人所得税法》第十五条", "grant"),
    ("10201/000001", "PD-MZJ", ["name", "legal_representative", "status"],
     "社会组织与养老机构登记信息比对", "", "auto"),
    ("10101/000001", "PD-RSJ", ["name", "actual_address", "area_name"],
     "就业困难人员认定中的居住地核验", "《就业服务与就业管理规定》第四十二条", "wait"),
    ("30301/000001", "PD-SCJGJ", ["credit_code", "grade", "year"], "企业信用分类监管", "", "auto"),
    ("30501/000001", "PD-SWJ", ["id_number", "marital_status"], "房产交易契税减免审核",
     "《中华人民共和国契税法》第六条", "refuse"),
    ("30401/000001", "PD-GHZYJ", ["id_number", "insured"], "人才公寓申请资格审核",
     "《浦东新区人才安居实施办法》", "dispute"),
    ("10301/000001", "PD-RSJ", ["text", "area_code", "grid_cell"], "就业服务站点布局与网格化服务", "", "auto"),
]


def _steward(organisation: Organisation) -> Any:
    role = (StaffRole.objects.filter(organisation=organisation, role=Role.DATA_STEWARD, user__is_active=True)
            .select_related("user").order_by("pk").first())
    return role.user if role is not None else None


def sharing_demo_load(stdout: Writer | None = None) -> tuple[int, int]:
    created = present = 0
    orgs = {o.code: o for o in Organisation.objects.filter(code__in={r["provider"] for r in RESOURCES}
                                                           | {r[1] for r in REQUESTS})}
    skipped: list[str] = []
    with transaction.atomic():
        for spec in RESOURCES:
            if Resource.objects.filter(code=spec["code"]).exists():
                present += 1
                continue
            provider = orgs.get(spec["provider"])
            steward = _steward(provider) if provider else None
            if provider is None or steward is None:
                skipped.append(spec["code"])
                continue
            data = dict(spec)
            data.pop("provider")
            if data["service"] and not Service.objects.filter(code=data["service"]).exists():
                data["service"] = None  # the registries are not on the exchange (no exchange members loaded)
            resource = services.resource_create(user=steward, provider=provider, data=data)
            services.resource_publish(user=steward, resource=resource)
            created += 1
        for code, consumer_code, fields, purpose, basis, outcome in REQUESTS:
            published = Resource.objects.filter(code=code, status=ResourceStatus.PUBLISHED).first()
            consumer = orgs.get(consumer_code)
            if published is None or consumer is None:
                skipped.append(f"{code}→{consumer_code}")
                continue
            resource = published
            if SharingRequest.objects.filter(resource=resource, consumer=consumer).exists():
                present += 1
                continue
            requester, provider_steward = _steward(consumer), _steward(resource.provider)
            if requester is None or provider_steward is None:
                skipped.append(f"{code}→{consumer_code}")
                continue
            req = services.request_submit(user=requester, resource=resource, fields=fields, purpose=purpose,
                                          legal_basis=basis, consumer=consumer)
            if outcome == "grant":
                services.request_answer(user=provider_steward, request=req, grant=True,
                                        reasons="用途明确、依据充分，同意按申请字段共享。")
            elif outcome in ("refuse", "dispute"):
                req = services.request_answer(
                    user=provider_steward, request=req, grant=False,
                    reasons="申请用途可通过当事人自行提供材料或告知承诺解决，超出最小必要范围。")
                if outcome == "dispute":
                    services.request_dispute(user=requester, request=req,
                                             reasons="该事项已纳入“一网通办”免于提交材料清单，需通过共享核验。")
            created += 1
    if stdout is not None:
        stdout.write(f"  {'sharing catalogue':<28} {created:>3} created, {present:>3} already present\n")
        if skipped:
            stdout.write(f"  sharing catalogue: skipped (no department or data steward): {', '.join(skipped)}\n")
    return created, present


def register() -> None:
    register_demo_loader("sharing catalogue", sharing_demo_load)
