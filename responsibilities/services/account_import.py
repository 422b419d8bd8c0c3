"""Bulk import of accounts from an Excel sheet: preview every row, save all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.permissions import UserScope

from ..choices import AccountRole
from ..models import OrgUnit
from ..selectors import normalize_unit_name
from .accounts import (
    PHONE_RE,
    UNIT_ROLES,
    _create_account,
    _require_manager,
)

User = get_user_model()


# --- bulk import from Excel -----------------------------------------------------------------

IMPORT_COLUMNS = {
    "username": gettext_lazy("用户名"),
    "full_name": gettext_lazy("姓名"),
    "phone": gettext_lazy("手机号码"),
    "email": gettext_lazy("电子邮箱"),
    "unit": gettext_lazy("单位"),
    "role": gettext_lazy("角色"),
}
# Header texts are compared untranslated: the sheet is the office's Chinese template.
IMPORT_HEADERS = {
    "用户名": "username",
    "姓名": "full_name",
    "手机号码": "phone",
    "电子邮箱": "email",
    "单位": "unit",
    "角色": "role",
}
REQUIRED_HEADERS = ("用户名", "姓名", "单位", "角色")
ROLE_WORDS = {
    "填报员": AccountRole.STAFF,
    "staff": AccountRole.STAFF,
    "负责人": AccountRole.LEADER,
    "leader": AccountRole.LEADER,
    "安委办": AccountRole.OFFICE,
    "office": AccountRole.OFFICE,
    "审计": AccountRole.AUDITOR,
    "审计/考核": AccountRole.AUDITOR,
    "审计/考核（只读）": AccountRole.AUDITOR,
    "auditor": AccountRole.AUDITOR,
    "系统管理员": AccountRole.ADMIN,
    "admin": AccountRole.ADMIN,
}
IMPORT_MAX_ROWS = 2000


@dataclass
class AccountImportRow:
    number: int  # the row number in the sheet, as Excel shows it
    values: dict[str, str]
    unit: OrgUnit | None = None
    role: str = ""
    errors: list[str] = field(default_factory=list)
    password: str = ""

    @property
    def role_label(self) -> str:
        return AccountRole(self.role).label if self.role else self.values.get("role", "")

    def error(self, key: str, message: str) -> None:
        self.errors.append(
            _("第%(row)d行 %(field)s：%(message)s")
            % {"row": self.number, "field": IMPORT_COLUMNS[key], "message": message}
        )


@dataclass
class AccountImport:
    rows: list[AccountImportRow]
    saved: bool = False

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    def raw_rows(self) -> list[dict]:
        """What the confirmation step sends back (plain data, fit for the session)."""
        return [{"number": row.number, **row.values} for row in self.rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def read_account_sheet(file) -> list[dict]:
    """The data rows of an uploaded .xlsx, keyed by field; a bad file is a ValidationError."""
    from openpyxl import load_workbook

    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    head = file.read(4)
    file.seek(0)
    if head != b"PK\x03\x04":
        raise ValidationError(_("文件不是 Excel（.xlsx）文件，请使用下载的模板填写。"))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 2))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。")) from exc
    if not rows:
        raise ValidationError(_("表格是空的：第1行应为表头。"))
    headers = [_cell_text(v).replace("*", "").replace(" ", "") for v in rows[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        raise ValidationError(
            _("第1行表头缺少列：%(missing)s。表头应为：%(expected)s。")
            % {"missing": "、".join(missing), "expected": "、".join(IMPORT_HEADERS)}
        )
    index = {IMPORT_HEADERS[h]: i for i, h in enumerate(headers) if h in IMPORT_HEADERS}
    data = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _cell_text(row[i]) if i < len(row) else "" for key, i in index.items()}
        if not any(values.values()):
            continue
        data.append({"number": number, **{k: values.get(k, "") for k in IMPORT_COLUMNS}})
    if len(data) > IMPORT_MAX_ROWS:
        raise ValidationError(_("一次最多导入 %d 个账号，请分批导入。") % IMPORT_MAX_ROWS)
    if not data:
        raise ValidationError(_("表格中没有数据行：请从第2行开始填写。"))
    return data


def _unit_index() -> dict[str, list[list[OrgUnit]]]:
    """Normalised name -> units by rank (full name, short name, alias), in one query."""
    index: dict[str, list[list[OrgUnit]]] = {}
    for unit in OrgUnit.objects.filter(is_active=True):
        for rank, names in enumerate(([unit.name], [unit.short_name], unit.aliases or [])):
            for name in names:
                key = normalize_unit_name(name)
                if key:
                    index.setdefault(key, [[], [], []])[rank].append(unit)
    return index


def _match_unit(index, text: str) -> tuple[OrgUnit | None, str]:
    ranks = index.get(normalize_unit_name(text))
    if ranks is None:
        return None, _("找不到单位“%s”（按单位全称、简称或别名匹配）。") % text
    for found in ranks:
        unique = {u.pk: u for u in found}
        if len(unique) == 1:
            return next(iter(unique.values())), ""
        if unique:
            names = "、".join(u.name for u in unique.values())
            return None, _("“%(text)s”可指多个单位（%(names)s），请填写全称。") % {
                "text": text,
                "names": names,
            }
    return None, _("找不到单位“%s”。") % text


def _validate_import(scope: UserScope, raw_rows: list[dict]) -> AccountImport:
    index = _unit_index()
    lowers = [(r.get("username") or "").strip().lower() for r in raw_rows]
    taken = set(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=[u for u in lowers if u])
        .values_list("lower", flat=True)
    )
    seen: dict[str, int] = {}
    username_field = User._meta.get_field("username")
    rows = []
    for raw in raw_rows:
        values = {key: str(raw.get(key) or "").strip() for key in IMPORT_COLUMNS}
        row = AccountImportRow(number=int(raw["number"]), values=values)
        username = values["username"]
        if not username:
            row.error("username", _("必填。"))
        else:
            try:
                username_field.run_validators(username)
            except ValidationError:
                row.error("username", _("只能包含字母、数字和 @/./+/-/_，且不超过150个字符。"))
            key = username.lower()
            if key in taken:
                row.error("username", _("“%s”已被现有账号使用。") % username)
            elif key in seen:
                row.error("username", _("与第%d行重复。") % seen[key])
            else:
                seen[key] = row.number
        if not values["full_name"]:
            row.error("full_name", _("必填。"))
        elif len(values["full_name"]) > 50:
            row.error("full_name", _("不超过50个字符。"))
        phone = values["phone"].replace(" ", "")
        if phone and not PHONE_RE.match(phone):
            row.error("phone", _("“%s”不是有效的手机号码。") % values["phone"])
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                row.error("email", _("“%s”不是有效的电子邮箱。") % values["email"])
        role = ROLE_WORDS.get(values["role"].replace(" ", ""), "")
        if not values["role"]:
            row.error("role", _("必填：填报员或负责人。"))
        elif not role:
            row.error("role", _("“%s”无效：应为填报员或负责人。") % values["role"])
        elif role not in UNIT_ROLES and not scope.is_admin:
            row.error("role", _("只有系统管理员可以分配“%s”角色。") % AccountRole(role).label)
        row.role = role
        if values["unit"]:
            row.unit, message = _match_unit(index, values["unit"])
            if message:
                row.error("unit", message)
        elif role in UNIT_ROLES or not values["role"]:
            row.error("unit", _("必填。"))
        rows.append(row)
    return AccountImport(rows=rows)


@transaction.atomic
def account_import(*, actor, rows: list[dict], dry_run: bool = False) -> AccountImport:
    """Open an account for every row, or, if any row is wrong, none at all.

    With ``dry_run`` nothing is saved: the result is the preview the office checks first.
    """
    scope = _require_manager(actor)
    result = _validate_import(scope, rows)
    if dry_run or not result.is_valid:
        return result
    for row in result.rows:
        values = row.values
        try:
            new = _create_account(
                actor=actor,
                username=values["username"],
                full_name=values["full_name"],
                phone=values["phone"],
                email=values["email"],
                unit=row.unit,
                role=row.role,
            )
        except ValidationError as exc:
            # A rule the preview could not see (a name taken meanwhile): roll everything back.
            transaction.set_rollback(True)
            for key, messages in exc.message_dict.items():
                for message in messages:
                    row.error(key if key in IMPORT_COLUMNS else "username", message)
            return result
        row.password = new.password
    result.saved = True
    return result


def account_import_preview(*, actor, file) -> AccountImport:
    """Read the uploaded sheet and check every row; saves nothing."""
    _require_manager(actor)
    return account_import(actor=actor, rows=read_account_sheet(file), dry_run=True)


def account_import_template() -> bytes:
    """The .xlsx the office fills in: the header row, and a sheet explaining each column."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append(list(IMPORT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (16, 10, 14, 24, 20, 10), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["用户名", "必填，登录用，字母、数字或 @ . + - _，不能与已有账号重复"])
    notes.append(["姓名", "必填"])
    notes.append(["手机号码", "选填，11位手机号"])
    notes.append(["电子邮箱", "选填，用于找回密码"])
    notes.append(["单位", "必填，单位全称、简称或别名，如“市住建局”“住建局”"])
    notes.append(["角色", "必填，填报员 或 负责人"])
    notes.append([])
    notes.append(["从第2行开始填写，每行一个账号；任何一行有误则整表不导入。"])
    notes.append(["导入后系统为每个账号生成初始密码，仅显示一次，首次登录须修改。"])
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 60
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
