"""Excel import of the emergency registers users already keep in spreadsheets: plans (应急预案),
rescue teams (救援队伍), stockpiles (物资储备, the initial quantity recorded as the 初始入库
movement) and shelters (应急避难场所). All or nothing.

Each register has a template (one row per record under a header row). Every row goes through
the register's service (``plan_save``, ``team_save``, ``stockpile_save``, ``shelter_save``)
inside one transaction, so it is checked exactly like a record saved on the page — including
the permission check: a unit's members import only into their own unit or township. The
preview (dry run) and any error roll everything back. Errors name the row number Excel shows
and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.permissions import restrict, user_scope
from responsibilities.models import Enterprise, Industry, OrgUnit
from responsibilities.resources import cell_text
from responsibilities.selectors import resolve_unit_name
from responsibilities.services.enterprises import read_import_file
from responsibilities.validators import normalize_credit_code

from .import_columns import REGISTERS, ImportColumn, ImportRegister, read_cell

__all__ = ["REGISTERS", "ImportResult", "emergency_import", "import_template"]

MAX_IMPORT_ROWS = 5000


# --- results --------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One data row as the preview shows it."""

    number: int  # the row number Excel shows (the header is row 1)
    status: str = "new"  # "new" or "error"
    name: str = ""
    unit: str = ""
    errors: list[str] = field(default_factory=list)

    def error(self, header: str, message: str) -> None:
        self.status = "error"
        self.errors.append(
            _("第%(row)d行“%(column)s”：%(message)s")
            % {"row": self.number, "column": header, "message": message}
        )


@dataclass
class ImportResult:
    register: ImportRegister
    rows: list[ImportRow]
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


# --- reading --------------------------------------------------------------------------------


def _header_key(text) -> str:
    return cell_text(text).replace(" ", "").rstrip("*＊")


def read_sheet(register: ImportRegister, content: bytes):
    """The data rows as (row number, {column: cell}) and the ignored headers; a ValidationError
    on ``file`` when the sheet cannot be read or lacks a required column."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            {"file": _("无法读取该Excel文件（%(error)s）。") % {"error": exc.__class__.__name__}}
        ) from exc
    headers = register.headers
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[ImportColumn, int] = {}
    ignored = []
    for index, text in enumerate(header):
        key = _header_key(text)
        column = headers.get(key) or headers.get(re.sub(r"[（(].*[）)]$", "", key))
        if column is not None and column not in positions:
            positions[column] = index
        elif cell_text(text):
            ignored.append(cell_text(text))
    missing = [c.header for c in register.columns if c.required and c not in positions]
    if missing:
        found = "、".join(cell_text(t) for t in header if cell_text(t)) or _("（空）")
        raise ValidationError(
            {
                "file": _(
                    "这不是%(register)s的导入表：第1行须为表头，缺少必填列：%(missing)s。"
                    "表中的列为：%(found)s。请下载%(register)s导入模板，按模板的列填写。"
                )
                % {"register": register.title, "missing": "、".join(missing), "found": found}
            }
        )
    data = []
    for number, values in enumerate(rows, start=2):
        values = tuple(values or ())
        if not any(cell_text(v) for v in values):
            continue
        if len(data) >= MAX_IMPORT_ROWS:
            raise ValidationError(
                {"file": _("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_IMPORT_ROWS}}
            )
        cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
        data.append((number, cells))
    workbook.close()
    return data, ignored


class Lookups:
    """Units, industries and enterprises by what a person writes, each looked up once."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[tuple[str, str], object] = {}
        scope = user_scope(actor)
        own = list(scope.unit_ids)
        self.own_unit_id = own[0] if len(own) == 1 and not scope.writes_all else None

    def _cached(self, kind, text, find):
        if (kind, text) not in self.cache:
            self.cache[(kind, text)] = find(text)
        return self.cache[(kind, text)]

    def own_unit(self) -> OrgUnit | None:
        if self.own_unit_id is None:
            return None
        return self._cached("own", "", lambda _t: OrgUnit.objects.get(pk=self.own_unit_id))

    def unit(self, text: str) -> OrgUnit:
        unit = self._cached("unit", text, resolve_unit_name)
        if unit is None:
            raise ValueError(_("未知的单位“%(name)s”，请填写单位全称或简称") % {"name": text})
        return unit

    def township(self, text: str) -> OrgUnit:
        unit = self._cached("unit", text, resolve_unit_name)
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
            visible = restrict(Enterprise.objects.all(), self.actor, "view")
            return list(visible.filter(Q(credit_code=normalize_credit_code(t)) | Q(name=t))[:2])

        matches = self._cached("enterprise", text, find)
        if not matches:
            raise ValueError(
                _("名录中没有“%(name)s”，请填写统一社会信用代码或全称") % {"name": text}
            )
        if len(matches) > 1:
            raise ValueError(_("“%(name)s”对应多家单位，请填写统一社会信用代码") % {"name": text})
        return matches[0]


