"""Pages of the unit side: units and their members, grids and officers, the division of
supervision duties. Each view parses input, calls one selector or service, and renders."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.permissions import can, restrict, user_scope
from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..choices import SupervisionKind
from ..filters.units import GridFilterSet, OrgUnitFilterSet
from ..forms.units import (
    SUPERVISION_KINDS_IN_TABLE,
    GridForm,
    GridOfficerForm,
    MembershipAddForm,
    OrgUnitContactForm,
    OrgUnitForm,
    SupervisionDutyForm,
)
from ..models import Grid, GridOfficer, Industry, Membership, OrgUnit
from ..services import units as services

# --- units ------------------------------------------------------------------------------------


class OrgUnitListView(PortalListView):
    model = OrgUnit
    filterset_class = OrgUnitFilterSet
    template_name = "responsibilities/units/list.html"
    columns = [
        ("name", gettext_lazy("名称")),
        ("short_name", gettext_lazy("简称")),
        ("kind", gettext_lazy("类别")),
        ("is_committee_member", gettext_lazy("安委会成员单位")),
        ("contact_person", gettext_lazy("联系人")),
        ("phone", gettext_lazy("电话")),
    ]
    create_url_name = "responsibilities:unit-create"
    export_name = "units"  # responsibilities/exports.py

    def base_queryset(self):
        return OrgUnit.objects.all()

    def user_may_create(self):
        return user_scope(self.request.user).writes_all


class OrgUnitDetailView(PortalDetailView):
    model = OrgUnit
    template_name = "responsibilities/units/detail.html"
    edit_url_name = "responsibilities:unit-edit"
    fields = [
        ("name", gettext_lazy("单位名称")),
        ("short_name", gettext_lazy("简称")),
        ("aliases", gettext_lazy("别名")),
        ("kind", gettext_lazy("类别")),
        ("parent", gettext_lazy("上级单位")),
        ("code", gettext_lazy("区划/机构代码")),
        ("is_committee_member", gettext_lazy("安委会成员单位")),
        ("contact_person", gettext_lazy("联系人")),
        ("phone", gettext_lazy("联系电话")),
        ("email", gettext_lazy("电子邮箱")),
        ("address", gettext_lazy("地址")),
        ("population", gettext_lazy("常住人口")),
        ("area_km2", gettext_lazy("面积（平方公里）")),
        ("is_active", gettext_lazy("启用")),
    ]

    def base_queryset(self):
        return OrgUnit.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit, user = self.object, self.request.user
        ctx.update(
            children=restrict(unit.children.all(), user, "view"),
            duties=selectors.org_unit_duties(user=user, unit=unit),
            enterprise_counts=_enterprise_links(
                unit, selectors.org_unit_enterprise_counts(user=user, unit=unit)
            ),
            grid_count=(
                selectors.grid_list(user=user).filter(township=unit).count()
                if unit.is_township
                else None
            ),
            **_members_context(self.request, unit),
        )
        return ctx


def _enterprise_links(unit, counts):
    """The unit's enterprise counts, each linking to the filtered roster where it exists."""
    labels = {
        "territorial": _("属地监管"),
        "industry": _("行业主管"),
        "professional": _("专业监管"),
    }
    base = reverse("responsibilities:enterprise-list")
    return [
        {
            "label": labels[kind],
            "count": counts[kind],
            "url": f"{base}?{kind}_supervisor={unit.pk}&is_active=true",
        }
        for kind in ("territorial", "industry", "professional")
    ]


def _members_context(request, unit, form=None):
    user = request.user
    may_manage = can(user, "add", Membership(unit=unit, user=user))
    return {
        "unit": unit,
        "members": selectors.org_unit_members(user=user, unit=unit),
        "can_manage_members": may_manage,
        "member_form": (form or MembershipAddForm(unit=unit)) if may_manage else None,
    }


