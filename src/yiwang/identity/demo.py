"""Demo data (``yiwang demo-data``): Pudong's organisation tree and one login per role.

Everything is created through the services in ``identity.services``, so it is validated and audited
like any other write, and the load is idempotent: an object that already exists (looked up by
organisation code, user name or credit code) is kept as it is, so a second run creates nothing and
writes no audit record.

Unified social credit codes: the real codes of Pudong's bureaus are public but are not reproduced
here. Every credit code below is SYNTHETIC: registration authority 1 (机构编制) with category 1
(机关) — or 2 (事业单位) for the citizen centre — then the region 310115, then a made-up
organisation code beginning "YW" (for yiwang; real government organisation codes are digits), whose
9th character is its GB 11714 check digit, and finally the GB 32100-2015 check character
(W_i = 3^i mod 31, C18 = 31 - (S mod 31), 31 -> 0; ``stdnum.cn.uscc.calc_check_digit``). The demo
enterprise's code is synthetic in the same way (91 + 310115 + "MA1YW001" + checks), and so is the
demo citizen's identity number (address code 310115, born 15 June 1993, check character per
GB 11643-1999). The tests check all of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from django.contrib.auth.hashers import check_password
from django.db import transaction

from . import otp, services
from .models import Enterprise, EnterpriseAgent, Organisation, OrgKind, Role, StaffRole, User

# One password for every demo account. This is a demo database, not a secret: `make demo` prints the
# password on the terminal for anyone to log in with. Set YIWANG_DEMO_PASSWORD to use another; never
# load demo data into a production database.
DEFAULT_DEMO_PASSWORD = "Pudong-Demo-2026"  # noqa: S105 — a published demo password, protects nothing


# Every demo staff login needs its second factor (staff TOTP is mandatory). All demo staff share this
# published, obviously fake authenticator key, so a reviewer can log in without a phone: type it into
# any authenticator app, or print the current code with `yiwang otp code USERNAME`.
DEMO_TOTP_SECRET = "YIWANGDEMOSECRETNOTFORPRODUCTION"  # noqa: S105 — base32, published, protects nothing


def demo_password() -> str:
    """The password given to every demo account: $YIWANG_DEMO_PASSWORD, else the published default."""
    return os.environ.get("YIWANG_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


# --- the data ----------------------------------------------------------------------------------------


class OrgSeed(NamedTuple):
    code: str
    name: str
    name_en: str
    credit_code: str = ""


DISTRICT = OrgSeed("310115", "浦东新区", "Pudong New Area", "11310115YW0000004U")

# 委办局: the twelve of the issue first, then the ones later modules need (the general office,
# supervision, health, education, planning, justice, emergency management).
DEPARTMENTS: tuple[OrgSeed, ...] = (
    OrgSeed("PD-SCJGJ", "区市场监管局", "Pudong Administration for Market Regulation", "11310115YW10000143"),
    OrgSeed("PD-SWJ", "区税务局", "Pudong Taxation Bureau", "11310115YW1000022X"),
    OrgSeed("PD-CZJ", "区财政局", "Pudong Finance Bureau", "11310115YW1000030Q"),
    OrgSeed("PD-TJJ", "区统计局", "Pudong Statistics Bureau", "11310115YW1000049M"),
    OrgSeed("PD-SWW", "区商务委", "Pudong Commission of Commerce", "11310115YW1000057G"),
    OrgSeed("PD-STHJJ", "区生态环境局", "Pudong Ecology and Environment Bureau", "11310115YW1000065B"),
    OrgSeed("PD-FGW", "区发改委", "Pudong Development and Reform Commission", "11310115YW10000736"),
    OrgSeed("PD-GAFJ", "区公安分局", "Pudong Branch of Shanghai Public Security Bureau",
            "11310115YW10000811"),
    OrgSeed("PD-MZJ", "区民政局", "Pudong Civil Affairs Bureau", "11310115YW100009XQ"),
    OrgSeed("PD-RSJ", "区人社局", "Pudong Human Resources and Social Security Bureau", "11310115YW1000102H"),
    OrgSeed("PD-JJW", "区建交委", "Pudong Commission of Construction and Transportation",
            "11310115YW1000110C"),
    OrgSeed("PD-CYZX", "区城运中心", "Pudong City Operation Management Centre (12345)", "11310115YW10001299"),
    OrgSeed("PD-ZFBGS", "区政府办公室", "Pudong District Government Office", "11310115YW10001374"),
    OrgSeed("PD-JCW", "区监察委", "Pudong Supervisory Commission", "11310115YW1000145Y"),
    OrgSeed("PD-WJW", "区卫生健康委", "Pudong Health Commission", "11310115YW1000153R"),
    OrgSeed("PD-JYJ", "区教育局", "Pudong Education Bureau", "11310115YW1000161L"),
    OrgSeed("PD-GHZYJ", "区规划资源局", "Pudong Planning and Natural Resources Bureau", "11310115YW100017XC"),
    OrgSeed("PD-SFJ", "区司法局", "Pudong Justice Bureau", "11310115YW1000188C"),
    OrgSeed("PD-YJGLJ", "区应急管理局", "Pudong Emergency Management Bureau", "11310115YW10001967"),
)

# Functional zones (功能区); their administrative committees are government bodies too.
ZONES: tuple[OrgSeed, ...] = (
    OrgSeed("PD-Z-LJZ", "陆家嘴金融贸易区", "Lujiazui Finance and Trade Zone", "11310115YW2000016F"),
    OrgSeed("PD-Z-ZJ", "张江科学城", "Zhangjiang Science City", "11310115YW2000024A"),
    OrgSeed("PD-Z-JQ", "金桥经济技术开发区", "Jinqiao Economic and Technological Development Zone",
            "11310115YW20000325"),
    OrgSeed("PD-Z-WGQ", "外高桥保税区", "Waigaoqiao Free Trade Zone", "11310115YW20000400"),
    OrgSeed("PD-Z-SB", "世博地区", "Expo Area", "11310115YW2000059W"),
    OrgSeed("PD-Z-DJQ", "上海国际旅游度假区", "Shanghai International Tourism and Resorts Zone",
            "11310115YW2000067P"),
)

# SPEC §5.3: GB/T 10114 codes (NBS 2022), 310115 + three digits.
STREETS: tuple[OrgSeed, ...] = (
    OrgSeed("310115004", "潍坊新村街道", "Weifang Xincun Subdistrict", "11310115YW4000044Q"),
    OrgSeed("310115005", "陆家嘴街道", "Lujiazui Subdistrict", "11310115YW4000052K"),
    OrgSeed("310115007", "周家渡街道", "Zhoujiadu Subdistrict", "11310115YW4000079B"),
    OrgSeed("310115008", "塘桥街道", "Tangqiao Subdistrict", "11310115YW40000876"),
    OrgSeed("310115009", "上钢新村街道", "Shanggang Xincun Subdistrict", "11310115YW40000951"),
    OrgSeed("310115010", "南码头路街道", "Nanmatou Road Subdistrict", "11310115YW4000108N"),
    OrgSeed("310115011", "沪东新村街道", "Hudong Xincun Subdistrict", "11310115YW4000116H"),
    OrgSeed("310115012", "金杨新村街道", "Jinyang Xincun Subdistrict", "11310115YW4000124C"),
    OrgSeed("310115013", "洋泾街道", "Yangjing Subdistrict", "11310115YW40001327"),
    OrgSeed("310115014", "浦兴路街道", "Puxing Road Subdistrict", "11310115YW40001402"),
    OrgSeed("310115015", "东明路街道", "Dongming Road Subdistrict", "11310115YW4000159Y"),
    OrgSeed("310115016", "花木街道", "Huamu Subdistrict", "11310115YW4000167R"),
)
TOWNS: tuple[OrgSeed, ...] = (
    OrgSeed("310115103", "川沙新镇", "Chuansha New Town", "11310115YW4001039E"),
    OrgSeed("310115104", "高桥镇", "Gaoqiao Town", "11310115YW40010479"),
    OrgSeed("310115105", "北蔡镇", "Beicai Town", "11310115YW40010554"),
    OrgSeed("310115110", "合庆镇", "Heqing Town", "11310115YW40011005"),
    OrgSeed("310115114", "唐镇", "Tangzhen Town", "11310115YW4001143J"),
    OrgSeed("310115117", "曹路镇", "Caolu Town", "11310115YW40011785"),
    OrgSeed("310115120", "金桥镇", "Jinqiao Town", "11310115YW4001207G"),
    OrgSeed("310115121", "高行镇", "Gaohang Town", "11310115YW4001215B"),
    OrgSeed("310115123", "高东镇", "Gaodong Town", "11310115YW40012311"),
    OrgSeed("310115125", "张江镇", "Zhangjiang Town", "11310115YW4001258Q"),
    OrgSeed("310115130", "三林镇", "Sanlin Town", "11310115YW4001303R"),
    OrgSeed("310115131", "惠南镇", "Huinan Town", "11310115YW4001311L"),
    OrgSeed("310115132", "周浦镇", "Zhoupu Town", "11310115YW400132XC"),
    OrgSeed("310115133", "新场镇", "Xinchang Town", "11310115YW4001338C"),
    OrgSeed("310115134", "大团镇", "Datuan Town", "11310115YW40013467"),
    OrgSeed("310115136", "康桥镇", "Kangqiao Town", "11310115YW4001362W"),
    OrgSeed("310115137", "航头镇", "Hangtou Town", "11310115YW4001370P"),
    OrgSeed("310115139", "祝桥镇", "Zhuqiao Town", "11310115YW4001397F"),
    OrgSeed("310115140", "泥城镇", "Nicheng Town", "11310115YW400140X0"),
    OrgSeed("310115141", "宣桥镇", "Xuanqiao Town", "11310115YW40014180"),
    OrgSeed("310115142", "书院镇", "Shuyuan Town", "11310115YW4001426T"),
    OrgSeed("310115143", "万祥镇", "Wanxiang Town", "11310115YW4001434M"),
    OrgSeed("310115144", "老港镇", "Laogang Town", "11310115YW4001442G"),
    OrgSeed("310115145", "南汇新城镇", "Nanhui Xincheng Town", "11310115YW4001450B"),
)

# The citizen centre (the district's administrative service centre, a public institution: 事业单位)
# and its counters.
CITIZEN_CENTRE = OrgSeed("PD-CC", "浦东新区市民中心", "Pudong Citizen Centre", "12310115YW3000018Q")
WINDOWS: tuple[OrgSeed, ...] = (
    OrgSeed("PD-CC-W01", "综合受理窗口1", "General intake window 1"),
    OrgSeed("PD-CC-W02", "综合受理窗口2", "General intake window 2"),
    OrgSeed("PD-CC-W03", "综合受理窗口3", "General intake window 3"),
    OrgSeed("PD-CC-W04", "综合受理窗口4", "General intake window 4"),
    OrgSeed("PD-CC-W05", "企业开办专窗", "Business start-up window"),
    OrgSeed("PD-CC-W06", "工程建设项目审批专窗", "Construction project approval window"),
    OrgSeed("PD-CC-W07", "出件窗口", "Document collection window"),
    OrgSeed("PD-CC-W08", "咨询导办台", "Enquiry and guidance desk"),
)


class StaffSeed(NamedTuple):
    username: str
    real_name: str
    role: str
    organisation: str  # an organisation code from the tables above


DEMO_STAFF: tuple[StaffSeed, ...] = (
    StaffSeed("demo_handler", "李明", Role.HANDLER, "PD-SCJGJ"),
    StaffSeed("demo_tax_handler", "陈静", Role.HANDLER, "PD-SWJ"),
    # The other departments of the parallel demo matter 企业开办 (docs/adding-a-matter.md walks through it).
    StaffSeed("demo_statistics", "黄磊", Role.HANDLER, "PD-TJJ"),
    StaffSeed("demo_commerce", "林娜", Role.HANDLER, "PD-SWW"),
    StaffSeed("demo_head", "王芳", Role.DEPARTMENT_HEAD, "PD-SCJGJ"),
    StaffSeed("demo_clerk", "刘洋", Role.WINDOW_CLERK, CITIZEN_CENTRE.code),
    StaffSeed("demo_hotline", "赵敏", Role.HOTLINE_AGENT, "PD-CYZX"),
    StaffSeed("demo_supervisor", "孙伟", Role.SUPERVISOR, "PD-JCW"),
    StaffSeed("demo_leader", "周强", Role.LEADER, DISTRICT.code),
    StaffSeed("demo_steward", "郑洁", Role.DATA_STEWARD, "PD-SCJGJ"),
    # Data stewards of the other departments that provide and request resources in the sharing catalogue's demo.
    StaffSeed("demo_steward_gafj", "韩冰", Role.DATA_STEWARD, "PD-GAFJ"),
    StaffSeed("demo_steward_swj", "钱悦", Role.DATA_STEWARD, "PD-SWJ"),
    StaffSeed("demo_steward_rsj", "冯涛", Role.DATA_STEWARD, "PD-RSJ"),
    StaffSeed("demo_steward_mzj", "许静", Role.DATA_STEWARD, "PD-MZJ"),
    StaffSeed("demo_steward_ghzyj", "曹宇", Role.DATA_STEWARD, "PD-GHZYJ"),
    StaffSeed("demo_admin", "吴磊", Role.PLATFORM_ADMIN, DISTRICT.code),
)


class CitizenSeed(NamedTuple):
    username: str
    real_name: str
    id_number: str
    phone: str


class EnterpriseSeed(NamedTuple):
    credit_code: str
    name: str
    legal_representative: str


DEMO_CITIZEN = CitizenSeed("demo_citizen", "张三", "310115199306151033", "13800138000")
# The demo citizen registers the enterprise and so becomes its authorised agent (not its legal
# representative, who has no account here).
DEMO_ENTERPRISE = EnterpriseSeed("91310115MA1YW0012F", "上海浦东示例科技有限公司", "李四")

CITIZEN = "citizen"
ENTERPRISE = "enterprise"


# --- the load ----------------------------------------------------------------------------------------


class Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


@dataclass
class Tally:
    created: int = 0
    present: int = 0


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: ``role`` is a ``Role`` value, or "citizen" / "enterprise"."""

    role: str
    username: str
    password: str
    organisation: str
    created: bool
    # False when the account existed already and its password is no longer the demo password.
    password_ok: bool
    # Staff: the demo authenticator key (base32), or "" when the account has another authenticator.
    otp_secret: str = ""


