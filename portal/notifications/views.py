"""The inbox page and its two actions (mark one read, mark all read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from .selectors import notifications_for, unread_count
from .services import notification_mark_read, notifications_mark_all_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return notifications_for(self.request.user)


class NotificationMarkReadView(LoginRequiredMixin, View):
    """POST: mark one read. With htmx the row re-renders in place."""

    def post(self, request, pk):
        notification = get_object_or_404(notifications_for(request.user), pk=pk)
        notification = notification_mark_read(actor=request.user, notification=notification)
        if request.htmx:
            return render(
                request,
                "notifications/row.html",
                {"n": notification, "unread_count": unread_count(request.user), "oob": True},
            )
        return redirect("notifications:list")


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = notifications_mark_all_read(actor=request.user)
        messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
        return redirect("notifications:list")
