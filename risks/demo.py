"""演示数据 for the risk register, run by ``seed_demo`` after the demo accounts and enterprises.

- Story points across Shouguang's townships, registered and assessed through the services
  (``risk_point_register``, ``assessment_record``, by LEC and by the LS matrix) so every level
  is computed from the thresholds: the chemical parks at 侯镇 (侯镇化工园区) and 羊口
  (羊口化工园区, the 渤海化工园) with red and orange hazardous-chemicals points, crowded
  places, town gas, oil and gas pipelines, special equipment, construction sites and roads;
  one point assessed by both methods where they disagree (从严从高 keeps the stricter).
  Some were assessed long enough ago that their review is overdue.
- Inventory rows in bulk (``seed_demo --risks N`` sets how many; 60 by default; 20,000 works
  for the map), written with their assessment: each score and level is computed by
  ``risks.services`` (``compute_score``, ``level_for``), never typed.
- Every point lies inside its township's shape in ``fixtures/townships.geojson`` (or at its
  enterprise's address).
- One white paper edition, when the white paper's service is installed and none exists.

A second run adds nothing: story points are found by name, the bulk rows are topped up to N,
never beyond.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portal.models import YearCounter
from responsibilities.demo import DemoRun, register_demo_step
from responsibilities.models import Enterprise, Industry, OrgUnit
from responsibilities.reference import CREATED, UNCHANGED

from . import services
from .choices import AssessmentMethod, ControlLevel, RiskCategory, RiskKind, RiskLevel, stricter
from .models import Assessment, RiskPoint, risk_code

DEFAULT_BULK = 60
BATCH = 2000
BULK_MARK = "风险清单批量演示数据"
ASSESSOR = "寿光市安全风险评估专家组（演示）"
CODE_COUNTER = "risk"
USERNAMES = ("office", "houzhen")

LEC = AssessmentMethod.LEC
LS = AssessmentMethod.LS

# The five kinds of 管控措施 by category: engineering, management, training, protection, emergency.
MEASURES = {
    RiskCategory.HAZARDOUS_CHEMICALS: (
        "设置可燃/有毒气体检测报警、紧急切断和SIS联锁，储罐区设防火堤",
        "重大危险源包保责任制，双人巡检并记录，动火等特殊作业票证管理",
        "每季度开展泄漏、火灾应急处置培训和考核",
        "配备正压式空气呼吸器、防化服、防静电工作服",
        "启动危化品泄漏专项应急预案，疏散下风向人员，园区消防站联动",
    ),
    RiskCategory.CROWDED_PLACE: (
        "设置自动喷水灭火、火灾自动报警和应急照明疏散指示",
        "节假日高峰限流、专人疏导，消防通道每日巡查",
        "员工每半年一次消防和疏散演练",
        "值班人员配备防烟面罩、对讲机",
        "启动人员密集场所疏散预案，119联动",
    ),
    RiskCategory.GAS: (
        "调压站、阀室设置燃气泄漏报警和远程切断",
        "管网巡线每日一次，第三方施工现场监护",
        "抢修队伍每月开展带气作业培训",
        "抢修人员配备防爆工具、便携式检测仪",
        "启动燃气泄漏抢险预案，关阀断气、警戒疏散",
    ),
    RiskCategory.PIPELINE: (
        "管道阴极保护、光纤预警和高后果区视频监控",
        "高后果区每日巡护，占压隐患清单化整治",
        "巡护人员每季度培训",
        "巡护人员配备可燃气体检测仪",
        "启动管道泄漏应急预案，上下游截断阀关闭",
    ),
    RiskCategory.SPECIAL_EQUIPMENT: (
        "安全保护装置定期校验，加装运行监测",
        "使用登记、定期检验和日常维护保养记录",
        "作业人员持证上岗，每年复训",
        "作业人员配备安全帽、安全带",
        "启动特种设备事故应急预案，困人救援30分钟到场",
    ),
    RiskCategory.CONSTRUCTION: (
        "深基坑支护监测、塔吊安全监控系统、临边洞口防护",
        "危大工程专项方案论证，项目负责人带班生产",
        "三级安全教育，班前安全交底",
        "安全帽、安全带、防滑鞋",
        "启动坍塌、高处坠落专项预案",
    ),
    RiskCategory.ROAD_TRAFFIC: (
        "急弯陡坡设置减速带、警示标志和防撞护栏",
        "危险货物运输车辆GPS动态监控，路段巡逻",
        "驾驶员每月安全教育",
        "路政人员反光背心",
        "启动交通事故应急处置预案，交警、路政、医疗联动",
    ),
}
DEFAULT_MEASURES = (
    "设置必要的监测报警和防护设施",
    "落实岗位责任，定期巡查并记录",
    "从业人员每年安全培训",
    "按规定配备劳动防护用品",
    "按专项应急预案处置",
)


@dataclass(frozen=True)
class Story:
    name: str
    category: str
    township: str
    responsible: str
    person: str
    # (method, L, E or S, C) per assessment; C is None for LS.
    assessments: tuple[tuple[str, str, str, str | None], ...]
    days_ago: int = 30  # when assessed
    kind: str = RiskKind.SITE
    industry: str = ""
    enterprise: str = ""
    address: str = ""
    accidents: tuple[str, ...] = ()
    control_level: str = ControlLevel.ENTERPRISE
    actor: str = "office"
    extra: dict = field(default_factory=dict)


STORIES = (
    # 侯镇化工园区: hazardous chemicals, red and orange.
    Story(
        "侯镇化工园区液氯储罐区",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "侯镇",
        "侯镇",
        "于庆丰",
        ((LEC, "3", "6", "40"),),  # D = 720: 重大
        days_ago=100,  # a red point reviewed every 3 months: overdue
        industry="危险化学品",
        enterprise="寿光恒润化工有限公司（示例）",
        accidents=("poisoning", "leak"),
        control_level=ControlLevel.CITY,
        actor="houzhen",
    ),
    Story(
        "侯镇化工园区溴素生产装置",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "侯镇",
        "侯镇",
        "谭晓燕",
        ((LS, "4", "5", None),),  # R = 20: 重大
        days_ago=20,
        industry="危险化学品",
        enterprise="寿光泰和溴化工有限公司（示例）",
        accidents=("poisoning", "scald", "leak"),
        control_level=ControlLevel.CITY,
        actor="houzhen",
    ),
    Story(
        "侯镇化工园区石化罐区装卸作业",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "侯镇",
        "侯镇",
        "吴振华",
        ((LEC, "3", "6", "15"),),  # D = 270: 较大
        days_ago=60,
        kind=RiskKind.OPERATION,
        industry="危险化学品",
        enterprise="寿光瑞丰石化有限公司（示例）",
        accidents=("fire", "explosion", "leak"),
        control_level=ControlLevel.TOWNSHIP,
        actor="houzhen",
    ),
    Story(
        "侯镇化工园区危险货物运输车辆停车场",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "侯镇",
        "侯镇",
        "郑保国",
        # The two methods disagree: LEC 一般 (126), LS 较大 (16) — the point stands at 较大.
        ((LEC, "3", "6", "7"), (LS, "4", "4", None)),
        days_ago=40,
        industry="道路运输",
        enterprise="寿光通达危险货物运输有限公司（示例）",
        accidents=("fire", "explosion", "traffic"),
        control_level=ControlLevel.TOWNSHIP,
        actor="houzhen",
    ),
    Story(
        "侯镇中心加油站",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "侯镇",
        "侯镇",
        "曹秀英",
        ((LS, "3", "3", None),),  # R = 9: 一般
        days_ago=90,
        industry="成品油经营",
        enterprise="寿光侯镇中心加油站有限公司（示例）",
        accidents=("fire", "explosion"),
        actor="houzhen",
    ),
    # 羊口化工园区 (渤海化工园).
    Story(
        "羊口化工园区溴素储存仓库",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "羊口镇",
        "羊口镇",
        "任树林",
        ((LEC, "6", "6", "15"),),  # D = 540: 重大
        days_ago=30,
        industry="危险化学品",
        enterprise="寿光卤源溴素有限公司（示例）",
        accidents=("poisoning", "scald", "leak"),
        control_level=ControlLevel.CITY,
    ),
    Story(
        "羊口化工园区盐化工氯碱装置",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "羊口镇",
        "羊口镇",
        "廖志刚",
        ((LS, "3", "5", None),),  # R = 15: 较大
        days_ago=70,
        industry="危险化学品",
        enterprise="寿光渤海盐化工有限公司（示例）",
        accidents=("poisoning", "leak", "electric"),
        control_level=ControlLevel.TOWNSHIP,
    ),
    Story(
        "羊口化工园区检维修动火作业",
        RiskCategory.HAZARDOUS_CHEMICALS,
        "羊口镇",
        "羊口镇",
        "曹光明",
        ((LEC, "6", "3", "15"),),  # D = 270: 较大
        days_ago=15,
        kind=RiskKind.OPERATION,
        industry="危险化学品",
        enterprise="寿光海晟化工有限公司（示例）",
        accidents=("fire", "explosion"),
        control_level=ControlLevel.TOWNSHIP,
    ),
    Story(
        "羊口港区危险货物码头",
        RiskCategory.WATER_TRAFFIC,
        "羊口镇",
        "市交通局",
        "陈雪梅",
        ((LS, "3", "4", None),),  # R = 12: 一般
        days_ago=120,
        industry="水上交通",
        enterprise="寿光港航物流有限公司（示例）",
        accidents=("fire", "drowning", "leak"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Crowded places.
    Story(
        "寿光农产品物流园交易大厅",
        RiskCategory.CROWDED_PLACE,
        "文家街道",
        "市商务局",
        "张海涛",
        ((LS, "3", "5", None),),  # R = 15: 较大
        days_ago=45,
        industry="人员密集场所",
        address="文家街道农圣东街农产品物流园",
        accidents=("fire", "crowd"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "中国（寿光）国际蔬菜科技博览会主展馆",
        RiskCategory.LARGE_EVENT,
        "洛城街道",
        "市公安局",
        "李建军",
        ((LEC, "1", "6", "40"),),  # D = 240: 较大
        days_ago=200,
        kind=RiskKind.OPERATION,
        address="洛城街道菜博会展馆",
        accidents=("crowd", "fire"),
        control_level=ControlLevel.CITY,
    ),
    Story(
        "圣城街道万达广场商业综合体",
        RiskCategory.HIGH_RISE,
        "圣城街道",
        "圣城街道",
        "刘伟",
        ((LEC, "1", "6", "15"),),  # D = 90: 一般
        days_ago=80,
        industry="人员密集场所",
        address="圣城街道圣城街与银海路交叉口",
        accidents=("fire", "crowd"),
        control_level=ControlLevel.TOWNSHIP,
    ),
    Story(
        "古城街道中心小学",
        RiskCategory.CROWDED_PLACE,
        "古城街道",
        "市教育和体育局",
        "王秀兰",
        ((LS, "2", "4", None),),  # R = 8: 低
        days_ago=150,
        industry="教育",
        address="古城街道古城街88号",
        accidents=("crowd", "fire"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Town gas and pipelines.
    Story(
        "寿光城区天然气门站",
        RiskCategory.GAS,
        "洛城街道",
        "市住建局",
        "王立新",
        ((LEC, "1", "10", "40"),),  # D = 400: 重大
        days_ago=50,
        industry="城镇燃气",
        address="洛城街道东环路天然气门站",
        accidents=("fire", "explosion", "leak"),
        control_level=ControlLevel.CITY,
    ),
    Story(
        "稻田镇老旧小区燃气管网",
        RiskCategory.GAS,
        "稻田镇",
        "市住建局",
        "王立新",
        ((LS, "3", "4", None),),  # R = 12: 一般
        days_ago=100,
        industry="城镇燃气",
        address="稻田镇政府驻地居民小区",
        accidents=("fire", "explosion"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "上口镇长输天然气管道高后果区",
        RiskCategory.PIPELINE,
        "上口镇",
        "市发改局",
        "孙志刚",
        ((LEC, "1", "6", "40"),),  # D = 240: 较大
        days_ago=35,
        industry="油气输送管道",
        address="上口镇东部管道穿越村庄段",
        accidents=("fire", "explosion", "leak"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "台头镇原油管道穿越河道段",
        RiskCategory.PIPELINE,
        "台头镇",
        "市发改局",
        "孙志刚",
        ((LS, "2", "3", None),),  # R = 6: 低
        days_ago=60,
        industry="油气输送管道",
        address="台头镇弥河穿越段",
        accidents=("leak", "fire"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Special equipment.
    Story(
        "寿光经济开发区热电厂锅炉",
        RiskCategory.SPECIAL_EQUIPMENT,
        "寿光经济开发区",
        "市市场监管局",
        "赵宏伟",
        ((LEC, "1", "6", "15"),),  # D = 90: 一般
        days_ago=60,
        industry="特种设备",
        address="寿光经济开发区热电厂",
        accidents=("pressure", "scald"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "圣城街道住宅小区电梯",
        RiskCategory.SPECIAL_EQUIPMENT,
        "圣城街道",
        "市市场监管局",
        "赵宏伟",
        ((LS, "2", "3", None),),  # R = 6: 低
        days_ago=20,
        industry="特种设备",
        address="圣城街道金光小区",
        accidents=("machine", "fall"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Construction.
    Story(
        "圣城街道商住项目深基坑",
        RiskCategory.CONSTRUCTION,
        "圣城街道",
        "市住建局",
        "王立新",
        ((LEC, "3", "6", "15"),),  # D = 270: 较大
        days_ago=25,
        kind=RiskKind.OPERATION,
        industry="建筑施工",
        address="圣城街道建新街北侧商住项目工地",
        accidents=("collapse", "fall"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "孙家集街道安置房项目塔吊作业",
        RiskCategory.CONSTRUCTION,
        "孙家集街道",
        "市住建局",
        "王立新",
        ((LS, "3", "3", None),),  # R = 9: 一般
        days_ago=40,
        kind=RiskKind.OPERATION,
        industry="建筑施工",
        address="孙家集街道安置房项目工地",
        accidents=("lifting", "struck", "fall"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Roads.
    Story(
        "羊临路化工园区段危险货物运输通道",
        RiskCategory.ROAD_TRAFFIC,
        "羊口镇",
        "市交通局",
        "高振东",
        ((LEC, "3", "6", "15"),),  # D = 270: 较大
        days_ago=55,
        industry="道路运输",
        address="羊临路化工园区至港区段",
        accidents=("traffic", "leak", "fire"),
        control_level=ControlLevel.DEPARTMENT,
    ),
    Story(
        "营里镇国道急弯路段",
        RiskCategory.ROAD_TRAFFIC,
        "营里镇",
        "市交通局",
        "高振东",
        ((LS, "2", "4", None),),  # R = 8: 低
        days_ago=30,
        industry="道路运输",
        address="营里镇国道急弯陡坡路段",
        accidents=("traffic",),
        control_level=ControlLevel.DEPARTMENT,
    ),
    # Others across the townships.
    Story(
        "化龙镇粉尘涉爆木材加工车间",
        RiskCategory.INDUSTRY_TRADE,
        "化龙镇",
        "化龙镇",
        "周建华",
        ((LEC, "3", "6", "7"),),  # D = 126: 一般
        days_ago=70,
        industry="粉尘涉爆",
        address="化龙镇工业园",
        accidents=("explosion", "fire"),
    ),
    Story(
        "田柳镇冷库涉氨制冷机房",
        RiskCategory.INDUSTRY_TRADE,
        "田柳镇",
        "田柳镇",
        "韩立军",
        ((LS, "2", "4", None),),  # R = 8: 低
        days_ago=45,
        industry="涉氨制冷",
        address="田柳镇蔬菜冷链园区",
        accidents=("poisoning", "leak"),
    ),
    Story(
        "纪台镇蔬菜大棚卷帘机作业",
        RiskCategory.OTHER,
        "纪台镇",
        "纪台镇",
        "孟凡东",
        ((LEC, "1", "3", "7"),),  # D = 21: 低
        days_ago=20,
        kind=RiskKind.OPERATION,
        address="纪台镇蔬菜大棚集中区",
        accidents=("machine",),
        control_level=ControlLevel.TOWNSHIP,
    ),
    Story(
        "双王城水库大坝",
        RiskCategory.NATURAL_DISASTER,
        "双王城生态经济园区",
        "市水利局",
        "陈国庆",
        ((LS, "2", "5", None),),  # R = 10: 一般
        days_ago=180,
        industry="水利工程",
        address="双王城生态经济园区水库",
        accidents=("drowning",),
        control_level=ControlLevel.DEPARTMENT,
    ),
)


# --- places inside the townships ------------------------------------------------------------


@cache
def township_shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """Each township's outer rings (lon, lat) from the approximate GeoJSON."""
    with open(settings.TOWNSHIP_GEOJSON, encoding="utf-8") as f:
        data = json.load(f)
    shapes: dict[str, list] = {}
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = (
            [geometry["coordinates"]]
            if geometry.get("type") == "Polygon"
            else geometry.get("coordinates", [])
        )
        shapes[feature["properties"]["name"]] = [
            [(float(x), float(y)) for x, y, *_rest in polygon[0]] for polygon in polygons
        ]
    return shapes


