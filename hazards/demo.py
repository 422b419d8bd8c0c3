"""演示数据 for the hazard ledger, run by ``seed_demo`` after the demo accounts exist.

- The April drive 广告牌及建筑附着物专项排查 (1–30 April of this year, repeated each April and
  November, led by 市住建局), made with ``campaign_save`` by the office.
- Story hazards carried through the services by the demo accounts, one in every state:
  houzhen reports (已上报), the office rejects a duplicate (已驳回), confirms and assigns
  市住建局 under 市应急管理局's supervision (已确认), zhujian records 五落实 and starts (整改中;
  one past its deadline with an extension pending), submits with an after-photo (待验收),
  yingji accepts (已销号). Most were found in the April drive.
- Two 重大 hazards under 挂牌督办: a 危化 storage tank in 侯镇 (侯镇 rectifies, quarterly
  progress filed) and a deep excavation in 圣城街道 (市住建局 rectifies); both dual-reported.
- Ledger rows across Shouguang's townships in every state, written in bulk with their report
  event (``seed_demo --hazards N`` sets how many; 60 by default; 100,000 works), so the list,
  the filters and the export have something to show.

A second run adds nothing: story hazards are found by their description, the drive by its name
and start, and the bulk rows are topped up to N, never beyond.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portal.models import YearCounter
from responsibilities.demo import DemoRun, register_demo_step
from responsibilities.models import Enterprise, Industry, OrgUnit
from responsibilities.reference import CREATED, UNCHANGED

from . import services
from .choices import (
    DualReportRecipient,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
)
from .models import Campaign, Hazard, HazardEvent, hazard_code
from .services import CODE_COUNTER

DEFAULT_BULK = 60
BULK_FOUND_BY = "寿光市安全生产联合检查组（演示）"
BATCH = 2000

APRIL_CAMPAIGN = "广告牌及建筑附着物专项排查"


def png_bytes() -> bytes:
    """A small white PNG standing in for a photo taken on site."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + b"\xff\xff\xff" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@dataclass(frozen=True)
class Story:
    description: str
    township: str
    address: str
    industry: str
    state: str
    found_days_ago: int
    reporter: str = "office"
    in_campaign: bool = False
    grade: str = HazardGrade.GENERAL
    enterprise: str = ""
    responsible: str = "市住建局"
    supervising: str = "市应急管理局"
    rectifier: str = "zhujian"
    deadline_days: int = 30  # from today
    overdue_extension: bool = False
    listing: str = ""  # 督办文号 for a listed 重大 hazard


STORIES = (
    Story(
        "农贸市场北门户外广告牌立柱锈蚀，底座螺栓松动，大风天有倾倒危险",
        "侯镇",
        "侯镇农贸市场北门",
        "人员密集场所",
        HazardState.REPORTED,
        5,
        reporter="houzhen",
        in_campaign=True,
    ),
    Story(
        "渔港路沿街店铺招牌松动（经核实与已登记隐患重复）",
        "羊口镇",
        "羊口镇渔港路12号",
        "商贸",
        HazardState.REJECTED,
        12,
        in_campaign=True,
    ),
    Story(
        "在建工地塔吊基础积水，未设置排水措施",
        "圣城街道",
        "圣城街道金光街与银海路交叉口东北角工地",
        "建筑施工",
        HazardState.CONFIRMED,
        8,
        deadline_days=20,
    ),
    Story(
        "餐饮店液化气钢瓶与灶具间距不足，未安装可燃气体报警器",
        "古城街道",
        "古城街道古城街56号",
        "城镇燃气",
        HazardState.RECTIFYING,
        18,
        deadline_days=12,
    ),
    Story(
        "商业综合体外墙广告牌钢结构焊缝开裂",
        "文家街道",
        "文家街道农圣东街1999号商业综合体东立面",
        "人员密集场所",
        HazardState.AWAITING_ACCEPTANCE,
        30,
        in_campaign=True,
        deadline_days=10,
    ),
    Story(
        "沿街楼体空调外机支架锈蚀，部分膨胀螺栓脱落",
        "侯镇",
        "侯镇政府驻地商业街8号楼",
        "人员密集场所",
        HazardState.CLOSED,
        40,
        reporter="houzhen",
        in_campaign=True,
        deadline_days=-5,
    ),
    Story(
        "老旧小区楼体外挂广告牌固定件缺失，未做定期检测",
        "洛城街道",
        "洛城街道幸福小区3号楼",
        "人员密集场所",
        HazardState.RECTIFYING,
        45,
        in_campaign=True,
        deadline_days=-3,
        overdue_extension=True,
    ),
    Story(
        "储罐区可燃气体检测报警装置失效，未与紧急切断装置联锁",
        "侯镇",
        "寿光市侯镇化工园区海港路80号",
        "危险化学品",
        HazardState.RECTIFYING,
        100,
        grade=HazardGrade.MAJOR,
        enterprise="寿光恒润化工有限公司（示例）",
        responsible="侯镇",
        rectifier="houzhen",
        deadline_days=60,
        listing="寿安委督〔{year}〕1号",
    ),
    Story(
        "深基坑支护结构位移超过预警值，坑边堆载超限",
        "圣城街道",
        "圣城街道建新街北侧商住项目工地",
        "建筑施工",
        HazardState.RECTIFYING,
        40,
        grade=HazardGrade.MAJOR,
        deadline_days=90,
        listing="寿安委督〔{year}〕2号",
    ),
)


