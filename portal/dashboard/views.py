"""/dashboard/ — 综合看板: the office's one screen over every register, scoped to the user."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from .selectors import dashboard


class DashboardView(LoginRequiredMixin, TemplateView):
    """Figures and charts from ``selectors.dashboard``; ``?directive=<pk>`` picks the
    directive whose progress is shown."""

    template_name = "dashboard/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        raw = self.request.GET.get("directive", "")
        directive_id = int(raw) if raw.isdigit() else None
        ctx["board"] = dashboard(
            user=self.request.user, today=timezone.localdate(), directive_id=directive_id
        )
        return ctx
