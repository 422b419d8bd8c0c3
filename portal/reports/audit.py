"""The auditor's reports (审计/考核): reads only, every one through ``restrict``.

- ``LEDGERS`` — every ledger an auditor downloads, with the names of its own FilterSet's period
  and scope parameters, so the /reports/ hub builds exactly the exporter URL a list page would.
- ``record_history`` — every historical version of one record, each with what changed (field,
  old → new, in verbose names and choice labels).
- ``change_log_page`` — the whole system's changes, newest first, from every PortalModel's
  historical table. Paging is by keyset, not offset: a page asks each historical table for at
  most ``size`` rows older than the cursor (the indexed ``history_date``), merges them and keeps
  the newest ``size``. So a page costs one query per historical table, plus one per table on
  the page for the versions before its rows and one per related model for labels, whatever
  the data size or the page's depth; the "older" link carries the last row's key.
- ``as_of_page`` — a register as it stood at the end of a day (simple-history's
  ``latest_of_each`` over the rows saved by then), with the live list's columns.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.exports import Column, cell_value
from portal.models import PortalModel
from portal.permissions import restrict, user_scope

# Dates before this are typing slips (0026 for 2026); far dates would overflow the time zone.
EARLIEST = datetime.date(1900, 1, 1)

# --- ledgers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """One exporter as the hub offers it: which of its FilterSet's parameters take the period
    (from/to, inclusive dates) and the scope (a unit, a township). ``extra`` is added to every
    link (督办单: all states, not only the open ones the list shows by default)."""

    exporter: str
    title: str
    filterset: str  # dotted path, resolved on use (the apps import this module's callers)
    period_label: str | None = None
    period_from: str | None = None
    period_to: str | None = None
    unit_param: str | None = None
    township_param: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


LEDGERS: tuple[Ledger, ...] = (
    Ledger(
        "tasks",
        _("任务台账"),
        "tasks.filters.TaskFilterSet",
        period_label=_("节点完成时限"),
        period_from="due_from",
        period_to="due_to",
        unit_param="unit",
    ),
    Ledger(
        "progress-reports",
        _("进展报告台账"),
        "tasks.filters.ProgressReportFilterSet",
        period_label=_("提交时间"),
        period_from="submitted_from",
        period_to="submitted_to",
        unit_param="unit",
    ),
    Ledger(
        "hazards",
        _("隐患台账"),
        "hazards.filters.HazardFilterSet",
        period_label=_("排查时间"),
        period_from="found_from",
        period_to="found_to",
        unit_param="responsible_unit",
        township_param="township",
    ),
    Ledger(
        "risks",
        _("风险清单"),
        "risks.filters.RiskPointFilterSet",
        unit_param="responsible_unit",
        township_param="township",
    ),
    Ledger(
        "emergency-plans",
        _("应急预案台账"),
        "emergency.filters.PlanFilterSet",
        period_label=_("发布日期"),
        period_from="issued_from",
        period_to="issued_to",
        township_param="township",
    ),
    Ledger(
        "emergency-drills",
        _("应急演练台账"),
        "emergency.filters.DrillFilterSet",
        period_label=_("演练日期"),
        period_from="held_from",
        period_to="held_to",
        township_param="township",
    ),
    Ledger(
        "emergency-movements",
        _("应急物资出入库记录"),
        "emergency.filters.StockMovementFilterSet",
        period_label=_("发生日期"),
        period_from="occurred_from",
        period_to="occurred_to",
    ),
    Ledger(
        "supervision-notices",
        _("督办单台账"),
        "portal.supervision.filters.NoticeFilterSet",
        period_label=_("下发日期"),
        period_from="issued_after",
        period_to="issued_before",
        unit_param="unit",
        extra=(("state", "all"),),
    ),
    Ledger(
        "emergency-teams",
        _("救援队伍台账"),
        "emergency.filters.RescueTeamFilterSet",
        unit_param="unit",
        township_param="township",
    ),
    Ledger(
        "emergency-stockpiles",
        _("应急物资储备台账"),
        "emergency.filters.StockpileFilterSet",
        unit_param="owner_unit",
        township_param="township",
    ),
    Ledger(
        "emergency-shelters",
        _("应急避难场所台账"),
        "emergency.filters.ShelterFilterSet",
        township_param="township",
    ),
    Ledger(
        "enterprises",
        _("生产经营单位名录"),
        "responsibilities.filters.enterprises.EnterpriseFilterSet",
        township_param="township",
    ),
)


@dataclass
class LedgerLink:
    """One row of the hub: the ledger, its export URLs for the chosen period and scope, or why
    it cannot be cut that way."""

    ledger: Ledger
    query: str = ""
    notes: list[str] = field(default_factory=list)
    problem: str = ""


def _import(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


def ledger_links(
    *,
    user,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    unit=None,
    township=None,
) -> list[LedgerLink]:
    """For each ledger, the query string of its export for the period and scope, checked
    against the ledger's own FilterSet in ``user``'s scope: a parameter its form rejects (a unit
    it cannot filter on, say) would be silently ignored by django-filter and export more than
    asked, so such a ledger gets a ``problem`` instead of a link."""
    from django.db.models import Model

    links = []
    for ledger in LEDGERS:
        link = LedgerLink(ledger)
        params = QueryDict(mutable=True)
        for key, value in ledger.extra:
            params[key] = value
        if date_from or date_to:
            if ledger.period_from:
                if date_from:
                    params[ledger.period_from] = date_from.isoformat()
                if date_to:
                    params[ledger.period_to] = date_to.isoformat()
            else:
                link.notes.append(str(_("不分期间，导出当前全部")))
        for chosen, param, label in (
            (unit, ledger.unit_param, _("单位")),
            (township, ledger.township_param, _("镇街区")),
        ):
            if chosen is None:
                continue
            if not param:
                link.problem = str(_("此台账不按%(what)s区分") % {"what": label})
                break
            params[param] = str(chosen.pk if isinstance(chosen, Model) else chosen)
        if not link.problem and len(params):
            filterset_class = _import(ledger.filterset)
            filterset = filterset_class(
                params,
                queryset=filterset_class._meta.model._default_manager.none(),
                request=SimpleNamespace(user=user),
            )
            if not filterset.form.is_valid():
                errors = "；".join(
                    f"{filterset.form.fields[name].label}：{'、'.join(messages)}"
                    for name, messages in filterset.form.errors.items()
                )
                link.problem = str(_("此台账不能这样筛选（%(errors)s）") % {"errors": errors})
        if not link.problem:
            link.query = params.urlencode()
        links.append(link)
    return links


# --- values for people ------------------------------------------------------------------------

SKIP_FIELDS = {"id", "created_at", "updated_at"}
LABEL_FIELDS = ("code", "number", "title", "name", "item_title", "username")


def tracked_fields(model) -> list[models.Field]:
    """The model's fields its history keeps, as compared between versions."""
    history_fields = {f.attname for f in model.history.model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIP_FIELDS and f.attname in history_fields
    ]


