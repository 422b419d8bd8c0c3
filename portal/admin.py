from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import WorkdayOverride, YearCounter


@admin.register(YearCounter)
class YearCounterAdmin(admin.ModelAdmin):
    """Numbers handed out per year (隐患编号, 督办单): read-only, never reused."""

    list_display = ["name", "year", "last"]
    list_filter = ["name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name", "note"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
