"""The inbox page and its two actions (mark one read, mark all read), the person's channel
preferences, and the office's page of deliveries that need attention."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from portal.permissions import user_scope

from .models import NotificationPreference
from .selectors import deliveries_needing_attention, notifications_for, unread_count
from .services import (
    delivery_retry,
    notification_mark_read,
    notification_preference_set,
    notifications_mark_all_read,
    preference_for,
)


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


class NotificationPreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("推送方式"),
        choices=NotificationPreference.Mode.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    email_enabled = forms.BooleanField(
        label=gettext_lazy("电子邮件"),
        required=False,
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )
    sms_enabled = forms.BooleanField(
        label=gettext_lazy("短信"),
        required=False,
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )


class NotificationPreferenceView(LoginRequiredMixin, View):
    """The person's own choice: immediate or a daily digest, and which channels."""

    template_name = "notifications/preferences.html"

    def get(self, request):
        preference = preference_for(request.user)
        form = NotificationPreferenceForm(
            initial={
                "mode": preference.mode,
                "email_enabled": preference.email_enabled,
                "sms_enabled": preference.sms_enabled,
            }
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = NotificationPreferenceForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        notification_preference_set(actor=request.user, user=request.user, **form.cleaned_data)
        messages.success(request, _("通知偏好已保存。"))
        return redirect("notifications:preferences")


class OfficeOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).writes_all:
            raise PermissionDenied(_("仅安委办和管理员可查看通知投递。"))
        return super().dispatch(request, *args, **kwargs)


class DeliveryListView(OfficeOnlyMixin, ListView):
    """Failed and pending deliveries, with their errors, for the office to follow up."""

    template_name = "notifications/deliveries.html"
    context_object_name = "deliveries"
    paginate_by = 50

    def get_queryset(self):
        return deliveries_needing_attention(self.request.user)


class DeliveryRetryView(OfficeOnlyMixin, View):
    def post(self, request, pk):
        delivery = get_object_or_404(deliveries_needing_attention(request.user), pk=pk)
        try:
            delivery_retry(actor=request.user, delivery=delivery)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已重新排队发送：%(target)s") % {"target": delivery.target})
        return redirect("notifications:deliveries")