def row_fields(register: ImportRegister, row: ImportRow, cells: dict, lookups: Lookups):
    """The row's keyword arguments for the register's service; errors go on ``row``."""
    fields: dict[str, object] = {}
    for column, value in cells.items():
        if not cell_text(value):
            # A blank unit may still be filled in below (the importer's own unit).
            if column.required and column.kind != "unit":
                row.error(column.header, _("不能为空"))
            continue
        try:
            fields[column.field] = read_cell(column, value, lookups)
        except ValueError as exc:
            row.error(column.header, str(exc))
    if register.prepare is not None:
        register.prepare(fields, lookups.own_unit())
    for column in cells:
        if column.kind == "unit" and column.required and not cell_text(cells[column]):
            if column.field in fields:
                continue
            if lookups.own_unit() is not None:
                fields[column.field] = lookups.own_unit()
            else:
                row.error(column.header, _("不能为空"))
    row.name = str(fields.get(register.name_field) or cell_text(_cell(cells, register, "name")))
    unit = fields.get(register.unit_field)
    row.unit = getattr(unit, "name", "") or cell_text(_cell(cells, register, "unit"))
    return None if row.status == "error" else fields


def _cell(cells: dict, register: ImportRegister, which: str):
    wanted = register.name_field if which == "name" else register.unit_field
    return next((value for column, value in cells.items() if column.field == wanted), None)


def save_row(register: ImportRegister, row: ImportRow, fields: dict, actor) -> None:
    """Save one row through the service in a savepoint; a refusal becomes the row's errors."""
    headers = register.field_headers
    try:
        with transaction.atomic():
            register.save(actor=actor, **fields)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(headers.get(name, _("整行")), message)
        else:
            for message in exc.messages:
                row.error(_("整行"), message)
    except PermissionDenied as exc:
        row.error(
            _("整行"),
            _("无权登记：%(reason)s（只能导入本单位或本镇街区的记录）")
            % {"reason": str(exc) or _("超出本单位范围")},
        )


@transaction.atomic
def emergency_import(*, actor, register: str, file, dry_run: bool) -> ImportResult:
    """Import a register's sheet: every row saved through the register's service, all or
    nothing. With ``dry_run`` (the preview) or any row in error, nothing is saved."""
    spec = REGISTERS.get(register)
    if spec is None:
        raise ValidationError({"register": _("请选择要导入的台账。")})
    scope = user_scope(actor)
    if not scope.is_authenticated or scope.read_only:
        raise PermissionDenied(_("只读账号不能导入。"))
    if not (scope.writes_all or scope.is_unit_member):
        raise PermissionDenied(_("只有安委办和各单位可以导入。"))
    data, ignored = read_sheet(spec, read_import_file(file))
    if not data:
        raise ValidationError({"file": _("表中没有数据行。")})
    lookups = Lookups(actor)
    rows = []
    for number, cells in data:
        row = ImportRow(number=number)
        fields = row_fields(spec, row, cells, lookups)
        if fields is not None:
            save_row(spec, row, fields, actor)
        rows.append(row)
    result = ImportResult(register=spec, rows=rows, dry_run=dry_run, ignored_columns=ignored)
    if dry_run or result.has_errors:
        transaction.set_rollback(True)
    else:
        result.saved = True
    return result


def import_template(register: str) -> bytes:
    """The sheet to fill in for ``register``: the header (required columns marked in bold)
    and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    spec = REGISTERS[register]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.title)
    sheet.append([column.header for column in spec.columns])
    sheet.append([column.example for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True, color="C00000" if column.required else None)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.kind == "date":
            sheet[f"{letter}2"].number_format = "yyyy-mm-dd"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