def history_models() -> list[type[PortalModel]]:
    """Every register with history (all PortalModels), in a fixed order."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, PortalModel) and hasattr(model, "history")
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def model_for(label: str) -> type[PortalModel] | None:
    """The PortalModel named ``app_label.model`` (case-insensitive), or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if not issubclass(model, PortalModel) or not hasattr(model, "history"):
        return None
    return model


def record_label(record) -> str:
    """A record's name from its own row (no query): its code, number, title or name."""
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if value not in (None, ""):
            return str(value)[:60]
    return f"#{getattr(record, 'id', '')}"


def _fk_labels(wanted: dict[type[models.Model], set]) -> dict[tuple, str]:
    """{(model, pk): str(obj)} for the related rows the versions name (one query per model)."""
    labels: dict[tuple, str] = {}
    for model, pks in wanted.items():
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            continue
        queryset = model._default_manager.filter(pk__in=pks)
        if model is get_user_model():
            queryset = queryset.select_related("profile")
            for user in queryset:
                profile = getattr(user, "profile", None)
                labels[(model, user.pk)] = (
                    profile.full_name if profile and profile.full_name else user.get_username()
                )
            continue
        for obj in queryset:
            labels[(model, obj.pk)] = _safe_str(obj)
    return labels


def _safe_str(obj) -> str:
    try:
        return str(obj)
    except Exception:  # a __str__ reaching for a related row that is gone
        return f"#{obj.pk}"


