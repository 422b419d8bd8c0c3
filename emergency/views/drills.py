"""应急演练 pages: the list, one drill, and recording or correcting a drill (one call to
``drill_record``)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors_plans as selectors
from ..filters import DrillFilterSet
from ..forms_plans import DrillRecordForm, drill_initial
from ..models import Drill
from .plans import stored_file_response


class DrillListView(PortalListView):
    """/emergency/drills/ — drills in the user's scope, filtered; one query per page of rows."""

    model = Drill
    filterset_class = DrillFilterSet
    template_name = "emergency/drills/drill_list.html"
    rows_template_name = "emergency/drills/drill_rows.html"
    create_url_name = "emergency:drill-create"
    export_name = "emergency-drills"

    def get_queryset(self):
        return selectors.drill_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class DrillDetailView(PortalDetailView):
    model = Drill
    template_name = "emergency/drills/drill_detail.html"
    edit_url_name = "emergency:drill-edit"

    def get_object(self, queryset=None):
        return selectors.drill_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["participating_units"] = list(self.object.participating_units.all())
        return ctx


class DrillCreateView(PortalCreateView):
    """/emergency/drills/new/ — ``?plan=pk`` fills in the plan and what follows from it."""

    model = Drill
    form_class = DrillRecordForm
    template_name = "emergency/drills/drill_form.html"
    success_message = _("演练已记录。")

    def get_initial(self):
        return {**super().get_initial(), **drill_initial(self.request.GET, user=self.request.user)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import drill_record

        return drill_record(
            actor=self.request.user,
            participating_units=form.participating_units(),
            **form.service_fields(),
        )


class DrillUpdateView(PortalUpdateView):
    model = Drill
    form_class = DrillRecordForm
    template_name = "emergency/drills/drill_form.html"
    success_message = _("演练已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import drill_record

        return drill_record(
            actor=self.request.user,
            instance=self.object,
            participating_units=form.participating_units(),
            **form.service_fields(),
        )


class DrillReportView(LoginRequiredMixin, View):
    """A drill's 演练总结, only to those who may see the drill."""

    def get(self, request, pk):
        drill = get_object_or_404(selectors.drill_list(user=request.user), pk=pk)
        if not drill.report_file:
            raise Http404(_("该演练没有上传总结。"))
        return stored_file_response(drill.report_file, name=f"{drill.title}演练总结")
