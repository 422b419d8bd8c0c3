"""Excel import of a risk inventory sheet (风险清单), all or nothing.

The sheet has one risk point per row under a header row: 风险点名称, 风险点类型, 风险类别,
所在镇街区, 管控责任单位 and 管控责任人 are required; the place (网格, 生产经营单位, 地址, 经度,
纬度), 行业领域, 可能导致的事故类型, the five kinds of 管控措施, 管控层级 and 联系电话 are optional.
A row may carry one assessment: 评估方法 (LEC or LS) with L, E and C, or L and S, and 评估日期
(评估人 optional); the score and level are computed, never read from the sheet.

Every row goes through ``risk_point_register`` (numbered and checked like a point registered
on the page) and, with assessment inputs, ``assessment_record``, inside one transaction: the
preview (dry run) and any error roll everything back, so a sheet is saved whole or not at all.
A unit's members register only in their own township or for their own unit (the service
decides). Errors name the row number Excel shows and the column.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import restrict, user_scope
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit
from responsibilities.resources import cell_text
from responsibilities.selectors import resolve_unit_name
from responsibilities.services.enterprises import read_import_file
from responsibilities.validators import normalize_credit_code

from .choices import (
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    RiskCategory,
    RiskKind,
    RiskLevel,
)
from .services import assessment_record, risk_point_register

MAX_IMPORT_ROWS = 5000

# (header, field, required) in the template's order.
POINT_COLUMNS = (
    ("风险点名称", "name", True),
    ("风险点类型", "kind", True),
    ("风险类别", "category", True),
    ("行业领域", "industry", False),
    ("所在镇街区", "township", True),
    ("网格", "grid", False),
    ("生产经营单位", "enterprise", False),
    ("地址", "address", False),
    ("经度", "longitude", False),
    ("纬度", "latitude", False),
    ("可能导致的事故类型", "accident_types", False),
    ("风险描述", "description", False),
    ("工程技术措施", "engineering_measures", False),
    ("管理措施", "management_measures", False),
    ("培训教育措施", "training_measures", False),
    ("个体防护措施", "protective_measures", False),
    ("应急处置措施", "emergency_measures", False),
    ("管控层级", "control_level", False),
    ("管控责任单位", "responsible_unit", True),
    ("管控责任人", "responsible_person", True),
    ("联系电话", "responsible_phone", False),
)
ASSESSMENT_COLUMNS = (
    ("评估方法", "method", False),
    ("L", "likelihood", False),
    ("E", "exposure", False),
    ("C", "consequence", False),
    ("S", "severity", False),
    ("评估日期", "assessed_on", False),
    ("评估人", "assessor_name", False),
)
COLUMNS = POINT_COLUMNS + ASSESSMENT_COLUMNS
HEADERS = {header: name for header, name, _required in COLUMNS}
FIELD_HEADERS = {name: header for header, name, _required in COLUMNS}
REQUIRED_HEADERS = [header for header, _name, required in COLUMNS if required]
ASSESSMENT_FIELDS = {name for _header, name, _required in ASSESSMENT_COLUMNS}
TEXT_FIELDS = {
    "name",
    "address",
    "description",
    "engineering_measures",
    "management_measures",
    "training_measures",
    "protective_measures",
    "emergency_measures",
    "responsible_person",
    "responsible_phone",
}
# What an office may write in the header for a column of the template.
HEADER_ALIASES = {
    "名称": "风险点名称",
    "类型": "风险点类型",
    "类别": "风险类别",
    "行业": "行业领域",
    "镇街区": "所在镇街区",
    "镇街": "所在镇街区",
    "所在镇街": "所在镇街区",
    "企业": "生产经营单位",
    "事故类型": "可能导致的事故类型",
    "责任单位": "管控责任单位",
    "责任人": "管控责任人",
    "责任人电话": "联系电话",
    "可能性": "L",
    "暴露频繁程度": "E",
    "后果严重性": "C",
    "严重性": "S",
    "严重程度": "S",
}
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def _words(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A choice's value and its label (both as written) → the value."""
    words = {}
    for value, label in choices:
        words[str(value)] = value
        words[str(label)] = value
    words.update(extra or {})
    return words


