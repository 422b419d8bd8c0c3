"""演示数据 for emergency preparedness, run by ``seed_demo`` after the demo accounts and sample
enterprises exist. Everything goes through ``emergency.services`` with the demo accounts
(office, yingji, zhujian, houzhen), so dates are derived and movements explain every balance.

- Plans: the city's 总体应急预案 (issued in 2019, revised since) and special plans (危险化学品,
  防汛, 森林防火, 城镇燃气, 建筑施工, 道路交通); department plans; most townships' 总体预案 (issued
  around the directive's August 2019 deadline; 台头镇 and 双王城生态经济园区 have none) and most
  industries' special plans (eight industries have none), so the coverage matrix shows gaps;
  on-site procedures (现场处置方案) of the chemical parks' enterprises at 侯镇 and 羊口镇 and a
  crowded place. Some plans are drilled on time, some are overdue or never drilled, some
  evaluations are overdue.
- Rescue teams: 消防救援大队, 侯镇化工园区专职消防队, 羊口海上搜救志愿者, mine and hazchem
  enterprise teams and others.
- Stockpiles in the city store, the flood store and the chemical park, each with its purchase,
  issues and write-offs; some below their minimum, some expiring or expired.
- Shelters across the townships at points inside each township's shape
  (``settings.TOWNSHIP_GEOJSON``), with capacities; some without signs, one not published.

A second run adds nothing: plans are found by title, teams and shelters by name, stockpiles by
name and place.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from responsibilities.demo import DemoRun, register_demo_step
from responsibilities.models import Enterprise, Industry, OrgUnit
from responsibilities.reference import CREATED, UNCHANGED
from responsibilities.selectors import supervisor_for

from . import services
from .choices import (
    DrillEvaluation,
    DrillForm,
    DrillScale,
    MovementKind,
    PlanOwnerKind,
    PlanType,
    Readiness,
    ReviewKind,
    ReviewResult,
    ShelterType,
    StockCategory,
    TeamKind,
    TeamSpecialty,
)
from .models import Plan, RescueTeam, Shelter, Stockpile

USERNAMES = ("office", "yingji", "zhujian", "houzhen")
TOWNSHIPS_WITHOUT_PLAN = ("台头镇", "双王城生态经济园区")
INDUSTRIES_WITHOUT_PLAN = (
    "城市受纳场",
    "油气输送管道",
    "农业机械",
    "养老服务",
    "寄递物流",
    "民用爆炸物品",
    "危险废物",
    "防雷安全",
)


@dataclass(frozen=True)
class DemoPlan:
    title: str
    plan_type: str
    owner_kind: str
    owner: str  # the owner unit's name
    actor: str  # the demo account that keeps it
    issued: datetime.date | int  # a date, or days ago
    township: str = ""
    industry: str = ""
    enterprise: str = ""
    scenario: str = ""
    revised: int | None = None  # days ago a 2.0 version was issued
    evaluated: int | None = None  # days ago it was evaluated
    drilled: tuple[int, ...] = ()  # days ago it was drilled


CITY_AND_DEPARTMENT_PLANS = (
    DemoPlan(
        "寿光市突发事件总体应急预案",
        PlanType.COMPREHENSIVE,
        PlanOwnerKind.CITY,
        "市应急管理局",
        "yingji",
        datetime.date(2019, 5, 20),
        scenario="各类突发事件",
        revised=700,
        drilled=(400, 200),
    ),
    DemoPlan(
        "寿光市危险化学品事故应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市应急管理局",
        "yingji",
        900,
        scenario="危险化学品事故",
        drilled=(800, 420),
    ),
    DemoPlan(
        "寿光市防汛应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市水利局",
        "office",
        datetime.date(2019, 6, 10),
        scenario="洪涝灾害",
        evaluated=1100,
        drilled=(520, 160),
    ),
    DemoPlan(
        "寿光市森林防火应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市自然资源和规划局",
        "office",
        600,
        scenario="森林火灾",
        drilled=(250,),
    ),
    DemoPlan(
        "寿光市城镇燃气事故应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市住建局",
        "zhujian",
        500,
        scenario="城镇燃气泄漏、火灾爆炸",
        drilled=(90,),
    ),
    DemoPlan(
        "寿光市建筑施工生产安全事故应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市住建局",
        "zhujian",
        450,
        scenario="坍塌、高处坠落、起重伤害",
        drilled=(30,),
    ),
    DemoPlan(
        "寿光市道路交通事故应急预案",
        PlanType.SPECIAL,
        PlanOwnerKind.CITY,
        "市交通局",
        "office",
        380,
        scenario="重特大道路交通事故",
    ),
    DemoPlan(
        "市住建局安全生产事故应急预案",
        PlanType.DEPARTMENT,
        PlanOwnerKind.BUREAU,
        "市住建局",
        "zhujian",
        300,
        drilled=(45,),
    ),
    DemoPlan(
        "市教育和体育局校园安全事故应急预案",
        PlanType.DEPARTMENT,
        PlanOwnerKind.BUREAU,
        "市教育和体育局",
        "office",
        420,
        drilled=(100,),
    ),
    DemoPlan(
        "市卫生健康局突发事件医疗卫生救援应急预案",
        PlanType.DEPARTMENT,
        PlanOwnerKind.BUREAU,
        "市卫生健康局",
        "office",
        700,
        drilled=(330,),
    ),
)

ONSITE_PLANS = (
    ("寿光恒润化工有限公司（示例）", "储罐区泄漏现场处置方案", "houzhen", 300, (100,)),
    ("寿光鑫海盐化有限公司（示例）", "氯气泄漏现场处置方案", "houzhen", 400, (230,)),
    ("山东澜源新材料有限公司（示例）", "反应釜超温超压现场处置方案", "houzhen", 200, (20,)),
    ("寿光渤海盐化工有限公司（示例）", "溴素泄漏现场处置方案", "office", 350, (150,)),
    ("寿光卤源溴素有限公司（示例）", "火灾爆炸现场处置方案", "office", 260, ()),
    ("寿光滨海燃气有限公司（示例）", "燃气管网泄漏现场处置方案", "office", 500, (60,)),
    ("寿光中心购物广场有限公司（示例）", "人员密集场所疏散现场处置方案", "office", 240, (100,)),
)


def township_plans(townships: list[OrgUnit]) -> list[DemoPlan]:
    """Each township's 总体预案, issued from June to August 2019 (two in the autumn, after the
    directive's deadline); about half revised since, the others evaluated; drilled yearly,
    with a few drills overdue."""
    plans = []
    for n, township in enumerate(townships):
        issued = datetime.date(2019, 6 + n % 3, 3 + n * 2)
        if n in (5, 9):
            issued = datetime.date(2019, 10, 15)
        revised = 250 + 40 * n if n % 2 == 0 else None
        evaluated = None if revised else (400 if n % 3 else 1120)
        last = 60 + 19 * n if n % 5 else 400 + n
        if revised:
            last = min(last, revised - 10)
        plans.append(
            DemoPlan(
                f"{township.name}突发事件总体应急预案",
                PlanType.COMPREHENSIVE,
                PlanOwnerKind.TOWNSHIP,
                township.name,
                "houzhen" if township.name == "侯镇" else "office",
                issued,
                township=township.name,
                scenario="辖区各类突发事件",
                revised=revised,
                evaluated=evaluated,
                drilled=(last,),
            )
        )
    return plans


def industry_plans(industries: list[Industry]) -> list[DemoPlan]:
    plans = []
    for n, industry in enumerate(industries):
        issued = 200 + (n * 53) % 800
        drilled = (min(issued - 5, 20 + (n * 37) % 400),) if n % 3 else ()
        owner = supervisor_for(industry, "industry") or supervisor_for(industry, "professional")
        plans.append(
            DemoPlan(
                f"寿光市{industry.name}行业生产安全事故应急预案",
                PlanType.SPECIAL,
                PlanOwnerKind.INDUSTRY,
                owner.name if owner else "市应急管理局",
                "office",
                issued,
                industry=industry.name,
                scenario=f"{industry.name}行业生产安全事故",
                drilled=drilled,
            )
        )
    return plans


def onsite_plans() -> list[DemoPlan]:
    enterprises = {
        e.name: e
        for e in Enterprise.objects.select_related("township").filter(
            name__in=[name for name, *_rest in ONSITE_PLANS]
        )
    }
    plans = []
    for name, title, actor, issued, drilled in ONSITE_PLANS:
        enterprise = enterprises.get(name)
        if enterprise is None or enterprise.township_id is None:
            continue
        plans.append(
            DemoPlan(
                name.replace("（示例）", "") + title,
                PlanType.ONSITE,
                PlanOwnerKind.ENTERPRISE,
                enterprise.township.name,
                actor,
                issued,
                enterprise=name,
                drilled=drilled,
            )
        )
    return plans


# --- plans through the services -------------------------------------------------------------


class Demo:
    def __init__(self, run: DemoRun, users, today: datetime.date):
        self.run = run
        self.users = users
        self.today = today
        self.units = {u.name: u for u in OrgUnit.objects.filter(is_active=True)}
        self.filing = 0

    def day(self, value: datetime.date | int) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        return self.today - datetime.timedelta(days=value)

    def review(self, issued: datetime.date) -> dict:
        """评审 three weeks before issue, 备案 ten days after (never in the future)."""
        self.filing += 1
        filed = min(issued + datetime.timedelta(days=10), self.today)
        return {
            "review_kind": ReviewKind.REVIEW,
            "reviewed_on": issued - datetime.timedelta(days=21),
            "review_result": ReviewResult.PASSED,
            "filed_on": filed,
            "filing_number": f"寿应急备〔{filed.year}〕{self.filing}号",
            "filing_authority": "寿光市应急管理局",
        }

    def plan(self, spec: DemoPlan) -> None:
        if Plan.objects.filter(title=spec.title).exists():
            self.run.count(UNCHANGED)
            return
        actor = self.users[spec.actor]
        issued = self.day(spec.issued)
        plan = services.plan_save(
            actor=actor,
            title=spec.title,
            plan_type=spec.plan_type,
            owner_kind=spec.owner_kind,
            owner_unit=self.units[spec.owner],
            township=self.units.get(spec.township),
            industry=Industry.objects.filter(name=spec.industry).first() if spec.industry else None,
            enterprise=Enterprise.objects.filter(name=spec.enterprise).first()
            if spec.enterprise
            else None,
            scenario=spec.scenario,
            summary="明确组织指挥体系及职责、预警与信息报告、应急响应分级、处置措施和保障措施。",
            version="1.0",
            issued_on=issued,
            **self.review(issued),
        )
        if spec.revised is not None:
            revised = self.day(spec.revised)
            plan = services.plan_revise(
                actor=actor,
                plan=plan,
                version="2.0",
                issued_on=revised,
                **self.review(revised),
            )
        if spec.evaluated is not None:
            services.plan_evaluate(
                actor=actor,
                plan=plan,
                evaluated_on=self.day(spec.evaluated),
                conclusion="预案组织体系、响应程序和保障措施基本符合实际，继续执行；"
                "部分通讯录已更新。",
            )
        for n, days in enumerate(sorted(spec.drilled, reverse=True)):
            self.drill(plan, actor, self.day(days), n)
        self.run.count(CREATED)

    def drill(self, plan: Plan, actor, held_on: datetime.date, n: int) -> None:
        scale = {
            PlanOwnerKind.CITY: DrillScale.CITY,
            PlanOwnerKind.TOWNSHIP: DrillScale.TOWNSHIP,
            PlanOwnerKind.ENTERPRISE: DrillScale.ENTERPRISE,
        }.get(plan.owner_kind, DrillScale.DEPARTMENT)
        live = plan.plan_type == PlanType.ONSITE or n % 2 == 1
        partners = [
            self.units[name]
            for name in ("市应急管理局", "市消防大队", "市卫生健康局")
            if name in self.units and self.units[name] != plan.owner_unit
        ]
        services.drill_record(
            actor=actor,
            plan=plan,
            title=f"{held_on.year}年{plan.title.replace('应急预案', '')}"
            f"{'实战' if live else '桌面推演'}演练",
            held_on=held_on,
            form=DrillForm.LIVE if live else DrillForm.TABLETOP,
            scale=scale,
            location=plan.enterprise.address if plan.enterprise_id else "",
            participants=30 + (held_on.toordinal() % 7) * 20,
            scenario=f"模拟发生{plan.scenario or '突发事件'}，检验预警、响应和协同处置。",
            evaluation=DrillEvaluation.POOR if n % 4 == 3 else DrillEvaluation.ADEQUATE,
            evaluation_text="演练达到预期目的，各环节衔接基本顺畅。",
            problems_found="信息报告时间偏长；部分人员对疏散路线不熟悉。",
            improvements="修订信息报告流程，增加疏散路线培训。",
            participating_units=partners[: 1 + n % 3],
        )


# --- rescue teams ---------------------------------------------------------------------------

TEAMS = (
    # name, kind, specialty, unit, township, enterprise, members, leader, equipment, readiness
    ("寿光市消防救援大队", TeamKind.PROFESSIONAL, TeamSpecialty.FIRE, "市消防大队", "圣城街道", "",
     86, "王海涛", "水罐消防车8辆、举高喷射车2辆、抢险救援车3辆", Readiness.READY),
    ("侯镇化工园区专职消防队", TeamKind.PROFESSIONAL, TeamSpecialty.HAZCHEM, "侯镇", "侯镇", "",
     32, "于庆丰", "泡沫消防车2辆、防化洗消车1辆、重型防化服12套", Readiness.READY),
    ("羊口海上搜救志愿者队", TeamKind.VOLUNTEER, TeamSpecialty.WATER, "羊口镇", "羊口镇", "",
     45, "刘海", "搜救快艇3艘、救生圈60个、卫星电话2部", Readiness.READY),
    ("寿光鑫海盐化有限公司危化品应急救援队", TeamKind.ENTERPRISE, TeamSpecialty.HAZCHEM, "侯镇",
     "侯镇", "寿光鑫海盐化有限公司（示例）", 24, "张建军", "空气呼吸器16具、堵漏工具4套",
     Readiness.READY),
    ("寿光卤源溴素有限公司危化品应急救援队", TeamKind.ENTERPRISE, TeamSpecialty.HAZCHEM,
     "羊口镇", "羊口镇", "寿光卤源溴素有限公司（示例）", 18, "李志刚",
     "防化服10套、洗消帐篷1顶", Readiness.LIMITED),
    ("寿光市非煤矿山应急救援队", TeamKind.ENTERPRISE, TeamSpecialty.MINE, "市应急管理局",
     "双王城生态经济园区", "", 20, "赵立新", "矿山救护车1辆、正压氧气呼吸器10台", Readiness.READY),
    ("寿光市防汛抢险队", TeamKind.PROFESSIONAL, TeamSpecialty.FLOOD, "市水利局", "圣城街道", "",
     60, "孙德胜", "冲锋舟4艘、大功率排涝泵车2辆", Readiness.READY),
    ("寿光市城镇燃气抢修队", TeamKind.PROFESSIONAL, TeamSpecialty.UTILITY, "市住建局",
     "文家街道", "", 28, "周建华", "燃气抢险车2辆、可燃气体检测仪12台", Readiness.READY),
    ("寿光市建筑工程抢险队", TeamKind.PROFESSIONAL, TeamSpecialty.CONSTRUCTION, "市住建局",
     "古城街道", "", 40, "马永强", "挖掘机2台、汽车吊1台、生命探测仪2台", Readiness.READY),
    ("寿光市森林消防队", TeamKind.PROFESSIONAL, TeamSpecialty.FOREST, "市自然资源和规划局",
     "纪台镇", "", 30, "高立军", "风力灭火机20台、水泵8台", Readiness.READY),
    ("寿光蓝天救援队", TeamKind.SOCIAL, TeamSpecialty.GENERAL, "市应急管理局", "洛城街道", "",
     52, "韩晓东", "救援车3辆、无人机2架、橡皮艇2艘", Readiness.READY),
    ("寿光市红十字应急救护队", TeamKind.SOCIAL, TeamSpecialty.MEDICAL, "市卫生健康局",
     "圣城街道", "", 36, "刘敏", "急救包50个、AED除颤仪4台", Readiness.UNAVAILABLE),
)  # fmt: skip
TEAM_ACTORS = {"侯镇": "houzhen", "市住建局": "zhujian", "市应急管理局": "yingji"}


# --- stockpiles: (name, category, unit of measure, minimum, place, owner, township, custodian,
# expires in days or None, movements: (kind, quantity, days ago, reason)) ---------------------

STOCKPILES = (
    ("折叠床", StockCategory.LIVING, "张", 300, "寿光市应急物资储备库", "市应急管理局", "圣城街道",
     "马卫东", None, (("in", 500, 420, "政府采购入库"),)),
    ("棉被", StockCategory.LIVING, "床", 800, "寿光市应急物资储备库", "市应急管理局", "圣城街道",
     "马卫东", None, (("in", 1200, 420, "政府采购入库"), ("out", 150, 40, "调拨稻田镇安置受灾群众"))),
    ("救灾帐篷", StockCategory.LIVING, "顶", 100, "寿光市应急物资储备库", "市应急管理局",
     "圣城街道", "马卫东", None, (("in", 200, 420, "省应急厅调拨入库"), ("out", 120, 35, "防汛转移安置"))),
    ("救生衣", StockCategory.LIFESAVING, "件", 200, "寿光市防汛物资仓库", "市水利局", "洛城街道",
     "孙德胜", None, (("in", 300, 380, "政府采购入库"), ("out", 180, 50, "汛期调拨各镇街区"),
                     ("loss", 10, 20, "老化破损报废"))),
    ("编织袋", StockCategory.FLOOD, "条", 10000, "寿光市防汛物资仓库", "市水利局", "洛城街道",
     "孙德胜", None, (("in", 30000, 380, "政府采购入库"), ("out", 8000, 60, "弥河堤防加固"))),
    ("冲锋舟", StockCategory.FLOOD, "艘", 4, "寿光市防汛物资仓库", "市水利局", "洛城街道",
     "孙德胜", None, (("in", 6, 700, "政府采购入库"),)),
    ("重型防化服", StockCategory.HAZCHEM, "套", 30, "侯镇化工园区应急物资库", "侯镇", "侯镇",
     "于庆丰", 900, (("in", 40, 300, "园区采购入库"), ("out", 12, 25, "危化品泄漏处置消耗"))),
    ("正压式空气呼吸器", StockCategory.PROTECTIVE, "具", 10, "侯镇化工园区应急物资库", "侯镇",
     "侯镇", "于庆丰", None, (("in", 20, 300, "园区采购入库"),)),
    ("泡沫灭火剂", StockCategory.FIREFIGHTING, "吨", 5, "侯镇化工园区应急物资库", "侯镇", "侯镇",
     "于庆丰", 20, (("in", 8, 700, "园区采购入库"),)),
    ("堵漏工具", StockCategory.HAZCHEM, "套", 4, "羊口镇应急物资储备点", "羊口镇", "羊口镇",
     "刘海", None, (("in", 6, 200, "镇政府采购入库"),)),
    ("救生圈", StockCategory.LIFESAVING, "个", 50, "羊口镇应急物资储备点", "羊口镇", "羊口镇",
     "刘海", None, (("in", 100, 200, "镇政府采购入库"), ("loss", 8, 30, "风化破损报废"))),
    ("急救药箱", StockCategory.MEDICAL, "箱", 20, "寿光市应急物资储备库", "市卫生健康局",
     "圣城街道", "刘敏", -10, (("in", 40, 700, "政府采购入库"),)),
    ("应急照明灯", StockCategory.LIGHTING_COMMS, "台", 50, "寿光市应急物资储备库", "市应急管理局",
     "圣城街道", "马卫东", None, (("in", 120, 420, "政府采购入库"),)),
)  # fmt: skip


# --- shelters: (township, name, type, category, area m², facilities, signage, public,
# manager unit) -----------------------------------------------------------------------------

FULL = ["water", "power", "toilet", "medical", "broadcast", "storage", "lighting", "tent_area"]
BASIC = ["water", "toilet", "lighting"]
SHELTERS = (
    ("圣城街道", "寿光市人民广场应急避难场所", ShelterType.SQUARE, "II", 60000, FULL, True, True, ""),
    ("圣城街道", "寿光市体育中心应急避难场所", ShelterType.STADIUM, "I", 45000,
     [*FULL, "helipad"], True, True, "市教育和体育局"),
    ("圣城街道", "弥河公园应急避难场所", ShelterType.PARK, "II", 80000, FULL, True, True, ""),
    ("文家街道", "农圣公园应急避难场所", ShelterType.PARK, "III", 20000, BASIC, False, True, ""),
    ("古城街道", "古城街道中心小学操场", ShelterType.SCHOOL, "III", 8000, BASIC, True, True, ""),
    ("洛城街道", "洛城街道文化广场", ShelterType.SQUARE, "III", 12000, BASIC, True, True, ""),
    ("孙家集街道", "三元朱村文化广场", ShelterType.SQUARE, "III", 6000, BASIC, False, True, ""),
    ("化龙镇", "化龙镇中学操场", ShelterType.SCHOOL, "III", 9000, BASIC, True, True, ""),
    ("营里镇", "营里镇文化广场", ShelterType.SQUARE, "III", 7000, BASIC, True, True, ""),
    ("台头镇", "台头镇中心学校操场", ShelterType.SCHOOL, "III", 8000, BASIC, False, True, ""),
    ("田柳镇", "田柳镇文体广场", ShelterType.SQUARE, "III", 7500, BASIC, True, True, ""),
    ("上口镇", "上口镇全民健身广场", ShelterType.SQUARE, "III", 6500, BASIC, True, True, ""),
    ("侯镇", "侯镇文化广场应急避难场所", ShelterType.SQUARE, "II", 15000, FULL, True, True, ""),
    ("侯镇", "侯镇中学操场", ShelterType.SCHOOL, "III", 9000, BASIC, False, True, ""),
    ("侯镇", "侯镇化工园区应急集结点", ShelterType.SQUARE, "III", 5000, ["broadcast", "lighting"],
     True, False, ""),
    ("纪台镇", "纪台镇蔬菜文化广场", ShelterType.SQUARE, "III", 8000, BASIC, True, True, ""),
    ("稻田镇", "稻田镇中心小学操场", ShelterType.SCHOOL, "III", 7000, BASIC, True, True, ""),
    ("羊口镇", "羊口镇渔港广场", ShelterType.SQUARE, "III", 10000, BASIC, False, True, ""),
    ("羊口镇", "羊口镇体育馆", ShelterType.INDOOR, "II", 3000, ["water", "power", "toilet"],
     True, True, ""),
)  # fmt: skip


def township_shapes() -> dict[str, list[list[float]]]:
    try:
        data = json.loads(Path(settings.TOWNSHIP_GEOJSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        f["properties"]["name"]: f["geometry"]["coordinates"][0]
        for f in data.get("features", [])
        if f.get("geometry", {}).get("type") == "Polygon"
    }


def inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting: is the point inside the polygon's outer ring?"""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def point_in(ring: list[list[float]] | None, n: int) -> tuple[Decimal, Decimal] | None:
    """The ``n``-th shelter's point: near the shape's centre, stepping out until inside."""
    if not ring:
        return None
    lon0 = sum(p[0] for p in ring) / len(ring)
    lat0 = sum(p[1] for p in ring) / len(ring)
    for step in range(40):
        lon = lon0 + 0.006 * (n + step) * (1 if (n + step) % 2 else -1)
        lat = lat0 + 0.004 * (n + step) * (1 if (n + step) % 3 else -1)
        if inside(ring, lon, lat):
            return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
    return None


