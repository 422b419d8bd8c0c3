"""Excel import of the enterprise roster (django-import-export), with Chinese column headers.

Units, townships, industries and grids are matched by what the office writes in a sheet
(name, short name or alias; grid code); every row is validated like a form, routed like a
form, permission-checked like a form and saved one by one so simple-history records it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export import fields, resources, widgets

from portal.permissions import can

from .choices import EnterpriseScale, UnitKind
from .models import Enterprise, Grid, Industry, OrgUnit
from .selectors import normalize_unit_name
from .services.enterprises import DutyTable, ImportRow, route_supervisors
from .validators import normalize_credit_code

MAX_IMPORT_ROWS = 5000
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}


def cell_text(value) -> str:
    """A cell as text: numbers typed into Excel lose their trailing '.0'; spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


class TextWidget(widgets.Widget):
    def __init__(self, *, required: bool = False, **kwargs):
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.required and not text:
            raise ValueError(_("不能为空"))
        return text


class CreditCodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalize_credit_code(super().clean(value, row, **kwargs))


class LookupWidget(widgets.Widget):
    """Finds a related row by any of the names the office uses for it."""

    def __init__(self, *, label: str, required: bool = False, **kwargs):
        self.label = label
        self.required = required
        self.table: dict[str, object] = {}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("不能为空"))
            return None
        found = self.table.get(text)
        if found is None:
            found = self.table.get(normalize_unit_name(text))
        if found is None:
            raise ValueError(_("未知的%(what)s“%(name)s”") % {"what": self.label, "name": text})
        if found is AMBIGUOUS:
            raise ValueError(
                _("“%(name)s”对应多个%(what)s，请写全称") % {"what": self.label, "name": text}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("应填“是”或“否”，而不是“%(v)s”") % {"v": cell_text(value)})

    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


class ScaleWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        for choice in EnterpriseScale:
            if text in (str(choice.label), str(choice.label).rstrip("型"), choice.value):
                return choice.value
        raise ValueError(
            _("应为%(choices)s之一，而不是“%(v)s”")
            % {"choices": "、".join(str(c.label) for c in EnterpriseScale), "v": text}
        )


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(_("应为数字，而不是“%(v)s”") % {"v": text}) from None


class CountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("应为非负整数，而不是“%(v)s”") % {"v": text})
        return int(text)


AMBIGUOUS = object()


def unit_name_table(units) -> dict[str, object]:
    """Normalised name → unit, as ``selectors.resolve_unit_name`` matches: a full name wins
    over a short name, a short name over an alias; a tie at one rank is ambiguous."""
    table: dict[str, object] = {}
    for rank in (
        lambda u: [u.name],
        lambda u: [u.short_name],
        lambda u: list(u.aliases or []),
    ):
        found: dict[str, object] = {}
        for unit in units:
            for name in rank(unit):
                key = normalize_unit_name(name)
                if key and key not in table:
                    found[key] = unit if found.get(key, unit) is unit else AMBIGUOUS
        table.update(found)
    return table