KIND_WORDS = _words(
    RiskKind.choices,
    {
        "设备设施": RiskKind.SITE,
        "场所": RiskKind.SITE,
        "区域": RiskKind.SITE,
        "设备设施、场所、区域": RiskKind.SITE,
        "作业活动": RiskKind.OPERATION,
        "作业": RiskKind.OPERATION,
        "活动": RiskKind.OPERATION,
    },
)
CATEGORY_WORDS = _words(RiskCategory.choices, {"危化品": RiskCategory.HAZARDOUS_CHEMICALS})
CONTROL_WORDS = _words(
    ControlLevel.choices,
    {"市": ControlLevel.CITY, "镇街区": ControlLevel.TOWNSHIP, "公司级": ControlLevel.ENTERPRISE},
)
ACCIDENT_WORDS = _words(
    AccidentType.choices, {"中毒": AccidentType.POISONING, "窒息": AccidentType.POISONING}
)
METHOD_WORDS = _words(
    AssessmentMethod.choices,
    {
        "lec": AssessmentMethod.LEC,
        "ls": AssessmentMethod.LS,
        "作业条件危险性分析法": AssessmentMethod.LEC,
        "作业条件危险性分析": AssessmentMethod.LEC,
        "风险矩阵法": AssessmentMethod.LS,
        "风险矩阵": AssessmentMethod.LS,
    },
)


@dataclass
class RiskImportRow:
    """One data row as the preview shows it."""

    number: int  # the row number Excel shows (the header is row 1)
    status: str = "new"  # "new" or "error"
    name: str = ""
    township: str = ""
    category: str = ""
    responsible_unit: str = ""
    method: str = ""
    score: Decimal | None = None
    level: str = ""
    code: str = ""
    errors: list[str] = field(default_factory=list)

    def error(self, header: str, message: str) -> None:
        self.status = "error"
        self.errors.append(
            _("第%(row)d行“%(column)s”：%(message)s")
            % {"row": self.number, "column": header, "message": message}
        )

    @property
    def level_display(self) -> str:
        return str(RiskLevel(self.level).label) if self.level else ""


@dataclass
class RiskImportResult:
    rows: list[RiskImportRow]
    dry_run: bool
    saved: bool = False
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.status == "error" for row in self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "new")

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "error")

    @property
    def assessed_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "new" and row.level)


def normalize_header(text) -> str:
    text = cell_text(text).replace(" ", "")
    if text in HEADERS:
        return text
    text = HEADER_ALIASES.get(text, text)
    if text in HEADERS:
        return text
    # "可能性（L）", "管控责任人（姓名）": the words before the bracket, or the letter inside.
    match = re.match(r"^(.*?)[（(](.*)[）)]$", text)
    if match:
        before, inside = match.groups()
        for candidate in (before, inside, HEADER_ALIASES.get(before, "")):
            if candidate in HEADERS:
                return candidate
    return text


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


def parse_number(value) -> Decimal:
    text = cell_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s”不是数字") % {"value": text}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s”不是数字") % {"value": text})
    return number


def choice(words: dict[str, str], text: str) -> str:
    found = words.get(text) or words.get(text.lower())
    if found is None:
        options = "、".join(sorted({w for w in words if not w.isascii()}))
        raise ValueError(
            _("无法识别“%(value)s”，可填：%(options)s") % {"value": text, "options": options}
        )
    return found