def seed_demo_hazards(run: DemoRun) -> None:
    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    if set(USERNAMES) - set(users):
        run.say("隐患演示数据：缺少演示账号，已跳过。")
        return
    units = {u.name: u for u in OrgUnit.objects.filter(is_active=True)}
    campaign = seed_april_campaign(run, users["office"], units, today)
    for story in STORIES:
        if Hazard.objects.filter(description=story.description).exists():
            run.count(UNCHANGED)
            continue
        tell_story(story, users, units, campaign, today)
        run.count(CREATED)
    added = seed_bulk(run, run.option("hazards", DEFAULT_BULK), users, units, campaign, today)
    run.say(
        f"隐患演示数据：故事隐患 {len(STORIES)} 条，台账批量隐患新增 {added} 条"
        f"（共 {Hazard.objects.filter(found_by=BULK_FOUND_BY).count()} 条）。"
    )


USERNAMES = ("office", "zhujian", "yingji", "houzhen")


def april_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This year's April drive; before April, last year's (the one hazards were found in)."""
    year = today.year if today >= datetime.date(today.year, 4, 1) else today.year - 1
    return datetime.date(year, 4, 1), datetime.date(year, 4, 30)


def seed_april_campaign(run, office, units, today) -> Campaign:
    starts_on, ends_on = april_period(today)
    campaign = Campaign.objects.filter(name=APRIL_CAMPAIGN, starts_on=starts_on).first()
    if campaign is not None:
        run.count(UNCHANGED)
        return campaign
    run.count(CREATED)
    return services.campaign_save(
        actor=office,
        name=APRIL_CAMPAIGN,
        description="对全市户外广告牌、招牌、楼体附着物及空调外机支架开展拉网式排查，"
        "重点检查立柱锈蚀、焊缝开裂、固定件缺失和未定期检测。",
        scope="全市各镇街区、园区沿街建筑及商业综合体",
        lead_unit=units.get("市住建局"),
        starts_on=starts_on,
        ends_on=ends_on,
        recurrence_months=[4, 11],
    )


def found_on_for(story: Story, campaign: Campaign, today: datetime.date) -> datetime.date:
    """A day in the April drive for its hazards (never after today), else days ago."""
    if story.in_campaign:
        day = campaign.starts_on + datetime.timedelta(days=story.found_days_ago % 28)
        return min(day, today)
    return today - datetime.timedelta(days=story.found_days_ago)


def tell_story(story: Story, users, units, campaign, today) -> Hazard:
    office = users["office"]
    found_on = found_on_for(story, campaign, today)
    hazard = services.hazard_report(
        actor=users[story.reporter],
        township=units[story.township],
        address=story.address,
        description=story.description,
        found_on=found_on,
        grade=story.grade,
        source=HazardSource.INSPECTION,
        found_by="孙涛、李明" if story.reporter == "houzhen" else "市安委办联合检查组",
        enterprise=Enterprise.objects.filter(name=story.enterprise).first()
        if story.enterprise
        else None,
        industry=Industry.objects.filter(name=story.industry).first(),
        campaign=campaign if story.in_campaign else None,
        photos=[photo("整改前.png")],
    )
    if story.state == HazardState.REPORTED:
        return hazard
    if story.state == HazardState.REJECTED:
        return services.hazard_reject(
            actor=office, hazard=hazard, reason="经核实与已登记隐患重复，已合并处理。"
        )
    deadline = max(today + datetime.timedelta(days=story.deadline_days), found_on)
    hazard = services.hazard_confirm(
        actor=office,
        hazard=hazard,
        grade=story.grade,
        responsible_unit=units[story.responsible],
        supervising_unit=units[story.supervising],
        deadline=deadline,
        comment="请按期整改到位。",
    )
    if story.state == HazardState.CONFIRMED:
        return hazard
    rectifier = users[story.rectifier]
    hazard = services.hazard_plan(
        actor=rectifier,
        hazard=hazard,
        rectification_person="王立新" if story.rectifier == "zhujian" else "于庆丰",
        rectification_measures="落实专人负责，制定整改方案，按期整改并自查复核。",
        rectification_funds=Decimal("12.50")
        if story.grade == HazardGrade.MAJOR
        else Decimal("0.80"),
        contingency_plan="整改期间设置警戒区域，安排专人值守，制定应急处置措施。",
    )
    hazard = services.hazard_start(actor=rectifier, hazard=hazard)
    if story.listing:
        list_major(story, hazard, users, rectifier, found_on, today)
    if story.overdue_extension:
        services.extension_request(
            actor=rectifier,
            hazard=hazard,
            requested_deadline=today + datetime.timedelta(days=20),
            reason="固定件需定制加工，供货周期约两周。",
        )
    if story.state == HazardState.RECTIFYING:
        return hazard
    hazard = services.hazard_submit(
        actor=rectifier,
        hazard=hazard,
        result="已按整改方案完成整改，经自查符合要求。",
        rectified_on=min(today, deadline),
        photos=[photo("整改后.png")],
    )
    if story.state == HazardState.AWAITING_ACCEPTANCE:
        return hazard
    return services.hazard_accept(
        actor=users["yingji"], hazard=hazard, comment="现场验收合格，予以销号。"
    )


def list_major(story, hazard, users, rectifier, found_on, today) -> None:
    """挂牌督办 by the office, 双报告 both ways, and the quarterly progress already due."""
    listed_on = min(found_on + datetime.timedelta(days=5), today)
    listing = services.hazard_list(
        actor=users["office"],
        hazard=hazard,
        authority="寿光市安全生产委员会",
        notice_number=story.listing.format(year=listed_on.year),
        listed_on=listed_on,
        deadline=hazard.deadline,
    )
    for recipient in DualReportRecipient.values:
        services.dual_report_record(
            actor=users["office"], hazard=hazard, recipient=recipient, reported_on=listed_on
        )
    period_end = services.quarter_end(listed_on)
    if period_end < today:
        services.listing_progress_report(
            actor=rectifier,
            listing=listing,
            period_end=period_end,
            narrative="已停用故障装置并设置临时监测，新报警装置已完成采购，正在安装调试。",
        )


# --- the ledger in bulk ---------------------------------------------------------------------

BULK_PLACES = (
    ("沿街商铺招牌支架锈蚀", "人员密集场所"),
    ("配电箱未设置漏电保护装置", "工贸"),
    ("消防通道被杂物堵塞", "消防重点单位"),
    ("有限空间作业未落实审批制度", "工贸"),
    ("液化气钢瓶未固定，无防倾倒措施", "城镇燃气"),
    ("脚手架连墙件缺失", "建筑施工"),
    ("粉尘除尘系统未定期清理", "粉尘涉爆"),
    ("冷库氨制冷机房通风不良", "涉氨制冷"),
    ("危化品仓库未按规定分类存放", "危险化学品"),
    ("电动自行车在楼道内充电", "人员密集场所"),
)
BULK_STATES = (
    HazardState.REPORTED,
    HazardState.CONFIRMED,
    HazardState.RECTIFYING,
    HazardState.AWAITING_ACCEPTANCE,
    HazardState.CLOSED,
    HazardState.CLOSED,
    HazardState.CLOSED,
    HazardState.REJECTED,
)


def seed_bulk(run, wanted: int, users, units, campaign, today) -> int:
    """Top the bulk rows up to ``wanted``: hazards with their report event, in every state."""
    have = Hazard.objects.filter(found_by=BULK_FOUND_BY).count()
    missing = max(0, wanted - have)
    if not missing:
        return 0
    townships = sorted(
        (u for u in units.values() if u.kind == OrgUnit.Kind.TOWNSHIP), key=lambda u: u.pk
    )
    industries = {i.name: i for i in Industry.objects.all()}
    zhujian_unit, yingji_unit = units.get("市住建局"), units.get("市应急管理局")
    office = users["office"]
    now = timezone.now()
    done = 0
    while done < missing:
        size = min(BATCH, missing - done)
        rows = [
            bulk_row(have + done + i, townships, industries, campaign, today, now, office)
            for i in range(size)
        ]
        for hazard in rows:
            if hazard.state not in (HazardState.REPORTED, HazardState.REJECTED):
                # 属地 rectifies every third one, 市住建局 the others; 市应急管理局 supervises.
                township_fixes = hazard.description.endswith(("3条）", "6条）", "9条）"))
                hazard.responsible_unit = hazard.township if township_fixes else zhujian_unit
                hazard.supervising_unit = yingji_unit
            if hazard.state == HazardState.CLOSED:
                hazard.accepted_by = users["yingji"]
        by_year: dict[int, list[Hazard]] = {}
        for hazard in rows:
            by_year.setdefault(hazard.found_on.year, []).append(hazard)
        for year, hazards in by_year.items():
            first = YearCounter.take(CODE_COUNTER, year, count=len(hazards))
            for offset, hazard in enumerate(hazards):
                hazard.code = hazard_code(year, first + offset)
        created = bulk_create_with_history(rows, Hazard, batch_size=BATCH)
        if created and created[0].pk is None:  # a backend that does not return keys
            created = list(Hazard.objects.filter(code__in=[h.code for h in rows]))
        HazardEvent.objects.bulk_create(
            [
                HazardEvent(
                    hazard=hazard,
                    kind=HazardEventKind.REPORT,
                    actor=office,
                    at=now,
                    to_state=HazardState.REPORTED,
                    comment="批量录入的演示隐患",
                )
                for hazard in created
            ],
            batch_size=BATCH,
        )
        done += size
        run.count(CREATED, size)
    return done


def bulk_row(n, townships, industries, campaign, today, now, office) -> Hazard:
    what, industry = BULK_PLACES[n % len(BULK_PLACES)]
    township = townships[n % len(townships)]
    state = BULK_STATES[n % len(BULK_STATES)]
    major = n % 17 == 0 and state != HazardState.REJECTED
    found_on = today - datetime.timedelta(days=(n * 7) % 360)
    hazard = Hazard(
        description=f"{what}（台账第{n + 1}条）",
        township=township,
        address=f"{township.name}第{n % 40 + 1}网格{n % 97 + 1}号",
        industry=industries.get(industry),
        grade=HazardGrade.MAJOR if major else HazardGrade.GENERAL,
        source=HazardSource.INSPECTION if n % 5 else HazardSource.SELF_CHECK,
        campaign=campaign
        if found_on.month == 4 and found_on.year == campaign.starts_on.year
        else None,
        found_on=found_on,
        found_by=BULK_FOUND_BY,
        reported_by=office,
        state=state,
    )
    if state == HazardState.REJECTED:
        hazard.rejection_reason = "经复核不属于安全隐患。"
        return hazard
    if state == HazardState.REPORTED:
        return hazard
    deadline = found_on + datetime.timedelta(days=30)
    hazard.deadline = hazard.original_deadline = deadline
    if state == HazardState.CONFIRMED:
        return hazard
    hazard.rectification_person = "王立新"
    hazard.rectification_measures = "制定整改方案，落实专人负责，按期整改。"
    hazard.rectification_funds = Decimal("1.00")
    hazard.contingency_plan = "整改期间设置警示标志，专人值守。"
    if state == HazardState.RECTIFYING:
        return hazard
    hazard.rectification_result = "已整改完毕，经自查符合要求。"
    hazard.rectified_on = min(deadline, today)
    if state == HazardState.AWAITING_ACCEPTANCE:
        return hazard
    hazard.accepted_at = hazard.closed_at = now
    hazard.acceptance_comment = "验收合格。"
    return hazard


register_demo_step("hazards", seed_demo_hazards)
