"""/dashboard/scorecard/ — 考核: the ranking for a period, one unit's breakdown, the weights,
publishing a period's ranking, the published editions and the ranking as Excel."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from portal.exports import CONTENT_TYPES
from portal.permissions import user_scope
from portal.views import ScopedMixin

from . import services
from .models import Indicator, ScorecardEdition
from .scorecard import (
    RULES,
    default_period,
    may_see_breakdown,
    parse_period,
    period_choices,
    scorecard,
    scorecard_xlsx,
    unit_breakdown,
    weights_in_force,
    xlsx_filename,
)


class PeriodMixin(LoginRequiredMixin):
    """``?period=2026-10|2026-Q3|2026``; a bad value falls back to this month, with why."""

    def dispatch(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        self.period_error = ""
        raw = request.GET.get("period") or request.POST.get("period")
        if raw:
            try:
                self.period = parse_period(raw)
            except ValidationError as exc:
                self.period_error = " ".join(exc.messages)
                self.period = default_period(self.today)
        else:
            self.period = default_period(self.today)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            period=self.period,
            period_error=self.period_error,
            period_choices=period_choices(self.today),
            today=self.today,
            scope=user_scope(self.request.user),
        )
        return ctx


class ScorecardView(PeriodMixin, TemplateView):
    """The ranking: every unit's total and indicator scores, with the rules that make them."""

    template_name = "dashboard/scorecard/ranking.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        card = scorecard(period=self.period, today=self.today)
        ctx.update(
            card=card,
            rules=RULES,
            linked=[row.unit_id for row in card.rows if may_see_breakdown(user, row.unit_id)],
            edition=ScorecardEdition.objects.filter(
                period_kind=self.period.kind, period_start=self.period.start
            ).first(),
        )
        return ctx


class ScorecardUnitView(PeriodMixin, TemplateView):
    """One unit's scores and the items behind each (its own members, the office, auditors)."""

    template_name = "dashboard/scorecard/unit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["breakdown"] = unit_breakdown(
            user=self.request.user,
            unit_id=self.kwargs["unit_pk"],
            period=self.period,
            today=self.today,
        )
        ctx["rules"] = RULES
        return ctx


class ScorecardExportView(PeriodMixin, View):
    """The period's ranking as an Excel file."""

    def get(self, request, *args, **kwargs):
        card = scorecard(period=self.period, today=self.today)
        response = HttpResponse(scorecard_xlsx(card), content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=xlsx_filename(self.period)
        )
        return response


class WeightsForm(forms.Form):
    """One row per indicator: weight (0–100), active; for 督办单 the points per notice."""

    def __init__(self, *args, weights, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for weight in weights:
            prefix = weight.indicator
            self.fields[f"{prefix}-weight"] = forms.DecimalField(
                label=gettext_lazy("权重"),
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=weight.weight,
            )
            self.fields[f"{prefix}-is_active"] = forms.BooleanField(
                label=gettext_lazy("启用"), required=False, initial=weight.is_active
            )
            names = [f"{prefix}-weight", f"{prefix}-is_active"]
            if weight.indicator == Indicator.SUPERVISION_NOTICES:
                self.fields[f"{prefix}-penalty"] = forms.DecimalField(
                    label=gettext_lazy("每件扣分"),
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    initial=weight.penalty,
                )
                names.append(f"{prefix}-penalty")
            self.rows.append((weight, [self[name] for name in names]))
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def values(self) -> dict[str, dict]:
        values: dict[str, dict] = {}
        for name, value in self.cleaned_data.items():
            indicator, key = name.split("-", 1)
            values.setdefault(indicator, {})[key] = value
        return values


class ScorecardWeightsView(LoginRequiredMixin, TemplateView):
    """The weights in force; the office edits them, everyone else reads them."""

    template_name = "dashboard/scorecard/weights.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        weights = weights_in_force()
        ctx.setdefault("form", WeightsForm(weights=weights))
        ctx.update(weights=weights, can_edit=scope.writes_all, rules=RULES)
        return ctx

    def post(self, request, *args, **kwargs):
        if not user_scope(request.user).writes_all:
            raise PermissionDenied(_("考核权重由安委办设置。"))
        form = WeightsForm(request.POST, weights=weights_in_force())
        if form.is_valid():
            try:
                services.weights_update(actor=request.user, values=form.values())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("考核权重已保存。"))
                return redirect("dashboard:scorecard-weights")
        return self.render_to_response(self.get_context_data(form=form))


class ScorecardPublishView(PeriodMixin, View):
    """POST: the office freezes the period's ranking as an edition."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = f"{reverse('dashboard:scorecard')}?period={self.period.key}"
        if self.period_error:
            messages.error(request, self.period_error)
            return redirect(back)
        try:
            edition = services.scorecard_publish(
                actor=request.user,
                period=self.period,
                today=self.today,
                title=request.POST.get("title", "")[:200],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, _("考核结果已发布。"))
        return redirect(edition.get_absolute_url())


class ScorecardEditionListView(ScopedMixin, ListView):
    """Published editions, newest period first."""

    model = ScorecardEdition
    template_name = "dashboard/scorecard/edition_list.html"

    def base_queryset(self):
        return ScorecardEdition.objects.select_related("published_by").defer("rows")


class ScorecardEditionView(ScopedMixin, DetailView):
    """One published edition, as frozen."""

    model = ScorecardEdition
    template_name = "dashboard/scorecard/edition.html"

    def base_queryset(self):
        return ScorecardEdition.objects.select_related("published_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        edition = self.object
        codes = list(edition.weights or {})
        ctx["indicators"] = [(code, edition.weights[code]) for code in codes]
        ctx["table"] = [
            {
                "rank": row.get("rank"),
                "unit": row.get("unit"),
                "total": row.get("total"),
                "scores": [row.get("indicators", {}).get(code, {}).get("score") for code in codes],
            }
            for row in edition.rows or []
        ]
        return ctx
