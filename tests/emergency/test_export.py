"""Emergency registers in Excel: the plan ledger's official columns in their order, every
register's rows scoped like its list and filtered by its FilterSet, formulas escaped."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from emergency.choices import (
    MovementKind,
    PlanOwnerKind,
    PlanState,
    PlanType,
    ReviewKind,
    ReviewResult,
    StockCategory,
)
from tests.emergency.factories import (
    DrillFactory,
    PlanFactory,
    RescueTeamFactory,
    ShelterFactory,
    StockMovementFactory,
    StockpileFactory,
)
from tests.responsibilities.factories import IndustryFactory

pytestmark = pytest.mark.django_db

PLAN_COLUMNS = [
    "预案名称",
    "预案类型",
    "编制主体",
    "编制单位",
    "镇街区",
    "行业",
    "版本",
    "发布日期",
    "评审方式",
    "评审日期",
    "评审结论",
    "备案日期",
    "备案编号",
    "最近评估",
    "下次评估",
    "最近演练",
    "下次演练",
    "状态",
]


def export_rows(client, name, **params):
    response = client.get(reverse("reports:export", args=[name]), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_plan_export_has_the_official_columns_and_a_plans_values(cast, client):
    industry = IndustryFactory(name="危险化学品")
    PlanFactory(
        title="寿光市危险化学品事故专项应急预案",
        plan_type=PlanType.SPECIAL,
        owner_kind=PlanOwnerKind.INDUSTRY,
        owner_unit=cast.yingji_unit,
        industry=industry,
        version="2.0",
        issued_on=datetime.date(2024, 2, 29),
        review_kind=ReviewKind.REVIEW,
        reviewed_on=datetime.date(2024, 2, 1),
        review_result=ReviewResult.PASSED,
        filed_on=datetime.date(2024, 3, 5),
        filing_number="寿应急备〔2024〕3号",
        last_drill_on=datetime.date(2025, 6, 30),
    )
    client.force_login(cast.office)
    header, *rows = export_rows(client, "emergency-plans")
    assert header == PLAN_COLUMNS
    (row,) = rows
    assert row == [
        "寿光市危险化学品事故专项应急预案",
        "专项应急预案",
        "行业",
        "市应急管理局",
        None,
        "危险化学品",
        "2.0",
        datetime.datetime(2024, 2, 29),
        "评审",
        datetime.datetime(2024, 2, 1),
        "通过",
        datetime.datetime(2024, 3, 5),
        "寿应急备〔2024〕3号",
        None,
        datetime.datetime(2027, 2, 28),  # three years on, the leap day falls back
        datetime.datetime(2025, 6, 30),
        datetime.datetime(2026, 6, 30),  # a special plan is drilled yearly
        "现行有效",
    ]


def test_plan_export_holds_only_the_plans_the_user_may_see_filtered_like_the_list(cast, client):
    PlanFactory(title="住建局部门预案", owner_unit=cast.zhujian_unit)
    PlanFactory(
        title="侯镇综合预案",
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
    )
    PlanFactory(
        title="侯镇旧版综合预案",
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        state=PlanState.SUPERSEDED,
    )
    client.force_login(cast.houzhen)
    assert sorted(r[0] for r in export_rows(client, "emergency-plans")[1:]) == [
        "侯镇旧版综合预案",
        "侯镇综合预案",
    ]
    in_force = export_rows(client, "emergency-plans", state=PlanState.IN_FORCE)
    assert [r[0] for r in in_force[1:]] == ["侯镇综合预案"]
    client.force_login(cast.zhujian)
    assert [r[0] for r in export_rows(client, "emergency-plans")[1:]] == ["住建局部门预案"]
    client.force_login(cast.auditor)
    assert len(export_rows(client, "emergency-plans")) == 4


def test_drill_export_lists_the_participating_units_and_is_scoped(cast, client):
    plan = PlanFactory(title="侯镇综合预案", owner_unit=cast.houzhen_unit)
    DrillFactory(
        plan=plan,
        title="侯镇化工园区危化品泄漏实战演练",
        township=cast.houzhen_unit,
        participating_units=[cast.yingji_unit, cast.zhujian_unit],
        problems_found="=1+1 报警联动慢",
    )
    DrillFactory(plan=PlanFactory(owner_unit=cast.zhujian_unit), title="住建局演练")
    client.force_login(cast.houzhen)
    header, *rows = export_rows(client, "emergency-drills")
    (row,) = rows
    assert row[header.index("演练名称")] == "侯镇化工园区危化品泄漏实战演练"
    assert row[header.index("演练预案")] == "侯镇综合预案"
    units = row[header.index("参演单位")]
    assert set(units.split("、")) == {"市应急管理局", "市住建局"}
    assert row[header.index("发现的问题")] == "'=1+1 报警联动慢"


def test_team_export_filters_by_kind_and_escapes_formulas(cast, client):
    RescueTeamFactory(name="寿光市消防救援大队", unit=cast.yingji_unit, leader="@SUM(A1)")
    RescueTeamFactory(name="羊口海上搜救志愿者", kind="volunteer", unit=cast.yangkou_unit)
    client.force_login(cast.zhujian)  # every unit may find a team to call on
    header, *rows = export_rows(client, "emergency-teams")
    assert len(rows) == 2
    (row,) = export_rows(client, "emergency-teams", kind="professional")[1:]
    assert row[0] == "寿光市消防救援大队"
    assert row[header.index("队长")] == "'@SUM(A1)"
    assert row[header.index("在编")] == "是"


def test_stockpile_export_marks_low_stock_and_filters_low(cast, client):
    StockpileFactory(
        name="救生衣",
        category=StockCategory.LIFESAVING,
        quantity=Decimal("5"),
        minimum_quantity=Decimal("50"),
        owner_unit=cast.yingji_unit,
    )
    StockpileFactory(name="编织袋", category=StockCategory.FLOOD, owner_unit=cast.houzhen_unit)
    client.force_login(cast.office)
    header, *rows = export_rows(client, "emergency-stockpiles")
    by_name = {row[0]: row for row in rows}
    assert by_name["救生衣"][header.index("库存数量")] == 5
    assert by_name["救生衣"][header.index("低于最低储备")] == "是"
    assert by_name["编织袋"][header.index("低于最低储备")] == "否"
    assert [r[0] for r in export_rows(client, "emergency-stockpiles", low="true")[1:]] == ["救生衣"]


def test_movement_export_shows_each_change_with_its_balance(cast, client):
    stockpile = StockpileFactory(name="应急照明灯", owner_unit=cast.yingji_unit)
    StockMovementFactory(
        stockpile=stockpile,
        kind=MovementKind.OUT,
        quantity=Decimal("20"),
        balance_after=Decimal("80"),
        reason="防汛调拨侯镇",
        occurred_on=datetime.date(2026, 7, 1),
    )
    client.force_login(cast.houzhen)
    header, *rows = export_rows(client, "emergency-movements", kind=MovementKind.OUT)
    (row,) = rows
    assert row[:6] == [
        datetime.datetime(2026, 7, 1),
        "应急照明灯",
        "市应急物资储备库",
        "出库",
        20,
        80,
    ]
    assert row[header.index("事由")] == "防汛调拨侯镇"
    assert len(export_rows(client, "emergency-movements")) == 3  # the 初始入库 too


def test_shelter_export_writes_facilities_by_name_and_filters_signage(cast, client):
    ShelterFactory(
        name="侯镇中心广场避难场所",
        township=cast.houzhen_unit,
        facilities=["water", "broadcast"],
        signage_done=True,
    )
    ShelterFactory(name="羊口镇中学操场", township=cast.yangkou_unit, signage_done=False)
    client.force_login(cast.houzhen)
    header, *rows = export_rows(client, "emergency-shelters", signage_done="false")
    assert [row[0] for row in rows] == ["羊口镇中学操场"]
    (row,) = export_rows(client, "emergency-shelters", township=cast.houzhen_unit.pk)[1:]
    assert row[header.index("配套设施")] == "应急供水、应急广播"
    assert row[header.index("标志标识已设置")] == "是"
    assert row[header.index("经度")] == 118.791


def test_anonymous_users_cannot_export(client):
    response = client.get(reverse("reports:export", args=["emergency-shelters"]))
    assert response.status_code == 302
