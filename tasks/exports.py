"""任务台账 — the task ledger as offices keep it in Excel: 序号, 任务, 牵头单位, 责任单位,
完成时限, 目标, 进展, 状态. Scoped by ``restrict`` and filtered like the task list."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.exports import CHUNK_SIZE, Column, Exporter, register
from portal.permissions import restrict

from .choices import ReportState
from .filters import ProgressReportFilterSet, TaskFilterSet
from .ledger import decorate_tasks, progress_label, recurrence_of, target_label
from .models import ProgressReport
from .selectors import attach_task_lights, task_list


def _deadlines(task) -> str:
    parts = []
    siblings = {m.pk: m for m in task.milestones.all()}
    for milestone in siblings.values():
        if milestone.due_on is None:
            continue
        text = milestone.due_on.isoformat()
        if recurrence := recurrence_of(milestone, siblings):
            text += f"（{recurrence}）"
        parts.append(text)
    return "；".join(parts) or _("长期坚持")


def _targets(task) -> str:
    return "；".join(filter(None, (target_label(m) for m in task.milestones.all())))


def _progress(task) -> str:
    lines = ["；".join(filter(None, (progress_label(m) for m in task.milestones.all())))]
    if task.latest_narrative:
        lines.append(task.latest_narrative)
    return "\n".join(line for line in lines if line)


def _lead(task) -> str:
    return task.unit_line.lead.name if task.unit_line.lead else ""


@register
class TaskLedgerExporter(Exporter):
    name = "tasks"
    title = "任务台账"
    columns = [
        Column("序号", "number", width=8),
        Column("任务", "title", width=36),
        Column("牵头单位", _lead, width=18),
        Column("责任单位", lambda task: task.unit_line.co_label, width=36),
        Column("完成时限", _deadlines, width=24),
        Column("目标", _targets, width=30),
        Column("进展", _progress, width=48),
        Column("状态", lambda task: task.light.label, width=10),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        # The FilterSet narrows its choices through the user, as on the page.
        request = SimpleNamespace(user=user)
        return TaskFilterSet(params, queryset=task_list(user=user), request=request).qs

    def rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        """Rows in chunks; each chunk costs a fixed number of queries (its prefetches, the
        group names, the latest approved narratives)."""
        chunk = []
        for task in queryset.iterator(chunk_size=CHUNK_SIZE):
            chunk.append(task)
            if len(chunk) == CHUNK_SIZE:
                yield from self._chunk_rows(chunk)
                chunk = []
        if chunk:
            yield from self._chunk_rows(chunk)

    def _chunk_rows(self, tasks) -> Iterator[list[Any]]:
        attach_task_lights(tasks)
        decorate_tasks(tasks)
        narratives = latest_narratives([task.pk for task in tasks])
        for task in tasks:
            task.latest_narrative = narratives.get(task.pk, "")
            yield self.row(task)


def latest_narratives(task_ids) -> dict[int, str]:
    """{task_id: the narrative of its latest approved report} (one query)."""
    rows = (
        ProgressReport.objects.filter(milestone__task_id__in=task_ids, state=ReportState.APPROVED)
        .order_by("milestone__task_id", "-reviewed_at", "-pk")
        .values_list("milestone__task_id", "narrative")
    )
    latest: dict[int, str] = {}
    for task_id, narrative in rows:
        latest.setdefault(task_id, narrative)
    return latest


def _person(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()


@register
class ProgressReportExporter(Exporter):
    """进展报告台账 — every report with its steps' times and people and the office's opinion;
    filtered by unit, state and the period it was submitted in."""

    name = "progress-reports"
    title = "进展报告台账"
    columns = [
        Column("任务", lambda r: f"{r.milestone.task.number}. {r.milestone.task.title}", width=30),
        Column("节点", "milestone.text", width=36),
        Column("填报单位", "unit.name", width=18),
        Column("完成值", "value", width=10),
        Column("进展情况", "narrative", width=48),
        Column("状态", "state", width=14),
        Column("填报人", lambda r: _person(r.author), width=10),
        Column("提交时间", "submitted_at", width=18),
        Column("确认人", lambda r: _person(r.confirmed_by), width=10),
        Column("确认时间", "confirmed_at", width=18),
        Column("审核人", lambda r: _person(r.reviewed_by), width=10),
        Column("审核时间", "reviewed_at", width=18),
        Column("审核意见", "review_comment", width=36),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = restrict(
            ProgressReport.objects.select_related(
                "milestone__task",
                "unit",
                "author__profile",
                "confirmed_by__profile",
                "reviewed_by__profile",
            ).order_by("-submitted_at", "-pk"),
            user,
            "view",
        )
        request = SimpleNamespace(user=user)
        return ProgressReportFilterSet(params, queryset=queryset, request=request).qs
