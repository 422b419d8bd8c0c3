"""/risks/thresholds/ — 风险等级阈值: the bands that turn a score into a level, by method.
Everyone signed in reads them; the office adjusts a band through ``threshold_update``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.permissions import restrict, user_scope

from .. import selectors
from ..choices import LEVEL_COLORS
from ..forms import ThresholdForm
from ..models import RiskThreshold


class ThresholdListView(LoginRequiredMixin, TemplateView):
    """The bands of each method, strictest first; the office gets a form on each row."""

    template_name = "risks/threshold_list.html"

    def get_context_data(self, bound=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        editable = user_scope(user).writes_all
        methods = []
        for method, label, bands in selectors.thresholds_by_method(user=user):
            rows = []
            for band in bands:
                form = None
                if editable:
                    if bound and bound[0] == band.pk:
                        form = bound[1]
                    else:
                        form = ThresholdForm(
                            prefix=f"t{band.pk}",
                            initial={"min_score": band.min_score, "max_score": band.max_score},
                        )
                rows.append({"band": band, "color": LEVEL_COLORS.get(band.level, ""), "form": form})
            methods.append({"method": method, "label": label, "rows": rows})
        ctx.update(methods=methods, editable=editable)
        return ctx


class ThresholdUpdateView(LoginRequiredMixin, View):
    """POST /risks/thresholds/<pk>/edit/ — one band's scores; the service keeps the bands of a
    method in order and apart, and checks that the user is the office."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        from ..services import threshold_update

        threshold = get_object_or_404(
            restrict(RiskThreshold.objects.all(), request.user, "view"), pk=pk
        )
        if not user_scope(request.user).writes_all:
            # The service says the same; refusing first keeps a bad form from being redrawn.
            raise PermissionDenied(_("只有安委办可以调整风险等级阈值。"))
        form = ThresholdForm(request.POST, prefix=f"t{pk}")
        if form.is_valid():
            try:
                threshold_update(
                    actor=request.user,
                    threshold=threshold,
                    min_score=form.cleaned_data["min_score"],
                    max_score=form.cleaned_data.get("max_score"),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        target = field if field in form.fields else None
                        for error in errors:
                            for message in error.messages:
                                form.add_error(target, message)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(band)s已调整，自此录入的评估按新阈值定级。")
                    % {"band": f"{threshold.method} {threshold.get_level_display()}"},
                )
                return redirect(reverse("risks:threshold-list"))
        view = ThresholdListView()
        view.setup(request)
        response = view.render_to_response(view.get_context_data(bound=(threshold.pk, form)))
        response.status_code = 200
        return response
