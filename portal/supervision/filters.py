"""The 督办单 list's one FilterSet: the list page, the API and the Excel export use it.

The page and the export show open notices (未办结) unless the state filter says otherwise;
the API filters only on what it is asked.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.permissions import restrict
from responsibilities.models import OrgUnit

from .models import NoticeState, SupervisionNotice

STATE_OPEN = "open"
STATE_ALL = "all"
STATE_CHOICES = [
    (STATE_OPEN, _("未办结")),
    *NoticeState.choices,
    (STATE_ALL, _("全部")),
]
YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
SELECT = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def with_default_state(params: QueryDict | None) -> QueryDict:
    """The page's filters with 未办结 as the state when none is chosen."""
    query = params.copy() if params is not None else QueryDict(mutable=True)
    if not query.get("state"):
        query["state"] = STATE_OPEN
    return query


def oldest_open_first(queryset: QuerySet) -> QuerySet:
    """Open notices before closed ones, the oldest first."""
    return queryset.annotate(
        closed_last=Case(
            When(state=NoticeState.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("closed_last", "issued_on", "sequence")


def unit_choices(request):
    # Units that received at least one notice, among those the user may see.
    units = OrgUnit.objects.filter(
        Exists(SupervisionNotice.objects.filter(unit_id=OuterRef("pk")))
    ).order_by("sort_order", "name")
    return restrict(units, getattr(request, "user", None), "view")


@extend_schema_field(OpenApiTypes.INT)
class UnitFilter(django_filters.ModelChoiceFilter):
    """The responsible unit (its id)."""


class NoticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("编号/事项"),
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=STATE_CHOICES,
        method="by_state",
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
    )
    unit = UnitFilter(
        label=_("责任单位"),
        queryset=unit_choices,
        empty_label=_("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    interview_required = django_filters.BooleanFilter(
        label=_("列入约谈"), widget=forms.Select(attrs=SELECT, choices=YES_NO)
    )
    response_overdue = django_filters.BooleanFilter(
        label=_("反馈逾期"),
        method="by_response_overdue",
        widget=forms.Select(attrs=SELECT, choices=YES_NO),
    )
    issued_after = django_filters.DateFilter(
        label=_("下发日期起"),
        field_name="issued_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
    )
    issued_before = django_filters.DateFilter(
        label=_("下发日期止"),
        field_name="issued_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs=DATE),
    )

    class Meta:
        model = SupervisionNotice
        fields = [
            "q",
            "state",
            "unit",
            "interview_required",
            "response_overdue",
            "issued_after",
            "issued_before",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(item_title__icontains=value))

    def by_state(self, queryset, name, value):
        if value == STATE_OPEN:
            return queryset.exclude(state=NoticeState.CLOSED)
        if value in NoticeState.values:
            return queryset.filter(state=value)
        return queryset  # 全部

    def by_response_overdue(self, queryset, name, value):
        # Awaiting the reply (待反馈) after its 反馈期限: SupervisionNotice.response_overdue.
        late = Q(state=NoticeState.ISSUED, response_due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