@dataclass
class DemoSummary:
    tallies: dict[str, Tally] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies.values())

    @property
    def present(self) -> int:
        return sum(t.present for t in self.tallies.values())


class _Loader:
    def __init__(self, *, password: str, stdout: Writer | None) -> None:
        self.password = password
        self.stdout = stdout
        self.summary = DemoSummary()
        self.orgs: dict[str, Organisation] = {}

    def tally(self, section: str) -> Tally:
        return self.summary.tallies.setdefault(section, Tally())

    def report(self, section: str) -> None:
        if self.stdout is not None:
            t = self.tally(section)
            self.stdout.write(f"  {section:<28} {t.created:>3} created, {t.present:>3} already present\n")

    def organisations(self, section: str, seeds: tuple[OrgSeed, ...], *, kind: str,
                      parent: Organisation | None, base: int = 0) -> None:
        # ``base`` keeps each kind together among the district's children (the tree sorts by order).
        tally = self.tally(section)
        for position, seed in enumerate(seeds, start=1):
            org = Organisation.objects.filter(code=seed.code).first()
            if org is None:
                org = services.organisation_create(kind=kind, code=seed.code, name=seed.name, parent=parent,
                                                   name_en=seed.name_en, credit_code=seed.credit_code,
                                                   sort_order=base + position * 10)
                tally.created += 1
            else:
                tally.present += 1
            self.orgs[seed.code] = org
        self.report(section)

    def password_ok(self, user: User, created: bool) -> bool:
        # hashers.check_password without a setter: checking never rewrites the stored hash.
        return created or (user.is_active and check_password(self.password, user.password))

    def staff(self, seed: StaffSeed) -> None:
        organisation = self.orgs[seed.organisation]
        user = User.objects.filter(username=seed.username).first()
        created = user is None
        if user is None:
            user = services.staff_create(username=seed.username, password=self.password,
                                         real_name=seed.real_name, organisation=organisation,
                                         roles=[seed.role])
            self.tally("staff accounts").created += 1
            self.tally("staff roles").created += 1
        else:
            self.tally("staff accounts").present += 1
            if StaffRole.objects.filter(user=user, organisation=organisation, role=seed.role).exists():
                self.tally("staff roles").present += 1
            else:
                services.staff_role_grant(user=user, organisation=organisation, role=seed.role)
                self.tally("staff roles").created += 1
        # An account that has an authenticator keeps it (maybe its owner's own phone); not tallied, it
        # belongs to the staff account.
        device, _ = otp.totp_device_install(user=user, key_hex=otp.demo_key_hex(DEMO_TOTP_SECRET))
        secret = DEMO_TOTP_SECRET if otp.base32_secret(device) == DEMO_TOTP_SECRET else ""
        self.summary.logins.append(DemoLogin(seed.role, user.username, self.password, organisation.name,
                                             created, self.password_ok(user, created), secret))

    def citizen(self, seed: CitizenSeed) -> User:
        user = User.objects.filter(username=seed.username).first()
        created = user is None
        if user is None:
            user = services.citizen_register(username=seed.username, password=self.password,
                                             real_name=seed.real_name, id_number=seed.id_number,
                                             phone=seed.phone)
            self.tally("citizens").created += 1
        else:
            self.tally("citizens").present += 1
        self.summary.logins.append(DemoLogin(CITIZEN, user.username, self.password, "",
                                             created, self.password_ok(user, created)))
        return user

    def enterprise(self, seed: EnterpriseSeed, *, agent: User) -> None:
        enterprise = Enterprise.objects.select_related("account").filter(credit_code=seed.credit_code).first()
        created = enterprise is None
        if enterprise is None:
            # Registered by the citizen, who thereby becomes its first authorised agent.
            enterprise = services.enterprise_register(credit_code=seed.credit_code, name=seed.name,
                                                      legal_representative=seed.legal_representative,
                                                      password=self.password, registered_by=agent)
            self.tally("enterprises").created += 1
            self.tally("enterprise agents").created += 1
        else:
            self.tally("enterprises").present += 1
            if EnterpriseAgent.objects.filter(enterprise=enterprise, user=agent).exists():
                self.tally("enterprise agents").present += 1
            else:
                services.enterprise_agent_add(enterprise=enterprise, user=agent, by=agent)
                self.tally("enterprise agents").created += 1
        account = enterprise.account
        self.summary.logins.append(DemoLogin(ENTERPRISE, account.username, self.password, enterprise.name,
                                             created, self.password_ok(account, created)))


