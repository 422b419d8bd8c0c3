"""Import of a risk inventory sheet (风险清单): the template, a dry-run preview with errors by
row and column, all or nothing on confirmation, every row registered through
risk_point_register and graded through assessment_record when it carries the inputs; a unit
imports only into its own township or for itself."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from portal.models import YearCounter
from risks.choices import AssessmentMethod, ControlLevel, RiskCategory, RiskKind, RiskLevel
from risks.imports import COLUMNS, risks_import
from risks.models import Assessment, RiskPoint
from tests.responsibilities.factories import EnterpriseFactory, GridFactory, IndustryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADER = [header for header, _name, _required in COLUMNS]


def sheet(*rows, header=HEADER, name="风险清单.xlsx"):
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
        "风险点名称": "液氯储罐区",
        "风险点类型": "设备设施、场所、区域",
        "风险类别": "危险化学品",
        "所在镇街区": "侯镇",
        "地址": "侯镇化工园区海港路80号",
        "可能导致的事故类型": "中毒和窒息、泄漏",
        "管理措施": "双人巡检",
        "管控层级": "企业级",
        "管控责任单位": "侯镇",
        "管控责任人": "于庆丰",
    }
    row.update(overrides)
    return [row.get(h, "") for h in HEADER]


def test_the_template_has_the_columns_example_rows_and_the_words_each_column_takes(cast, client):
    client.force_login(cast.houzhen)
    response = client.get(reverse("risks:point-import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert HEADER[:3] == ["风险点名称", "风险点类型", "风险类别"]
    assert {"评估方法", "L", "E", "C", "S", "评估日期"} <= set(HEADER)
    assert "风险等级" not in HEADER  # computed, never typed
    assert rows[1][HEADER.index("所在镇街区")] == "侯镇"
    assert rows[1][HEADER.index("评估方法")] == "LEC" and rows[2][HEADER.index("评估方法")] == "LS"
    help_rows = list(workbook["填写说明"].iter_rows(values_only=True))
    assert any(row[0] == "风险类别" and "危险化学品" in row[1] for row in help_rows)


def test_the_template_itself_imports_cleanly(cast, client):
    client.force_login(cast.office)
    template = client.get(reverse("risks:point-import-template")).content
    IndustryFactory(name="危险化学品")
    upload = SimpleUploadedFile("风险清单导入模板.xlsx", template)
    result = risks_import(actor=cast.office, file=upload, dry_run=True)
    assert not result.has_errors, result.errors
    assert [row.level for row in result.rows] == [RiskLevel.ORANGE, RiskLevel.YELLOW]


def test_a_clean_sheet_is_registered_and_assessed_row_by_row_through_the_services(cast):
    industry = IndustryFactory(name="危险化学品")
    enterprise = EnterpriseFactory(name="寿光恒润化工有限公司", township=cast.houzhen_unit)
    grid = GridFactory(township=cast.houzhen_unit, name="化工园区网格")
    upload = sheet(
        good_row(
            行业领域="危险化学品",
            网格="化工园区网格",
            生产经营单位=enterprise.credit_code,
            经度=118.912,
            纬度="37.101",
            管控层级="市级",
            评估方法="LEC",
            L=3,
            E=6,
            C=15,  # D = 270: 较大
            评估日期=TODAY,
            评估人="市应急管理局评估组",
        ),
        good_row(
            风险点名称="农贸市场",
            风险点类型="场所",
            风险类别="人员密集场所",
            所在镇街区="羊口镇",
            管控责任单位="市住建局",
            管控责任人="王立新",
            可能导致的事故类型="火灾，拥挤踩踏",
        ),
        good_row(
            风险点名称="动火作业",
            风险点类型="作业活动",
            评估方法="风险矩阵法",
            L=5,
            S=4,  # R = 20: 重大
            评估日期=TODAY.strftime("%Y/%m/%d"),
        ),
    )
    result = risks_import(actor=cast.office, file=upload, dry_run=False)
    assert result.saved and not result.has_errors, result.errors
    assert result.new_count == 3 and result.assessed_count == 2
    first, second, third = RiskPoint.objects.order_by("pk")
    assert first.code.startswith(f"FX-{TODAY.year}-")
    assert first.industry == industry and first.grid == grid and first.enterprise == enterprise
    assert first.longitude == Decimal("118.912000") and first.latitude == Decimal("37.101000")
    assert first.accident_types == ["poisoning", "leak"]
    assert first.control_level == ControlLevel.CITY
    assert first.registered_by == cast.office
    assert first.level == RiskLevel.ORANGE and first.last_assessed_on == TODAY
    assert first.review_due is not None
    lec = first.assessments.get()
    assert (lec.method, lec.score, lec.assessor_name) == (
        AssessmentMethod.LEC,
        Decimal("270"),
        "市应急管理局评估组",
    )
    assert second.township == cast.yangkou_unit and second.responsible_unit == cast.zhujian_unit
    assert second.kind == RiskKind.SITE and second.category == RiskCategory.CROWDED_PLACE
    assert second.accident_types == ["fire", "crowd"]
    assert second.level == "" and not second.assessments.exists()
    assert third.kind == RiskKind.OPERATION and third.level == RiskLevel.RED


def test_the_preview_saves_nothing_uses_no_codes_and_shows_the_computed_level(cast):
    upload = sheet(good_row(评估方法="LS", L=3, S=3, 评估日期=TODAY), good_row())
    result = risks_import(actor=cast.houzhen, file=upload, dry_run=True)
    assert not result.has_errors and result.new_count == 2 and not result.saved
    assert [(row.level, row.score) for row in result.rows] == [
        (RiskLevel.YELLOW, Decimal("9")),
        ("", None),
    ]
    assert RiskPoint.objects.count() == 0 and Assessment.objects.count() == 0
    assert not YearCounter.objects.filter(name="risk", last__gt=0).exists()


def test_errors_name_the_row_and_column_and_nothing_is_saved(cast):
    upload = sheet(
        good_row(),
        good_row(所在镇街区="不存在镇"),
        good_row(风险类别="火箭发射", 可能导致的事故类型="火灾、外星人"),
        good_row(管控责任人=""),
        good_row(评估方法="LEC", L=4, E=6, C=7, 评估日期=TODAY),
        good_row(L=3, S=3),
        good_row(评估方法="LS", L=3, S=3, 评估日期="2026-13-40", 经度="东经118度"),
        good_row(评估方法="LS", L=3, S=3, 评估日期=TODAY + datetime.timedelta(days=3)),
    )
    result = risks_import(actor=cast.office, file=upload, dry_run=False)
    assert not result.saved
    assert RiskPoint.objects.count() == 0 and Assessment.objects.count() == 0
    assert [row.status for row in result.rows] == ["new"] + ["error"] * 7
    errors = result.errors

    def has(prefix, *words):
        return any(e.startswith(prefix) and all(w in e for w in words) for e in errors)

    assert has("第3行“所在镇街区”", "不存在镇")
    assert has("第4行“风险类别”", "火箭发射")
    assert has("第4行“可能导致的事故类型”", "外星人")
    assert has("第5行“管控责任人”", "不能为空")
    assert has("第6行“L”", "标准取值")  # the service's refusal, by its field
    assert has("第7行“评估方法”") and has("第7行“评估日期”")
    assert has("第8行“评估日期”", "2026-13-40") and has("第8行“经度”")
    assert has("第9行“评估日期”")  # in the future: the service's refusal


def test_wrong_columns_get_a_clear_message(cast):
    upload = sheet(["液氯储罐", "侯镇"], header=["名目", "地方"])
    with pytest.raises(ValidationError) as caught:
        risks_import(actor=cast.office, file=upload, dry_run=True)
    message = caught.value.message_dict["file"][0]
    assert "缺少必填列" in message and "风险点名称" in message and "名目、地方" in message


def test_headers_with_their_long_names_are_understood(cast):
    header = [h.replace("L", "可能性（L）").replace("S", "严重性（S）") for h in HEADER]
    upload = sheet(good_row(评估方法="LS", L=4, S=4, 评估日期=TODAY), header=header)
    result = risks_import(actor=cast.office, file=upload, dry_run=True)
    assert not result.has_errors and not result.ignored_columns
    assert result.rows[0].level == RiskLevel.ORANGE


def test_a_township_imports_only_into_its_own_territory(cast):
    upload = sheet(
        good_row(),
        good_row(所在镇街区="羊口镇", 管控责任单位="羊口镇"),
    )
    result = risks_import(actor=cast.houzhen, file=upload, dry_run=False)
    assert not result.saved and RiskPoint.objects.count() == 0
    assert [row.status for row in result.rows] == ["new", "error"]
    assert result.rows[1].errors[0].startswith("第3行“整行”")


def test_a_bureau_imports_the_points_it_controls_anywhere(cast):
    upload = sheet(good_row(所在镇街区="羊口镇", 管控责任单位="住建局"))
    result = risks_import(actor=cast.zhujian, file=upload, dry_run=False)
    assert result.saved
    assert RiskPoint.objects.get().responsible_unit == cast.zhujian_unit


def test_the_page_previews_then_confirms_the_whole_sheet(cast, client):
    client.force_login(cast.houzhen)
    url = reverse("risks:point-import")
    assert client.get(url).status_code == 200
    upload = sheet(good_row(评估方法="LS", L=4, S=5, 评估日期=TODAY), good_row(风险点名称="装卸区"))
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert preview.context["result"].new_count == 2
    assert "重大风险" in preview.content.decode()
    assert RiskPoint.objects.count() == 0
    token = preview.context["token"]
    assert token
    done = client.post(url, {"token": token})
    assert done.status_code == 302 and done.url == reverse("risks:point-list")
    assert RiskPoint.objects.filter(registered_by=cast.houzhen).count() == 2
    assert RiskPoint.objects.get(name="液氯储罐区").level == RiskLevel.RED


def test_a_stale_token_saves_nothing(cast, client):
    client.force_login(cast.houzhen)
    response = client.post(reverse("risks:point-import"), {"token": "0" * 32})
    assert response.status_code == 302 and response.url == reverse("risks:point-import")
    assert RiskPoint.objects.count() == 0


def test_the_page_shows_row_errors_and_offers_no_confirmation(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("risks:point-import"), {"file": sheet(good_row(所在镇街区="市住建局"))}
    )
    assert response.status_code == 200
    assert response.context["token"] is None
    assert "第2行“所在镇街区”" in response.content.decode()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(cast, client):
    client.force_login(cast.office)
    bogus = SimpleUploadedFile("风险清单.xlsx", b"not a workbook")
    response = client.post(reverse("risks:point-import"), {"file": bogus})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_auditor_cannot_import(cast, client):
    client.force_login(cast.auditor)
    assert client.get(reverse("risks:point-import")).status_code == 403
    with pytest.raises(Exception, match="只读"):
        risks_import(actor=cast.auditor, file=sheet(good_row()), dry_run=True)