def seed_demo_emergency(run: DemoRun) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if set(USERNAMES) - set(users):
        run.say("应急演示数据：缺少演示账号，已跳过。")
        return
    demo = Demo(run, users, timezone.localdate())
    townships = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)
        .exclude(name__in=TOWNSHIPS_WITHOUT_PLAN)
        .order_by("sort_order", "name")
    )
    industries = list(Industry.objects.exclude(name__in=INDUSTRIES_WITHOUT_PLAN))
    for spec in (
        *CITY_AND_DEPARTMENT_PLANS,
        *township_plans(townships),
        *industry_plans(industries),
        *onsite_plans(),
    ):
        if spec.owner in demo.units:
            demo.plan(spec)
    seed_teams(demo)
    seed_stockpiles(demo)
    seed_shelters(demo)
    run.say(
        f"应急演示数据：应急预案 {Plan.objects.count()} 个（含修订版本），"
        f"救援队伍 {RescueTeam.objects.count()} 支，储备物资 {Stockpile.objects.count()} 项，"
        f"避难场所 {Shelter.objects.count()} 处。"
    )


def seed_teams(demo: Demo) -> None:
    units, today = demo.units, demo.today
    for name, kind, specialty, unit, township, enterprise, members, leader, gear, ready in TEAMS:
        if RescueTeam.objects.filter(name=name).exists() or unit not in units:
            demo.run.count(UNCHANGED)
            continue
        services.team_save(
            actor=demo.users[TEAM_ACTORS.get(unit, "office")],
            name=name,
            kind=kind,
            specialty=specialty,
            unit=units[unit],
            township=units.get(township),
            enterprise=Enterprise.objects.filter(name=enterprise).first() if enterprise else None,
            member_count=members,
            leader=leader,
            leader_phone=f"138536{members:03d}{len(name):02d}",
            duty_phone=f"0536-52{members:02d}119",
            equipment=gear,
            address=f"{township}{name[-6:]}驻地" if township else "",
            readiness=ready,
            readiness_checked_on=today - datetime.timedelta(days=members % 30),
        )
        demo.run.count(CREATED)


