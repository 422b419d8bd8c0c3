"""Import of an inspection team's sheet: the template, a dry-run preview with errors by row
and column, all or nothing on confirmation, every row reported through hazard_report."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from hazards.choices import HazardEventKind, HazardGrade, HazardState
from hazards.imports import hazards_import
from hazards.models import Hazard
from portal.models import YearCounter
from tests.hazards.factories import CampaignFactory
from tests.responsibilities.factories import EnterpriseFactory, IndustryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADER = [
    "排查时间",
    "镇街区",
    "隐患地点",
    "隐患描述",
    "隐患等级",
    "行业领域",
    "生产经营单位",
    "排查人",
    "排查行动",
]


def sheet(*rows, header=HEADER, name="排查记录.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def good_row(**overrides):
    row = {
        "排查时间": TODAY,
        "镇街区": "侯镇",
        "隐患地点": "侯镇农贸市场北门",
        "隐患描述": "户外广告牌立柱锈蚀",
        "隐患等级": "一般",
        "行业领域": "",
        "生产经营单位": "",
        "排查人": "孙涛",
        "排查行动": "",
    }
    row.update(overrides)
    return [row[h] for h in HEADER]


def test_the_template_has_the_columns_and_an_example_row(cast, client):
    client.force_login(cast.houzhen)
    response = client.get(reverse("hazards:hazard-import-template"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][1] == "侯镇"


def test_a_clean_sheet_is_reported_row_by_row_through_the_service(cast):
    industry = IndustryFactory(name="人员密集场所")
    enterprise = EnterpriseFactory(name="寿光恒润化工有限公司", township=cast.houzhen_unit)
    campaign = CampaignFactory(
        name="广告牌及建筑附着物专项排查",
        starts_on=TODAY - datetime.timedelta(days=5),
        ends_on=TODAY + datetime.timedelta(days=5),
    )
    upload = sheet(
        good_row(行业领域="人员密集场所", 排查行动=campaign.name),
        good_row(
            镇街区="羊口镇",
            隐患描述="储罐区报警装置失效",
            隐患等级="重大",
            生产经营单位=enterprise.credit_code,
            排查时间=TODAY.strftime("%Y/%m/%d"),
        ),
    )
    result = hazards_import(actor=cast.office, file=upload, dry_run=False)
    assert result.saved and not result.has_errors
    first, second = Hazard.objects.order_by("pk")
    assert first.industry == industry and first.campaign == campaign
    assert first.state == HazardState.REPORTED and first.found_by == "孙涛"
    assert first.code.startswith(f"YH-{TODAY.year}-")
    assert first.events.get().kind == HazardEventKind.REPORT
    assert second.township == cast.yangkou_unit
    assert second.grade == HazardGrade.MAJOR and second.enterprise == enterprise


def test_the_preview_saves_nothing_and_uses_no_codes(cast):
    result = hazards_import(actor=cast.houzhen, file=sheet(good_row(), good_row()), dry_run=True)
    assert not result.has_errors and result.new_count == 2 and not result.saved
    assert Hazard.objects.count() == 0
    assert not YearCounter.objects.filter(name="hazard", last__gt=0).exists()


def test_errors_name_the_row_and_column_and_nothing_is_saved(cast):
    upload = sheet(
        good_row(),
        good_row(镇街区="不存在镇"),
        good_row(排查时间="2026-13-40", 隐患等级="特大"),
        good_row(隐患描述=""),
        good_row(排查时间=TODAY + datetime.timedelta(days=3)),
    )
    result = hazards_import(actor=cast.office, file=upload, dry_run=False)
    assert not result.saved
    assert Hazard.objects.count() == 0
    assert [row.status for row in result.rows] == ["new", "error", "error", "error", "error"]
    errors = result.errors
    assert any(e.startswith("第3行“镇街区”") and "不存在镇" in e for e in errors)
    assert any(e.startswith("第4行“排查时间”") for e in errors)
    assert any(e.startswith("第4行“隐患等级”") for e in errors)
    assert any(e.startswith("第5行“隐患描述”") and "不能为空" in e for e in errors)
    assert any(e.startswith("第6行“排查时间”") for e in errors)  # the service's refusal


def test_wrong_columns_get_a_clear_message(cast):
    from django.core.exceptions import ValidationError

    upload = sheet(["2026-04-01", "侯镇", "x"], header=["日期", "镇", "内容"])
    with pytest.raises(ValidationError) as caught:
        hazards_import(actor=cast.office, file=upload, dry_run=True)
    message = caught.value.message_dict["file"][0]
    assert "缺少必填列" in message and "隐患描述" in message and "日期、镇、内容" in message


def test_the_page_previews_then_confirms_the_whole_sheet(cast, client):
    client.force_login(cast.houzhen)
    url = reverse("hazards:hazard-import")
    assert client.get(url).status_code == 200
    preview = client.post(url, {"file": sheet(good_row(), good_row(隐患描述="配电箱无漏保"))})
    assert preview.status_code == 200
    assert preview.context["result"].new_count == 2
    assert Hazard.objects.count() == 0
    token = preview.context["token"]
    assert token
    done = client.post(url, {"token": token})
    assert done.status_code == 302 and done.url == reverse("hazards:hazard-list")
    assert Hazard.objects.filter(reported_by=cast.houzhen).count() == 2


def test_the_page_shows_row_errors_and_offers_no_confirmation(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("hazards:hazard-import"), {"file": sheet(good_row(镇街区="市住建局"))}
    )
    assert response.status_code == 200
    assert response.context["token"] is None
    assert "第2行“镇街区”" in response.content.decode()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(cast, client):
    client.force_login(cast.office)
    bogus = SimpleUploadedFile("排查记录.xlsx", b"not a workbook")
    response = client.post(reverse("hazards:hazard-import"), {"file": bogus})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_auditor_cannot_import(cast, client):
    client.force_login(cast.auditor)
    assert client.get(reverse("hazards:hazard-import")).status_code == 403
