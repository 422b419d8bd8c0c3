"""The task ledger's FilterSets: one for the pages, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.permissions import restrict
from responsibilities.models import OrgUnit

from .choices import Light, ReportState
from .models import Assignment, Directive, Milestone, ProgressReport, Section, Task
from .selectors import annotate_task_light


def _user(request):
    return getattr(request, "user", None)


def directive_choices(request):
    return restrict(Directive.objects.all(), _user(request), "view")


def section_choices(request):
    return restrict(Section.objects.select_related("directive"), _user(request), "view")


def unit_choices(request):
    # Units that carry at least one task; the directory itself is open to every member.
    units = OrgUnit.objects.filter(Exists(Assignment.objects.filter(unit_id=OuterRef("pk"))))
    return restrict(units, _user(request), "view")


@extend_schema_field(OpenApiTypes.INT)
class AssignedUnitFilter(django_filters.ModelChoiceFilter):
    """A unit on the task, lead or co-responsible (its id)."""


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap's small controls on every visible field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            small = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{small} {small}-sm")


class DirectiveFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标题/文号"), method="search")

    class Meta:
        model = Directive
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class TaskFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("任务名称/内容"), method="search")
    directive = django_filters.ModelChoiceFilter(label=_("文件"), queryset=directive_choices)
    section = django_filters.ModelChoiceFilter(label=_("部分"), queryset=section_choices)
    unit = AssignedUnitFilter(label=_("责任单位"), queryset=unit_choices, method="by_unit")
    light = django_filters.ChoiceFilter(label=_("亮灯"), choices=Light.choices, method="by_light")
    due_from = django_filters.DateFilter(
        label=_("节点时限起"), method="by_due", widget=forms.HiddenInput()
    )
    due_to = django_filters.DateFilter(
        label=_("节点时限止"), method="by_due", widget=forms.HiddenInput()
    )

    class Meta:
        model = Task
        fields = ["q", "directive", "section", "unit", "light", "due_from", "due_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(body__icontains=value) | Q(number=value)
        )

    def by_unit(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery, not a join: one row per task whatever the number of assignments.
        return queryset.filter(
            Exists(Assignment.objects.filter(task_id=OuterRef("pk"), unit_id=value.pk))
        )

    def by_due(self, queryset, name, value):
        """Tasks with a milestone due on or after ``due_from`` / on or before ``due_to``; both
        together ask for one milestone inside the period (the auditor's ledger by period)."""
        if not value:
            return queryset
        data = self.form.cleaned_data
        if name == "due_to" and data.get("due_from"):
            return queryset  # applied with due_from, on the same milestone
        due = Q(due_on__gte=value) if name == "due_from" else Q(due_on__lte=value)
        if name == "due_from" and data.get("due_to"):
            due &= Q(due_on__lte=data["due_to"])
        return queryset.filter(Exists(Milestone.objects.filter(due, task_id=OuterRef("pk"))))

    def by_light(self, queryset, name, value):
        if not value:
            return queryset
        # In the database, so that pagination and counts see the filtered rows.
        return annotate_task_light(queryset).filter(light_code=value)


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgressReportFilterSet(StyledFilterSet):
    """进展报告: 填报单位, 状态 and the period they were submitted in (the ledger's export)."""

    unit = django_filters.ModelChoiceFilter(label=_("填报单位"), queryset=unit_choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ReportState.choices)
    submitted_from = django_filters.DateFilter(
        label=_("提交时间起"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=_date_widget(),
    )
    submitted_to = django_filters.DateFilter(
        label=_("提交时间止"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=_date_widget(),
    )

    class Meta:
        model = ProgressReport
        fields = ["unit", "state", "submitted_from", "submitted_to"]
