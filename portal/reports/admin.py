from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(SimpleHistoryAdmin):
    list_display = ["title", "user", "format", "state", "rows_done", "rows_total", "created_at"]
    list_filter = ["state", "format", "exporter"]
    search_fields = ["title", "exporter", "user__username"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    # The file is downloaded through the owner-only view, not from here.
    exclude = ["file"]
    readonly_fields = ["rows_done", "rows_total", "error", "finished_at"]