def display_value(f: models.Field, value: Any, fk_labels: dict[tuple, str]) -> str:
    """A stored value as people read it: choice labels, related rows' names, 是/否, local time."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if f.is_relation:
        return fk_labels.get((f.related_model, value), f"#{value}")
    if f.choices:
        labels = dict(f.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


@dataclass
class Change:
    field: str
    old: str
    new: str


def _raw_changes(record, previous, fields) -> list[tuple[models.Field, Any, Any]]:
    """(field, old, new) between a version and the one before it. A creation lists the values
    it was created with; a deletion lists nothing."""
    if record.history_type == "-":
        return []
    changes = []
    for f in fields:
        new = getattr(record, f.attname, None)
        if previous is None:
            if new not in (None, "", [], {}) and record.history_type == "+":
                changes.append((f, None, new))
            continue
        old = getattr(previous, f.attname, None)
        if old != new:
            changes.append((f, old, new))
    return changes


def _describe(pending: list[tuple[Any, list]]) -> None:
    """Turn each (version, raw changes) into ``version.changes`` (a list of Change), looking the
    related rows' names up once for all of them."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for _record, raw in pending:
        for f, old, new in raw:
            if f.is_relation:
                wanted[f.related_model].update((old, new))
    labels = _fk_labels(wanted)
    for record, raw in pending:
        record.changes = [
            Change(
                str(f.verbose_name),
                display_value(f, old, labels),
                display_value(f, new, labels),
            )
            for f, old, new in raw
        ]


KIND_LABELS = {"+": _("创建"), "~": _("修改"), "-": _("删除")}


# --- one record's history --------------------------------------------------------------------


@dataclass
class RecordHistory:
    model: type[PortalModel]
    pk: int
    label: str
    obj: Any  # the live record, or None once deleted
    versions: list  # historical records, newest first, each with .changes and .kind_label


def may_view_record(*, user, model, pk) -> bool:
    """Whether ``user`` may read this record's history: they may view the record, or — once
    it is deleted — they see everything (office, auditors)."""
    scope = user_scope(user)
    if not scope.is_authenticated:
        return False
    if model._default_manager.filter(pk=pk).exists():
        return restrict(model._default_manager.filter(pk=pk), user, "view").exists()
    return scope.sees_all and model.history.filter(id=pk).exists()


