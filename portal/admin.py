from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import WorkdayOverride


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name", "note"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
