from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recipient", "category", "unit", "created_at", "read_at"]
    list_filter = ["category", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body", "key", "recipient__username"]
    raw_id_fields = ["recipient", "unit"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "unit"]
