"""The action forms on a hazard's page: which ones a user is offered, and the small POST
views that each call one service.

``offered_actions`` mirrors the services' rules only to decide what to show; the service
still decides. An error (ValidationError) re-renders the hazard's page with the form and its
messages; a refusal (PermissionDenied) returns to the page with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.permissions import user_scope

from .. import forms, selectors
from ..choices import OPEN_STATES, ExtensionState, HazardState, ListingState


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form_class: type
    button: str = "btn-primary"


ACTIONS = {
    action.name: action
    for action in (
        Action("confirm", _("确认并交办"), forms.ConfirmForm),
        Action("reject", _("驳回"), forms.RejectForm, "btn-outline-danger"),
        Action("plan", _("落实整改措施（五落实）"), forms.PlanForm),
        Action("start", _("开始整改"), forms.StartForm),
        Action("submit", _("整改完成，提请验收"), forms.SubmitForm),
        Action("accept", _("验收通过并销号"), forms.AcceptForm, "btn-success"),
        Action("send_back", _("验收不通过"), forms.SendBackForm, "btn-outline-danger"),
        Action(
            "extension_request", _("申请延期"), forms.ExtensionRequestForm, "btn-outline-primary"
        ),
        Action("extension_decide", _("审批延期申请"), forms.ExtensionDecideForm),
        Action("list", _("挂牌督办"), forms.ListingForm, "btn-outline-danger"),
        Action("progress", _("报送督办进展"), forms.ProgressForm),
        Action("lift", _("摘牌"), forms.LiftForm, "btn-outline-success"),
        Action("dual_report", _("登记双报告"), forms.DualReportForm, "btn-outline-primary"),
    )
}


def pending_extension(hazard):
    return next((e for e in hazard.extensions.all() if e.state == ExtensionState.PENDING), None)


def offered_actions(user, hazard, listing=None) -> list[str]:
    """The actions to show this user on this hazard in its current state: the services' own
    ``hazard_actions``, narrowed by what the page knows (a pending extension, the listing,
    the dual reports already recorded) and with the steps on an extension and a listing."""
    from ..services import hazard_actions

    scope = user_scope(user)
    if not scope.is_authenticated or scope.read_only:
        return []
    allowed = hazard_actions(user=user, hazard=hazard)
    responsible = hazard.responsible_unit_id in scope.unit_ids
    supervising = hazard.supervising_unit_id in scope.unit_ids and not responsible
    pending = pending_extension(hazard)
    listed = listing is not None and listing.state == ListingState.LISTED
    offered = []
    for name in ("confirm", "reject", "plan", "start", "submit", "accept", "send_back"):
        if name in allowed:
            offered.append(name)
    if "extend" in allowed and pending is None and hazard.deadline:
        offered.append("extension_request")
    if pending is not None and supervising:
        offered.append("extension_decide")
    if "list" in allowed and listing is None:
        offered.append("list")
    if listed and responsible and hazard.state in OPEN_STATES:
        offered.append("progress")
    if listed and scope.writes_all and hazard.state == HazardState.CLOSED:
        offered.append("lift")
    if "dual_report" in allowed and hazard.state != HazardState.REJECTED:
        if len({report.recipient for report in hazard.dual_reports.all()}) < 2:
            offered.append("dual_report")
    return offered


def action_forms(user, hazard, listing=None, bound=None) -> list[dict]:
    """The forms to draw, each with its own prefix; ``bound`` is (name, form) after an error."""
    out = []
    for name in offered_actions(user, hazard, listing):
        action = ACTIONS[name]
        if bound and bound[0] == name:
            form = bound[1]
        else:
            form = action.form_class(prefix=name, initial=initial_for(name, hazard))
        out.append({"action": action, "form": form, "open": bool(bound and bound[0] == name)})
    if len(out) == 1:
        out[0]["open"] = True  # a single step needs no unfolding
    return out


def initial_for(name: str, hazard) -> dict:
    if name == "confirm":
        return {"grade": hazard.grade}
    if name == "plan":
        return {
            "rectification_person": hazard.rectification_person,
            "rectification_measures": hazard.rectification_measures,
            "rectification_funds": hazard.rectification_funds,
            "contingency_plan": hazard.contingency_plan,
        }
    return {}


def perform(name: str, user, hazard, listing, data: dict, files: list):
    """Call the one service behind ``name``; returns the success message."""
    from .. import services

    if name == "confirm":
        services.hazard_confirm(actor=user, hazard=hazard, **data)
        return _("已确认并交办。")
    if name == "reject":
        services.hazard_reject(actor=user, hazard=hazard, reason=data["reason"])
        return _("已驳回。")
    if name == "plan":
        services.hazard_plan(actor=user, hazard=hazard, **data)
        return _("整改措施已保存。")
    if name == "start":
        services.hazard_start(actor=user, hazard=hazard)
        return _("已开始整改。")
    if name == "submit":
        services.hazard_submit(
            actor=user,
            hazard=hazard,
            result=data["result"],
            rectified_on=data["rectified_on"],
            photos=files,
        )
        return _("已提请验收。")
    if name == "accept":
        services.hazard_accept(actor=user, hazard=hazard, comment=data["comment"])
        return _("验收通过，隐患已销号。")
    if name == "send_back":
        services.hazard_send_back(actor=user, hazard=hazard, comment=data["comment"])
        return _("验收不通过，已退回整改。")
    if name == "extension_request":
        services.extension_request(actor=user, hazard=hazard, **data)
        return _("延期申请已提交。")
    if name == "extension_decide":
        extension = pending_extension(hazard)
        if extension is None:
            raise ValidationError(_("没有待审批的延期申请。"))
        services.extension_decide(actor=user, extension=extension, **data)
        return _("延期申请已审批。")
    if name == "list":
        services.hazard_list(actor=user, hazard=hazard, **data)
        return _("已挂牌督办。")
    if name == "progress":
        if listing is None:
            raise ValidationError(_("该隐患未挂牌督办。"))
        services.listing_progress_report(actor=user, listing=listing, **data)
        return _("督办进展已报送。")
    if name == "lift":
        if listing is None:
            raise ValidationError(_("该隐患未挂牌督办。"))
        services.listing_lift(actor=user, listing=listing, comment=data["comment"])
        return _("已摘牌。")
    if name == "dual_report":
        services.dual_report_record(actor=user, hazard=hazard, **data)
        return _("双报告已登记。")
    raise Http404


class HazardActionView(LoginRequiredMixin, View):
    """POST /hazards/<pk>/act/<action>/ — one step on the hazard through its service."""

    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise Http404
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        hazard = selectors.hazard_detail(user=request.user, pk=pk)
        listing = selectors.hazard_listing(hazard)
        form = ACTIONS[action].form_class(request.POST, request.FILES, prefix=action)
        if not form.is_valid():
            return self.page_with(request, hazard, action, form)
        data = dict(form.cleaned_data)
        files = data.pop("photos", []) or []
        try:
            message = perform(action, request.user, hazard, listing, data, files)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.page_with(request, hazard, action, form)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("没有权限进行该操作。"))
            return redirect(hazard.get_absolute_url())
        messages.success(request, message)
        return redirect(hazard.get_absolute_url())

    def page_with(self, request, hazard, action, form):
        from .ledger import HazardDetailView

        view = HazardDetailView()
        view.setup(request, pk=hazard.pk)
        view.object = selectors.hazard_detail(user=request.user, pk=hazard.pk)
        context = view.get_context_data(object=view.object, bound=(action, form))
        return view.render_to_response(context)


def add_errors(form, exc: ValidationError) -> None:
    """A service's errors onto the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