def read_sheet(content: bytes) -> tuple[list[tuple[int, dict[str, object]]], list[str]]:
    """The data rows as (row number, {field: cell}) and the ignored headers; a ValidationError
    on ``file`` when the sheet cannot be read or its columns are not the template's."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            {"file": _("无法读取该Excel文件（%(error)s）。") % {"error": exc.__class__.__name__}}
        ) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    ignored = []
    for index, text in enumerate(header):
        name = normalize_header(text)
        if name in HEADERS and HEADERS[name] not in positions:
            positions[HEADERS[name]] = index
        elif cell_text(text):
            ignored.append(cell_text(text))
    missing = [h for h in REQUIRED_HEADERS if HEADERS[h] not in positions]
    if missing:
        found = "、".join(cell_text(t) for t in header if cell_text(t)) or _("（空）")
        workbook.close()
        raise ValidationError(
            {
                "file": _(
                    "第1行须为表头，缺少必填列：%(missing)s。表中的列为：%(found)s。"
                    "请下载导入模板，按模板的列填写。"
                )
                % {"missing": "、".join(missing), "found": found}
            }
        )
    data = []
    for number, values in enumerate(rows, start=2):
        values = tuple(values or ())
        if not any(cell_text(v) for v in values):
            continue
        data.append(
            (
                number,
                {
                    name: values[index] if index < len(values) else None
                    for name, index in positions.items()
                },
            )
        )
        if len(data) > MAX_IMPORT_ROWS:
            workbook.close()
            raise ValidationError(
                {"file": _("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_IMPORT_ROWS}}
            )
    workbook.close()
    return data, ignored


class Lookups:
    """Units, grids, industries and enterprises by what an office writes, each looked up once
    per distinct text."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[tuple, object] = {}

    def _cached(self, key, find):
        if key not in self.cache:
            self.cache[key] = find()
        return self.cache[key]

    def township(self, text: str) -> OrgUnit:
        unit = self._cached(("unit", text), lambda: resolve_unit_name(text))
        if unit is None or unit.kind != OrgUnit.Kind.TOWNSHIP:
            raise ValueError(_("未知的镇街区“%(name)s”") % {"name": text})
        return unit

    def responsible_unit(self, text: str) -> OrgUnit:
        unit = self._cached(("unit", text), lambda: resolve_unit_name(text))
        if unit is None:
            raise ValueError(_("未知的单位“%(name)s”，请填写单位全称或简称") % {"name": text})
        return unit

    def industry(self, text: str) -> Industry:
        found = self._cached(("industry", text), lambda: Industry.objects.filter(name=text).first())
        if found is None:
            raise ValueError(_("未知的行业领域“%(name)s”") % {"name": text})
        return found

    def enterprise(self, text: str) -> Enterprise:
        def find():
            visible = restrict(Enterprise.objects.all(), self.actor, "view")
            return list(
                visible.filter(Q(credit_code=normalize_credit_code(text)) | Q(name=text))[:2]
            )

        matches = self._cached(("enterprise", text), find)
        if not matches:
            raise ValueError(
                _("名录中没有“%(name)s”，请填写统一社会信用代码或全称") % {"name": text}
            )
        if len(matches) > 1:
            raise ValueError(_("“%(name)s”对应多家单位，请填写统一社会信用代码") % {"name": text})
        return matches[0]

    def grid(self, text: str, township: OrgUnit | None) -> Grid:
        def find():
            grids = Grid.objects.filter(Q(code=text) | Q(name=text))
            if township is not None:
                grids = grids.filter(township=township)
            return list(grids[:2])

        matches = self._cached(("grid", text, township.pk if township else None), find)
        if not matches:
            where = township.name if township else _("所填镇街区")
            raise ValueError(_("%(where)s没有网格“%(name)s”") % {"where": where, "name": text})
        if len(matches) > 1:
            raise ValueError(_("“%(name)s”对应多个网格，请填写网格编码") % {"name": text})
        return matches[0]


