"""应急预案 pages: the list, one plan with its versions, evaluations and drills, and the forms
that create, edit, revise, evaluate and withdraw a plan — each one call to a service."""

from __future__ import annotations

import mimetypes
import os

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors_plans as selectors
from ..filters import PlanFilterSet
from ..forms_plans import (
    PlanEvaluateForm,
    PlanForm,
    PlanReviseForm,
    PlanWithdrawForm,
    plan_initial,
)
from ..models import Plan, PlanEvaluation


class PlanListView(PortalListView):
    """/emergency/plans/ — plans in the user's scope, filtered; one query per page of rows."""

    model = Plan
    filterset_class = PlanFilterSet
    template_name = "emergency/plans/plan_list.html"
    rows_template_name = "emergency/plans/plan_rows.html"
    create_url_name = "emergency:plan-create"
    export_name = "emergency-plans"
    import_url_name = "emergency:import"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows_template"] = self.rows_template_name
        ctx["today"] = timezone.localdate()
        return ctx


class PlanDetailView(PortalDetailView):
    """One plan: every field, its text, the chain of versions, evaluations, drills, history,
    and what this user may do with it."""

    model = Plan
    template_name = "emergency/plans/plan_detail.html"
    edit_url_name = "emergency:plan-edit"

    def get_object(self, queryset=None):
        return selectors.plan_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        may_change = ctx["can_change"]
        ctx.update(
            can_change=may_change and plan.state in ("draft", "in_force"),
            can_act=may_change and plan.is_in_force,
            versions=selectors.plan_versions(plan, user=user),
            evaluations=list(plan.evaluations.all()),
            drills=list(plan.drills.all()),
            today=timezone.localdate(),
        )
        return ctx


class PlanCreateView(PortalCreateView):
    """/emergency/plans/new/ — the coverage matrix's gaps link here with owner kind, township or
    industry and plan type filled in."""

    model = Plan
    form_class = PlanForm
    template_name = "emergency/plans/plan_form.html"
    success_message = _("预案已保存。")

    def get_initial(self):
        return {**super().get_initial(), **plan_initial(self.request.GET, user=self.request.user)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import plan_save

        return plan_save(actor=self.request.user, **form.service_fields())


class PlanUpdateView(PortalUpdateView):
    model = Plan
    form_class = PlanForm
    template_name = "emergency/plans/plan_form.html"
    success_message = _("预案已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import plan_save

        return plan_save(actor=self.request.user, instance=self.object, **form.service_fields())


class PlanActionView(PortalUpdateView):
    """A form that acts on one plan (revise, evaluate, withdraw); out of scope is a 404. Until
    the service has run, ``self.object`` is the plan."""

    model = Plan
    template_name = "emergency/plans/plan_action.html"
    title = ""
    intro = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(plan=self.object, title=self.title, intro=self.intro)
        return ctx

    def get_success_url(self):
        result = self.object
        return (result.plan if isinstance(result, PlanEvaluation) else result).get_absolute_url()


class PlanReviseView(PlanActionView):
    """修订 — a new version replaces this one; the old stays on record as 已修订替代."""

    form_class = PlanReviseForm
    title = _("修订预案")
    intro = _(
        "修订后生成新版本，原版本标记为“已修订替代”并保留；评估和演练周期自新版本发布日期起算。"
    )
    success_message = _("已发布新版本。")

    def perform(self, form):
        from ..services import plan_revise

        fields = form.service_fields()
        return plan_revise(
            actor=self.request.user,
            plan=self.object,
            version=fields.pop("version", ""),
            issued_on=fields.pop("issued_on", None),
            **fields,
        )


class PlanEvaluateView(PlanActionView):
    form_class = PlanEvaluateForm
    title = _("预案评估")
    intro = _("预案至少每三年评估一次；记录评估后，下次评估日期自评估日期起算。")
    success_message = _("评估已记录。")

    def perform(self, form):
        from ..services import plan_evaluate

        data = form.cleaned_data
        return plan_evaluate(
            actor=self.request.user,
            plan=self.object,
            evaluated_on=data["evaluated_on"],
            conclusion=data["conclusion"],
            needs_revision=data["needs_revision"],
        )


class PlanWithdrawView(PlanActionView):
    form_class = PlanWithdrawForm
    title = _("废止预案")
    intro = _("废止后预案不再计入覆盖情况，也不再提醒评估和演练。")
    success_message = _("预案已废止。")

    def perform(self, form):
        from ..services import plan_withdraw

        return plan_withdraw(
            actor=self.request.user, plan=self.object, reason=form.cleaned_data["reason"]
        )


class PlanFileView(LoginRequiredMixin, View):
    """A plan's text, only to those who may see the plan; never a public media URL."""

    def get(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
        if not plan.file:
            raise Http404(_("该预案没有上传文本。"))
        return stored_file_response(plan.file, name=f"{plan.title}（{plan.version}）")


def stored_file_response(field_file, *, name: str) -> FileResponse:
    """A stored document as a download: PDFs and images may open in the browser, the rest
    download; the stored name's extension is kept, the visible name is the record's."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("文件已不存在。")) from exc
    extension = os.path.splitext(field_file.name)[1].lower()
    content_type = mimetypes.types_map.get(extension, "application/octet-stream")
    inline = content_type == "application/pdf" or content_type.startswith("image/")
    response = FileResponse(
        handle, as_attachment=not inline, filename=f"{name}{extension}", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
