"""Import of the emergency registers from Excel: a template per register, a dry-run preview
with errors by row and column, all or nothing on confirmation through the services, a clear
message for wrong columns, and unit members only into their own unit or township."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from emergency.choices import MovementKind, PlanOwnerKind, PlanState, PlanType, TeamKind
from emergency.imports import REGISTERS, emergency_import
from emergency.models import Plan, RescueTeam, Shelter, StockMovement, Stockpile
from tests.responsibilities.factories import IndustryFactory

pytestmark = pytest.mark.django_db


def sheet(header, *rows, name="导入.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def register_sheet(register, *rows, **kwargs):
    """A sheet with the register's template header; each row a {header: value} dict."""
    header = [column.header for column in REGISTERS[register].columns]
    return sheet(header, *([row.get(h, "") for h in header] for row in rows), **kwargs)


def plan_row(**overrides):
    row = {
        "预案名称": "侯镇突发事件总体应急预案",
        "预案类型": "综合",
        "编制主体": "镇街区",
        "编制单位": "侯镇",
        "镇街区": "侯镇",
        "版本": "2.0",
        "发布日期": datetime.date(2025, 3, 18),
        "评审方式": "评审",
        "评审日期": "2025-03-01",
        "评审结论": "通过",
        "备案日期": "2025年3月25日",
        "备案编号": "寿应急备〔2025〕15号",
    }
    row.update(overrides)
    return row


def team_row(**overrides):
    row = {
        "队伍名称": "侯镇化工园区专职消防队",
        "队伍类别": "专业",
        "专业类别": "危险化学品",
        "主管单位": "侯镇",
        "队员人数": 32,
        "队长": "于庆丰",
    }
    row.update(overrides)
    return row


def stock_row(**overrides):
    row = {
        "物资名称": "救生衣",
        "物资类别": "生命救助",
        "计量单位": "件",
        "初始数量": 200,
        "最低储备量": 100,
        "存放地点": "羊口镇应急物资储备点",
        "储备单位": "羊口镇",
        "镇街区": "羊口镇",
        "保管人": "刘海",
    }
    row.update(overrides)
    return row


def shelter_row(**overrides):
    row = {
        "场所名称": "侯镇文化广场应急避难场所",
        "场所类型": "广场",
        "场所类别": "Ⅲ类（紧急）",
        "镇街区": "侯镇",
        "地址": "侯镇政府驻地中心街18号",
        "有效避难面积（平方米）": 12000,
        "可容纳人数": 6000,
        "配套设施": "应急供水、应急厕所",
        "标志标识已设置": "否",
        "经度": 118.82,
        "纬度": 37.05,
    }
    row.update(overrides)
    return row