@transaction.atomic
def demo_data_load(*, stdout: Writer | None = None) -> DemoSummary:
    """Create Pudong's organisation tree and the demo accounts, keeping whatever already exists.

    Organisations are found by code, accounts by user name, the enterprise by its credit code; an
    existing object is neither changed nor re-audited (an existing account keeps its password —
    ``DemoLogin.password_ok`` says whether it is still the demo password). Progress goes to
    ``stdout``. Raises ``ValidationFailed`` (and creates nothing) if a service refuses, e.g. when
    $YIWANG_DEMO_PASSWORD breaks the password policy or a demo user name belongs to another account.
    """
    loader = _Loader(password=demo_password(), stdout=stdout)
    loader.organisations("district", (DISTRICT,), kind=OrgKind.DISTRICT, parent=None)
    district = loader.orgs[DISTRICT.code]
    loader.organisations("departments", DEPARTMENTS, kind=OrgKind.DEPARTMENT, parent=district, base=1000)
    loader.organisations("citizen centre", (CITIZEN_CENTRE,), kind=OrgKind.CENTRE, parent=district, base=2000)
    loader.organisations("windows", WINDOWS, kind=OrgKind.WINDOW, parent=loader.orgs[CITIZEN_CENTRE.code])
    loader.organisations("functional zones", ZONES, kind=OrgKind.ZONE, parent=district, base=3000)
    loader.organisations("streets", STREETS, kind=OrgKind.STREET, parent=district, base=4000)
    loader.organisations("towns", TOWNS, kind=OrgKind.TOWN, parent=district, base=5000)
    for seed in DEMO_STAFF:
        loader.staff(seed)
    loader.report("staff accounts")
    loader.report("staff roles")
    citizen = loader.citizen(DEMO_CITIZEN)
    loader.report("citizens")
    loader.enterprise(DEMO_ENTERPRISE, agent=citizen)
    loader.report("enterprises")
    loader.report("enterprise agents")
    return loader.summary