def seed_stockpiles(demo: Demo) -> None:
    units, today = demo.units, demo.today
    for row in STOCKPILES:
        name, category, measure, minimum, place, owner, township, custodian, expires, moves = row
        if Stockpile.objects.filter(name=name, place=place).exists() or owner not in units:
            demo.run.count(UNCHANGED)
            continue
        actor = demo.users[TEAM_ACTORS.get(owner, "office")]
        stockpile = services.stockpile_save(
            actor=actor,
            name=name,
            category=category,
            measure_unit=measure,
            minimum_quantity=Decimal(minimum),
            place=place,
            owner_unit=units[owner],
            township=units.get(township),
            custodian=custodian,
            custodian_phone="13853600" + f"{len(place) * 7 % 1000:03d}",
            expires_on=None if expires is None else today + datetime.timedelta(days=expires),
        )
        for kind, quantity, days_ago, reason in moves:
            services.stock_move(
                actor=actor,
                stockpile=stockpile,
                kind=MovementKind(kind),
                quantity=Decimal(quantity),
                occurred_on=today - datetime.timedelta(days=days_ago),
                reason=reason,
                reference=f"CK{today.year}-{stockpile.pk:03d}-{days_ago:03d}",
            )
        demo.run.count(CREATED)


def seed_shelters(demo: Demo) -> None:
    units = demo.units
    shapes = township_shapes()
    counts: dict[str, int] = {}
    for township, name, kind, category, area, facilities, signage, public, manager in SHELTERS:
        n = counts[township] = counts.get(township, -1) + 1
        if Shelter.objects.filter(name=name).exists() or township not in units:
            demo.run.count(UNCHANGED)
            continue
        point = point_in(shapes.get(township), n)
        services.shelter_save(
            actor=demo.users["houzhen" if township == "侯镇" else "office"],
            name=name,
            shelter_type=kind,
            category=category,
            township=units[township],
            address=f"寿光市{township}{name.replace(township, '')[:12]}",
            effective_area=Decimal(area),
            capacity=area // 2,  # about 2 m² a person (GB 21734)
            facilities=list(facilities),
            signage_done=signage,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            manager_unit=units.get(manager) or units[township],
            manager="值班负责人",
            manager_phone="0536-5200000",
            public_phone="0536-5212345" if public else "",
            is_public=public,
        )
        demo.run.count(CREATED)


register_demo_step("emergency", seed_demo_emergency)
