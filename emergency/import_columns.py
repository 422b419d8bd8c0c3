"""The emergency registers' import templates: each register's columns, the service its rows
go through, and how a cell is read (dates, numbers, 是/否, choices by their Chinese labels or the
short words people write, units by name). ``emergency.imports`` runs the import."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities.models import OrgUnit
from responsibilities.resources import cell_text

from . import services
from .choices import (
    PlanOwnerKind,
    PlanState,
    PlanType,
    Readiness,
    ReviewKind,
    ReviewResult,
    ShelterCategory,
    ShelterFacility,
    ShelterType,
    StockCategory,
    TeamKind,
    TeamSpecialty,
)

DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# Endings a person may leave off a choice's label: 综合 for 综合应急预案, 志愿者 for 志愿者队伍.
LABEL_ENDINGS = ("应急预案", "预案", "方案", "救援队伍", "救援力量", "队伍", "救援", "场所")
YES = {"是", "有", "已设置", "已公布", "公布", "在编", "√", "✓", "y", "yes", "true", "1"}
NO = {"否", "无", "未设置", "未公布", "不公布", "不在编", "×", "✗", "n", "no", "false", "0"}


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s”不是有效日期，请写成2026-04-12") % {"value": text})


def parse_decimal(value) -> Decimal:
    text = cell_text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s”不是数字") % {"value": text}) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("不能为负数"))
    return number


def parse_count(value) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(_("应为整数，而不是“%(value)s”") % {"value": cell_text(value)})
    return int(number)


def parse_bool(value) -> bool:
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("应为“是”或“否”，而不是“%(value)s”") % {"value": cell_text(value)})


def choice_words(choices: type[models.TextChoices], extra: dict[str, str] | None = None):
    """What a person may write for each choice: its value, its label, the label without a
    parenthesis or a usual ending (综合 for 综合应急预案), and the given extra words."""
    words: dict[str, str] = {}
    for value, label in choices.choices:
        label = str(label)
        bare = re.sub(r"[（(].*?[）)]", "", label)
        words[value.lower()] = value
        for text in (label, bare):
            words.setdefault(text, value)
            for ending in LABEL_ENDINGS:
                if text.endswith(ending) and len(text) > len(ending):
                    words.setdefault(text[: -len(ending)], value)
    words.update(extra or {})
    return words


@dataclass(frozen=True, eq=False)  # hashed by identity: a sheet's columns key its cells
class ImportColumn:
    """One column of a template: its header, the service's keyword and how a cell is read.

    ``kind``: text, date, decimal, count, bool, choice, unit (any unit; blank means the
    importer's own unit when they belong to one), township, industry, enterprise, facilities.
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    choices: type[models.TextChoices] | None = None
    words: dict[str, str] | None = None
    aliases: tuple[str, ...] = ()
    example: object = ""

    def choice_map(self) -> dict[str, str]:
        return choice_words(self.choices, self.words)


@dataclass(frozen=True)
class ImportRegister:
    key: str
    title: object  # lazy Chinese text
    columns: tuple[ImportColumn, ...]
    save: Callable[..., object]
    name_field: str  # shown in the preview
    unit_field: str
    list_url_name: str
    prepare: Callable[[dict, OrgUnit | None], None] | None = None

    @property
    def headers(self) -> dict[str, ImportColumn]:
        found = {}
        for column in self.columns:
            found[column.header] = column
            for alias in column.aliases:
                found.setdefault(alias, column)
        return found

    @property
    def field_headers(self) -> dict[str, str]:
        return {column.field: column.header for column in self.columns}


# --- the registers --------------------------------------------------------------------------


def _prepare_plan(fields: dict, own_unit: OrgUnit | None) -> None:
    """A township's own plan: 编制单位 defaults to its 镇街区, and 镇街区 to a township 编制单位."""
    if fields.get("owner_kind") != PlanOwnerKind.TOWNSHIP:
        return
    township, owner = fields.get("township"), fields.get("owner_unit") or own_unit
    if "owner_unit" not in fields and township is not None:
        fields["owner_unit"] = township
    elif "township" not in fields and owner is not None and owner.kind == OrgUnit.Kind.TOWNSHIP:
        fields["township"] = owner


def _save_stockpile(*, actor, **fields):
    return services.stockpile_save(actor=actor, **fields)


PLAN_OWNER_WORDS = {"市": PlanOwnerKind.CITY, "镇": PlanOwnerKind.TOWNSHIP}
PLAN_OWNER_WORDS |= {"街道": PlanOwnerKind.TOWNSHIP, "企业": PlanOwnerKind.ENTERPRISE}
SHELTER_TYPE_WORDS = {
    "学校": ShelterType.SCHOOL,
    "操场": ShelterType.SCHOOL,
    "公园": ShelterType.PARK,
    "绿地": ShelterType.PARK,
    "体育场": ShelterType.STADIUM,
    "体育馆": ShelterType.STADIUM,
    "室内": ShelterType.INDOOR,
}
SHELTER_CATEGORY_WORDS = {
    "I类": "I",
    "II类": "II",
    "III类": "III",
    "一类": "I",
    "二类": "II",
    "三类": "III",
    "Ⅰ": "I",
    "Ⅱ": "II",
    "Ⅲ": "III",
}
COORDINATES = (
    ImportColumn("经度", "longitude", "decimal", example=Decimal("118.791000")),
    ImportColumn("纬度", "latitude", "decimal", example=Decimal("36.881000")),
)

REGISTERS: dict[str, ImportRegister] = {
    register.key: register
    for register in (
        ImportRegister(
            key="plans",
            title=gettext_lazy("应急预案"),
            save=services.plan_save,
            name_field="title",
            unit_field="owner_unit",
            list_url_name="emergency:plan-list",
            prepare=_prepare_plan,
            columns=(
                ImportColumn(
                    "预案名称", "title", required=True, example="侯镇突发事件总体应急预案"
                ),
                ImportColumn(
                    "预案类型", "plan_type", "choice", True, PlanType, example="综合应急预案"
                ),
                ImportColumn(
                    "编制主体",
                    "owner_kind",
                    "choice",
                    True,
                    PlanOwnerKind,
                    PLAN_OWNER_WORDS,
                    aliases=("编制主体类别",),
                    example="镇街区",
                ),
                ImportColumn("编制单位", "owner_unit", "unit", True, example="侯镇"),
                ImportColumn(
                    "镇街区", "township", "township", aliases=("所在镇街区",), example="侯镇"
                ),
                ImportColumn("行业", "industry", "industry", aliases=("行业领域",)),
                ImportColumn("生产经营单位", "enterprise", "enterprise", aliases=("企业",)),
                ImportColumn("版本", "version", example="2.0"),
                ImportColumn("发布文号", "document_number", example="侯政发〔2025〕12号"),
                ImportColumn("发布日期", "issued_on", "date", example=datetime.date(2025, 3, 18)),
                ImportColumn("状态", "state", "choice", choices=PlanState, example="现行有效"),
                ImportColumn("适用事件类型", "scenario", example="各类突发事件"),
                ImportColumn(
                    "评审方式", "review_kind", "choice", choices=ReviewKind, example="评审"
                ),
                ImportColumn(
                    "评审日期",
                    "reviewed_on",
                    "date",
                    aliases=("评审（论证）日期",),
                    example=datetime.date(2025, 3, 1),
                ),
                ImportColumn(
                    "评审结论",
                    "review_result",
                    "choice",
                    choices=ReviewResult,
                    aliases=("评审（论证）结论",),
                    example="通过",
                ),
                ImportColumn("备案日期", "filed_on", "date", example=datetime.date(2025, 3, 25)),
                ImportColumn("备案编号", "filing_number", example="寿应急备〔2025〕15号"),
                ImportColumn("备案机关", "filing_authority", example="寿光市应急管理局"),
                ImportColumn("最近评估日期", "last_evaluated_on", "date", aliases=("最近评估",)),
            ),
        ),
        ImportRegister(
            key="teams",
            title=gettext_lazy("救援队伍"),
            save=services.team_save,
            name_field="name",
            unit_field="unit",
            list_url_name="emergency:team-list",
            columns=(
                ImportColumn("队伍名称", "name", required=True, example="侯镇化工园区专职消防队"),
                ImportColumn("队伍类别", "kind", "choice", True, TeamKind, example="专业救援队伍"),
                ImportColumn(
                    "专业类别", "specialty", "choice", True, TeamSpecialty, example="危险化学品"
                ),
                ImportColumn("主管单位", "unit", "unit", True, example="侯镇"),
                ImportColumn(
                    "驻地镇街区", "township", "township", aliases=("镇街区",), example="侯镇"
                ),
                ImportColumn("所属企业", "enterprise", "enterprise", aliases=("生产经营单位",)),
                ImportColumn("队员人数", "member_count", "count", True, example=32),
                ImportColumn("队长", "leader", required=True, example="于庆丰"),
                ImportColumn("队长电话", "leader_phone", example="13853600201"),
                ImportColumn("值班电话", "duty_phone", example="0536-5381119"),
                ImportColumn("主要装备", "equipment", example="水罐消防车2辆、泡沫消防车1辆"),
                ImportColumn("驻地", "address", example="侯镇化工园区海港路66号"),
                *COORDINATES,
                ImportColumn(
                    "战备状态", "readiness", "choice", choices=Readiness, example="随时待命"
                ),
                ImportColumn("状态核实日期", "readiness_checked_on", "date"),
                ImportColumn(
                    "组建日期", "established_on", "date", example=datetime.date(2012, 6, 1)
                ),
            ),
        ),
        ImportRegister(
            key="stockpiles",
            title=gettext_lazy("物资储备"),
            save=_save_stockpile,
            name_field="name",
            unit_field="owner_unit",
            list_url_name="emergency:stockpile-list",
            columns=(
                ImportColumn("物资名称", "name", required=True, example="救生衣"),
                ImportColumn(
                    "物资类别", "category", "choice", True, StockCategory, example="生命救助"
                ),
                ImportColumn("规格型号", "specification", example="成人款 150N"),
                ImportColumn("计量单位", "measure_unit", example="件"),
                ImportColumn(
                    "初始数量",
                    "initial_quantity",
                    "decimal",
                    aliases=("库存数量", "数量"),
                    example=200,
                ),
                ImportColumn("最低储备量", "minimum_quantity", "decimal", example=100),
                ImportColumn("存放地点", "place", required=True, example="羊口镇应急物资储备点"),
                ImportColumn("储备单位", "owner_unit", "unit", True, example="羊口镇"),
                ImportColumn(
                    "镇街区", "township", "township", aliases=("所在镇街区",), example="羊口镇"
                ),
                ImportColumn("保管人", "custodian", required=True, example="刘海"),
                ImportColumn("保管人电话", "custodian_phone", example="13853600301"),
                ImportColumn("有效期至", "expires_on", "date", example=datetime.date(2030, 12, 31)),
                *COORDINATES,
            ),
        ),
        ImportRegister(
            key="shelters",
            title=gettext_lazy("应急避难场所"),
            save=services.shelter_save,
            name_field="name",
            unit_field="township",
            list_url_name="emergency:shelter-list",
            columns=(
                ImportColumn("场所名称", "name", required=True, example="侯镇文化广场应急避难场所"),
                ImportColumn(
                    "场所类型",
                    "shelter_type",
                    "choice",
                    True,
                    ShelterType,
                    SHELTER_TYPE_WORDS,
                    example="广场",
                ),
                ImportColumn(
                    "场所类别",
                    "category",
                    "choice",
                    choices=ShelterCategory,
                    words=SHELTER_CATEGORY_WORDS,
                    example="Ⅲ类（紧急）",
                ),
                ImportColumn(
                    "镇街区", "township", "township", True, aliases=("所在镇街区",), example="侯镇"
                ),
                ImportColumn("地址", "address", required=True, example="侯镇政府驻地中心街18号"),
                ImportColumn(
                    "有效避难面积（平方米）",
                    "effective_area",
                    "decimal",
                    True,
                    aliases=("有效避难面积", "有效面积"),
                    example=12000,
                ),
                ImportColumn("可容纳人数", "capacity", "count", True, example=6000),
                ImportColumn("配套设施", "facilities", "facilities", example="应急供水、应急厕所"),
                ImportColumn(
                    "标志标识已设置", "signage_done", "bool", aliases=("标志标识",), example="是"
                ),
                *COORDINATES,
                ImportColumn("管理单位", "manager_unit", "unit", example="侯镇"),
                ImportColumn("管理人", "manager", example="孙涛"),
                ImportColumn("管理人电话", "manager_phone", example="13853600106"),
                ImportColumn("对外咨询电话", "public_phone", example="0536-5381000"),
                ImportColumn("建成日期", "opened_on", "date", example=datetime.date(2018, 9, 1)),
                ImportColumn("向社会公布", "is_public", "bool", example="是"),
            ),
        ),
    )
}


def read_cell(column: ImportColumn, value, lookups):
    """The service's value for one non-blank cell; ValueError with the reason otherwise.
    ``lookups`` finds units, townships, industries and enterprises by name
    (``emergency.imports.Lookups``)."""
    text = cell_text(value)
    if column.kind == "text":
        return text
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "decimal":
        return parse_decimal(value)
    if column.kind == "count":
        return parse_count(value)
    if column.kind == "bool":
        return parse_bool(value)
    if column.kind == "choice":
        words = column.choice_map()
        found = words.get(text) or words.get(text.replace(" ", "")) or words.get(text.lower())
        if found is None:
            options = "、".join(str(label) for label in column.choices.labels)
            raise ValueError(
                _("应为以下之一：%(options)s，而不是“%(value)s”")
                % {"options": options, "value": text}
            )
        return found
    if column.kind == "facilities":
        words = choice_words(ShelterFacility)
        values, unknown = [], []
        for part in re.split(r"[、,，;；/\s]+", text):
            if part:
                (values if part in words else unknown).append(words.get(part, part))
        if unknown:
            raise ValueError(
                _("未知的配套设施：%(names)s（可填：%(options)s）")
                % {
                    "names": "、".join(unknown),
                    "options": "、".join(str(label) for label in ShelterFacility.labels),
                }
            )
        return values
    return getattr(lookups, column.kind)(text)
