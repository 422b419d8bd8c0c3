"""督办单 pages: the list (the office sees all, a unit its own) and one notice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.views import PortalDetailView, PortalListView

from .models import SupervisionNotice


class NoticeListView(PortalListView):
    model = SupervisionNotice
    columns = [
        ("number", _("督办单编号")),
        ("item_title", _("督办事项")),
        ("unit", _("责任单位")),
        ("due_on", _("原定完成时限")),
        ("response_due_on", _("反馈期限")),
        ("get_state_display", _("状态")),
    ]

    def base_queryset(self):
        return SupervisionNotice.objects.select_related("unit")


class NoticeDetailView(PortalDetailView):
    model = SupervisionNotice
    fields = [
        ("number", _("督办单编号")),
        ("item_title", _("督办事项")),
        ("unit", _("责任单位")),
        ("due_on", _("原定完成时限")),
        ("issued_on", _("下发日期")),
        ("response_due_on", _("反馈期限")),
        ("get_state_display", _("状态")),
    ]

    def base_queryset(self):
        return SupervisionNotice.objects.select_related("unit")