def _field(attribute: str, column: str, widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


class EnterpriseResource(resources.ModelResource):
    """生产经营单位名录导入: one row per enterprise, keyed by 统一社会信用代码."""

    name = _field("name", "单位名称", TextWidget(required=True))
    credit_code = _field("credit_code", "统一社会信用代码", CreditCodeWidget(required=True))
    industry = _field("industry", "行业", LookupWidget(label=_lazy("行业"), required=True))
    township = _field("township", "所属镇街区", LookupWidget(label=_lazy("镇街区"), required=True))
    grid = _field("grid", "网格编码", LookupWidget(label=_lazy("网格编码")))
    address = _field("address", "地址", TextWidget())
    latitude = _field("latitude", "纬度", DecimalWidget())
    longitude = _field("longitude", "经度", DecimalWidget())
    legal_representative = _field("legal_representative", "法定代表人", TextWidget())
    safety_contact = _field("safety_contact", "安全负责人", TextWidget())
    phone = _field("phone", "联系电话", TextWidget())
    scale = _field("scale", "企业规模", ScaleWidget())
    employees = _field("employees", "从业人员数", CountWidget())
    is_high_risk = _field("is_high_risk", "高危行业", YesNoWidget())
    is_crowded_place = _field("is_crowded_place", "人员密集场所", YesNoWidget())
    industry_supervisor = _field(
        "industry_supervisor", "行业主管部门", LookupWidget(label=_lazy("单位"))
    )
    professional_supervisor = _field(
        "professional_supervisor", "专业监管部门", LookupWidget(label=_lazy("单位"))
    )

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "credit_code",
            "industry",
            "township",
            "grid",
            "address",
            "latitude",
            "longitude",
            "legal_representative",
            "safety_contact",
            "phone",
            "scale",
            "employees",
            "is_high_risk",
            "is_crowded_place",
            "industry_supervisor",
            "professional_supervisor",
        )
        import_id_fields = ("credit_code",)
        clean_model_instances = True
        skip_diff = True
        use_bulk = False  # each row saved on its own, so simple-history records it

    REQUIRED_COLUMNS = ("单位名称", "统一社会信用代码", "行业", "所属镇街区")

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.existing: dict[str, Enterprise] = {}
        self.first_seen: dict[str, int] = {}
        self.row_numbers: list[int] = []
        self.duties: DutyTable | None = None

    # -- the sheet -------------------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields()]

    def load_workbook(self, content: bytes):
        """(dataset, Excel row number of each data row, ignored headers) from .xlsx bytes."""
        import openpyxl
        import tablib

        try:
            book = openpyxl.load_workbook(BytesIO(content), read_only=True, data_only=True)
        except Exception:  # a zip that is not a workbook, a damaged file…
            raise ValidationError(
                {"file": _("无法读取该文件，请确认它是用Excel保存的.xlsx工作簿。")}
            ) from None
        try:
            sheet = (
                book["生产经营单位"] if "生产经营单位" in book.sheetnames else book.worksheets[0]
            )
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None) or ()
            headers = [cell_text(h).replace("*", "").replace("（必填）", "") for h in header]
            known = set(self.columns())
            missing = [c for c in self.REQUIRED_COLUMNS if c not in headers]
            if missing:
                raise ValidationError(
                    {
                        "file": _("表格缺少必需的列：%(cols)s。请使用导入模板，表头在第1行。")
                        % {"cols": "、".join(missing)}
                    }
                )
            duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
            if duplicated:
                raise ValidationError(
                    {"file": _("表头重复：%(cols)s。") % {"cols": "、".join(duplicated)}}
                )
            keep = [i for i, h in enumerate(headers) if h in known]
            ignored = [h for h in headers if h and h not in known]
            dataset = tablib.Dataset(headers=[headers[i] for i in keep])
            numbers = []
            for number, values in enumerate(rows, start=2):
                values = list(values) + [None] * (len(headers) - len(values))
                if all(cell_text(v) == "" for v in values):
                    continue
                if len(numbers) >= MAX_IMPORT_ROWS:
                    raise ValidationError(
                        {"file": _("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_IMPORT_ROWS}}
                    )
                dataset.append([values[i] for i in keep])
                numbers.append(number)
        finally:
            book.close()
        if not numbers:
            raise ValidationError({"file": _("表格中没有数据行（表头在第1行，数据从第2行开始）。")})
        self.row_numbers = numbers
        return dataset, numbers, ignored

    # -- lookups, loaded once per import -----------------------------------------------------
    def before_import(self, dataset, **kwargs):
        units = list(OrgUnit.objects.filter(is_active=True))
        townships = unit_name_table([u for u in units if u.kind == UnitKind.TOWNSHIP])
        units = unit_name_table(units)
        industries = {}
        for industry in Industry.objects.all():
            industries.setdefault(industry.name, industry)
            if industry.code:
                industries.setdefault(industry.code, industry)
        self.fields["township"].widget.table = townships
        self.fields["industry_supervisor"].widget.table = units
        self.fields["professional_supervisor"].widget.table = units
        self.fields["industry"].widget.table = industries
        column = self.fields["credit_code"].column_name
        codes = {normalize_credit_code(cell_text(v)) for v in dataset[column]} - {""}
        if "网格编码" in dataset.headers:
            grid_codes = {cell_text(v) for v in dataset["网格编码"]} - {""}
            self.fields["grid"].widget.table = {
                g.code: g for g in Grid.objects.filter(code__in=grid_codes)
            }
        self.existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        self.duties = DutyTable.load()
        self.first_seen = {}

    def get_instance(self, instance_loader, row):
        code = normalize_credit_code(cell_text(row.get(self.fields["credit_code"].column_name)))
        return self.existing.get(code)

    def before_import_row(self, row, **kwargs):
        code = normalize_credit_code(cell_text(row.get(self.fields["credit_code"].column_name)))
        number = self.row_numbers[kwargs["row_number"] - 1]
        if code and code in self.first_seen:
            raise ValidationError(
                {"credit_code": _("与第%(n)d行重复") % {"n": self.first_seen[code]}}
            )
        if code:
            self.first_seen[code] = number

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = self.row_numbers[kwargs["row_number"] - 1]
        row_result.row_values = row
        return row_result

    # -- each row like a form: route, validate, check permission, save with history ----------
    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        route_supervisors(instance, duties=self.duties)
        exclude = set(errors)
        if "township" in errors:
            exclude.add("territorial_supervisor")  # follows the township; one message is enough
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not errors and self.actor is not None:
            if instance.pk is None and not can(self.actor, "add", instance):
                errors["township"] = [_("无权在“%(t)s”新增生产经营单位") % {"t": instance.township}]
            elif instance.pk is not None and not can(self.actor, "change", instance):
                errors["credit_code"] = [_("该单位已在名录中，您无权修改它")]
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        instance._history_user = self.actor
        instance._change_reason = _("Excel导入")
        instance.save(force_insert=is_create)

    # -- what the preview shows ------------------------------------------------------------
    def column_for(self, key: str) -> str | None:
        if key == NON_FIELD_ERRORS:
            return None
        if key in self.fields:
            return self.fields[key].column_name
        try:
            return str(Enterprise._meta.get_field(key).verbose_name)
        except Exception:
            return key

    def preview_rows(self, result, row_numbers) -> list[ImportRow]:
        rows = []
        for row_result in result.rows:
            values = getattr(row_result, "row_values", {}) or {}
            preview = ImportRow(
                number=getattr(row_result, "number", 0),
                status="update" if row_result.is_update() else "new",
                name=cell_text(values.get("单位名称")),
                credit_code=normalize_credit_code(cell_text(values.get("统一社会信用代码"))),
                township=cell_text(values.get("所属镇街区")),
            )
            if row_result.validation_error is not None:
                preview.status = "error"
                error = row_result.validation_error
                items = (
                    error.message_dict.items()
                    if hasattr(error, "error_dict")
                    else [(NON_FIELD_ERRORS, error.messages)]
                )
                for key, messages in items:
                    column = self.column_for(key)
                    for message in messages:
                        preview.errors.append(self._message(preview.number, column, message))
            for error in row_result.errors:
                preview.status = "error"
                preview.errors.append(
                    self._message(preview.number, None, _("无法保存：%(e)s") % {"e": error.error})
                )
            rows.append(preview)
        for error in result.base_errors:
            rows.append(
                ImportRow(
                    number=0,
                    status="error",
                    errors=[_("导入失败：%(e)s") % {"e": error.error}],
                )
            )
        return rows

    @staticmethod
    def _message(number: int, column: str | None, message: str) -> str:
        message = str(message).rstrip("。")
        if column:
            return _("第%(n)d行 %(col)s：%(msg)s") % {"n": number, "col": column, "msg": message}
        return _("第%(n)d行：%(msg)s") % {"n": number, "msg": message}


def enterprise_import_template() -> bytes:
    """The sheet the office fills in: headers (required ones in red) and a 填写说明 sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    notes = {
        "单位名称": _("必填。营业执照上的全称。"),
        "统一社会信用代码": _("必填。18位；已在名录中的代码将更新该单位。"),
        "行业": _("必填。填写行业名称或行业代码，须为系统中已有的行业。"),
        "所属镇街区": _("必填。镇街区名称、简称或别名，如“侯镇”。"),
        "网格编码": _("选填。须为该镇街区内的网格。"),
        "地址": _("选填。"),
        "纬度": _("选填。如 36.880000；与经度同时填写。"),
        "经度": _("选填。如 118.790000；与纬度同时填写。"),
        "法定代表人": _("选填。"),
        "安全负责人": _("选填。"),
        "联系电话": _("选填。"),
        "企业规模": _("选填。大型、中型、小型或微型。"),
        "从业人员数": _("选填。非负整数。"),
        "高危行业": _("选填。是/否，默认否。"),
        "人员密集场所": _("选填。是/否，默认否。"),
        "行业主管部门": _("选填。留空时按安全监管责任分工自动确定。"),
        "专业监管部门": _("选填。留空时按安全监管责任分工自动确定。"),
    }
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "生产经营单位"
    columns = EnterpriseResource.columns()
    sheet.append(columns)
    bold_red = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold_red if column in EnterpriseResource.REQUIRED_COLUMNS else Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column) * 2 + 4)
        cell.number_format = "@"
    code_letter = sheet.cell(row=1, column=columns.index("统一社会信用代码") + 1).column_letter
    for row in range(2, 1002):
        sheet[f"{code_letter}{row}"].number_format = "@"  # keep codes as text
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    scale = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(str(c.label) for c in EnterpriseScale)),
        allow_blank=True,
    )
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(scale)
    for column, validation in (("高危行业", yes_no), ("人员密集场所", yes_no), ("企业规模", scale)):
        letter = sheet.cell(row=1, column=columns.index(column) + 1).column_letter
        validation.add(f"{letter}2:{letter}1001")
    sheet.freeze_panes = "A2"

    guide = book.create_sheet("填写说明")
    guide.append([_("列名"), _("说明")])
    for column in columns:
        guide.append([column, str(notes.get(column, ""))])
    guide.append([])
    guide.append(
        [
            _("镇街区"),
            "、".join(
                OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).values_list(
                    "name", flat=True
                )
            ),
        ]
    )
    guide.append([_("行业"), "、".join(Industry.objects.values_list("name", flat=True))])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 80
    out = BytesIO()
    book.save(out)
    return out.getvalue()
