"""Admin for 督办 (IT's door). What the engine decides (numbers, dates, escalation) and what
the services record (reply, close) are read-only here: a notice moves only through
``portal.supervision.services``; the event log is never edited."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DeadlineEvent, SupervisionNotice

ENGINE_FIELDS = [
    "number",
    "year",
    "sequence",
    "source",
    "content_type",
    "object_id",
    "due_on",
    "issued_at",
    "issued_on",
    "response_due_on",
    "escalated_at",
    "interview_required",
]
SERVICE_FIELDS = [
    "state",
    "reply_reason",
    "reply_measures",
    "committed_on",
    "replied_at",
    "replied_by",
    "closed_at",
    "closed_by",
    "close_comment",
]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "item_title",
        "unit",
        "due_on",
        "issued_on",
        "response_due_on",
        "state",
        "interview_required",
    ]
    list_filter = ["state", "interview_required", "year", "source", "issued_on"]
    search_fields = ["number", "item_title", "unit__name"]
    list_select_related = ["unit"]
    readonly_fields = [*ENGINE_FIELDS, *SERVICE_FIELDS, "created_at", "updated_at"]
    autocomplete_fields = ["unit"]
    date_hierarchy = "issued_on"

    def has_add_permission(self, request):
        return False  # only the deadline engine issues notices


@admin.register(DeadlineEvent)
class DeadlineEventAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "stage", "due_on", "unit", "occurred_at"]
    list_filter = ["stage", "source", "due_on"]
    search_fields = ["title"]
    list_select_related = ["unit"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
