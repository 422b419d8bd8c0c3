"""Emergency preparedness's FilterSets: one per register, shared by the pages, the API and the
Excel exports."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict
from responsibilities.models import Industry, OrgUnit

from .choices import DrillForm, DrillScale, PlanOwnerKind, PlanState, PlanType
from .models import Drill, Plan


def _user(request):
    return getattr(request, "user", None)


def township_choices(request):
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)


def industry_choices(request):
    return Industry.objects.all()


def plan_choices(request):
    return restrict(Plan.objects.all(), _user(request), "view")


def _yes_no(yes, no):
    return forms.Select(choices=[("", _("全部")), ("true", yes), ("false", no)])


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap's small controls on every filter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            small = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{small} {small}-sm")


class PlanFilterSet(StyledFilterSet):
    """预案类型, 编制主体, 镇街区, 行业, 状态, 评估逾期, 演练逾期 and words."""

    q = django_filters.CharFilter(label=_("名称/文号"), method="search")
    plan_type = django_filters.ChoiceFilter(label=_("预案类型"), choices=PlanType.choices)
    owner_kind = django_filters.ChoiceFilter(label=_("编制主体类别"), choices=PlanOwnerKind.choices)
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    industry = django_filters.ModelChoiceFilter(label=_("行业领域"), queryset=industry_choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=PlanState.choices)
    evaluation_overdue = django_filters.BooleanFilter(
        label=_("评估逾期"),
        method="by_evaluation_overdue",
        widget=_yes_no(_("已逾期"), _("未逾期")),
    )
    drill_overdue = django_filters.BooleanFilter(
        label=_("演练逾期"), method="by_drill_overdue", widget=_yes_no(_("已逾期"), _("未逾期"))
    )
    drill_due_within = django_filters.NumberFilter(
        label=_("演练到期（天内）"), method="by_drill_due_within", min_value=0, max_value=3660
    )

    class Meta:
        model = Plan
        fields = [
            "q",
            "plan_type",
            "owner_kind",
            "township",
            "industry",
            "state",
            "evaluation_overdue",
            "drill_overdue",
            "drill_due_within",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(document_number__icontains=value)
            | Q(filing_number__icontains=value)
        )

    def by_evaluation_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state=PlanState.IN_FORCE, evaluation_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def by_drill_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state=PlanState.IN_FORCE, drill_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def by_drill_due_within(self, queryset, name, value):
        """Plans in force whose next drill falls due from today to ``value`` days ahead."""
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            state=PlanState.IN_FORCE,
            drill_due__gte=today,
            drill_due__lte=today + datetime.timedelta(days=int(value)),
        )


class DrillFilterSet(StyledFilterSet):
    """演练预案, 演练形式, 演练规模, 镇街区, 演练日期起止 and words."""

    q = django_filters.CharFilter(label=_("名称/地点"), method="search")
    plan = django_filters.ModelChoiceFilter(label=_("演练预案"), queryset=plan_choices)
    form = django_filters.ChoiceFilter(label=_("演练形式"), choices=DrillForm.choices)
    scale = django_filters.ChoiceFilter(label=_("演练规模"), choices=DrillScale.choices)
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    held_from = django_filters.DateFilter(
        label=_("演练日期起"), field_name="held_on", lookup_expr="gte", widget=_date_widget()
    )
    held_to = django_filters.DateFilter(
        label=_("演练日期止"), field_name="held_on", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = Drill
        fields = ["q", "plan", "form", "scale", "township", "held_from", "held_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(location__icontains=value))
