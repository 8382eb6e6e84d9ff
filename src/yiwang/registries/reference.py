"""Reference data of the registries: Pudong's streets and towns (SPEC §5.3), legal-person types,
statuses and industries.

Street and town codes are the NBS 2022 codes of SPEC §5.3 (GB/T 10114 style: 310115 + three digits).
The longitude/latitude beside each is an APPROXIMATE centre (to about a kilometre) used by the
synthetic generator to scatter addresses; it is not survey data. The road names are real roads of
the area as far as we know them; the addresses built from them are synthetic.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

PUDONG = "310115"


class Area(NamedTuple):
    code: str  # 9 digits: 310115 + street/town
    name: str
    is_town: bool
    lon: float
    lat: float
    roads: tuple[str, ...]


AREAS: tuple[Area, ...] = (
    Area("310115004", "潍坊新村街道", False, 121.527, 31.225, ("潍坊路", "崂山路", "张杨路", "浦东南路")),
    Area("310115005", "陆家嘴街道", False, 121.505, 31.235, ("陆家嘴环路", "银城中路", "东昌路", "浦东南路")),
    Area("310115007", "周家渡街道", False, 121.495, 31.180, ("上南路", "云台路", "昌里路", "高科西路")),
    Area("310115008", "塘桥街道", False, 121.520, 31.212, ("浦建路", "塘桥路", "蓝村路", "峨山路")),
    Area("310115009", "上钢新村街道", False, 121.480, 31.178, ("济阳路", "长清路", "耀华路", "上南路")),
    Area("310115010", "南码头路街道", False, 121.505, 31.200, ("南码头路", "临沂路", "东三里桥路", "浦东南路")),
    Area("310115011", "沪东新村街道", False, 121.565, 31.275, ("五莲路", "莱阳路", "东陆路", "长岛路")),
    Area("310115012", "金杨新村街道", False, 121.560, 31.260, ("金杨路", "枣庄路", "博山东路", "罗山路")),
    Area("310115013", "洋泾街道", False, 121.540, 31.245, ("羽山路", "巨野路", "源深路", "浦东大道")),
    Area("310115014", "浦兴路街道", False, 121.575, 31.262, ("浦兴路", "荷泽路", "长岛路", "东陆路")),
    Area("310115015", "东明路街道", False, 121.500, 31.160, ("东明路", "凌兆路", "三林路", "杨思路")),
    Area("310115016", "花木街道", False, 121.550, 31.215, ("锦绣路", "梅花路", "芳甸路", "白杨路")),
    Area("310115103", "川沙新镇", True, 121.705, 31.190, ("川沙路", "华夏东路", "妙境路", "新川路")),
    Area("310115104", "高桥镇", True, 121.585, 31.340, ("季景北路", "东靖路", "浦东北路", "石家宅路")),
    Area("310115105", "北蔡镇", True, 121.545, 31.190, ("沪南路", "莲园路", "陈春路", "御桥路")),
    Area("310115110", "合庆镇", True, 121.760, 31.230, ("东川公路", "华东路", "庆利路", "川六公路")),
    Area("310115114", "唐镇", True, 121.655, 31.215, ("创新中路", "唐安路", "齐爱路", "唐陆公路")),
    Area("310115117", "曹路镇", True, 121.665, 31.275, ("金海路", "民冬路", "川沙路", "启帆路")),
    Area("310115120", "金桥镇", True, 121.600, 31.250, ("金桥路", "金高路", "杨高北路", "张杨路")),
    Area("310115121", "高行镇", True, 121.600, 31.290, ("东靖路", "华高路", "张杨北路", "森兰路")),
    Area("310115123", "高东镇", True, 121.630, 31.320, ("东靖路", "五洲大道", "杨园路", "光明路")),
    Area("310115125", "张江镇", True, 121.600, 31.205, ("张江路", "碧波路", "祖冲之路", "科苑路")),
    Area("310115130", "三林镇", True, 121.500, 31.145, ("三林路", "上南路", "杨思路", "永泰路")),
    Area("310115131", "惠南镇", True, 121.760, 31.050, ("人民东路", "城南路", "拱极路", "听潮路")),
    Area("310115132", "周浦镇", True, 121.575, 31.115, ("年家浜路", "沈梅路", "周康路", "康沈路")),
    Area("310115133", "新场镇", True, 121.650, 31.025, ("新场大街", "新环东路", "沪南公路", "坦直路")),
    Area("310115134", "大团镇", True, 121.720, 30.985, ("永春路", "大团路", "南芦公路", "沪南公路")),
    Area("310115136", "康桥镇", True, 121.580, 31.150, ("康桥路", "秀浦路", "沪南路", "康士路")),
    Area("310115137", "航头镇", True, 121.600, 31.050, ("航头路", "航亭环路", "沪南公路", "鹤立路")),
    Area("310115139", "祝桥镇", True, 121.755, 31.125, ("航城路", "东航路", "川南奉公路", "施新路")),
    Area("310115140", "泥城镇", True, 121.820, 30.915, ("云汉路", "鸿音路", "泥城路", "两港大道")),
    Area("310115141", "宣桥镇", True, 121.670, 31.070, ("南六公路", "三三公路", "宣黄公路", "张家桥路")),
    Area("310115142", "书院镇", True, 121.860, 31.000, ("丽正路", "新欢路", "书院路", "人民西路")),
    Area("310115143", "万祥镇", True, 121.795, 30.980, ("万宏路", "南芦公路", "三三公路", "万祥路")),
    Area("310115144", "老港镇", True, 121.860, 31.060, ("南港公路", "建港路", "老港大道", "东大公路")),
    Area("310115145", "南汇新城镇", True, 121.925, 30.900, ("环湖西一路", "水芸路", "临港大道", "申港大道")),
)
AREAS_BY_CODE: dict[str, Area] = {a.code: a for a in AREAS}


def area_name(code: str) -> str:
    area = AREAS_BY_CODE.get(code)
    return area.name if area else ""


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class LegalPersonKind(models.TextChoices):
    """Market-entity and organisation types (市场主体类型, GB 32100 registration categories)."""

    LIMITED_COMPANY = "limited_company", _("Limited liability company (有限责任公司)")
    JOINT_STOCK = "joint_stock", _("Joint-stock company (股份有限公司)")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship (个人独资企业)")
    PARTNERSHIP = "partnership", _("Partnership (合伙企业)")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business (个体工商户)")
    COOPERATIVE = "cooperative", _("Farmers' cooperative (农民专业合作社)")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution (事业单位)")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation (社会团体)")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit (民办非企业单位)")


# GB 32100-2015: registration authority + category (positions 1 and 2 of the credit code) by type.
CREDIT_CODE_PREFIX: dict[str, str] = {
    LegalPersonKind.LIMITED_COMPANY: "91",
    LegalPersonKind.JOINT_STOCK: "91",
    LegalPersonKind.SOLE_PROPRIETORSHIP: "91",
    LegalPersonKind.PARTNERSHIP: "91",
    LegalPersonKind.INDIVIDUAL_BUSINESS: "92",
    LegalPersonKind.COOPERATIVE: "93",
    LegalPersonKind.PUBLIC_INSTITUTION: "12",
    LegalPersonKind.SOCIAL_ORGANISATION: "51",
    LegalPersonKind.PRIVATE_NON_ENTERPRISE: "52",
}


class LegalPersonStatus(models.TextChoices):
    ACTIVE = "active", _("In business (存续)")
    SUSPENDED = "suspended", _("Suspended (停业)")
    REVOKED = "revoked", _("Licence revoked (吊销)")
    DEREGISTERED = "deregistered", _("Deregistered (注销)")
    MOVED_OUT = "moved_out", _("Moved out (迁出)")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741 (the standard's letter)
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")
