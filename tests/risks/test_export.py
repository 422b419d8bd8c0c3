"""The risk inventory in Excel (风险清单): the official columns in their order, the latest score
of each method, formulas escaped, only the points the user may see, filtered like the list,
and the same number of queries however many points there are."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.exports import write_xlsx
from portal.reports.selectors import export_queryset, exporter_for
from risks.choices import AssessmentMethod, ControlLevel, RiskCategory, RiskKind, RiskLevel
from tests.querycount import assert_constant_queries
from tests.responsibilities.factories import EnterpriseFactory, GridFactory, IndustryFactory
from tests.risks.factories import AssessmentFactory, RiskPointFactory

pytestmark = pytest.mark.django_db

OFFICIAL_COLUMNS = [
    "序号",
    "风险点编号",
    "风险点名称",
    "风险点类型",
    "风险类别",
    "行业领域",
    "所在镇街区",
    "网格",
    "生产经营单位",
    "地址",
    "经度",
    "纬度",
    "可能导致的事故类型",
    "风险等级",
    "评估方法及分值",
    "工程技术措施",
    "管理措施",
    "培训教育措施",
    "个体防护措施",
    "应急处置措施",
    "管控层级",
    "管控责任单位",
    "管控责任人",
    "联系电话",
    "最近评估日期",
    "下次复评日期",
]


def export_rows(client, **params):
    response = client.get(reverse("reports:export", args=["risks"]), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def chlorine_tank(cast):
    point = RiskPointFactory(
        name="液氯储罐区",
        kind=RiskKind.SITE,
        category=RiskCategory.HAZARDOUS_CHEMICALS,
        industry=IndustryFactory(name="危险化学品"),
        township=cast.houzhen_unit,
        grid=GridFactory(township=cast.houzhen_unit, name="化工园区第一网格"),
        enterprise=EnterpriseFactory(name="寿光恒润化工有限公司", township=cast.houzhen_unit),
        address="侯镇化工园区海港路80号",
        longitude=Decimal("118.912345"),
        latitude=Decimal("37.101234"),
        accident_types=["poisoning", "leak"],
        engineering_measures="设置有毒气体报警和紧急切断",
        management_measures="双人巡检，每班记录",
        training_measures="每季度开展泄漏处置培训",
        protective_measures="配备正压式空气呼吸器",
        emergency_measures="启动泄漏专项预案",
        control_level=ControlLevel.CITY,
        responsible_unit=cast.yingji_unit,
        responsible_person="王五",
        responsible_phone="0536-5200000",
        level=RiskLevel.ORANGE,
        last_assessed_on=datetime.date(2026, 5, 10),
        review_due=datetime.date(2026, 11, 10),
    )
    # Two LEC assessments (the later one counts) and one LS.
    AssessmentFactory(
        risk_point=point,
        method=AssessmentMethod.LEC,
        score=Decimal("90"),
        level=RiskLevel.YELLOW,
        assessed_on=datetime.date(2026, 1, 5),
    )
    AssessmentFactory(
        risk_point=point,
        method=AssessmentMethod.LEC,
        score=Decimal("126"),
        level=RiskLevel.YELLOW,
        assessed_on=datetime.date(2026, 5, 10),
    )
    AssessmentFactory(
        risk_point=point,
        method=AssessmentMethod.LS,
        likelihood=Decimal("4"),
        exposure=None,
        consequence=None,
        severity=4,
        score=Decimal("16"),
        level=RiskLevel.ORANGE,
        assessed_on=datetime.date(2026, 5, 1),
    )
    return point


def test_export_has_the_official_columns_in_order_and_a_points_values(cast, client, chlorine_tank):
    client.force_login(cast.office)
    header, *rows = export_rows(client)
    assert header == OFFICIAL_COLUMNS
    (row,) = rows
    assert row == [
        1,
        chlorine_tank.code,
        "液氯储罐区",
        "设备设施、场所、区域",
        "危险化学品",
        "危险化学品",
        "侯镇",
        "化工园区第一网格",
        "寿光恒润化工有限公司",
        "侯镇化工园区海港路80号",
        118.912345,
        37.101234,
        "中毒和窒息、泄漏",
        "较大风险",
        "LEC D=126（一般风险）；LS R=16（较大风险）",
        "设置有毒气体报警和紧急切断",
        "双人巡检，每班记录",
        "每季度开展泄漏处置培训",
        "配备正压式空气呼吸器",
        "启动泄漏专项预案",
        "市级",
        "市应急管理局",
        "王五",
        "0536-5200000",
        datetime.datetime(2026, 5, 10),
        datetime.datetime(2026, 11, 10),
    ]


def test_an_unassessed_point_exports_with_empty_level_and_scores(cast, client):
    RiskPointFactory(township=cast.houzhen_unit, grid=None, enterprise=None, industry=None)
    client.force_login(cast.office)
    (row,) = export_rows(client)[1:]
    assert row[0] == 1
    assert row[5] is None and row[7] is None and row[8] is None
    assert row[13] is None and row[14] is None and row[24] is None


def test_export_escapes_text_that_would_be_a_formula(cast, client):
    RiskPointFactory(
        township=cast.houzhen_unit,
        name='=HYPERLINK("http://evil.example","点击")',
        responsible_person="+1+cmd|' /C calc'!A0",
    )
    client.force_login(cast.office)
    (row,) = export_rows(client)[1:]
    assert row[2] == '\'=HYPERLINK("http://evil.example","点击")'
    assert row[22].startswith("'+")


def test_export_holds_only_the_points_the_user_may_see(cast, client):
    RiskPointFactory(township=cast.houzhen_unit, name="侯镇的风险点")
    RiskPointFactory(township=cast.yangkou_unit, name="羊口镇的风险点")
    RiskPointFactory(
        township=cast.yangkou_unit, name="住建局管控的风险点", responsible_unit=cast.zhujian_unit
    )
    client.force_login(cast.houzhen)
    assert [row[2] for row in export_rows(client)[1:]] == ["侯镇的风险点"]
    client.force_login(cast.zhujian)
    assert [row[2] for row in export_rows(client)[1:]] == ["住建局管控的风险点"]
    client.force_login(cast.auditor)
    assert len(export_rows(client)) == 4


def test_export_applies_the_lists_filters(cast, client):
    RiskPointFactory(township=cast.houzhen_unit, name="侯镇红", level=RiskLevel.RED)
    RiskPointFactory(township=cast.houzhen_unit, name="侯镇蓝", level=RiskLevel.BLUE)
    RiskPointFactory(township=cast.yangkou_unit, name="羊口红", level=RiskLevel.RED)
    client.force_login(cast.office)
    red = export_rows(client, level="red", township=cast.houzhen_unit.pk)
    assert [row[2] for row in red[1:]] == ["侯镇红"]
    csv = client.get(reverse("reports:export", args=["risks"]), {"format": "csv", "q": "羊口"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(OFFICIAL_COLUMNS)
    assert len(lines) == 2 and "羊口红" in lines[1]


def test_export_costs_the_same_queries_for_10_and_1000_points(cast):
    exporter = exporter_for("risks")

    def grow(size):
        for n in range(size - RiskPointFactory._meta.model.objects.count()):
            point = RiskPointFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
            if n % 3 == 0:
                AssessmentFactory(risk_point=point)

    def fetch():
        queryset = export_queryset(exporter=exporter, user=cast.houzhen, params={})
        rows = write_xlsx(exporter, queryset, io.BytesIO())
        assert rows == queryset.count()
        return rows

    grow(10)
    fetch()
    assert_constant_queries(grow, fetch)
