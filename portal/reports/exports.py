"""The auditor's own downloads: the change log for a period, and each register as of a date.
Both go through the generic export view (streamed when small, a job when large)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy

from portal.exports import Column, Exporter, cell_value, escape_cell, register

from .audit import (
    AS_OF_REGISTERS,
    AsOfRegister,
    as_of_queryset,
    change_log_count,
    change_log_iter,
    parse_as_of_date,
    parse_change_log_query,
)


class ChangeLogRows:
    """The change log for one user and query, as the export writers take a queryset: it
    counts, and the exporter iterates it page by page."""

    def __init__(self, user, params):
        self.user = user
        self.query, self.errors = parse_change_log_query(params)

    def count(self) -> int:
        if self.errors:
            return 0
        return change_log_count(user=self.user, query=self.query)

    def __iter__(self):
        if self.errors:
            return iter(())
        return change_log_iter(user=self.user, query=self.query)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()


@register
class ChangeLogExporter(Exporter):
    """系统变更日志 — who changed what, when, from what to what (office and auditors)."""

    name = "change-log"
    title = "系统变更日志"
    columns = [
        Column("时间", "history_date", width=18),
        Column("操作人", _who, width=12),
        Column("操作", "kind_label", width=8),
        Column("类别", "verbose_name", width=14),
        Column("记录", "label", width=24),
        Column("编号", "id", width=8),
        Column(
            "变更内容",
            lambda r: "；".join(f"{c.field}：{c.old} → {c.new}" for c in r.changes),
            width=80,
        ),
    ]

    def get_queryset(self, user, params) -> ChangeLogRows:  # type: ignore[override]
        return ChangeLogRows(user, params)

    def rows(self, queryset) -> Iterator[list[Any]]:
        for record in queryset:
            yield self.row(record)


class AsOfExporter(Exporter):
    """A register as it stood at the end of ``?date=``; the columns of its as-of page."""

    register_key = ""

    @property
    def register(self) -> AsOfRegister:
        return AS_OF_REGISTERS[self.register_key]

    def get_queryset(self, user, params) -> QuerySet:
        register_ = self.register
        try:
            day = parse_as_of_date(params.get("date"))
        except ValidationError:
            return register_.model.history.none()
        return as_of_queryset(user=user, register=register_, day=day)

    def row(self, obj) -> list[Any]:
        return [escape_cell(cell_value(column.resolve(obj))) for column in self.columns]


def _as_of_exporter(key: str) -> type[AsOfExporter]:
    as_of = AS_OF_REGISTERS[key]
    return register(
        type(
            f"AsOf{key.title().replace('-', '')}Exporter",
            (AsOfExporter,),
            {
                "__module__": __name__,
                "__qualname__": f"AsOf{key.title().replace('-', '')}Exporter",
                "name": f"as-of-{key}",
                "title": format_lazy("{}（历史状态）", as_of.title),
                "register_key": key,
                "columns": list(as_of.columns),
            },
        )
    )


AS_OF_EXPORTERS = {key: _as_of_exporter(key) for key in AS_OF_REGISTERS}
