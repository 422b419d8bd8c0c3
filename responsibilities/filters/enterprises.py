"""The enterprise roster's one FilterSet: the list page, the API and the Excel export use it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.permissions import restrict

from ..choices import UnitKind
from ..models import Enterprise, Industry, OrgUnit
from ..validators import normalize_credit_code

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def _user(request):
    return getattr(request, "user", None)


def township_choices(request):
    townships = OrgUnit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True)
    return restrict(townships, _user(request), "view")


def unit_choices(request):
    units = OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.VILLAGE)
    return restrict(units, _user(request), "view")


def industry_choices(request):
    return restrict(Industry.objects.all(), _user(request), "view")


@extend_schema_field(OpenApiTypes.INT)
class AnySupervisorFilter(django_filters.ModelChoiceFilter):
    """A unit that supervises the enterprise in any of the three roles (its id)."""


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称/信用代码"), method="search")
    township = django_filters.ModelChoiceFilter(label=_("所属镇街区"), queryset=township_choices)
    industry = django_filters.ModelChoiceFilter(label=_("行业"), queryset=industry_choices)
    supervisor = AnySupervisorFilter(
        label=_("监管单位"), queryset=unit_choices, method="by_supervisor"
    )
    # One supervisor role at a time, for links such as a unit page's "行业主管 12 家".
    territorial_supervisor = django_filters.ModelChoiceFilter(
        label=_("属地监管单位"), queryset=unit_choices, widget=forms.HiddenInput
    )
    industry_supervisor = django_filters.ModelChoiceFilter(
        label=_("行业主管部门"), queryset=unit_choices, widget=forms.HiddenInput
    )
    professional_supervisor = django_filters.ModelChoiceFilter(
        label=_("专业监管部门"), queryset=unit_choices, widget=forms.HiddenInput
    )
    is_high_risk = django_filters.BooleanFilter(
        label=_("高危行业"), widget=forms.Select(choices=YES_NO)
    )
    is_crowded_place = django_filters.BooleanFilter(
        label=_("人员密集场所"), widget=forms.Select(choices=YES_NO)
    )
    is_active = django_filters.BooleanFilter(label=_("在营"), widget=forms.Select(choices=YES_NO))

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "township",
            "industry",
            "supervisor",
            "is_high_risk",
            "is_crowded_place",
            "is_active",
            "territorial_supervisor",
            "industry_supervisor",
            "professional_supervisor",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            small = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{small} {small}-sm")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = normalize_credit_code(value)
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=code))

    def by_supervisor(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(territorial_supervisor=value)
            | Q(industry_supervisor=value)
            | Q(professional_supervisor=value)
        )
