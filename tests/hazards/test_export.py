"""The hazard ledger in Excel: the official columns in their order, formulas escaped, and only
the rows the user may see, filtered like the list."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards.choices import HazardGrade, HazardState
from tests.hazards.factories import HazardFactory

pytestmark = pytest.mark.django_db

OFFICIAL_COLUMNS = [
    "序号",
    "隐患编号",
    "排查时间",
    "隐患地点",
    "隐患描述",
    "隐患等级",
    "责任单位",
    "整改责任人",
    "整改措施",
    "整改资金",
    "整改时限",
    "整改情况",
    "验收人",
    "验收时间",
    "销号状态",
]


def export_rows(client, **params):
    response = client.get(reverse("reports:export", args=["hazards"]), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def closed_hazard(cast):
    return HazardFactory(
        township=cast.houzhen_unit,
        address="侯镇政府驻地东200米",
        description="广告牌立柱锈蚀",
        grade=HazardGrade.MAJOR,
        found_on=datetime.date(2026, 4, 8),
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        rectification_person="王建国",
        rectification_measures="拆除锈蚀立柱，重新加固",
        rectification_funds=Decimal("3.50"),
        deadline=datetime.date(2026, 4, 30),
        rectification_result="已拆除重建",
        accepted_by=cast.yingji,
        accepted_at=timezone.make_aware(datetime.datetime(2026, 4, 28, 10, 30)),
        state=HazardState.CLOSED,
    )


def test_export_has_the_official_columns_in_order_and_a_closed_hazards_values(
    cast, client, closed_hazard
):
    client.force_login(cast.office)
    header, *rows = export_rows(client)
    assert header == OFFICIAL_COLUMNS
    (row,) = rows
    assert row[:7] == [
        1,
        closed_hazard.code,
        datetime.datetime(2026, 4, 8),
        "侯镇政府驻地东200米",
        "广告牌立柱锈蚀",
        "重大隐患",
        "市住建局",
    ]
    assert row[7:10] == ["王建国", "拆除锈蚀立柱，重新加固", 3.5]
    assert row[10] == datetime.datetime(2026, 4, 30)
    assert row[11] == "已拆除重建"
    assert row[12] == "t-yingji"
    assert row[13] == datetime.datetime(2026, 4, 28, 10, 30)
    assert row[14] == "已销号"


def test_export_prefixes_the_township_and_numbers_rows_from_one(cast, client):
    HazardFactory(
        township=cast.houzhen_unit, address="东环路3号", found_on=datetime.date(2026, 5, 2)
    )
    HazardFactory(
        township=cast.houzhen_unit, address="西环路9号", found_on=datetime.date(2026, 5, 1)
    )
    client.force_login(cast.office)
    rows = export_rows(client)[1:]
    assert [(row[0], row[3]) for row in rows] == [(1, "侯镇东环路3号"), (2, "侯镇西环路9号")]
    assert rows[0][6] is None and rows[0][14] == "已上报"


def test_export_escapes_text_that_would_be_a_formula(cast, client):
    HazardFactory(
        township=cast.houzhen_unit,
        description='=HYPERLINK("http://evil.example","点击")',
        rectification_person="+1+cmd|' /C calc'!A0",
    )
    client.force_login(cast.office)
    (row,) = export_rows(client)[1:]
    assert row[4] == '\'=HYPERLINK("http://evil.example","点击")'
    assert row[7].startswith("'+")


def test_export_holds_only_the_hazards_the_user_may_see(cast, client):
    HazardFactory(township=cast.houzhen_unit, description="侯镇的隐患")
    HazardFactory(township=cast.yangkou_unit, description="羊口镇的隐患")
    HazardFactory(
        township=cast.yangkou_unit,
        description="住建局整改的隐患",
        responsible_unit=cast.zhujian_unit,
    )
    client.force_login(cast.houzhen)
    assert [row[4] for row in export_rows(client)[1:]] == ["侯镇的隐患"]
    client.force_login(cast.zhujian)
    assert [row[4] for row in export_rows(client)[1:]] == ["住建局整改的隐患"]
    client.force_login(cast.office)
    assert len(export_rows(client)) == 4


def test_export_applies_the_lists_filters(cast, client):
    HazardFactory(township=cast.houzhen_unit, description="一般", grade=HazardGrade.GENERAL)
    HazardFactory(township=cast.houzhen_unit, description="重大", grade=HazardGrade.MAJOR)
    HazardFactory(township=cast.yangkou_unit, description="羊口", grade=HazardGrade.MAJOR)
    client.force_login(cast.office)
    major = export_rows(client, grade="major", township=cast.houzhen_unit.pk)
    assert [row[4] for row in major[1:]] == ["重大"]
    csv = client.get(reverse("reports:export", args=["hazards"]), {"format": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(OFFICIAL_COLUMNS)
