"""The office imports the enterprise roster from Excel, then finds and opens one enterprise."""

from io import BytesIO

import openpyxl
import pytest

from responsibilities.choices import SupervisionKind
from responsibilities.models import Enterprise
from tests.responsibilities.factories import (
    IndustryFactory,
    SupervisionDutyFactory,
    UserFactory,
    make_credit_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def roster_sheet(path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "生产经营单位"
    ws.append(["单位名称", "统一社会信用代码", "行业", "所属镇街区", "高危行业", "纬度", "经度"])
    ws.append(
        ["寿光市侯镇甲化工有限公司", make_credit_code(), "危险化学品", "侯镇", "是", 36.93, 118.95]
    )
    ws.append(
        ["寿光市侯镇乙仓储有限公司", make_credit_code(), "危险化学品", "侯镇", "否", None, None]
    )
    ws.append(
        ["寿光市羊口丙盐化有限公司", make_credit_code(), "危险化学品", "羊口镇", "是", None, None]
    )
    out = BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_office_imports_a_sheet_and_opens_an_enterprise(
    cast, browser_page, screenshot_dir, tmp_path
):
    chemicals = IndustryFactory(name="危险化学品")
    SupervisionDutyFactory(industry=chemicals, unit=cast.yingji_unit, kind=SupervisionKind.INDUSTRY)
    page = browser_page
    office = UserFactory(username="t-office")  # the cast's office; its password is known
    page.goto(f"{page.base_url}/accounts/login/?next=/enterprises/")
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/enterprises/")

    # Upload → preview: every row listed as new, nothing saved yet.
    page.get_by_role("link", name="导入").click()
    page.set_input_files("input[name=file]", str(roster_sheet(tmp_path / "名录.xlsx")))
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=import-preview]")
    assert page.locator("[data-testid=preview-row][data-status=new]").count() == 3
    assert page.locator("[data-testid=import-errors]").count() == 0
    assert Enterprise.objects.count() == 0
    page.screenshot(path=str(screenshot_dir / "enterprise-import-preview.png"), full_page=True)

    # Confirm: all three saved, back on the roster.
    page.click("[data-testid=confirm]")
    page.wait_for_url("**/enterprises/")
    assert "新增3家" in page.locator(".alert-success").inner_text()
    assert Enterprise.objects.count() == 3

    # Filter to 侯镇 and high-risk: the htmx filter swaps the rows in place.
    page.select_option("[data-testid=filters] select[name=township]", str(cast.houzhen_unit.pk))
    page.select_option("[data-testid=filters] select[name=is_high_risk]", "true")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=list-table] tbody tr').length === 1"
    )
    rows = page.locator("[data-testid=list-table] tbody tr")
    assert "寿光市侯镇甲化工有限公司" in rows.first.inner_text()
    assert "township=" in page.url and "is_high_risk=true" in page.url
    export_href = page.get_attribute("[data-testid=export]", "href")
    assert "/reports/export/enterprises/" in export_href and "is_high_risk=true" in export_href
    page.screenshot(path=str(screenshot_dir / "enterprise-list.png"), full_page=True)

    page.get_by_role("link", name="寿光市侯镇甲化工有限公司").click()
    page.wait_for_selector("[data-testid=detail-title]:has-text('寿光市侯镇甲化工有限公司')")
    supervisors = page.locator("[data-testid=supervisors]").inner_text()
    assert "侯镇" in supervisors and "市应急管理局" in supervisors
    page.wait_for_selector("#enterprise-map .enterprise-marker")  # the location marker
    assert "Excel导入" in page.locator("[data-testid=history]").inner_text()
    page.screenshot(path=str(screenshot_dir / "enterprise-detail.png"), full_page=True)

    page.wait_for_selector("#enterprise-map[data-townships]")  # the offline base map

    # Move it on the map: a click on the picker fills latitude and longitude.
    page.click("[data-testid=edit]")
    page.wait_for_selector("[data-testid=form]")
    lat_input = page.locator("input[name=location_lat]")
    assert lat_input.input_value() == "36.930000"
    canvas = page.locator("[data-point-picker] [data-map-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    page.wait_for_function(
        "() => document.querySelector('input[name=location_lat]').value !== '36.930000'"
    )
    picked_lat = float(lat_input.input_value())
    picked_lon = float(page.locator("input[name=location_lon]").input_value())
    page.screenshot(path=str(screenshot_dir / "enterprise-form.png"), full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=location]")
    moved = Enterprise.objects.get(name="寿光市侯镇甲化工有限公司")
    assert abs(float(moved.latitude) - picked_lat) < 1e-5
    assert abs(float(moved.longitude) - picked_lon) < 1e-5
    assert float(moved.latitude) > 36.93 and float(moved.longitude) < 118.95