def inside(ring: list[tuple[float, float]], x: float, y: float) -> bool:
    """Ray casting: is (x, y) inside the ring?"""
    result = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def halton(index: int, base: int) -> float:
    result, fraction = 0.0, 1.0
    while index:
        fraction /= base
        result += fraction * (index % base)
        index //= base
    return result


# Per township: the places found so far and the next index of the sequence to try.
_places: dict[str, tuple[list[tuple[Decimal, Decimal]], list[int]]] = {}


def place_in(township: str, n: int) -> tuple[Decimal, Decimal] | None:
    """The n-th of a fixed, evenly spread sequence of places inside the township's shape, as
    (latitude, longitude); None for a township without a shape."""
    rings = township_shapes().get(township)
    if not rings:
        return None
    found, cursor = _places.setdefault(township, ([], [1]))
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    while len(found) <= n:
        x = min(xs) + (max(xs) - min(xs)) * halton(cursor[0], 2)
        y = min(ys) + (max(ys) - min(ys)) * halton(cursor[0], 3)
        if any(inside(ring, x, y) for ring in rings):
            found.append((Decimal(f"{y:.6f}"), Decimal(f"{x:.6f}")))
        cursor[0] += 1
    return found[n]


# --- the story points -----------------------------------------------------------------------


def seed_demo_risks(run: DemoRun) -> None:
    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if set(USERNAMES) - set(users):
        run.say("风险演示数据：缺少演示账号，已跳过。")
        return
    units = {u.name: u for u in OrgUnit.objects.filter(is_active=True)}
    told = 0
    for number, story in enumerate(STORIES):
        if RiskPoint.objects.filter(name=story.name).exists():
            run.count(UNCHANGED)
            continue
        if story.township not in units or story.responsible not in units:
            continue
        tell_story(number, story, users, units, today)
        run.count(CREATED)
        told += 1
    added = seed_bulk(run, run.option("risks", DEFAULT_BULK), units, users["office"], today)
    published = seed_white_paper(run, users["office"], today)
    run.say(
        f"风险演示数据：故事风险点 {len(STORIES)} 个（新增 {told} 个），"
        f"清单批量风险点新增 {added} 个"
        f"（共 {RiskPoint.objects.filter(description=BULK_MARK).count()} 个）"
        + ("，风险白皮书 1 期" if published else "")
        + "。"
    )