def record_history(*, user, model, pk) -> RecordHistory | None:
    """Every version of one record, newest first, with its changes; None when the user may not
    see it (or it never existed). A fixed number of queries whatever the number of versions."""
    if not may_view_record(user=user, model=model, pk=pk):
        return None
    versions = list(
        model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = tracked_fields(model)
    pending, previous = [], None
    for record in versions:
        pending.append((record, _raw_changes(record, previous, fields)))
        record.kind_label = KIND_LABELS.get(record.history_type, record.history_type)
        previous = record
    _describe(pending)
    obj = model._default_manager.filter(pk=pk).first()
    label = _safe_str(obj) if obj is not None else record_label(versions[-1])
    return RecordHistory(model=model, pk=pk, label=label, obj=obj, versions=versions[::-1])


# --- the change log --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A change log position: rows strictly older than (date, model label, history id)."""

    date: datetime.datetime
    label: str
    history_id: int

    def encode(self) -> str:
        return f"{self.date.isoformat()}|{self.label}|{self.history_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        try:
            date, label, history_id = text.split("|")
            moment = datetime.datetime.fromisoformat(date)
            if moment.year < EARLIEST.year:
                return None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return cls(moment, label, int(history_id))
        except (ValueError, TypeError):
            return None


@dataclass
class ChangeLogQuery:
    """The change log's filters: a period (local dates, inclusive), a model, a person."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    model: type[PortalModel] | None = None
    user_id: int | None = None

    def models(self) -> list[type[PortalModel]]:
        return [self.model] if self.model is not None else history_models()

    def base_q(self) -> Q:
        q = Q()
        if self.date_from:
            q &= Q(history_date__gte=start_of_day(self.date_from))
        if self.date_to:
            q &= Q(history_date__lt=start_of_day(self.date_to + datetime.timedelta(days=1)))
        if self.user_id is not None:
            q &= Q(history_user_id=self.user_id)
        return q

    def params(self) -> dict[str, str]:
        out = {}
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.model is not None:
            out["model"] = self.model._meta.label_lower
        if self.user_id is not None:
            out["user"] = str(self.user_id)
        return out


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of a local day (what "as it stood at the end of that date" means)."""
    return start_of_day(day + datetime.timedelta(days=1)) - datetime.timedelta(microseconds=1)


def _older_than(cursor: Cursor | None, label: str) -> Q:
    """Rows of the table ``label`` that come after the cursor in (date, label, id) descending."""
    if cursor is None:
        return Q()
    if label < cursor.label:
        return Q(history_date__lte=cursor.date)
    if label == cursor.label:
        return Q(history_date__lt=cursor.date) | Q(
            history_date=cursor.date, history_id__lt=cursor.history_id
        )
    return Q(history_date__lt=cursor.date)


def _sort_key(record) -> tuple:
    return (record.history_date, record.model_label, record.history_id)


@dataclass
class ChangeLogPage:
    rows: list
    next_cursor: Cursor | None


def change_log_page(
    *, user, query: ChangeLogQuery, cursor: Cursor | None = None, size: int = 50
) -> ChangeLogPage:
    """One page of the change log, newest first (see the module docstring for the queries).

    Office and auditors only: anyone else gets an empty page."""
    if not user_scope(user).sees_all:
        return ChangeLogPage([], None)
    base = query.base_q()
    candidates = []
    for model in query.models():
        label = model._meta.label_lower
        history = model.history.model
        previous_id = Subquery(
            history.objects.filter(id=OuterRef("id"))
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        rows = (
            history.objects.filter(base & _older_than(cursor, label))
            .select_related("history_user")
            .annotate(previous_history_id=previous_id)
            .order_by("-history_date", "-history_id")[: size + 1]
        )
        for record in rows:
            record.model = model
            record.model_label = label
            candidates.append(record)
    candidates.sort(key=_sort_key, reverse=True)
    page = candidates[:size]
    _annotate_changes(page)
    next_cursor = None
    if len(candidates) > size and page:
        last = page[-1]
        next_cursor = Cursor(last.history_date, last.model_label, last.history_id)
    return ChangeLogPage(page, next_cursor)


def _annotate_changes(rows: list) -> None:
    """Give each row ``changes``, ``kind_label``, ``label`` and ``verbose_name``: one query per
    table for the versions before the rows, one per related model for names."""
    by_model: dict[type, list] = defaultdict(list)
    for record in rows:
        by_model[record.model].append(record)
    pending = []
    for model, records in by_model.items():
        wanted = [r.previous_history_id for r in records if r.previous_history_id]
        previous = (
            {r.history_id: r for r in model.history.filter(history_id__in=wanted)} if wanted else {}
        )
        fields = tracked_fields(model)
        for record in records:
            before = previous.get(record.previous_history_id)
            pending.append((record, _raw_changes(record, before, fields)))
            record.kind_label = KIND_LABELS.get(record.history_type, record.history_type)
            record.label = record_label(record)
            record.verbose_name = model._meta.verbose_name
    _describe(pending)


def change_log_count(*, user, query: ChangeLogQuery) -> int:
    if not user_scope(user).sees_all:
        return 0
    base = query.base_q()
    return sum(model.history.filter(base).count() for model in query.models())


def change_log_iter(*, user, query: ChangeLogQuery, chunk: int = 1000) -> Iterator:
    """Every change for the query, newest first, page by page (flat memory, for the export)."""
    cursor = None
    while True:
        page = change_log_page(user=user, query=query, cursor=cursor, size=chunk)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def parse_change_log_query(params: QueryDict | dict) -> tuple[ChangeLogQuery, dict[str, str]]:
    """The change log's filters from a query string, and the errors by parameter."""
    errors: dict[str, str] = {}
    query = ChangeLogQuery()
    get = params.get
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        raw = (get(name) or "").strip()
        if raw:
            try:
                day = datetime.date.fromisoformat(raw)
                if not EARLIEST.year <= day.year <= 9998:
                    raise ValueError(raw)
                setattr(query, attr, day)
            except ValueError:
                errors[name] = str(
                    _("日期“%(value)s”无效，请按 YYYY-MM-DD 填写。") % {"value": raw}
                )
    if query.date_from and query.date_to and query.date_from > query.date_to:
        errors["to"] = str(_("结束日期不能早于开始日期。"))
    raw_model = (get("model") or "").strip()
    if raw_model:
        query.model = model_for(raw_model)
        if query.model is None:
            errors["model"] = str(_("没有名为“%(value)s”的登记簿。") % {"value": raw_model})
    raw_user = (get("user") or "").strip()
    if raw_user:
        user_model = get_user_model()
        found = (
            user_model.objects.filter(pk=int(raw_user)).values_list("pk", flat=True).first()
            if raw_user.isdigit() and len(raw_user) <= 9
            else user_model.objects.filter(username=raw_user).values_list("pk", flat=True).first()
        )
        if found is None:
            errors["user"] = str(_("没有用户“%(value)s”。") % {"value": raw_user})
        else:
            query.user_id = found
    return query, errors


def model_choices() -> list[tuple[str, str]]:
    """(app_label.model, 名称) for the change log's model filter."""
    return [
        (m._meta.label_lower, f"{m._meta.app_config.verbose_name} · {m._meta.verbose_name}")
        for m in history_models()
    ]


# --- as of a date ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AsOfRegister:
    """A register that can be listed as of a date: the live list's columns, read from the
    historical rows (their own fields and their related rows, joined)."""

    key: str
    title: str
    model_path: str
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-id",)
    list_url_name: str = ""

    @property
    def model(self) -> type[PortalModel]:
        return apps.get_model(self.model_path)


def _unit_name(path: str):
    def value(record):
        unit = getattr(record, path, None)
        return unit.name if unit is not None else None

    return value


AS_OF_REGISTERS: dict[str, AsOfRegister] = {
    register.key: register
    for register in (
        AsOfRegister(
            "tasks",
            _("任务"),
            "tasks.Task",
            (
                Column(_("文件"), "directive.title", width=30),
                Column(_("序号"), "number", width=8),
                Column(_("任务"), "title", width=36),
                Column(_("牵头单位"), _unit_name("lead_unit"), width=18),
            ),
            select_related=("directive", "lead_unit"),
            ordering=("directive_id", "order", "id"),
            list_url_name="tasks:directive-list",
        ),
        AsOfRegister(
            "milestones",
            _("任务节点"),
            "tasks.Milestone",
            (
                Column(_("任务"), "task.title", width=30),
                Column(_("节点内容"), "text", width=40),
                Column(_("完成时限"), "due_on", width=12),
                Column(_("目标值"), "target_value", width=10),
                Column(_("计量单位"), "target_unit", width=8),
                Column(_("目标对象"), "target_subject", width=16),
            ),
            select_related=("task",),
            ordering=("task_id", "order", "due_on", "id"),
            list_url_name="tasks:directive-list",
        ),
        AsOfRegister(
            "hazards",
            _("隐患台账"),
            "hazards.Hazard",
            (
                Column(_("隐患编号"), "code", width=18),
                Column(_("排查时间"), "found_on", width=12),
                Column(_("隐患地点"), "address", width=30),
                Column(_("隐患描述"), "description", width=40),
                Column(_("隐患等级"), "grade", width=10),
                Column(_("责任单位"), _unit_name("responsible_unit"), width=20),
                Column(_("整改时限"), "deadline", width=12),
                Column(_("状态"), "state", width=10),
            ),
            select_related=("responsible_unit",),
            ordering=("-found_on", "-id"),
            list_url_name="hazards:hazard-list",
        ),
        AsOfRegister(
            "risk-points",
            _("风险清单"),
            "risks.RiskPoint",
            (
                Column(_("编号"), "code", width=16),
                Column(_("风险点名称"), "name", width=28),
                Column(_("类别"), "category", width=12),
                Column(_("镇街区"), _unit_name("township"), width=12),
                Column(_("风险等级"), "level", width=10),
                Column(_("管控层级"), "control_level", width=10),
                Column(_("责任单位"), _unit_name("responsible_unit"), width=20),
                Column(_("责任人"), "responsible_person", width=10),
                Column(_("下次复评"), "review_due", width=12),
            ),
            select_related=("township", "responsible_unit"),
            ordering=("code", "id"),
            list_url_name="risks:point-list",
        ),
        AsOfRegister(
            "plans",
            _("应急预案"),
            "emergency.Plan",
            (
                Column(_("预案名称"), "title", width=36),
                Column(_("预案类型"), "plan_type", width=12),
                Column(_("编制主体"), "owner_kind", width=10),
                Column(_("编制单位"), _unit_name("owner_unit"), width=20),
                Column(_("版本"), "version", width=8),
                Column(_("发布日期"), "issued_on", width=12),
                Column(_("下次评估"), "evaluation_due", width=12),
                Column(_("下次演练"), "drill_due", width=12),
                Column(_("状态"), "state", width=10),
            ),
            select_related=("owner_unit",),
            ordering=("owner_kind", "plan_type", "title", "id"),
            list_url_name="emergency:plan-list",
        ),
        AsOfRegister(
            "stockpiles",
            _("应急物资储备"),
            "emergency.Stockpile",
            (
                Column(_("物资名称"), "name", width=20),
                Column(_("物资类别"), "category", width=12),
                Column(_("库存数量"), "quantity", width=10),
                Column(_("最低储备量"), "minimum_quantity", width=10),
                Column(_("储备单位"), _unit_name("owner_unit"), width=20),
                Column(_("存放地点"), "place", width=28),
                Column(_("保管人"), "custodian", width=10),
                Column(_("有效期至"), "expires_on", width=12),
            ),
            select_related=("owner_unit",),
            ordering=("category", "name", "id"),
            list_url_name="emergency:stockpile-list",
        ),
        AsOfRegister(
            "supervision-notices",
            _("督办单"),
            "supervision.SupervisionNotice",
            (
                Column(_("督办单编号"), "number", width=20),
                Column(_("督办事项"), "item_title", width=40),
                Column(_("责任单位"), _unit_name("unit"), width=20),
                Column(_("原定完成时限"), "due_on", width=14),
                Column(_("下发日期"), "issued_on", width=14),
                Column(_("反馈期限"), "response_due_on", width=14),
                Column(_("状态"), "state", width=10),
                Column(_("约谈"), "interview_required", width=8),
            ),
            select_related=("unit",),
            ordering=("issued_on", "sequence", "id"),
            list_url_name="supervision:notice-list",
        ),
    )
}


def parse_as_of_date(raw: str | None) -> datetime.date:
    """The as-of date from ``?date=``; ValidationError with a message naming it otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError(_("请选择日期。"), code="required")
    try:
        day = datetime.date.fromisoformat(raw)
        if day < EARLIEST:
            raise ValueError(raw)
    except ValueError:
        raise ValidationError(
            _("日期“%(value)s”无效，请按 YYYY-MM-DD 填写。") % {"value": raw}, code="invalid"
        ) from None
    if day > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"), code="future")
    return day


def as_of_queryset(*, user, register: AsOfRegister, day: datetime.date) -> QuerySet:
    """The register's historical rows as they stood at the end of ``day``, scoped for ``user``.

    The office and auditors see every row. A unit member sees the rows of records now in their
    scope (``restrict`` on the live table): the scope rules are written over the live models'
    relations, which the historical tables do not carry."""
    model = register.model
    scope = user_scope(user)
    history = model.history.filter(history_date__lte=end_of_day(day)).latest_of_each()
    history = history.exclude(history_type="-")
    if not scope.is_authenticated:
        return history.none()
    if not scope.sees_all:
        history = history.filter(id__in=restrict(model._default_manager.all(), user, "view"))
    return history.select_related(*register.select_related).order_by(*register.ordering)


def as_of_rows(register: AsOfRegister, records) -> list[dict]:
    """Display rows: the columns' values, the record's id for its history link."""
    return [
        {
            "pk": record.id,
            "cells": [cell_value(column.resolve(record)) for column in register.columns],
        }
        for record in records
    ]


def as_of_page(*, user, register: AsOfRegister, day: datetime.date, page: str | int, size=50):
    """One page of the register as of ``day``: (paginator page, display rows). Two queries
    (count and rows) whatever the data size."""
    paginator = Paginator(as_of_queryset(user=user, register=register, day=day), size)
    page_obj = paginator.get_page(page)
    return page_obj, as_of_rows(register, page_obj.object_list)