def parse_cell(name: str, value, text: str, lookups: Lookups, fields: dict):
    """One cell's value for the services; ValueError with the message for the row."""
    if name in TEXT_FIELDS or name == "assessor_name":
        return text
    if name == "kind":
        return choice(KIND_WORDS, text)
    if name == "category":
        return choice(CATEGORY_WORDS, text)
    if name == "control_level":
        return choice(CONTROL_WORDS, text)
    if name == "method":
        return choice(METHOD_WORDS, text)
    if name == "accident_types":
        values = []
        for word in LIST_SEPARATORS.split(text):
            if word:
                found = choice(ACCIDENT_WORDS, word)
                if found not in values:
                    values.append(found)
        return values
    if name in ("latitude", "longitude", "likelihood", "exposure", "consequence", "severity"):
        return parse_number(value)
    if name == "assessed_on":
        return parse_date(value)
    if name == "grid":
        return lookups.grid(text, fields.get("township"))
    return getattr(lookups, name)(text)


# The order cells are read in: the township before the grid that must lie in it.
READ_ORDER = [name for _header, name, _required in COLUMNS]
READ_ORDER.remove("grid")
READ_ORDER.insert(READ_ORDER.index("township") + 1, "grid")


def row_fields(row: RiskImportRow, cells: dict, lookups: Lookups) -> tuple[dict, dict] | None:
    """The row's keyword arguments for ``risk_point_register`` and ``assessment_record``
    (empty when the row carries no assessment); errors go on ``row``."""
    point: dict[str, object] = {}
    assessment: dict[str, object] = {}
    for name in READ_ORDER:
        if name not in cells:
            continue
        header = FIELD_HEADERS[name]
        text = cell_text(cells[name])
        if name in ("name", "township", "category", "responsible_unit"):
            setattr(row, name, text)
        if not text:
            if header in REQUIRED_HEADERS:
                row.error(header, _("不能为空"))
            continue
        try:
            value = parse_cell(name, cells[name], text, lookups, point)
        except ValueError as exc:
            row.error(header, str(exc))
            continue
        (assessment if name in ASSESSMENT_FIELDS else point)[name] = value
    if assessment:
        assessor_only = set(assessment) == {"assessor_name"}
        if assessor_only:
            assessment = {}
        else:
            if "method" not in assessment:
                row.error(FIELD_HEADERS["method"], _("填写了评估数据，请填写评估方法（LEC或LS）"))
            if "assessed_on" not in assessment:
                row.error(FIELD_HEADERS["assessed_on"], _("填写了评估数据，请填写评估日期"))
            if "method" in assessment:
                row.method = assessment["method"]
    return None if row.status == "error" else (point, assessment)


