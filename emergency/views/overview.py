"""/emergency/ — the overview of emergency preparedness, and /emergency/coverage/ — the
coverage matrix with the directive's full-coverage milestone."""

from __future__ import annotations

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from portal.permissions import user_scope

from .. import coverage as coverage_selectors
from .. import selectors_plans as selectors


class OverviewView(LoginRequiredMixin, TemplateView):
    """Figures for plans, coverage, drills, teams, stock and shelters, each linking to the
    filtered list, and links to every register. A fixed number of queries."""

    template_name = "emergency/overview/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        ctx.update(
            today=today,
            year_start=f"{today.year}-01-01",
            scope=user_scope(user),
            soon_days=selectors.SOON_DAYS,
            plans=selectors.plan_figures(user=user, today=today),
            drills=selectors.drill_figures(user=user, today=today),
            resources=selectors.resource_figures(user=user, today=today),
            coverage=coverage_selectors.coverage_matrix(user=user),
        )
        return ctx


class CoverageView(LoginRequiredMixin, TemplateView):
    """The matrix now, or ``?as_of=YYYY-MM-DD``; and whether the full-coverage milestone
    (``?milestone=pk`` to pick another) was met by its due date."""

    template_name = "emergency/coverage/matrix.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        as_of, as_of_error = self.as_of()
        townships = coverage_selectors.township_rows(user=user)
        industries = coverage_selectors.industry_rows(user=user)
        matrix = coverage_selectors.coverage_matrix(
            user=user, as_of=as_of, townships=townships, industries=industries
        )
        milestones = list(coverage_selectors.coverage_milestones(user=user)[:20])
        milestone = self.pick(milestones)
        answer = (
            coverage_selectors.milestone_answer(
                user=user,
                milestone=milestone,
                today=today,
                townships=townships,
                industries=industries,
            )
            if milestone
            else None
        )
        ctx.update(
            coverage=matrix,
            as_of=as_of,
            as_of_error=as_of_error,
            today=today,
            milestones=milestones,
            milestone=milestone,
            answer=answer,
        )
        return ctx

    def as_of(self) -> tuple[datetime.date | None, str]:
        raw = (self.request.GET.get("as_of") or "").strip()
        if not raw:
            return None, ""
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            return None, _("日期“%(value)s”无效，请按 YYYY-MM-DD 填写；下表为当前情况。") % {
                "value": raw[:20]
            }
        return day, ""

    def pick(self, milestones):
        wanted = self.request.GET.get("milestone")
        if wanted:
            for milestone in milestones:
                if str(milestone.pk) == wanted:
                    return milestone
        return milestones[0] if milestones else None