def tell_story(number: int, story: Story, users, units, today: datetime.date) -> RiskPoint:
    actor = users[story.actor]
    enterprise = (
        Enterprise.objects.filter(name=story.enterprise).first() if story.enterprise else None
    )
    township = units[story.township]
    if enterprise is not None and enterprise.latitude is not None:
        latitude, longitude = enterprise.latitude, enterprise.longitude
        address = enterprise.address
    else:
        latitude, longitude = place_in(story.township, number) or (None, None)
        address = story.address
    engineering, management, training, protective, emergency = MEASURES.get(
        story.category, DEFAULT_MEASURES
    )
    point = services.risk_point_register(
        actor=actor,
        name=story.name,
        kind=story.kind,
        category=story.category,
        township=township,
        responsible_unit=units[story.responsible],
        responsible_person=story.person,
        responsible_phone=f"0536-52{number:02d}{number * 37 % 100:02d}0",
        industry=Industry.objects.filter(name=story.industry).first() if story.industry else None,
        enterprise=enterprise if enterprise and enterprise.township_id == township.pk else None,
        address=address,
        latitude=latitude,
        longitude=longitude,
        accident_types=list(story.accidents),
        engineering_measures=engineering,
        management_measures=management,
        training_measures=training,
        protective_measures=protective,
        emergency_measures=emergency,
        control_level=story.control_level,
    )
    assessed_on = today - datetime.timedelta(days=story.days_ago)
    for offset, (method, likelihood, second, consequence) in enumerate(story.assessments):
        services.assessment_record(
            actor=actor,
            point=point,
            method=method,
            likelihood=likelihood,
            exposure=second if method == LEC else None,
            consequence=consequence,
            severity=second if method == LS else None,
            assessed_on=assessed_on + datetime.timedelta(days=offset),
            assessor_name=ASSESSOR,
            note="演示数据：按作业条件危险性分析法/风险矩阵法评估。",
        )
    return point


