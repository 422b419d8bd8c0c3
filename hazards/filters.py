"""The hazard ledger's FilterSet: one for the page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict
from responsibilities.models import Industry, OrgUnit

from .choices import OPEN_STATES, HazardGrade, HazardState, ListingState
from .models import Campaign, Hazard

# 办理阶段: open (not yet 销号), and confirmed or later — the rectification rate's denominator.
STAGE_OPEN = "open"
STAGE_CONFIRMED = "confirmed"
CONFIRMED_STATES = (
    HazardState.CONFIRMED,
    HazardState.RECTIFYING,
    HazardState.AWAITING_ACCEPTANCE,
    HazardState.CLOSED,
)


def _user(request):
    return getattr(request, "user", None)


def township_choices(request):
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)


def unit_choices(request):
    return OrgUnit.objects.filter(is_active=True)


def industry_choices(request):
    return Industry.objects.all()


def campaign_choices(request):
    return restrict(Campaign.objects.all(), _user(request), "view")


class HazardFilterSet(django_filters.FilterSet):
    """镇街区, 行业领域, 等级, 状态, 责任单位, 排查行动, 逾期, 排查时间 and words."""

    q = django_filters.CharFilter(label=_("编号/描述"), method="search")
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    industry = django_filters.ModelChoiceFilter(label=_("行业领域"), queryset=industry_choices)
    grade = django_filters.ChoiceFilter(label=_("隐患等级"), choices=HazardGrade.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=HazardState.choices)
    stage = django_filters.ChoiceFilter(
        label=_("办理阶段"),
        method="by_stage",
        choices=[
            (STAGE_OPEN, _("未销号")),
            (STAGE_CONFIRMED, _("已确认（含整改中、待验收、已销号）")),
        ],
        empty_label=_("全部"),
    )
    listed = django_filters.BooleanFilter(
        label=_("挂牌督办"),
        method="by_listed",
        widget=forms.Select(
            choices=[("", _("全部")), ("true", _("挂牌督办中")), ("false", _("未挂牌"))]
        ),
    )
    responsible_unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=unit_choices)
    campaign = django_filters.ModelChoiceFilter(label=_("排查行动"), queryset=campaign_choices)
    overdue = django_filters.BooleanFilter(
        label=_("逾期"),
        method="by_overdue",
        widget=forms.Select(
            choices=[("", _("全部")), ("true", _("已逾期")), ("false", _("未逾期"))]
        ),
    )
    found_from = django_filters.DateFilter(
        label=_("排查时间起"),
        field_name="found_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    found_to = django_filters.DateFilter(
        label=_("排查时间止"),
        field_name="found_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Hazard
        fields = [
            "q",
            "township",
            "industry",
            "grade",
            "state",
            "stage",
            "listed",
            "responsible_unit",
            "campaign",
            "overdue",
            "found_from",
            "found_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            small = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{small} {small}-sm")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(description__icontains=value))

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def by_stage(self, queryset, name, value):
        if value == STAGE_OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        if value == STAGE_CONFIRMED:
            return queryset.filter(state__in=CONFIRMED_STATES)
        return queryset

    def by_listed(self, queryset, name, value):
        """挂牌督办中: a listing not yet lifted (摘牌)."""
        if value is None:
            return queryset
        listed = Q(listing__state=ListingState.LISTED)
        return queryset.filter(listed) if value else queryset.exclude(listed)
