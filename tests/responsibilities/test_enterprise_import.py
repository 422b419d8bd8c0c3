"""Importing the enterprise roster from Excel: preview, row-level errors, all or nothing."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from responsibilities.choices import SupervisionKind
from responsibilities.models import Enterprise
from responsibilities.resources import EnterpriseResource
from responsibilities.services.enterprises import enterprises_import
from tests.responsibilities.factories import (
    EnterpriseFactory,
    GridFactory,
    IndustryFactory,
    SupervisionDutyFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db

HEADERS = ["单位名称", "统一社会信用代码", "行业", "所属镇街区", "网格编码", "高危行业", "企业规模"]


def sheet(rows, headers=HEADERS, name="roster.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "生产经营单位"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        name,
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def chemicals(cast):
    industry = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=industry, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)
    return industry


def good_rows(n=3):
    return [
        [f"侯镇导入企业{i}", make_credit_code(), "危险化学品", "侯镇", None, "是", "小型"]
        for i in range(n)
    ]


def test_a_sheet_with_a_bad_row_shows_row_and_column_and_saves_nothing(cast, chemicals):
    rows = good_rows(2)
    rows.insert(1, ["缺代码企业", None, "危险化学品", "侯镇", None, "否", None])  # Excel row 3
    rows.append(["未知镇企业", make_credit_code(), "危险化学品", "某某镇", None, "否", None])

    result = enterprises_import(actor=cast.office, file=sheet(rows), dry_run=False)

    assert result.saved is False
    assert "第3行 统一社会信用代码：不能为空" in result.errors
    assert "第5行 所属镇街区：未知的镇街区“某某镇”" in result.errors
    assert [r.status for r in result.rows] == ["new", "error", "new", "error"]
    assert [r.number for r in result.rows] == [2, 3, 4, 5]
    assert not Enterprise.objects.exists()
    assert not Enterprise.history.exists()


def test_dry_run_previews_each_row_and_saves_nothing(cast, chemicals):
    existing = EnterpriseFactory(township=cast.houzhen_unit, industry=chemicals)
    rows = [
        *good_rows(2),
        ["改名企业", existing.credit_code, "危险化学品", "侯镇", None, "否", None],
    ]

    result = enterprises_import(actor=cast.office, file=sheet(rows), dry_run=True)

    assert not result.has_errors
    assert [r.status for r in result.rows] == ["new", "new", "update"]
    assert result.saved is False
    assert Enterprise.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name != "改名企业"


def test_a_good_sheet_saves_every_row_with_history_and_routed_supervisors(cast, chemicals):
    rows = good_rows(3)

    result = enterprises_import(actor=cast.office, file=sheet(rows), dry_run=False)

    assert result.saved and result.new_count == 3
    saved = Enterprise.objects.order_by("name")
    assert saved.count() == 3
    for enterprise in saved:
        assert enterprise.territorial_supervisor == cast.houzhen_unit
        assert enterprise.industry_supervisor == cast.yingji_unit
        assert enterprise.is_high_risk is True and enterprise.scale == "small"
        record = enterprise.history.get()
        assert record.history_user == cast.office
        assert record.history_change_reason == "Excel导入"


def test_reimport_updates_by_credit_code_instead_of_duplicating(cast, chemicals):
    rows = good_rows(2)
    enterprises_import(actor=cast.office, file=sheet(rows), dry_run=False)
    rows[0][0] = "侯镇导入企业（更名）"

    result = enterprises_import(actor=cast.office, file=sheet(rows), dry_run=False)

    assert result.saved and result.update_count == 2 and result.new_count == 0
    assert Enterprise.objects.count() == 2
    renamed = Enterprise.objects.get(credit_code=rows[0][1])
    assert renamed.name == "侯镇导入企业（更名）"
    assert renamed.history.count() == 2


def test_a_file_that_is_not_xlsx_gets_a_clear_message(cast):
    upload = SimpleUploadedFile("roster.csv", "单位名称,统一社会信用代码\n".encode(), "text/csv")
    with pytest.raises(ValidationError) as exc:
        enterprises_import(actor=cast.office, file=upload, dry_run=True)
    assert ".xlsx" in exc.value.message_dict["file"][0]


def test_a_file_named_xlsx_that_is_not_a_workbook_gets_a_clear_message(cast):
    upload = SimpleUploadedFile("roster.xlsx", b"<html>not a workbook</html>")
    with pytest.raises(ValidationError) as exc:
        enterprises_import(actor=cast.office, file=upload, dry_run=True)
    assert "不是有效的Excel工作簿" in exc.value.message_dict["file"][0]


def test_a_sheet_without_the_required_columns_names_them(cast):
    upload = sheet([["某企业", "侯镇"]], headers=["单位名称", "所属镇街区"])
    with pytest.raises(ValidationError) as exc:
        enterprises_import(actor=cast.office, file=upload, dry_run=True)
    message = exc.value.message_dict["file"][0]
    assert "统一社会信用代码" in message and "行业" in message


def test_row_errors_name_each_bad_column(cast, chemicals):
    other_grid = GridFactory(township=cast.yangkou_unit, code="YK-001")
    code = make_credit_code()
    rows = [
        ["错误企业", "91370783MA3C0000X0", "不存在的行业", "侯镇", None, "也许", "巨型"],
        ["网格不符企业", code, "危险化学品", "侯镇", other_grid.code, "否", None],
        ["重复代码企业", code, "危险化学品", "侯镇", None, "否", None],
    ]

    result = enterprises_import(actor=cast.office, file=sheet(rows), dry_run=True)

    errors = "\n".join(result.errors)
    assert "第2行 统一社会信用代码：" in errors
    assert "第2行 行业：未知的行业“不存在的行业”" in errors
    assert "第2行 高危行业：" in errors and "第2行 企业规模：" in errors
    assert "第3行 网格编码：" in errors
    assert "第4行 统一社会信用代码：与第3行重复" in errors


def test_township_staff_import_only_into_their_township(cast, chemicals):
    rows = [
        *good_rows(1),
        ["羊口企业", make_credit_code(), "危险化学品", "羊口镇", None, "否", None],
    ]

    result = enterprises_import(actor=cast.houzhen, file=sheet(rows), dry_run=False)

    assert not result.saved
    assert any(e.startswith("第3行 所属镇街区：无权") for e in result.errors)
    assert not Enterprise.objects.exists()


def test_auditors_cannot_import(cast):
    with pytest.raises(PermissionDenied):
        enterprises_import(actor=cast.auditor, file=sheet(good_rows(1)), dry_run=True)


def test_the_template_has_every_column(cast, client):
    client.force_login(cast.office)
    response = client.get(reverse("responsibilities:enterprise-import-template"))
    book = openpyxl.load_workbook(BytesIO(response.content))
    headers = [c.value for c in book["生产经营单位"][1]]
    assert headers == EnterpriseResource.columns()
    assert headers[:4] == ["单位名称", "统一社会信用代码", "行业", "所属镇街区"]
    assert "专业监管部门" in headers


def test_import_page_previews_then_confirms(cast, chemicals, client):
    client.force_login(cast.office)
    url = reverse("responsibilities:enterprise-import")

    preview = client.post(url, {"file": sheet(good_rows(2))})
    assert preview.status_code == 200
    assert preview.text.count('data-testid="preview-row"') == 2
    assert not Enterprise.objects.exists()

    token = preview.context["token"]
    confirmed = client.post(url, {"token": token})
    assert confirmed.status_code == 302
    assert Enterprise.objects.count() == 2


def test_import_page_shows_errors_and_offers_no_confirm(cast, chemicals, client):
    client.force_login(cast.office)
    rows = [["缺代码企业", None, "危险化学品", "侯镇", None, "否", None]]
    response = client.post(reverse("responsibilities:enterprise-import"), {"file": sheet(rows)})
    assert "第2行 统一社会信用代码：不能为空" in response.text
    assert 'data-testid="confirm"' not in response.text


def test_import_page_rejects_a_non_xlsx_upload_on_the_form(cast, client):
    client.force_login(cast.office)
    upload = SimpleUploadedFile("roster.xls", b"\xd0\xcf\x11\xe0 old excel")
    response = client.post(reverse("responsibilities:enterprise-import"), {"file": upload})
    assert response.status_code == 200
    assert "不是.xlsx文件" in response.text