# --- the inventory in bulk ------------------------------------------------------------------

# (what, category, kind, industry, accident types) — the bulk rows cycle through these.
BULK_PLACES = (
    ("危化品仓库", RiskCategory.HAZARDOUS_CHEMICALS, RiskKind.SITE, "危险化学品", ["fire", "leak"]),
    ("农贸市场", RiskCategory.CROWDED_PLACE, RiskKind.SITE, "人员密集场所", ["fire", "crowd"]),
    ("餐饮店液化气使用", RiskCategory.GAS, RiskKind.OPERATION, "城镇燃气", ["fire", "explosion"]),
    ("燃气调压箱", RiskCategory.GAS, RiskKind.SITE, "城镇燃气", ["leak", "explosion"]),
    ("电梯", RiskCategory.SPECIAL_EQUIPMENT, RiskKind.SITE, "特种设备", ["machine"]),
    ("在建工地脚手架作业", RiskCategory.CONSTRUCTION, RiskKind.OPERATION, "建筑施工", ["fall"]),
    ("村道临水临崖路段", RiskCategory.ROAD_TRAFFIC, RiskKind.SITE, "道路运输", ["traffic"]),
    (
        "加油站卸油作业",
        RiskCategory.HAZARDOUS_CHEMICALS,
        RiskKind.OPERATION,
        "成品油经营",
        ["fire"],
    ),
    (
        "冷库氨制冷系统",
        RiskCategory.INDUSTRY_TRADE,
        RiskKind.SITE,
        "涉氨制冷",
        ["poisoning", "leak"],
    ),
    ("有限空间作业", RiskCategory.INDUSTRY_TRADE, RiskKind.OPERATION, "工贸", ["poisoning"]),
    ("养老院", RiskCategory.CROWDED_PLACE, RiskKind.SITE, "养老服务", ["fire"]),
    ("天然气管道", RiskCategory.PIPELINE, RiskKind.SITE, "油气输送管道", ["leak", "fire"]),
)
# Inputs cycled through so the bulk covers every level by both methods (scores computed).
BULK_INPUTS = (
    (LEC, "3", "6", "7"),  # 126 一般
    (LS, "2", "3", None),  # 6 低
    (LEC, "1", "6", "7"),  # 42 低
    (LS, "3", "4", None),  # 12 一般
    (LEC, "3", "6", "15"),  # 270 较大
    (LS, "2", "4", None),  # 8 低
    (LEC, "1", "6", "15"),  # 90 一般
    (LS, "4", "4", None),  # 16 较大
    (LEC, "1", "3", "7"),  # 21 低
    (LS, "3", "3", None),  # 9 一般
    (LEC, "6", "6", "15"),  # 540 重大
    (LS, "5", "4", None),  # 20 重大
)


