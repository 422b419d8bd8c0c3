"""Pages of progress reporting: file a report on a milestone, read it with its steps and
evidence, edit it while it is a draft or returned, and the review buttons (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from portal.permissions import restrict, user_scope
from portal.views import PortalCreateView, PortalUpdateView

from ..forms.reports import ProgressReportForm, ReportCommentForm
from ..models import Milestone, ProgressReport, ReportEvidence
from ..selectors import milestones_with_status, report_detail, report_list
from ..services import reports as services


def _milestone_status(user, pk) -> Milestone:
    queryset = restrict(
        Milestone.objects.select_related("task__directive", "task__lead_unit"), user, "view"
    )
    return get_object_or_404(milestones_with_status(queryset), pk=pk)


class ReportCreateView(PortalCreateView):
    """填报进展 on one milestone, for one of the user's units assigned to its task."""

    model = ProgressReport
    form_class = ProgressReportForm
    template_name = "tasks/reports/form.html"
    success_message = _("进展报告已保存为草稿，请确认无误后提交。")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.milestone = _milestone_status(request.user, kwargs["pk"])
        self.units = services.reporting_units(user=request.user, milestone=self.milestone)
        if not self.units and not user_scope(request.user).read_only:
            raise PermissionDenied(_("您所在的单位不是该任务的责任单位，不能填报。"))
        self.corrects = None
        if corrects_pk := request.GET.get("corrects"):
            self.corrects = get_object_or_404(
                report_list(user=request.user), pk=corrects_pk, milestone=self.milestone
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(milestone=self.milestone, units=self.units)
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        wanted = self.request.GET.get("unit")
        if self.corrects is not None:
            initial.update(
                unit=self.corrects.unit_id,
                value=self.corrects.value,
                narrative=self.corrects.narrative,
                completes=self.corrects.completes,
            )
        elif wanted and wanted.isdigit() and int(wanted) in {u.pk for u in self.units}:
            initial["unit"] = int(wanted)
        elif self.units:
            initial["unit"] = self.units[0].pk
        return initial

    def perform(self, form):
        data = form.cleaned_data
        return services.report_create(
            actor=self.request.user,
            milestone=self.milestone,
            unit=data["unit"],
            value=data["value"],
            narrative=data["narrative"],
            completes=data["completes"],
            corrects=self.corrects,
            evidence=data["evidence"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(milestone=self.milestone, corrects=self.corrects, **_target(self.milestone))
        return ctx


class ReportUpdateView(PortalUpdateView):
    """Edit a draft or returned report; the service refuses anything else."""

    model = ProgressReport
    form_class = ProgressReportForm
    template_name = "tasks/reports/form.html"
    success_message = _("进展报告已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance")
        kwargs.update(milestone=self.object.milestone)
        return kwargs

    def get_initial(self):
        report = self.object
        return {"value": report.value, "narrative": report.narrative, "completes": report.completes}

    def get(self, request, *args, **kwargs):
        if self.object.state not in services.EDITABLE_STATES:
            messages.error(request, _("只有草稿或已退回的报告可以修改。"))
            return redirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.report_update(
            actor=self.request.user,
            report=self.object,
            value=data["value"],
            narrative=data["narrative"],
            completes=data["completes"],
            evidence=data["evidence"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        milestone = _milestone_status(self.request.user, self.object.milestone_id)
        ctx.update(milestone=milestone, report=self.object, **_target(milestone))
        return ctx


def _target(milestone) -> dict:
    return {"target_text": services.target_text(milestone) if milestone.has_target else ""}


class ReportDetailView(LoginRequiredMixin, TemplateView):
    """A report: milestone, value, narrative, evidence, the steps and the buttons this
    person may press now."""

    template_name = "tasks/reports/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        report = report_detail(user=user, pk=kwargs["pk"])
        milestone = _milestone_status(user, report.milestone_id)
        actions = services.report_actions(user=user, report=report)
        ctx.update(
            object=report,
            report=report,
            milestone=milestone,
            task=report.milestone.task,
            unit_share=milestone.unit_values.get(report.unit_id),
            actions=actions,
            comment_form=ReportCommentForm(),
            scope=user_scope(user),
            **_target(milestone),
        )
        return ctx


class ReportActionView(LoginRequiredMixin, View):
    """One review step (POST): the service decides; a refusal comes back as a message."""

    http_method_names = ["post"]
    service = None
    done_message = ""

    def post(self, request, pk):
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        report = get_object_or_404(report_list(user=request.user), pk=pk)
        form = ReportCommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            self.call(actor=request.user, report=report, comment=comment)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.done_message)
        return redirect(report.get_absolute_url())

    def call(self, *, actor, report, comment):
        raise NotImplementedError


class ReportSubmitView(ReportActionView):
    done_message = _("已提交，等待单位负责人确认。")

    def call(self, *, actor, report, comment):
        services.report_submit(actor=actor, report=report)


class ReportConfirmView(ReportActionView):
    done_message = _("已确认，报安委办审核。")

    def call(self, *, actor, report, comment):
        services.report_confirm(actor=actor, report=report, comment=comment)


class ReportApproveView(ReportActionView):
    done_message = _("已审核通过。")

    def call(self, *, actor, report, comment):
        services.report_approve(actor=actor, report=report, comment=comment)


class ReportReturnView(ReportActionView):
    done_message = _("已退回，并通知填报人。")

    def call(self, *, actor, report, comment):
        services.report_return(actor=actor, report=report, comment=comment)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A piece of evidence, only to those who may see its report; never a public media URL."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            restrict(ReportEvidence.objects.all(), request.user, "view"), pk=pk
        )
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("文件已不存在。")) from exc
        response = FileResponse(
            handle,
            as_attachment=request.GET.get("inline") != "1" or not _inline_safe(evidence),
            filename=evidence.name,
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _inline_safe(evidence) -> bool:
    """PDFs and images may open in the browser; everything else downloads."""
    return evidence.content_type == "application/pdf" or evidence.content_type.startswith("image/")
