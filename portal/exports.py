"""Exports: one interface for every ledger an office downloads (Excel or CSV).

An app declares what a ledger holds and who may see which rows; this module writes the file
with flat memory (rows stream from ``.iterator()``, xlsx in openpyxl's write-only mode) and
escapes every text cell against formula injection. The generic view in ``portal.reports``
streams small exports and turns large ones into background jobs.

    # hazards/exports.py (modules named exports.py are imported at start-up)
    @register
    class HazardExporter(Exporter):
        name = "hazards"
        title = "隐患台账"
        columns = [
            Column("编号", "code", width=16),
            Column("等级", "grade"),                 # choice field: its label is written
            Column("责任单位", "responsible_unit.name", width=24),
            Column("逾期", lambda h: "是" if h.is_overdue else "否"),
        ]

        def get_queryset(self, user, params):
            qs = restrict(Hazard.objects.select_related("responsible_unit"), user, "view")
            return HazardFilterSet(params, queryset=qs).qs

Links: ``reverse("reports:export", args=["hazards"])`` + the list's query string
+ ``&format=xlsx`` (or csv).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise

FORMATS = ("xlsx", "csv")
CHUNK_SIZE = 2000

# A text cell starting with one of these is a formula (or the start of one) to Excel,
# LibreOffice and WPS: "=HYPERLINK(...)", "+1+cmd|...", "-2+3", "@SUM(...)", and the tab and
# carriage return that some importers strip before such a character.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Neutralise formula injection: a text cell that could start a formula gets a leading
    apostrophe, so spreadsheet programs show it as text. Numbers, dates, booleans and None
    pass through typed."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """Bring an attribute's value to something a spreadsheet cell holds, keeping its type:
    numbers stay numbers, dates stay dates (aware datetimes in local time), the rest is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, models.Manager):
        return "、".join(str(item) for item in value.all())
    if isinstance(value, list | tuple | set):
        return "、".join(str(item) for item in value)
    if isinstance(value, Promise):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: a header, and a dotted attribute path or a callable taking the object.

    In a path, a choice field gives its label (``get_FOO_display``); a many-to-many or reverse
    relation gives its items joined by 、 (prefetch them in ``get_queryset``).
    """

    header: str
    value: str | Callable[[Any], Any]
    width: int | None = None

    def resolve(self, obj) -> Any:
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in self.value.split("."):
            if current is None:
                return None
            display = getattr(current, f"get_{part}_display", None)
            if callable(display):
                current = display()
                continue
            try:
                current = getattr(current, part)
            except ObjectDoesNotExist:  # an absent one-to-one relation
                return None
            if callable(current) and not isinstance(current, models.Model | models.Manager):
                current = current()
        return current


class Exporter:
    """A ledger to download. Subclasses set ``name`` (the URL key), ``title`` (Chinese, used
    for the sheet and the file name) and ``columns``, and implement ``get_queryset``."""

    name: str = ""
    title: str = ""
    columns: list[Column] = []

    def get_queryset(self, user, params: QueryDict) -> QuerySet:
        """The rows ``user`` may see, filtered by ``params`` (the list page's query string):
        ``restrict()`` then the app's FilterSet. Called in the request and again in the job."""
        raise NotImplementedError

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def row(self, obj) -> list[Any]:
        return [escape_cell(cell_value(column.resolve(obj))) for column in self.columns]

    def rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        """Escaped, typed cells for each object, read in chunks (flat memory)."""
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield self.row(obj)

    def filename(self, fmt: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.title or self.name}-{stamp}.{fmt}"

    def sheet_title(self) -> str:
        # Excel: at most 31 characters, none of []:*?/\
        return re.sub(r"[\[\]:*?/\\]", "", str(self.title or self.name))[:31] or "Sheet1"


_REGISTRY: dict[str, type[Exporter]] = {}


def register(exporter_cls: type[Exporter]) -> type[Exporter]:
    """Register an exporter under its ``name`` (usable as a class decorator)."""
    name = exporter_cls.name
    if not name:
        raise ValueError(f"{exporter_cls.__name__} has no name")
    existing = _REGISTRY.get(name)
    if existing is not None and existing.__qualname__ != exporter_cls.__qualname__:
        raise ValueError(f"export name {name!r} is taken by {existing.__name__}")
    _REGISTRY[name] = exporter_cls
    return exporter_cls


def get_exporter(name: str) -> type[Exporter]:
    """The exporter class registered as ``name``; KeyError when there is none."""
    return _REGISTRY[name]


def registered_exporters() -> dict[str, type[Exporter]]:
    return dict(_REGISTRY)


def params_querydict(params: dict[str, list[str]] | QueryDict | None) -> QueryDict:
    """Filter parameters as a QueryDict, from a request's GET or a job's stored JSON."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    query._mutable = False
    return query


def params_json(query: QueryDict, *, drop: Iterable[str] = ("format", "page")) -> dict:
    """A request's filters as JSON for a job (every value a list, as QueryDict keeps them)."""
    return {key: values for key, values in query.lists() if key not in set(drop)}


# --- writers --------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value):
        return value


def iter_csv(exporter: Exporter, queryset: QuerySet) -> Iterator[str]:
    """CSV lines with a UTF-8 BOM first, so Excel opens the Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(exporter.headers())
    for row in exporter.rows(queryset):
        yield writer.writerow(["" if cell is None else cell for cell in row])


def write_csv(
    exporter: Exporter,
    queryset: QuerySet,
    target: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the CSV to a binary file; returns the number of data rows."""
    count = -2  # the BOM and the header are not data rows
    for count, line in enumerate(iter_csv(exporter, queryset), start=-1):
        target.write(line.encode("utf-8"))
        if progress and count > 0 and count % CHUNK_SIZE == 0:
            progress(count)
    return max(count, 0)


def write_xlsx(
    exporter: Exporter,
    queryset: QuerySet,
    target: IO[bytes] | str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the xlsx in write-only mode (rows go to disk as they come: flat memory): bold,
    frozen header row and the columns' widths. Returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(exporter.sheet_title())
    sheet.freeze_panes = "A2"
    for index, column in enumerate(exporter.columns, start=1):
        width = column.width or max(10, min(40, len(str(column.header)) * 2 + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for text in exporter.headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(exporter.rows(queryset), start=1):
        sheet.append(row)
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    workbook.save(target)
    return count


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
