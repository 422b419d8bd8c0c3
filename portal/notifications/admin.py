from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Notification, NotificationPreference, UnitWebhook


@admin.register(Notification)
class NotificationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recipient", "category", "unit", "created_at", "read_at"]
    list_filter = ["category", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body", "key", "recipient__username"]
    raw_id_fields = ["recipient", "unit"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "unit"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "mode", "email_enabled", "sms_enabled", "last_digest_at"]
    list_filter = ["mode", "email_enabled", "sms_enabled"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(UnitWebhook)
class UnitWebhookAdmin(SimpleHistoryAdmin):
    """The address carries the robot's key: the list shows it masked."""

    list_display = ["unit", "kind", "masked_url", "has_secret", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["unit__name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]

    @admin.display(description=_("Webhook 地址"))
    def masked_url(self, obj):
        return obj.masked_url

    @admin.display(description=_("加签"), boolean=True)
    def has_secret(self, obj):
        return bool(obj.secret)


@admin.register(Delivery)
class DeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["notification", "channel", "target", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["target", "notification__title"]
    raw_id_fields = ["notification"]
    readonly_fields = ["attempts", "last_error", "sent_at"]
    list_select_related = ["notification"]
