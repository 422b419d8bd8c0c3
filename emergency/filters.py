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

from .choices import (
    DrillForm,
    DrillScale,
    MovementKind,
    PlanOwnerKind,
    PlanState,
    PlanType,
    Readiness,
    ShelterCategory,
    ShelterType,
    StockCategory,
    TeamKind,
    TeamSpecialty,
)
from .models import Drill, Plan, RescueTeam, Shelter, StockMovement, Stockpile
from .selectors import expired_q, expiring_q, low_stock_q


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
    issued_from = django_filters.DateFilter(
        label=_("发布日期起"), field_name="issued_on", lookup_expr="gte", widget=_date_widget()
    )
    issued_to = django_filters.DateFilter(
        label=_("发布日期止"), field_name="issued_on", lookup_expr="lte", widget=_date_widget()
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
            "issued_from",
            "issued_to",
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


# --- rescue teams, stockpiles, movements, shelters ------------------------------------------


def unit_choices(request):
    return OrgUnit.objects.filter(is_active=True)


def stockpile_choices(request):
    return restrict(Stockpile.objects.select_related("owner_unit"), _user(request), "view")


class RescueTeamFilterSet(StyledFilterSet):
    """队伍类别, 专业类别, 镇街区, 主管单位, 战备状态 and words."""

    q = django_filters.CharFilter(label=_("名称/队长/装备"), method="search")
    kind = django_filters.ChoiceFilter(label=_("队伍类别"), choices=TeamKind.choices)
    specialty = django_filters.ChoiceFilter(label=_("专业类别"), choices=TeamSpecialty.choices)
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    unit = django_filters.ModelChoiceFilter(label=_("主管单位"), queryset=unit_choices)
    readiness = django_filters.ChoiceFilter(label=_("战备状态"), choices=Readiness.choices)

    class Meta:
        model = RescueTeam
        fields = ["q", "kind", "specialty", "township", "unit", "readiness"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(leader__icontains=value) | Q(equipment__icontains=value)
        )


class StockpileFilterSet(StyledFilterSet):
    """物资类别, 镇街区, 储备单位, 低于最低储备, 有效期 (30天内到期 / 已过期) and words."""

    EXPIRY_SOON = "soon"
    EXPIRY_EXPIRED = "expired"

    q = django_filters.CharFilter(label=_("名称/规格/地点"), method="search")
    category = django_filters.ChoiceFilter(label=_("物资类别"), choices=StockCategory.choices)
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    owner_unit = django_filters.ModelChoiceFilter(label=_("储备单位"), queryset=unit_choices)
    low = django_filters.BooleanFilter(
        label=_("库存不足"), method="by_low", widget=_yes_no(_("低于最低储备"), _("储备充足"))
    )
    expiry = django_filters.ChoiceFilter(
        label=_("有效期"),
        method="by_expiry",
        choices=[(EXPIRY_SOON, _("30天内到期")), (EXPIRY_EXPIRED, _("已过期"))],
        empty_label=_("全部"),
    )

    class Meta:
        model = Stockpile
        fields = ["q", "category", "township", "owner_unit", "low", "expiry"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(specification__icontains=value) | Q(place__icontains=value)
        )

    def by_low(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(low_stock_q()) if value else queryset.exclude(low_stock_q())

    def by_expiry(self, queryset, name, value):
        today = timezone.localdate()
        if value == self.EXPIRY_EXPIRED:
            return queryset.filter(expired_q(today))
        if value == self.EXPIRY_SOON:
            return queryset.filter(expiring_q(today))
        return queryset


class StockMovementFilterSet(StyledFilterSet):
    """储备物资, 类别, 发生日期起止."""

    stockpile = django_filters.ModelChoiceFilter(label=_("储备物资"), queryset=stockpile_choices)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=MovementKind.choices)
    occurred_from = django_filters.DateFilter(
        label=_("发生日期起"), field_name="occurred_on", lookup_expr="gte", widget=_date_widget()
    )
    occurred_to = django_filters.DateFilter(
        label=_("发生日期止"), field_name="occurred_on", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = StockMovement
        fields = ["stockpile", "kind", "occurred_from", "occurred_to"]


class ShelterFilterSet(StyledFilterSet):
    """场所类型, 场所类别, 镇街区, 标志标识, 向社会公布 and words."""

    q = django_filters.CharFilter(label=_("名称/地址"), method="search")
    shelter_type = django_filters.ChoiceFilter(label=_("场所类型"), choices=ShelterType.choices)
    category = django_filters.ChoiceFilter(label=_("场所类别"), choices=ShelterCategory.choices)
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    signage_done = django_filters.BooleanFilter(
        label=_("标志标识"), widget=_yes_no(_("已设置"), _("未设置"))
    )
    is_public = django_filters.BooleanFilter(
        label=_("向社会公布"), widget=_yes_no(_("已公布"), _("未公布"))
    )

    class Meta:
        model = Shelter
        fields = ["q", "shelter_type", "category", "township", "signage_done", "is_public"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