def _refusal(row: RiskImportRow, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                row.error(FIELD_HEADERS.get(name, _("整行")), message)
    else:
        for message in exc.messages:
            row.error(_("整行"), message)


def register_row(row: RiskImportRow, point_fields: dict, assessment_fields: dict, actor) -> None:
    """Register one row's point (and record its assessment) in a savepoint; a refusal becomes
    the row's errors."""
    try:
        with transaction.atomic():
            point = risk_point_register(actor=actor, **point_fields)
            if assessment_fields:
                assessment = assessment_record(actor=actor, point=point, **assessment_fields)
                row.score, row.level = assessment.score, assessment.level
    except ValidationError as exc:
        _refusal(row, exc)
    except PermissionDenied as exc:
        row.error(_("整行"), str(exc) or _("无权登记该风险点"))
    else:
        row.code = point.code


@transaction.atomic
def risks_import(*, actor, file, dry_run: bool) -> RiskImportResult:
    """Import a risk inventory sheet: every row registered through ``risk_point_register``
    (and assessed through ``assessment_record`` when it carries the inputs), all or nothing.
    With ``dry_run`` (the preview) or any row in error, nothing is saved (codes are not used
    up either: the counter rolls back with the rest)."""
    scope = user_scope(actor)
    if not scope.is_authenticated or scope.read_only:
        raise PermissionDenied(_("只读账号不能导入风险清单。"))
    if not (scope.writes_all or scope.is_unit_member):
        raise PermissionDenied(_("只有安委办和各单位可以导入风险清单。"))
    data, ignored = read_sheet(read_import_file(file))
    if not data:
        raise ValidationError({"file": _("表中没有数据行。")})
    lookups = Lookups(actor)
    rows = []
    for number, cells in data:
        row = RiskImportRow(number=number)
        parsed = row_fields(row, cells, lookups)
        if parsed is not None:
            register_row(row, *parsed, actor)
        rows.append(row)
    result = RiskImportResult(rows=rows, dry_run=dry_run, ignored_columns=ignored)
    if dry_run or result.has_errors:
        transaction.set_rollback(True)
        for row in rows:
            row.code = ""  # numbers of a rolled-back run were never given out
    else:
        result.saved = True
    return result


def risk_import_template() -> bytes:
    """The sheet an office fills in: the header, two example rows (one assessed by LEC, one by
    the LS matrix) and a second sheet listing the words each column takes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "风险清单"
    sheet.append([header for header, _name, _required in COLUMNS])
    today = timezone.localdate()
    example = {
        "风险点名称": "液氯储罐区",
        "风险点类型": str(RiskKind.SITE.label),
        "风险类别": str(RiskCategory.HAZARDOUS_CHEMICALS.label),
        "行业领域": "危险化学品",
        "所在镇街区": "侯镇",
        "地址": "侯镇化工园区海港路80号",
        "经度": 118.912,
        "纬度": 37.101,
        "可能导致的事故类型": "中毒和窒息、泄漏",
        "工程技术措施": "设置有毒气体检测报警及紧急切断装置",
        "管理措施": "双人巡检，每班记录",
        "培训教育措施": "每季度开展泄漏应急处置培训",
        "个体防护措施": "配备正压式空气呼吸器、防化服",
        "应急处置措施": "启动泄漏专项应急预案，疏散下风向人员",
        "管控层级": str(ControlLevel.CITY.label),
        "管控责任单位": "侯镇",
        "管控责任人": "于庆丰",
        "联系电话": "0536-5200000",
        "评估方法": "LEC",
        "L": 3,
        "E": 6,
        "C": 15,
        "评估日期": today,
        "评估人": "市应急管理局评估组",
    }
    second = {
        "风险点名称": "农贸市场",
        "风险点类型": str(RiskKind.SITE.label),
        "风险类别": str(RiskCategory.CROWDED_PLACE.label),
        "所在镇街区": "侯镇",
        "地址": "侯镇政府驻地农贸市场",
        "可能导致的事故类型": "火灾、拥挤踩踏",
        "管理措施": "节假日高峰专人疏导",
        "管控层级": str(ControlLevel.TOWNSHIP.label),
        "管控责任单位": "侯镇",
        "管控责任人": "孙涛",
        "评估方法": "LS",
        "L": 3,
        "S": 3,
        "评估日期": today,
    }
    for values in (example, second):
        sheet.append([values.get(header, "") for header, _name, _required in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (header, _name, _required) in enumerate(COLUMNS, start=1):
        width = 6 if len(header) == 1 else max(12, min(30, len(header) * 3))
        sheet.column_dimensions[get_column_letter(index)].width = width
    date_column = get_column_letter([h for h, _n, _r in COLUMNS].index("评估日期") + 1)
    for row in (2, 3):
        sheet[f"{date_column}{row}"].number_format = "yyyy-mm-dd"
    words = workbook.create_sheet("填写说明")
    words.append(["列", "可填写"])
    for header, options in (
        ("风险点类型", RiskKind.choices),
        ("风险类别", RiskCategory.choices),
        ("管控层级", ControlLevel.choices),
        ("可能导致的事故类型", AccidentType.choices),
        ("评估方法", AssessmentMethod.choices),
    ):
        words.append([header, "、".join(str(label) for _value, label in options)])
    words.append(
        ["L、E、C", "LEC法取标准值：L 10/6/3/1/0.5/0.2/0.1，E 10/6/3/2/1/0.5，C 100/40/15/7/3/1"]
    )
    words.append(["L、S", "风险矩阵法：L和S各取1–5的整数"])
    words.append(["风险等级", "不填写：由评估方法和分值按安委办设定的阈值自动计算（从严从高）"])
    words.column_dimensions["A"].width = 18
    words.column_dimensions["B"].width = 100
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
