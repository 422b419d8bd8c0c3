"""风险白皮书: an edition's snapshot (counts by level × township × category, the 重大 and 较大
points with their controls and people), the changes since the previous edition, the printable
page and the Word file, and who may publish and read."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from risks.choices import RiskCategory, RiskLevel
from risks.models import RiskPoint, WhitePaper
from risks.whitepaper import (
    default_title,
    whitepaper_changes,
    whitepaper_document,
    whitepaper_publish,
    whitepaper_snapshot,
)
from tests.querycount import assert_constant_queries
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def register(cast):
    """侯镇: two 重大 chemical points, a 较大 gas point, a 一般 one; 羊口镇: a 低 construction
    site and one not yet assessed; plus a retired 重大 point that no longer counts."""

    def point(township, level, category=RiskCategory.HAZARDOUS_CHEMICALS, **kwargs):
        return RiskPointFactory(
            township=township,
            level=level,
            category=category,
            responsible_unit=cast.zhujian_unit,
            **kwargs,
        )

    houzhen, yangkou = cast.houzhen_unit, cast.yangkou_unit
    return {
        "chlorine": point(
            houzhen,
            RiskLevel.RED,
            name="液氯储罐区",
            engineering_measures="紧急切断和喷淋吸收",
            responsible_person="张三",
            responsible_phone="13800000001",
        ),
        "ammonia": point(houzhen, RiskLevel.RED, name="液氨储罐"),
        "gas": point(houzhen, RiskLevel.ORANGE, RiskCategory.GAS, name="燃气调压站"),
        "yard": point(houzhen, RiskLevel.YELLOW, name="装卸作业区"),
        "site": point(yangkou, RiskLevel.BLUE, RiskCategory.CONSTRUCTION, name="港区施工工地"),
        "new": point(yangkou, "", RiskCategory.CONSTRUCTION, name="新登记工地"),
        "retired": point(houzhen, RiskLevel.RED, name="已搬迁储罐", is_active=False),
    }


def township_row(snapshot, name):
    return next(row for row in snapshot["townships"] if row["name"] == name)


# --- the snapshot ---------------------------------------------------------------------------


def test_the_snapshot_counts_points_in_management_by_level_township_and_category(register):
    snap = whitepaper_snapshot(TODAY)

    assert snap["totals"] == {
        "red": 2,
        "orange": 1,
        "yellow": 1,
        "blue": 1,
        "none": 1,
        "points": 6,
    }
    houzhen = township_row(snap, "侯镇")
    assert houzhen["counts"] == {"red": 2, "orange": 1, "yellow": 1, "blue": 0, "none": 0}
    assert houzhen["total"] == 4
    assert township_row(snap, "羊口镇")["counts"]["none"] == 1
    categories = {row["key"]: row for row in snap["categories"]}
    assert categories["hazardous_chemicals"]["counts"]["red"] == 2
    assert categories["gas"]["total"] == 1 and categories["construction"]["total"] == 2
    assert register["retired"].code not in snap["points"]


def test_the_snapshot_lists_major_points_red_first_with_controls_and_people(register):
    major = whitepaper_snapshot(TODAY)["major"]

    assert [row["level"] for row in major] == ["red", "red", "orange"]
    chlorine = next(row for row in major if row["code"] == register["chlorine"].code)
    assert chlorine["measures"]["engineering_measures"] == "紧急切断和喷淋吸收"
    assert chlorine["responsible_unit"] == "市住建局"
    assert (chlorine["responsible_person"], chlorine["responsible_phone"]) == (
        "张三",
        "13800000001",
    )
    assert chlorine["township"] == "侯镇"


def test_the_snapshot_reads_the_register_as_it_stood_at_the_end_of_the_day(register):
    chlorine = register["chlorine"]
    # Registered ten days ago as 较大; raised to 重大 today.
    chlorine.history.all().update(
        history_date=timezone.now() - datetime.timedelta(days=10), level=RiskLevel.ORANGE
    )
    chlorine.level = RiskLevel.RED
    chlorine.save()
    RiskPoint.history.exclude(id=chlorine.pk).update(history_date=timezone.now())

    earlier = whitepaper_snapshot(TODAY - datetime.timedelta(days=5))
    assert earlier["points"] == {chlorine.code: [chlorine.name, "orange"]}
    assert earlier["totals"]["points"] == 1
    assert whitepaper_snapshot(TODAY)["points"][chlorine.code][1] == "red"


# --- changes between editions (hand-made snapshots) -----------------------------------------


def test_changes_between_two_snapshots():
    previous = {
        "points": {
            "FX-1": ["甲", "red"],
            "FX-2": ["乙", "yellow"],
            "FX-3": ["丙", "blue"],
            "FX-4": ["丁", "none"],
            "FX-5": ["戊", "orange"],
        },
        "totals": {"red": 1, "orange": 1, "yellow": 1, "blue": 1, "none": 1, "points": 5},
    }
    current = {
        "points": {
            "FX-1": ["甲", "orange"],
            "FX-2": ["乙", "red"],
            "FX-4": ["丁", "yellow"],
            "FX-5": ["戊", "orange"],
            "FX-6": ["己", "blue"],
        },
        "totals": {"red": 1, "orange": 2, "yellow": 1, "blue": 1, "none": 0, "points": 5},
    }

    changes = whitepaper_changes(previous, current)

    assert changes["added"] == [{"code": "FX-6", "name": "己", "level": "blue"}]
    assert changes["retired"] == [{"code": "FX-3", "name": "丙", "level": "blue"}]
    assert changes["raised"] == [{"code": "FX-2", "name": "乙", "from": "yellow", "to": "red"}]
    assert changes["lowered"] == [{"code": "FX-1", "name": "甲", "from": "red", "to": "orange"}]
    assert changes["assessed"] == [{"code": "FX-4", "name": "丁", "from": "none", "to": "yellow"}]
    deltas = {
        row["level"]: (row["previous"], row["current"], row["delta"]) for row in changes["levels"]
    }
    assert deltas["orange"] == (1, 2, 1)
    assert deltas["none"] == (1, 0, -1)
    assert deltas["points"] == (5, 5, 0)


def test_no_changes_between_identical_snapshots():
    snap = {"points": {"FX-1": ["甲", "red"]}, "totals": {"red": 1, "points": 1}}
    changes = whitepaper_changes(snap, snap)
    assert not any(changes[k] for k in ("added", "retired", "raised", "lowered", "assessed"))
    assert all(row["delta"] == 0 for row in changes["levels"])


# --- publishing -----------------------------------------------------------------------------


def test_the_first_edition_has_no_previous_and_says_so(cast, register):
    paper = whitepaper_publish(actor=cast.office, as_of=TODAY)

    assert paper.previous is None and paper.snapshot["changes"] is None
    assert paper.published_by == cast.office
    assert paper.snapshot["totals"]["points"] == 6
    changes = whitepaper_document(paper).sections[-1]
    assert changes.paragraphs == ["本版为首版，无上一版可比。"]


def test_the_next_edition_links_the_latest_earlier_one_and_lists_what_changed(cast, register):
    RiskPoint.history.update(history_date=timezone.now() - datetime.timedelta(days=3))
    first = whitepaper_publish(actor=cast.office, as_of=TODAY - datetime.timedelta(days=2))
    older = whitepaper_publish(actor=cast.office, as_of=TODAY - datetime.timedelta(days=10))
    added = RiskPointFactory(
        township=cast.houzhen_unit, level=RiskLevel.RED, responsible_unit=cast.zhujian_unit
    )
    gas = register["gas"]
    gas.level = RiskLevel.RED
    gas.save()

    paper = whitepaper_publish(actor=cast.office, as_of=TODAY)

    assert paper.previous == first and older.previous is None
    changes = paper.snapshot["changes"]
    assert [row["code"] for row in changes["added"]] == [added.code]
    assert changes["raised"] == [
        {"code": gas.code, "name": gas.name, "from": "orange", "to": "red"}
    ]
    red = next(row for row in changes["levels"] if row["level"] == "red")
    assert (red["previous"], red["current"], red["delta"]) == (2, 4, 2)
    section = whitepaper_document(paper).sections[-1]
    assert "新增风险点1处" in section.paragraphs[0] and "等级上升1处" in section.paragraphs[0]
    assert section.tables[1].rows[0][:2] == ["新增", added.code]


def test_default_titles_for_a_year_end_and_a_date():
    assert default_title(datetime.date(2025, 12, 31)) == "2025年度城市安全风险白皮书"
    assert default_title(datetime.date(2026, 6, 30)) == "城市安全风险白皮书（截至2026年6月30日）"


@pytest.mark.parametrize("as_of", [TODAY + datetime.timedelta(days=1), YESTERDAY])
def test_a_future_date_or_a_date_already_published_is_refused(cast, as_of):
    whitepaper_publish(actor=cast.office, as_of=YESTERDAY)
    with pytest.raises(ValidationError) as excinfo:
        whitepaper_publish(actor=cast.office, as_of=as_of)
    assert "as_of" in excinfo.value.message_dict
    assert WhitePaper.objects.count() == 1


@pytest.mark.parametrize("role", ["zhujian", "zhujian_lead", "yingji", "houzhen", "auditor"])
def test_only_the_office_publishes(cast, role):
    with pytest.raises(PermissionDenied):
        whitepaper_publish(actor=getattr(cast, role), as_of=YESTERDAY)
    assert not WhitePaper.objects.exists()


# --- the Word file and the pages ------------------------------------------------------------


def test_the_word_file_opens_and_carries_the_same_tables(client, cast, register):
    from docx import Document

    paper = whitepaper_publish(actor=cast.office, as_of=TODAY, foreword="前言第一段")
    client.force_login(cast.zhujian)
    response = client.get(reverse("risks:whitepaper-docx", args=[paper.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert paper.title in text and "前言第一段" in text
    for heading in ("一、总体情况", "二、按风险等级和镇街区分布", "三、按风险类别分布"):
        assert heading in text
    assert "四、重大和较大风险点清单" in text and "五、与上一版相比的变化" in text
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    overview, townships, categories, major = tables[:4]
    assert overview[1] == ["重大风险", "2", "33.3%"]
    assert overview[-1] == ["合计", "6", "100.0%"]
    assert townships[0] == [
        "镇街区",
        "重大风险",
        "较大风险",
        "一般风险",
        "低风险",
        "未评估",
        "合计",
    ]
    assert ["侯镇", "2", "1", "1", "0", "0", "4"] in townships
    assert townships[-1] == ["合计", "2", "1", "1", "1", "1", "6"]
    assert ["危险化学品", "2", "0", "1", "0", "0", "3"] in categories
    assert len(major) == 1 + 3
    chlorine = next(row for row in major if row[1] == register["chlorine"].code)
    assert "工程技术：紧急切断和喷淋吸收" in chlorine[5]
    assert chlorine[-2:] == ["市住建局", "张三（13800000001）"]


def test_unit_staff_and_auditors_read_editions_and_their_print_page(client, cast, register):
    paper = whitepaper_publish(actor=cast.office, as_of=TODAY)
    for user in (cast.houzhen, cast.auditor):
        client.force_login(user)
        listing = client.get(reverse("risks:whitepaper-list"))
        assert listing.status_code == 200 and paper.title in listing.content.decode()
        assert reverse("risks:whitepaper-create") not in listing.content.decode()
        detail = client.get(paper.get_absolute_url()).content.decode()
        assert 'data-section="major"' in detail and "液氯储罐区" in detail
        printed = client.get(reverse("risks:whitepaper-print", args=[paper.pk]))
        assert printed.status_code == 200
        page = printed.content.decode()
        assert "@page { size: A4" in page and 'data-table="townships"' in page


@pytest.mark.parametrize("role", ["zhujian", "houzhen", "auditor"])
def test_others_may_not_open_the_publishing_form(client, cast, role):
    client.force_login(getattr(cast, role))
    url = reverse("risks:whitepaper-create")
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": "2025"}).status_code == 403
    assert not WhitePaper.objects.exists()


def test_the_office_publishes_a_year_end_edition_through_the_form(client, cast, register):
    client.force_login(cast.office)
    url = reverse("risks:whitepaper-create")
    assert client.get(url).status_code == 200
    year = TODAY.year - 1
    response = client.post(url, {"year": str(year), "as_of": "", "title": "", "foreword": ""})
    paper = WhitePaper.objects.get()
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    assert paper.as_of == datetime.date(year, 12, 31)
    assert paper.title == f"{year}年度城市安全风险白皮书"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2025", "as_of": "2025-06-30"}, "年度和统计截止日期只填一项"),
        ({"year": "", "as_of": ""}, "请填写年度或统计截止日期"),
        ({"year": "", "as_of": "2999-01-01"}, "统计截止日期不能晚于今天"),
        ({"year": "", "as_of": "2025-13-40"}, "请填写有效日期"),
    ],
    ids=["both", "neither", "future", "not-a-date"],
)
def test_bad_form_input_is_explained_and_nothing_is_published(client, cast, data, message):
    client.force_login(cast.office)
    response = client.post(reverse("risks:whitepaper-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WhitePaper.objects.exists()


def test_the_list_of_editions_costs_the_same_queries_for_few_and_many(client, cast):
    def grow(n):
        while WhitePaper.objects.count() < n:
            latest = WhitePaper.objects.order_by("as_of").first()
            as_of = (latest.as_of if latest else TODAY) - datetime.timedelta(days=1)
            WhitePaper.objects.create(
                title=default_title(as_of),
                as_of=as_of,
                snapshot={"totals": {"points": 0}},
                published_by=cast.office,
                previous=latest,
            )

    def fetch():
        response = client.get(reverse("risks:whitepaper-list"), {"page_size": 200})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == WhitePaper.objects.count()

    client.force_login(cast.zhujian)
    assert_constant_queries(grow, fetch, sizes=(5, 60))
