"""How the ledger presents a task: its units (group tokens folded back), its next due date,
its recurrence, its change history. Shared by the pages, the API and the Excel export."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Count
from django.utils.translation import gettext as _

from responsibilities.models import OrgUnit, UnitGroup

from .choices import AssignmentRole, Light
from .models import Assignment, Milestone, Task
from .selectors import annotate_task_light

DONE_LIGHTS = (Light.DONE, Light.DONE_LATE)
LIGHT_ORDER = [
    Light.OVERDUE,
    Light.DUE_SOON,
    Light.ON_TRACK,
    Light.NOT_STARTED,
    Light.DONE_LATE,
    Light.DONE,
]


@dataclass
class UnitEntry:
    """One entry of a task's unit line: a unit, or a group token with the units it stood for."""

    unit: OrgUnit | None = None
    group_name: str = ""
    units: list[OrgUnit] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return _("%(group)s（%(n)d个单位）") % {"group": self.group_name, "n": len(self.units)}


@dataclass
class TaskUnits:
    lead: OrgUnit | None
    co: list[UnitEntry]

    @property
    def co_label(self) -> str:
        return "、".join(entry.label for entry in self.co)

    @property
    def all_label(self) -> str:
        names = ([self.lead.name] if self.lead else []) + [entry.label for entry in self.co]
        return "、".join(names)


def group_names(tasks) -> dict[int, str]:
    """Names of the group tokens the tasks' assignments came from (one query)."""
    ids = {a.via_group_id for task in tasks for a in task.assignments.all() if a.via_group_id}
    if not ids:
        return {}
    return dict(UnitGroup.objects.filter(pk__in=ids).values_list("pk", "name"))


def task_units(task: Task, groups: dict[int, str]) -> TaskUnits:
    """The lead unit and the co-units, units expanded from one group token kept together."""
    lead = None
    co: list[UnitEntry] = []
    by_group: dict[int, UnitEntry] = {}
    for assignment in task.assignments.all():
        if assignment.role == AssignmentRole.LEAD:
            lead = assignment.unit
            continue
        if assignment.via_group_id:
            entry = by_group.get(assignment.via_group_id)
            if entry is None:
                entry = UnitEntry(group_name=groups.get(assignment.via_group_id, ""))
                by_group[assignment.via_group_id] = entry
                co.append(entry)
            entry.units.append(assignment.unit)
        else:
            co.append(UnitEntry(unit=assignment.unit))
    if lead is None and task.lead_unit_id:
        lead = task.lead_unit
    return TaskUnits(lead=lead, co=co)


def decorate_tasks(tasks) -> list[Task]:
    """Set ``unit_line`` and ``next_due`` on tasks fetched through ``selectors.task_list``."""
    tasks = list(tasks)
    groups = group_names(tasks)
    for task in tasks:
        task.unit_line = task_units(task, groups)
        task.next_due = next_due(task)
    return tasks


def next_due(task: Task) -> datetime.date | None:
    """The earliest due date among the task's milestones not yet done."""
    dates = [
        m.due_on
        for m in task.milestones.all()
        if m.due_on and getattr(m, "light", None) not in DONE_LIGHTS
    ]
    return min(dates) if dates else None


def recurrence_label(months) -> str:
    """每年4月、11月 — the months a recurring milestone comes back."""
    if not months:
        return ""
    return _("每年%(months)s") % {"months": "、".join(f"{m}月" for m in months)}


def recurrence_of(milestone: Milestone, siblings: dict[int, Milestone]) -> str:
    """The recurrence label of a milestone, or of the series it is an occurrence of
    (``siblings``: the task's milestones by pk, so no query)."""
    months = milestone.recurrence_months
    if not months and milestone.series_id in siblings:
        months = siblings[milestone.series_id].recurrence_months
    return recurrence_label(months)


def target_label(milestone: Milestone) -> str:
    """848个市政消火栓 — the target as the directive writes it."""
    if milestone.target_value is None:
        return ""
    return f"{milestone.get_target_comparator_display()}{number(milestone.target_value)}{milestone.target_unit}{milestone.target_subject}"


def number(value) -> str:
    """A decimal without trailing zeros: 848, 12.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def progress_label(milestone: Milestone) -> str:
    """312/848个市政消火栓 — the roll-up against the target."""
    if milestone.target_value is None:
        return ""
    reached = getattr(milestone, "rollup_value", None) or 0
    return f"{number(reached)}/{number(milestone.target_value)}{milestone.target_unit}{milestone.target_subject}"


def light_counts(tasks_queryset) -> dict[int, Counter]:
    """{directive_id: Counter(light → number of tasks)} for the tasks in the queryset (one query)."""
    rows = (
        annotate_task_light(tasks_queryset.order_by())
        .values("directive_id", "light_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, Counter] = {}
    for row in rows:
        counts.setdefault(row["directive_id"], Counter())[Light(row["light_code"])] += row["n"]
    return counts


def light_summary(counter: Counter) -> list[dict]:
    """The lights in display order with their counts (zeros left out)."""
    return [
        {"light": light, "count": counter[light]} for light in LIGHT_ORDER if counter.get(light)
    ]


# --- change history --------------------------------------------------------------------------


SKIP_FIELDS = {"id", "created_at", "updated_at", "task"}


def _changes(record, previous, fields):
    if previous is None or record.history_type != "~":
        return []
    changes = []
    for f in fields:
        old, new = getattr(previous, f.attname), getattr(record, f.attname)
        if old != new:
            changes.append({"field": str(f.verbose_name), "old": old, "new": new})
    return changes


def task_history(task: Task, *, limit: int = 200) -> list:
    """The task's full change history, its assignments' and milestones' included, newest first.

    Each record gets ``kind`` (the model's name), ``subject`` and ``changes`` (field, old,
    new, against the record before it). A fixed number of queries whatever the history.
    """
    sources = [
        (task.history.all(), Task),
        (Assignment.history.filter(task_id=task.pk).select_related("unit"), Assignment),
        (Milestone.history.filter(task_id=task.pk), Milestone),
    ]
    records = []
    for queryset, model in sources:
        fields = [f for f in model._meta.concrete_fields if f.name not in SKIP_FIELDS]
        newest = queryset.select_related("history_user").order_by("-history_date", "-history_id")
        rows = sorted(newest[:limit], key=lambda r: (r.id, r.history_date, r.history_id))
        previous = {}
        for record in rows:
            record.kind = model._meta.verbose_name
            record.subject = _subject(record, model)
            record.changes = _changes(record, previous.get(record.id), fields)
            previous[record.id] = record
        records.append(rows)
    merged = sorted(chain.from_iterable(records), key=lambda r: r.history_date, reverse=True)
    return merged[:limit]


def _subject(record, model) -> str:
    if model is Task:
        return f"{record.number}. {record.title}"
    if model is Assignment:
        role = (
            AssignmentRole(record.role).label
            if record.role in AssignmentRole.values
            else record.role
        )
        return f"{record.unit.name if record.unit_id else ''}（{role}）"
    due = record.due_on.isoformat() if record.due_on else _("长期坚持")
    return f"{due} · {record.text[:40]}"
