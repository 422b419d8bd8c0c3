"""Pages of the task ledger (任务落实): directives, a directive's parts and tasks, the task list
across directives, and one task with its milestones, lights, roll-ups, reports and history.

Each view parses input, calls the selectors, and renders the answer.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy

from portal.permissions import restrict, user_scope
from portal.views import PortalDetailView, PortalListView

from .. import selectors
from ..choices import AssignmentRole
from ..filters import DirectiveFilterSet, TaskFilterSet
from ..ledger import (
    decorate_tasks,
    light_counts,
    light_summary,
    progress_label,
    recurrence_of,
    target_label,
    task_history,
)
from ..models import Directive, Task


class TaskRowsMixin:
    """Pages that list tasks: the page's tasks get units, next due date and light."""

    def decorate(self, tasks):
        return decorate_tasks(tasks)


class DirectiveListView(TaskRowsMixin, PortalListView):
    """/tasks/ — the directives in the user's scope with their tasks counted by light, and the
    task list (the first page; 全部任务 opens the filtered list)."""

    model = Directive
    filterset_class = DirectiveFilterSet
    template_name = "tasks/ledger/directive_list.html"
    rows_template_name = "tasks/ledger/directive_rows.html"
    export_name = "tasks"  # tasks/exports.py: the task ledger
    tasks_shown = 20

    import_url_name = "tasks:import"  # shown to the office only (user_may_create)

    def user_may_create(self):
        return user_scope(self.request.user).writes_all  # importing directives is the office's

    def export_href(self, querystring):
        # This page filters directives, not tasks: the ledger export takes the task filters.
        return super().export_href("")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        directives = list(ctx["object_list"])
        visible_tasks = restrict(Task.objects.all(), user, "view")
        counts = light_counts(visible_tasks.filter(directive__in=[d.pk for d in directives]))
        for directive in directives:
            counter = counts.get(directive.pk, Counter())
            directive.light_summary = light_summary(counter)
            directive.task_count = sum(counter.values())
        overall = light_counts(visible_tasks)
        total = sum((c for c in overall.values()), Counter())
        ctx.update(
            object_list=directives,
            rows_template=self.rows_template_name,
            overall_lights=light_summary(total),
            task_total=sum(total.values()),
            tasks=self.decorate(selectors.task_list(user=user)[: self.tasks_shown]),
            task_list_url=reverse("tasks:task-list"),
        )
        return ctx


class TaskListView(TaskRowsMixin, PortalListView):
    """任务清单 — tasks across directives, filtered by directive, part, unit, light or words."""

    model = Task
    filterset_class = TaskFilterSet
    template_name = "tasks/ledger/task_list.html"
    rows_template_name = "tasks/ledger/task_rows.html"
    export_name = "tasks"

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    def user_may_create(self):
        return False  # tasks come from importing a directive

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = self.decorate(ctx["object_list"])
        ctx["rows_template"] = self.rows_template_name
        return ctx


class DirectiveDetailView(TaskRowsMixin, PortalDetailView):
    """A directive: its parts, each with its tasks (units, next due date, light), filterable."""

    model = Directive
    template_name = "tasks/ledger/directive_detail.html"
    fields = [
        ("doc_number", gettext_lazy("文号")),
        ("issuer", gettext_lazy("发文机关")),
        ("issued_on", gettext_lazy("发文日期")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        directive, user = self.object, self.request.user
        tasks_qs = selectors.task_list(user=user).filter(directive=directive)
        params = self.request.GET.copy()
        params.pop("directive", None)
        filterset = TaskFilterSet(params, queryset=tasks_qs, request=self.request)
        filterset.form.fields.pop("directive", None)
        filterset.form.fields["section"].queryset = filterset.form.fields[
            "section"
        ].queryset.filter(directive=directive)
        tasks = self.decorate(filterset.qs if filterset.is_valid() else tasks_qs)
        by_section: dict[int, list] = {}
        for task in tasks:
            by_section.setdefault(task.section_id, []).append(task)
        sections = [
            {"section": section, "tasks": by_section[section.pk]}
            for section in directive.sections.all()
            if section.pk in by_section
        ]
        counter = Counter(task.light for task in tasks)
        ctx.update(
            sections=sections,
            filter=filterset,
            task_count=len(tasks),
            lights=light_summary(counter),
            task_list_url=f"{reverse('tasks:task-list')}?directive={directive.pk}",
            export_href=f"{reverse('reports:export', args=['tasks'])}?directive={directive.pk}",
        )
        return ctx


class TaskDetailView(PortalDetailView):
    """One task: units, milestones with lights, targets with progress, each unit's share, the
    report history, a 填报进展 button for the units on it, and the full change history."""

    model = Task
    template_name = "tasks/ledger/task_detail.html"

    def get_object(self, queryset=None):
        return selectors.task_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task, user = self.object, self.request.user
        scope = user_scope(user)
        decorate_tasks([task])
        assigned = {a.unit_id: a.unit for a in task.assignments.all()}
        units = {**assigned, **({task.lead_unit_id: task.lead_unit} if task.lead_unit else {})}
        my_units = [unit for unit_id, unit in assigned.items() if unit_id in scope.unit_ids]
        # The lead unit and the office see every unit's share; a co-unit sees its own.
        sees_shares = scope.sees_all or (task.lead_unit_id in scope.unit_ids)
        milestones = list(task.milestones.all())
        siblings = {m.pk: m for m in milestones}
        notices = defaultdict(list)
        for notice in selectors.milestone_notices(user=user, milestone_ids=list(siblings)):
            notices[notice.object_id].append(notice)
        for milestone in milestones:
            milestone.recurrence_label = recurrence_of(milestone, siblings)
            milestone.target_label = target_label(milestone)
            milestone.progress_label = progress_label(milestone)
            milestone.shares = [
                {"unit": units.get(unit_id), "value": value, "unit_id": unit_id}
                for unit_id, value in sorted(milestone.unit_values.items())
                if sees_shares or unit_id in scope.unit_ids
            ]
            milestone.report_links = self.report_links(milestone, bool(assigned), my_units, scope)
            milestone.notices = notices.get(milestone.pk, [])
        ctx.update(
            milestones=milestones,
            reports=selectors.task_reports(user=user, task=task),
            history=task_history(task),
            sees_shares=sees_shares,
            lead_role=AssignmentRole.LEAD,
        )
        return ctx

    def report_links(self, milestone, has_units, my_units, scope):
        """填报进展 for each of the user's units on the task (none for read-only roles)."""
        if scope.read_only:
            return []
        base = reverse("tasks:report-create", args=[milestone.pk])
        if not has_units:
            # A task without units (Shouguang 32–34): the office reports on it itself.
            return [{"url": base, "unit": None}] if scope.is_office else []
        if not my_units:
            return []
        if len(my_units) == 1:
            return [{"url": base, "unit": None}]
        return [{"url": f"{base}?unit={unit.pk}", "unit": unit} for unit in my_units]
