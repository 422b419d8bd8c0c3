"""The risk inventory's FilterSet (风险清单): one for the page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict
from responsibilities.models import Enterprise, Industry, OrgUnit

from .choices import ControlLevel, RiskCategory, RiskKind, RiskLevel
from .models import RiskPoint

# A point not yet assessed has no level; the filter names it.
UNASSESSED = "none"
LEVEL_FILTER_CHOICES = [*RiskLevel.choices, (UNASSESSED, _("未评估"))]

YES_NO = {
    "review_overdue": [("", _("全部")), ("true", _("已逾期")), ("false", _("未逾期"))],
    "active": [("", _("全部")), ("true", _("在管")), ("false", _("已销号"))],
}


def _user(request):
    return getattr(request, "user", None)


def township_choices(request):
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)


def unit_choices(request):
    return OrgUnit.objects.filter(is_active=True)


def industry_choices(request):
    return Industry.objects.all()


def enterprise_choices(request):
    return restrict(Enterprise.objects.all(), _user(request), "view")


def review_overdue_q(today=None) -> Q:
    """In control (在管) and past its review date (下次复评日期)."""
    return Q(is_active=True, review_due__lt=today or timezone.localdate())


class RiskPointFilterSet(django_filters.FilterSet):
    """镇街区, 类别, 等级, 类型, 责任单位, 行业, 生产经营单位, 管控层级, 复评逾期, 在管 and words."""

    q = django_filters.CharFilter(label=_("编号/名称/地址"), method="search")
    township = django_filters.ModelChoiceFilter(label=_("镇街区"), queryset=township_choices)
    category = django_filters.ChoiceFilter(label=_("风险类别"), choices=RiskCategory.choices)
    level = django_filters.ChoiceFilter(
        label=_("风险等级"), choices=LEVEL_FILTER_CHOICES, method="by_level"
    )
    kind = django_filters.ChoiceFilter(label=_("风险点类型"), choices=RiskKind.choices)
    responsible_unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=unit_choices)
    industry = django_filters.ModelChoiceFilter(label=_("行业领域"), queryset=industry_choices)
    enterprise = django_filters.ModelChoiceFilter(
        label=_("生产经营单位"), queryset=enterprise_choices
    )
    control_level = django_filters.ChoiceFilter(label=_("管控层级"), choices=ControlLevel.choices)
    review_overdue = django_filters.BooleanFilter(
        label=_("复评逾期"),
        method="by_review_overdue",
        widget=forms.Select(choices=YES_NO["review_overdue"]),
    )
    active = django_filters.BooleanFilter(
        label=_("在管/销号"),
        field_name="is_active",
        widget=forms.Select(choices=YES_NO["active"]),
    )

    class Meta:
        model = RiskPoint
        fields = [
            "q",
            "township",
            "category",
            "level",
            "kind",
            "responsible_unit",
            "industry",
            "enterprise",
            "control_level",
            "review_overdue",
            "active",
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
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(address__icontains=value)
        )

    def by_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(level="" if value == UNASSESSED else value)

    def by_review_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = review_overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