class OrgUnitCreateView(PortalCreateView):
    model = OrgUnit
    form_class = OrgUnitForm
    success_message = gettext_lazy("单位已创建。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "add", OrgUnit()):
            raise PermissionDenied(_("只有安委办可以新增单位。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.org_unit_create(actor=self.request.user, **form.cleaned_data)


class OrgUnitUpdateView(PortalUpdateView):
    model = OrgUnit
    success_message = gettext_lazy("单位信息已保存。")

    def get_form_class(self):
        if user_scope(self.request.user).writes_all:
            return OrgUnitForm
        return OrgUnitContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        unit = OrgUnit.objects.get(pk=self.object.pk)  # the form has already touched self.object
        return services.org_unit_update(actor=self.request.user, unit=unit, **form.cleaned_data)


class MembershipAddView(LoginRequiredMixin, View):
    """POST from the unit page (htmx): add a member, answer with the members card."""

    def post(self, request, pk):
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        unit = get_object_or_404(restrict(OrgUnit.objects.all(), request.user, "view"), pk=pk)
        form = MembershipAddForm(request.POST, unit=unit)
        if form.is_valid():
            try:
                services.membership_add(actor=request.user, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                form = None
        return _members_response(request, unit, form)


class MembershipRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk, membership_pk):
        membership = get_object_or_404(
            restrict(Membership.objects.select_related("unit", "user"), request.user, "view"),
            pk=membership_pk,
            unit_id=pk,
        )
        services.membership_remove(actor=request.user, membership=membership)
        return _members_response(request, membership.unit)


def _members_response(request, unit, form=None):
    if not request.htmx:
        return redirect(unit.get_absolute_url())
    return render(
        request, "responsibilities/units/_members.html", _members_context(request, unit, form)
    )


# --- grids ------------------------------------------------------------------------------------


class GridListView(PortalListView):
    model = Grid
    filterset_class = GridFilterSet
    template_name = "responsibilities/grids/list.html"
    columns = [
        ("name", gettext_lazy("网格名称")),
        ("code", gettext_lazy("网格编码")),
        ("township", gettext_lazy("镇街区")),
        ("community", gettext_lazy("村居/社区")),
        ("officer_count", gettext_lazy("网格员人数")),
    ]
    create_url_name = "responsibilities:grid-create"
    export_name = "grids"

    def get_queryset(self):
        return selectors.grid_list(user=self.request.user)

    def user_may_create(self):
        scope = user_scope(self.request.user)
        return scope.writes_all or bool(scope.township_ids)


class GridDetailView(PortalDetailView):
    model = Grid
    template_name = "responsibilities/grids/detail.html"
    edit_url_name = "responsibilities:grid-edit"
    fields = [
        ("name", gettext_lazy("网格名称")),
        ("code", gettext_lazy("网格编码")),
        ("township", gettext_lazy("镇街区")),
        ("community", gettext_lazy("村居/社区")),
    ]

    def base_queryset(self):
        return Grid.objects.select_related("township")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_officers_context(self.request, self.object))
        return ctx


def _officers_context(request, grid, form=None):
    user = request.user
    may_manage = can(user, "add", GridOfficer(grid=grid))
    return {
        "grid": grid,
        "officers": selectors.grid_officers(user=user, grid=grid),
        "can_manage_officers": may_manage,
        "officer_form": (form or GridOfficerForm()) if may_manage else None,
    }


def _officers_response(request, grid, form=None):
    if not request.htmx:
        return redirect(grid.get_absolute_url())
    return render(
        request, "responsibilities/grids/_officers.html", _officers_context(request, grid, form)
    )


class GridCreateView(PortalCreateView):
    model = Grid
    form_class = GridForm
    success_message = gettext_lazy("网格已创建。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        scope = user_scope(self.request.user)
        if len(scope.township_ids) == 1 and not scope.writes_all:
            return {"township": next(iter(scope.township_ids))}
        return {}

    def perform(self, form):
        return services.grid_create(actor=self.request.user, **form.cleaned_data)


class GridUpdateView(PortalUpdateView):
    model = Grid
    form_class = GridForm
    success_message = gettext_lazy("网格已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        grid = Grid.objects.get(pk=self.object.pk)
        return services.grid_update(actor=self.request.user, grid=grid, **form.cleaned_data)


class GridOfficerAddView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        grid = get_object_or_404(restrict(Grid.objects.all(), request.user, "view"), pk=pk)
        form = GridOfficerForm(request.POST)
        if form.is_valid():
            try:
                services.grid_officer_create(actor=request.user, grid=grid, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                form = None
        return _officers_response(request, grid, form)


class GridOfficerRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        officer = get_object_or_404(
            restrict(GridOfficer.objects.select_related("grid"), request.user, "view"), pk=pk
        )
        services.grid_officer_remove(actor=request.user, officer=officer)
        return _officers_response(request, officer.grid)


# --- the division of supervision duties -------------------------------------------------------


class DutyListView(LoginRequiredMixin, View):
    """安全监管责任分工 — industries down the side, 行业主管 and 专业监管 across."""

    def get(self, request):
        kinds = [(k, SupervisionKind(k).label) for k in SUPERVISION_KINDS_IN_TABLE]
        rows = selectors.duty_table(user=request.user)
        for row in rows:
            row["cells"] = [(kind, row["duties"].get(kind)) for kind, _label in kinds]
        return render(
            request,
            "responsibilities/duties/list.html",
            {
                "rows": rows,
                "kinds": kinds,
                "can_edit": user_scope(request.user).writes_all,
            },
        )


class DutyEditView(PortalCreateView):
    """Set one cell of the division: the unit supervising an industry in one way."""

    model = Industry
    form_class = SupervisionDutyForm
    template_name = "responsibilities/duties/form.html"
    success_message = gettext_lazy("监管分工已保存。")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if kwargs["kind"] not in SupervisionKind.values:
            raise Http404
        self.industry = get_object_or_404(
            selectors.industry_list(user=request.user), pk=kwargs["industry_pk"]
        )
        self.kind = kwargs["kind"]
        if not user_scope(request.user).writes_all:
            raise PermissionDenied(_("只有安委办可以调整监管分工。"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        duty = self.industry.duties.filter(kind=self.kind).first()
        return {"unit": duty.unit_id, "scope_note": duty.scope_note} if duty else {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(industry=self.industry, kind_label=SupervisionKind(self.kind).label)
        return ctx

    def perform(self, form):
        return services.supervision_duty_set(
            actor=self.request.user, industry=self.industry, kind=self.kind, **form.cleaned_data
        )

    def get_success_url(self):
        return f"{reverse('responsibilities:duty-list')}#industry-{self.industry.pk}"