@pytest.mark.parametrize("register", ["plans", "teams", "stockpiles", "shelters"])
def test_each_registers_template_has_its_columns_and_an_example_row(cast, client, register):
    client.force_login(cast.houzhen)
    response = client.get(reverse("emergency:import-template", args=[register]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == [column.header for column in REGISTERS[register].columns]
    assert any(rows[1])


def test_an_unknown_registers_template_is_not_found(cast, client):
    client.force_login(cast.office)
    assert client.get(reverse("emergency:import-template", args=["hazards"])).status_code == 404


def test_a_plan_sheet_is_saved_row_by_row_through_plan_save(cast):
    industry = IndustryFactory(name="危险化学品")
    upload = register_sheet(
        "plans",
        plan_row(),
        plan_row(
            预案名称="寿光市危险化学品事故专项应急预案",
            预案类型="专项应急预案",
            编制主体="行业",
            编制单位="应急管理局",
            镇街区="",
            行业="危险化学品",
            发布日期="2024/02/29",
        ),
    )
    result = emergency_import(actor=cast.office, register="plans", file=upload, dry_run=False)
    assert result.saved and not result.has_errors
    township_plan = Plan.objects.get(title="侯镇突发事件总体应急预案")
    assert township_plan.plan_type == PlanType.COMPREHENSIVE
    assert township_plan.owner_kind == PlanOwnerKind.TOWNSHIP
    assert township_plan.owner_unit == cast.houzhen_unit == township_plan.township
    assert township_plan.filed_on == datetime.date(2025, 3, 25)
    assert township_plan.created_by == cast.office
    special = Plan.objects.get(industry=industry)
    assert special.owner_unit == cast.yingji_unit
    assert special.state == PlanState.IN_FORCE
    # The service derived its dates: three years on, the leap day falls back.
    assert special.evaluation_due == datetime.date(2027, 2, 28)
    assert special.drill_due == datetime.date(2025, 2, 28)


def test_the_preview_saves_nothing(cast):
    result = emergency_import(
        actor=cast.houzhen,
        register="plans",
        file=register_sheet("plans", plan_row(), plan_row(预案名称="侯镇防汛应急预案")),
        dry_run=True,
    )
    assert not result.has_errors and result.new_count == 2 and not result.saved
    assert Plan.objects.count() == 0


def test_errors_name_the_row_and_column_and_nothing_is_saved(cast):
    upload = register_sheet(
        "plans",
        plan_row(),
        plan_row(预案类型="总体"),
        plan_row(镇街区="不存在镇", 编制单位="不存在镇"),
        plan_row(发布日期="2025-02-30"),
        plan_row(预案名称=""),
        plan_row(编制主体="行业", 编制单位="市住建局", 镇街区=""),  # no 行业: the service says
    )
    result = emergency_import(actor=cast.office, register="plans", file=upload, dry_run=False)
    assert not result.saved
    assert Plan.objects.count() == 0
    statuses = [row.status for row in result.rows]
    assert statuses == ["new", "error", "error", "error", "error", "error"]
    errors = result.errors
    assert any(e.startswith("第3行“预案类型”") and "综合应急预案" in e for e in errors)
    assert any(e.startswith("第4行“镇街区”") and "不存在镇" in e for e in errors)
    assert any(e.startswith("第4行“编制单位”") for e in errors)
    assert any(e.startswith("第5行“发布日期”") for e in errors)
    assert any(e.startswith("第6行“预案名称”") and "不能为空" in e for e in errors)
    assert any(e.startswith("第7行“行业”") and "行业领域" in e for e in errors)


def test_wrong_columns_get_a_clear_message(cast):
    upload = sheet(["名称", "数量", "地点"], ["救生衣", 10, "仓库"])
    with pytest.raises(ValidationError) as caught:
        emergency_import(actor=cast.office, register="stockpiles", file=upload, dry_run=True)
    message = caught.value.message_dict["file"][0]
    assert "缺少必填列" in message and "物资名称" in message and "名称、数量、地点" in message


def test_a_team_sheet_uploaded_as_shelters_names_the_missing_columns(cast):
    with pytest.raises(ValidationError) as caught:
        emergency_import(
            actor=cast.office,
            register="shelters",
            file=register_sheet("teams", team_row()),
            dry_run=True,
        )
    assert "应急避难场所" in caught.value.message_dict["file"][0]


def test_a_township_imports_its_own_teams_leaving_the_unit_blank(cast):
    upload = register_sheet("teams", team_row(主管单位="", 队伍类别="专业救援队伍"))
    result = emergency_import(actor=cast.houzhen, register="teams", file=upload, dry_run=False)
    assert result.saved, result.errors
    team = RescueTeam.objects.get()
    assert team.unit == cast.houzhen_unit and team.kind == TeamKind.PROFESSIONAL
    assert team.member_count == 32


def test_a_unit_member_cannot_import_into_another_units_register(cast):
    upload = register_sheet(
        "teams", team_row(), team_row(队伍名称="羊口海上搜救志愿者", 主管单位="羊口镇")
    )
    result = emergency_import(actor=cast.houzhen, register="teams", file=upload, dry_run=False)
    assert not result.saved
    assert [row.status for row in result.rows] == ["new", "error"]
    (message,) = result.errors
    assert message.startswith("第3行“整行”") and "本单位" in message
    assert RescueTeam.objects.count() == 0


def test_a_bureau_cannot_import_a_townships_plan(cast):
    result = emergency_import(
        actor=cast.zhujian,
        register="plans",
        file=register_sheet("plans", plan_row(编制单位="")),
        dry_run=True,
    )
    assert result.has_errors
    assert "无权登记" in result.errors[0]


def test_stockpiles_record_the_initial_quantity_as_an_initial_movement(cast):
    upload = register_sheet(
        "stockpiles",
        stock_row(),
        stock_row(物资名称="编织袋", 物资类别="防汛物资", 初始数量="", 计量单位="条"),
    )
    result = emergency_import(actor=cast.office, register="stockpiles", file=upload, dry_run=False)
    assert result.saved, result.errors
    vests = Stockpile.objects.get(name="救生衣")
    assert vests.quantity == Decimal("200") and vests.owner_unit == cast.yangkou_unit
    (movement,) = vests.movements.all()
    assert movement.kind == MovementKind.IN and movement.reason == "初始入库"
    assert movement.balance_after == Decimal("200") and movement.actor == cast.office
    bags = Stockpile.objects.get(name="编织袋")
    assert bags.quantity == 0 and not bags.movements.exists()


def test_a_negative_initial_quantity_is_refused_on_its_cell(cast):
    upload = register_sheet("stockpiles", stock_row(初始数量=-5))
    result = emergency_import(actor=cast.office, register="stockpiles", file=upload, dry_run=False)
    assert not result.saved
    assert result.errors[0].startswith("第2行“初始数量”")
    assert not StockMovement.objects.exists()


def test_shelters_read_facilities_booleans_and_coordinates(cast):
    upload = register_sheet(
        "shelters",
        shelter_row(),
        shelter_row(场所名称="侯镇中学操场", 场所类型="学校", 配套设施="应急供水，直升机坪"),
    )
    result = emergency_import(actor=cast.houzhen, register="shelters", file=upload, dry_run=False)
    assert not result.saved
    (message,) = result.errors
    assert message.startswith("第3行“配套设施”") and "直升机坪" in message
    result = emergency_import(
        actor=cast.houzhen,
        register="shelters",
        file=register_sheet("shelters", shelter_row()),
        dry_run=False,
    )
    assert result.saved, result.errors
    shelter = Shelter.objects.get()
    assert shelter.facilities == ["water", "toilet"]
    assert shelter.category == "III" and shelter.signage_done is False
    assert shelter.manager_unit == cast.houzhen_unit
    assert shelter.latitude == Decimal("37.050000")


def test_the_auditor_cannot_import(cast, client):
    with pytest.raises(PermissionDenied):
        emergency_import(
            actor=cast.auditor,
            register="teams",
            file=register_sheet("teams", team_row()),
            dry_run=True,
        )
    client.force_login(cast.auditor)
    assert client.get(reverse("emergency:import")).status_code == 403


def test_the_page_chooses_a_register_previews_then_confirms_the_whole_sheet(cast, client):
    client.force_login(cast.houzhen)
    url = reverse("emergency:import")
    page = client.get(url, {"register": "shelters"})
    assert page.status_code == 200
    assert page.context["register"].key == "shelters"
    assert reverse("emergency:import-template", args=["shelters"]) in page.content.decode()
    upload = register_sheet("shelters", shelter_row(), shelter_row(场所名称="侯镇公园"))
    preview = client.post(url, {"register": "shelters", "file": upload})
    assert preview.status_code == 200
    assert preview.context["result"].new_count == 2
    assert Shelter.objects.count() == 0
    token = preview.context["token"]
    assert token
    done = client.post(url, {"token": token})
    assert done.status_code == 302 and done.url == reverse("emergency:shelter-list")
    assert Shelter.objects.filter(township=cast.houzhen_unit).count() == 2
    again = client.post(url, {"token": token})  # a preview is confirmed once
    assert again.status_code == 302 and again.url == reverse("emergency:import")
    assert Shelter.objects.count() == 2


def test_the_page_shows_row_errors_and_offers_no_confirmation(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("emergency:import"),
        {"register": "teams", "file": register_sheet("teams", team_row(队员人数="三十"))},
    )
    assert response.status_code == 200
    assert response.context["token"] is None
    assert "第2行“队员人数”" in response.content.decode()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(cast, client):
    client.force_login(cast.office)
    bogus = SimpleUploadedFile("预案.xlsx", b"not a workbook")
    response = client.post(reverse("emergency:import"), {"register": "plans", "file": bogus})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
