"""The risk inventory's pages: the list with counts by level, one point with its assessments
and the assessment form, registering and editing, retiring (销号), and the point as GeoJSON
for the small map on its page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from portal.maps import map_settings
from portal.permissions import user_scope
from portal.views import PortalCreateView, PortalDetailView, PortalListView, PortalUpdateView

from .. import selectors
from ..choices import LEVEL_COLORS, AccidentType, RiskLevel
from ..filters import RiskPointFilterSet
from ..forms import AssessmentForm, RetireForm, RiskPointForm
from ..models import RiskPoint

ACCIDENT_LABELS = dict(AccidentType.choices)


def level_legend() -> list[tuple[str, str]]:
    return [(label, LEVEL_COLORS[level]) for level, label in RiskLevel.choices]


class RiskPointListView(PortalListView):
    """/risks/ — 风险清单 in the user's scope, filtered, with counts by level for the filter;
    a fixed number of queries whatever the number of points."""

    model = RiskPoint
    filterset_class = RiskPointFilterSet
    template_name = "risks/point_list.html"
    rows_template_name = "risks/point_rows.html"
    create_url_name = "risks:point-create"
    export_name = "risks"
    import_url_name = "risks:point-import"

    def get_queryset(self):
        return selectors.risk_point_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_list"] = selectors.mark_review_overdue(list(ctx["object_list"]))
        ctx["level_counts"] = selectors.level_counts(ctx["filter"].qs)
        ctx["rows_template"] = self.rows_template_name
        return ctx


class RiskPointDetailView(PortalDetailView):
    """One point: its fields, a small map, its level with the assessment that decided it
    (从严从高), the assessments, the assessment and retire forms, and the change history."""

    model = RiskPoint
    template_name = "risks/point_detail.html"
    edit_url_name = "risks:point-edit"

    def get_object(self, queryset=None):
        return selectors.risk_point_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, assess_form=None, retire_form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        point, user = self.object, self.request.user
        writable = point.is_active and ctx["can_change"] and not user_scope(user).read_only
        selectors.mark_review_overdue([point])
        deciding = selectors.deciding_assessments(point)
        ctx.update(
            point=point,
            can_change=writable,
            can_assess=writable,
            assessments=list(point.assessments.all()),
            deciding=deciding,
            accident_labels=[ACCIDENT_LABELS.get(a, a) for a in point.accident_types or []],
            level_color=LEVEL_COLORS.get(point.level, ""),
            assess_form=assess_form
            or (AssessmentForm(user=user, prefix="assess") if writable else None),
            retire_form=retire_form or (RetireForm(prefix="retire") if writable else None),
            assess_open=assess_form is not None,
            retire_open=retire_form is not None,
            thresholds=selectors.threshold_table() if writable else None,
            map_settings=map_settings(),
            has_location=point.latitude is not None and point.longitude is not None,
            level_colors={str(level): color for level, color in LEVEL_COLORS.items()},
            legend=level_legend(),
        )
        return ctx


class RiskPointCreateView(PortalCreateView):
    """/risks/new/ — 登记风险点: it starts ungraded, until its first assessment."""

    model = RiskPoint
    form_class = RiskPointForm
    template_name = "risks/point_form.html"
    success_message = _("风险点已登记，请进行风险评估。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import risk_point_register

        return risk_point_register(actor=self.request.user, **form.service_fields())


class RiskPointUpdateView(PortalUpdateView):
    """/risks/<pk>/edit/ — the descriptive fields; the level follows the assessments."""

    model = RiskPoint
    form_class = RiskPointForm
    template_name = "risks/point_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        from ..services import risk_point_update

        return risk_point_update(
            actor=self.request.user, point=self.object, **form.service_fields()
        )


class _PointFormPost(LoginRequiredMixin, View):
    """A POST on a point's page through one service: an error re-renders the page with the
    form and its messages, a refusal returns to the page with the reason."""

    http_method_names = ["post"]
    form_class = None
    prefix = ""
    context_name = ""

    def post(self, request, pk: int):
        if user_scope(request.user).read_only:
            raise PermissionDenied(_("只读账号不能修改。"))
        point = selectors.risk_point_detail(user=request.user, pk=pk)
        form = self.make_form(request)
        if form.is_valid():
            try:
                message = self.perform(request.user, point, form)
            except ValidationError as exc:
                self.add_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("没有权限进行该操作。"))
                return redirect(point.get_absolute_url())
            else:
                messages.success(request, message)
                return redirect(point.get_absolute_url())
        return self.page_with(request, pk, form)

    def make_form(self, request):
        return self.form_class(request.POST, prefix=self.prefix)

    def perform(self, user, point, form) -> str:
        raise NotImplementedError

    def add_errors(self, form, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = self.field_for(form, field)
                for error in errors:
                    for message in error.messages:
                        form.add_error(target, message)
        else:
            for message in exc.messages:
                form.add_error(None, message)

    def field_for(self, form, field: str) -> str | None:
        return field if field in form.fields else None

    def page_with(self, request, pk, form):
        view = RiskPointDetailView()
        view.setup(request, pk=pk)
        view.object = view.get_object()
        context = view.get_context_data(object=view.object, **{self.context_name: form})
        return view.render_to_response(context)


class RiskPointAssessView(_PointFormPost):
    """POST /risks/<pk>/assess/ — 风险评估 by LEC or LS; the service computes score and level."""

    form_class = AssessmentForm
    prefix = "assess"
    context_name = "assess_form"

    def make_form(self, request):
        return AssessmentForm(request.POST, user=request.user, prefix=self.prefix)

    def perform(self, user, point, form) -> str:
        from ..services import assessment_record

        assessment = assessment_record(actor=user, point=point, **form.service_fields())
        return _("评估已记录：风险值 %(score)s，%(level)s。") % {
            "score": f"{assessment.score.normalize():f}",
            "level": assessment.get_level_display(),
        }

    def field_for(self, form, field: str) -> str | None:
        return form.field_for(field)


class RiskPointRetireView(_PointFormPost):
    """POST /risks/<pk>/retire/ — 销号 with a reason; its reviews stop."""

    form_class = RetireForm
    prefix = "retire"
    context_name = "retire_form"

    def perform(self, user, point, form) -> str:
        from ..services import risk_point_retire

        risk_point_retire(actor=user, point=point, reason=form.cleaned_data["reason"])
        return _("风险点已销号。")


class RiskPointGeoJSONView(LoginRequiredMixin, View):
    """GET /risks/<pk>/point.json — the one point, for the small map on its page."""

    def get(self, request, pk: int):
        point = selectors.risk_point_detail(user=request.user, pk=pk)
        features = []
        if point.latitude is not None and point.longitude is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(point.longitude), float(point.latitude)],
                    },
                    "properties": {
                        "name": str(point),
                        "level": point.level,
                        "description": point.get_level_display() or str(_("未评估")),
                        "url": reverse("risks:point-detail", args=[point.pk]),
                    },
                }
            )
        return JsonResponse(
            {"type": "FeatureCollection", "features": features},
            content_type="application/geo+json",
            json_dumps_params={"ensure_ascii": False},
        )
