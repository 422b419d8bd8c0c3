"""The account list's filters: unit, role, active, and a search box."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.permissions import GLOBAL_ROLES, ROLE_ADMIN, restrict

from ..choices import AccountRole
from ..models import OrgUnit

User = get_user_model()


class _ActiveSelect(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("启用")), ("false", _("已停用")))


def _units(request):
    if request is None:
        return OrgUnit.objects.none()
    return restrict(OrgUnit.objects.all(), request.user, "view")


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=_units, method="filter_unit")
    role = django_filters.ChoiceFilter(
        label=_("角色"), choices=AccountRole.choices, method="filter_role"
    )
    is_active = django_filters.BooleanFilter(label=_("状态"), widget=_ActiveSelect())

    class Meta:
        model = User
        fields = ["q", "unit", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            select = name in ("unit", "role", "is_active")
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )
        self.form.fields["q"].widget.attrs["placeholder"] = _("用户名、姓名或手机号码")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(profile__full_name__icontains=value)
            | Q(profile__phone__icontains=value)
        )

    def filter_unit(self, queryset, name, value):
        # Unit and role must hold in one membership, so both apply together in filter_queryset.
        return queryset

    filter_role = filter_unit

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        unit, role = data.get("unit"), data.get("role")
        membership = Q()
        if unit is not None:
            membership &= Q(memberships__unit=unit)
        if role in (AccountRole.STAFF, AccountRole.LEADER):
            membership &= Q(memberships__role=role)
        elif role == AccountRole.ADMIN:
            queryset = queryset.filter(Q(is_superuser=True) | Q(groups__name=ROLE_ADMIN))
        elif role in GLOBAL_ROLES:
            queryset = queryset.filter(groups__name=role)
        if membership:
            queryset = queryset.filter(membership)
        return queryset.distinct()