def seed_bulk(run, wanted: int, units, office, today: datetime.date) -> int:
    """Top the bulk rows up to ``wanted``: points with one assessment each, graded by the
    services' arithmetic and the thresholds in force, written in batches with their history."""
    have = RiskPoint.objects.filter(description=BULK_MARK).count()
    missing = max(0, wanted - have)
    if not missing:
        return 0
    townships = sorted(
        (
            u
            for u in units.values()
            if u.kind == OrgUnit.Kind.TOWNSHIP and u.name in township_shapes()
        ),
        key=lambda u: u.name,
    )
    if not townships:
        return 0
    industries = {i.name: i for i in Industry.objects.all()}
    thresholds = {method: services.thresholds_for(method) for method in (LEC, LS)}
    graded = {}
    for method, likelihood, second, consequence in BULK_INPUTS:
        score = services.compute_score(
            method,
            likelihood=likelihood,
            exposure=second if method == LEC else None,
            consequence=consequence,
            severity=second if method == LS else None,
        )
        graded[(method, likelihood, second, consequence)] = (
            score,
            services.level_for(method, score, thresholds[method]),
        )
    now = timezone.now()
    year = today.year
    done = 0
    while done < missing:
        size = min(BATCH, missing - done)
        numbers = range(have + done, have + done + size)
        first = YearCounter.take(CODE_COUNTER, year, count=size)
        points, inputs = [], []
        for offset, n in enumerate(numbers):
            township = townships[n % len(townships)]
            what, category, kind, industry, accidents = BULK_PLACES[n % len(BULK_PLACES)]
            key = BULK_INPUTS[n % len(BULK_INPUTS)]
            score, level = graded[key]
            assessed_on = today - datetime.timedelta(days=(n * 11) % 330)
            latitude, longitude = place_in(township.name, n // len(townships) + len(STORIES))
            engineering, management, training, protective, emergency = MEASURES.get(
                category, DEFAULT_MEASURES
            )
            points.append(
                RiskPoint(
                    code=risk_code(year, first + offset),
                    name=f"{township.name}{what}（清单第{n + 1}项）",
                    kind=kind,
                    category=category,
                    industry=industries.get(industry),
                    description=BULK_MARK,
                    township=township,
                    address=f"{township.name}第{n % 40 + 1}网格{n % 97 + 1}号",
                    latitude=latitude,
                    longitude=longitude,
                    accident_types=accidents,
                    engineering_measures=engineering,
                    management_measures=management,
                    training_measures=training,
                    protective_measures=protective,
                    emergency_measures=emergency,
                    responsible_unit=township,
                    responsible_person="网格员（演示）",
                    control_level=ControlLevel.TOWNSHIP
                    if stricter(level, RiskLevel.ORANGE) == level
                    else ControlLevel.ENTERPRISE,
                    level=level,
                    level_changed_at=now,
                    last_assessed_on=assessed_on,
                    review_due=services.review_due_after(assessed_on, level),
                    registered_by=office,
                )
            )
            inputs.append((key, score, level, assessed_on))
        created = bulk_create_with_history(points, RiskPoint, batch_size=BATCH)
        if created and created[0].pk is None:  # a backend that does not return keys
            by_code = {
                p.code: p for p in RiskPoint.objects.filter(code__in=[p.code for p in points])
            }
            created = [by_code[p.code] for p in points]
        assessments = []
        for point, ((method, likelihood, second, consequence), score, level, assessed_on) in zip(
            created, inputs, strict=True
        ):
            assessments.append(
                Assessment(
                    risk_point=point,
                    method=method,
                    likelihood=Decimal(likelihood),
                    exposure=Decimal(second) if method == LEC else None,
                    consequence=Decimal(consequence) if consequence else None,
                    severity=int(second) if method == LS else None,
                    score=score,
                    level=level,
                    assessed_on=assessed_on,
                    assessor=office,
                    assessor_name=ASSESSOR,
                )
            )
        bulk_create_with_history(assessments, Assessment, batch_size=BATCH)
        done += size
        run.count(CREATED, size)
    return done


# --- the white paper ------------------------------------------------------------------------


def seed_white_paper(run, office, today: datetime.date) -> bool:
    """One edition as of the end of last month, when the white paper's service exists and no
    edition has been published yet."""
    try:
        from .whitepaper import whitepaper_publish
    except ImportError:
        return False
    from .models import WhitePaper

    if WhitePaper.objects.exists():
        run.count(UNCHANGED)
        return False
    as_of = today.replace(day=1) - datetime.timedelta(days=1)
    whitepaper_publish(
        actor=office,
        as_of=as_of,
        foreword="本白皮书为演示数据，汇总全市风险点的等级、分布和管控责任。",
    )
    run.count(CREATED)
    return True


register_demo_step("risks", seed_demo_risks)
