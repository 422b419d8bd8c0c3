"""One FilterSet per register, shared by its page, its API endpoint and its export."""

import json

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import UnitKind
from ..models import Grid, GridOfficer, Membership, OrgUnit, SupervisionDuty


def json_text_q(field: str, term: str) -> Q:
    """Substring search inside a JSON list of strings on any backend.

    PostgreSQL's jsonb shows Chinese as written; SQLite keeps Django's ASCII-escaped JSON
    text (\\uXXXX), so the escaped form of the term is searched as well.
    """
    escaped = json.dumps(term)[1:-1]
    q = Q(**{f"{field}__icontains": term})
    return q | Q(**{f"{field}__icontains": escaped}) if escaped != term else q


class OrgUnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=UnitKind.choices)
    is_committee_member = django_filters.BooleanFilter(
        label=_("安委会成员单位"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("是")), ("false", _("否"))]),
    )
    is_active = django_filters.BooleanFilter(
        label=_("启用"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("是")), ("false", _("否"))]),
    )

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "is_committee_member", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | json_text_q("aliases", value)
        )


class MembershipFilterSet(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["unit", "user", "role"]


class SupervisionDutyFilterSet(django_filters.FilterSet):
    class Meta:
        model = SupervisionDuty
        fields = ["industry", "unit", "kind"]


class GridFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    township = django_filters.ModelChoiceFilter(
        label=_("镇街区"),
        queryset=OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True),
    )

    class Meta:
        model = Grid
        fields = ["q", "township"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(community__icontains=value)
            | Q(pk__in=GridOfficer.objects.filter(name__icontains=value).values("grid_id"))
        )
