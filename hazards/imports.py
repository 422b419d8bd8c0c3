"""Excel import of an inspection team's hazard sheet (排查记录表), all or nothing.

The sheet has one hazard per row under a header row: 排查时间, 镇街区, 隐患地点, 隐患描述 are
required; 隐患等级 (一般/重大, default 一般), 行业领域, 生产经营单位 (统一社会信用代码或名称), 排查人
and 排查行动 are optional. Every row goes through ``hazard_report`` (numbered, checked and
recorded like a hazard reported on the page) inside one transaction: the preview (dry run)
and any error roll everything back, so a sheet is saved whole or not at all. Errors name the
row number Excel shows and the column.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import restrict, user_scope
from responsibilities.models import Enterprise, Industry, OrgUnit
from responsibilities.resources import cell_text
from responsibilities.selectors import resolve_unit_name
from responsibilities.services.enterprises import read_import_file
from responsibilities.validators import normalize_credit_code

from .choices import HazardGrade, HazardSource
from .models import Campaign
from .services import hazard_report

MAX_IMPORT_ROWS = 5000

# (header, field, required) in the template's order.
COLUMNS = (
    ("排查时间", "found_on", True),
    ("镇街区", "township", True),
    ("隐患地点", "address", True),
    ("隐患描述", "description", True),
    ("隐患等级", "grade", False),
    ("行业领域", "industry", False),
    ("生产经营单位", "enterprise", False),
    ("排查人", "found_by", False),
    ("排查行动", "campaign", False),
)
HEADERS = {header: name for header, name, _required in COLUMNS}
FIELD_HEADERS = {name: header for header, name, _required in COLUMNS}
REQUIRED_HEADERS = [header for header, _name, required in COLUMNS if required]
# What a team may write in the header for a column of the template.
HEADER_ALIASES = {
    "生产经营单位（信用代码或名称）": "生产经营单位",
    "生产经营单位(信用代码或名称)": "生产经营单位",
    "企业": "生产经营单位",
    "地点": "隐患地点",
    "所在镇街区": "镇街区",
    "镇街": "镇街区",
    "等级": "隐患等级",
    "行业": "行业领域",
    "排查日期": "排查时间",
}
GRADE_WORDS = {
    "一般": HazardGrade.GENERAL,
    "一般隐患": HazardGrade.GENERAL,
    "重大": HazardGrade.MAJOR,
    "重大隐患": HazardGrade.MAJOR,
}
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class HazardImportRow:
    """One data row as the preview shows it."""

    number: int  # the row number Excel shows (the header is row 1)
    status: str = "new"  # "new" or "error"
    found_on: str = ""
    township: str = ""
    address: str = ""
    description: str = ""
    code: str = ""
    errors: list[str] = field(default_factory=list)

    def error(self, header: str, message: str) -> None:
        self.status = "error"
        self.errors.append(
            _("第%(row)d行“%(column)s”：%(message)s")
            % {"row": self.number, "column": header, "message": message}
        )


@dataclass
class HazardImportResult:
    rows: list[HazardImportRow]
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


def normalize_header(text: str) -> str:
    text = cell_text(text).replace(" ", "")
    text = HEADER_ALIASES.get(text, text)
    return re.sub(r"[（(].*[）)]$", "", text) if text not in HEADERS else text


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
            raise ValidationError(
                {"file": _("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_IMPORT_ROWS}}
            )
    workbook.close()
    return data, ignored


class Lookups:
    """Townships, industries, enterprises and campaigns by what a team writes, each looked up
    once per distinct text."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[tuple[str, str], object] = {}

    def _cached(self, kind, text, find):
        key = (kind, text)
        if key not in self.cache:
            self.cache[key] = find(text)
        return self.cache[key]

    def township(self, text: str) -> OrgUnit:
        unit = self._cached("township", text, resolve_unit_name)
        if unit is None or unit.kind != OrgUnit.Kind.TOWNSHIP:
            raise ValueError(_("未知的镇街区“%(name)s”") % {"name": text})
        return unit

    def industry(self, text: str) -> Industry:
        found = self._cached("industry", text, lambda t: Industry.objects.filter(name=t).first())
        if found is None:
            raise ValueError(_("未知的行业领域“%(name)s”") % {"name": text})
        return found

    def enterprise(self, text: str) -> Enterprise:
        def find(t):
            matches = list(
                restrict(Enterprise.objects.all(), self.actor, "view").filter(
                    Q(credit_code=normalize_credit_code(t)) | Q(name=t)
                )[:2]
            )
            return matches

        matches = self._cached("enterprise", text, find)
        if not matches:
            raise ValueError(
                _("名录中没有“%(name)s”，请填写统一社会信用代码或全称") % {"name": text}
            )
        if len(matches) > 1:
            raise ValueError(_("“%(name)s”对应多家单位，请填写统一社会信用代码") % {"name": text})
        return matches[0]

    def campaign(self, text: str) -> Campaign:
        def find(t):
            return list(restrict(Campaign.objects.all(), self.actor, "view").filter(name=t)[:2])

        matches = self._cached("campaign", text, find)
        if not matches:
            raise ValueError(_("没有名为“%(name)s”的排查行动") % {"name": text})
        if len(matches) > 1:
            # The same drive recurs each year: the one whose period holds the date is meant.
            raise LookupError(text)
        return matches[0]


def row_fields(row: HazardImportRow, cells: dict, lookups: Lookups) -> dict | None:
    """The row's keyword arguments for ``hazard_report``; errors go on ``row``."""
    fields: dict[str, object] = {"source": HazardSource.INSPECTION}
    for name, value in cells.items():
        header = FIELD_HEADERS[name]
        text = cell_text(value)
        try:
            if name == "found_on":
                if not text:
                    raise ValueError(_("不能为空"))
                fields[name] = parse_date(value)
                row.found_on = fields[name].isoformat()
            elif name in ("address", "description"):
                if not text:
                    raise ValueError(_("不能为空"))
                fields[name] = text
                setattr(row, name, text)
            elif name == "township":
                row.township = text
                if not text:
                    raise ValueError(_("不能为空"))
                fields[name] = lookups.township(text)
            elif name == "grade":
                if text:
                    if text not in GRADE_WORDS:
                        raise ValueError(_("应为“一般”或“重大”，而不是“%(v)s”") % {"v": text})
                    fields[name] = GRADE_WORDS[text]
            elif name == "found_by":
                fields[name] = text
            elif text:
                fields[name] = getattr(lookups, name)(text)
        except LookupError:
            fields["campaign_name"] = text
        except ValueError as exc:
            row.error(header, str(exc))
    if "campaign_name" in fields:
        name = fields.pop("campaign_name")
        found_on = fields.get("found_on")
        matches = [
            c
            for c in restrict(Campaign.objects.filter(name=name), lookups.actor, "view")
            if found_on and c.starts_on <= found_on <= c.ends_on
        ]
        if len(matches) == 1:
            fields["campaign"] = matches[0]
        else:
            row.error(
                FIELD_HEADERS["campaign"],
                _("“%(name)s”有多期，排查时间不在其中某一期内") % {"name": name},
            )
    return None if row.status == "error" else fields


def report_row(row: HazardImportRow, fields: dict, actor) -> None:
    """Report one row's hazard in a savepoint; a refusal becomes the row's errors."""
    try:
        with transaction.atomic():
            hazard = hazard_report(actor=actor, **fields)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(FIELD_HEADERS.get(name, _("整行")), message)
        else:
            for message in exc.messages:
                row.error(_("整行"), message)
    except PermissionDenied as exc:
        row.error(_("整行"), str(exc) or _("无权登记该隐患"))
    else:
        row.code = hazard.code


@transaction.atomic
def hazards_import(*, actor, file, dry_run: bool) -> HazardImportResult:
    """Import an inspection team's sheet: every row reported through ``hazard_report``, all or
    nothing. With ``dry_run`` (the preview) or any row in error, nothing is saved (codes are
    not used up either: the counter rolls back with the rest)."""
    scope = user_scope(actor)
    if not scope.is_authenticated or scope.read_only:
        raise PermissionDenied(_("只读账号不能导入隐患。"))
    if not (scope.writes_all or scope.is_unit_member):
        raise PermissionDenied(_("只有安委办和各单位可以导入隐患。"))
    data, ignored = read_sheet(read_import_file(file))
    if not data:
        raise ValidationError({"file": _("表中没有数据行。")})
    lookups = Lookups(actor)
    rows = []
    for number, cells in data:
        row = HazardImportRow(number=number)
        fields = row_fields(row, cells, lookups)
        if fields is not None:
            report_row(row, fields, actor)
        rows.append(row)
    result = HazardImportResult(rows=rows, dry_run=dry_run, ignored_columns=ignored)
    if dry_run or result.has_errors:
        transaction.set_rollback(True)
        for row in rows:
            row.code = ""  # numbers of a rolled-back run were never given out
    else:
        result.saved = True
    return result


def hazard_import_template() -> bytes:
    """The sheet a team fills in: the header and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "隐患排查记录"
    sheet.append([header for header, _name, _required in COLUMNS])
    sheet.append(
        [
            timezone.localdate(),
            "侯镇",
            "侯镇农贸市场北门",
            "户外广告牌立柱锈蚀，底座螺栓松动",
            "一般",
            "人员密集场所",
            "",
            "孙涛、李明",
            "",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (12, 12, 30, 40, 10, 14, 28, 14, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet["A2"].number_format = "yyyy-mm-dd"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
