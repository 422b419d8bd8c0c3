"""Admin for the task ledger (IT's door). A progress report's review state is read-only here:
it moves only through ``tasks.services.reports`` (submit, confirm, approve, return), which
record each step and notify the next person."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    Directive,
    Milestone,
    ProgressReport,
    ReportEvidence,
    ReportStep,
    Section,
    Task,
)

# Set by the review services only; an edit here would bypass their checks and history steps.
REPORT_STATE_FIELDS = [
    "state",
    "submitted_at",
    "confirmed_by",
    "confirmed_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["number", "title", "order"]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["number", "title", "section", "lead_unit", "order"]
    autocomplete_fields = ["lead_unit"]
    show_change_link = True


@admin.register(Directive)
class DirectiveAdmin(SimpleHistoryAdmin):
    list_display = ["title", "doc_number", "issuer", "issued_on", "is_demo", "imported_by"]
    list_filter = ["is_demo", "issuer", "issued_on"]
    search_fields = ["title", "doc_number", "issuer"]
    list_select_related = ["imported_by"]
    readonly_fields = ["source_hash", "imported_by", "created_at", "updated_at"]
    inlines = [SectionInline, TaskInline]
    date_hierarchy = "issued_on"


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "directive", "order"]
    list_filter = ["directive"]
    search_fields = ["title", "number", "directive__title"]
    list_select_related = ["directive"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "role", "via_group", "order"]
    autocomplete_fields = ["unit"]


class MilestoneInline(admin.StackedInline):
    model = Milestone
    extra = 0
    fk_name = "task"
    fields = [
        "text",
        ("due_on", "recurrence_months", "series"),
        ("target_value", "target_unit", "target_subject", "target_comparator"),
        "order",
    ]
    raw_id_fields = ["series"]
    show_change_link = True


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "directive", "section", "lead_unit"]
    list_filter = ["directive", "lead_unit__kind"]
    search_fields = ["title", "body", "number", "lead_unit__name"]
    list_select_related = ["directive", "section", "lead_unit"]
    autocomplete_fields = ["lead_unit"]
    inlines = [AssignmentInline, MilestoneInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["task", "unit", "role", "via_group"]
    list_filter = ["role", "via_group", "unit__kind"]
    search_fields = ["task__title", "task__number", "unit__name"]
    list_select_related = ["task", "unit", "via_group"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["task"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["task", "due_on", "target_value", "target_unit", "target_subject"]
    list_filter = ["task__directive", "target_comparator", "due_on"]
    search_fields = ["text", "task__title", "task__number", "target_subject"]
    list_select_related = ["task"]
    raw_id_fields = ["task", "series"]
    date_hierarchy = "due_on"


class ReportEvidenceInline(admin.TabularInline):
    model = ReportEvidence
    extra = 0
    fields = ["file", "name", "size", "content_type", "uploaded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads are type- and size-checked by tasks.services.reports


class ReportStepInline(admin.TabularInline):
    model = ReportStep
    extra = 0
    fields = ["action", "actor", "at", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["milestone", "unit", "value", "state", "author", "submitted_at", "reviewed_at"]
    list_filter = ["state", "completes", "unit__kind", "milestone__task__directive"]
    search_fields = ["narrative", "unit__name", "milestone__task__title", "author__username"]
    list_select_related = ["milestone__task", "unit", "author"]
    raw_id_fields = ["milestone", "corrects", "author"]
    autocomplete_fields = ["unit"]
    readonly_fields = REPORT_STATE_FIELDS
    inlines = [ReportEvidenceInline, ReportStepInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state == ProgressReport.State.APPROVED:
            # An approved report is never edited: a correction is a new report.
            return [f.name for f in self.model._meta.concrete_fields]
        return super().get_readonly_fields(request, obj)


@admin.register(ReportEvidence)
class ReportEvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "report", "size", "content_type", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["name", "report__unit__name", "report__milestone__task__title"]
    list_select_related = ["report__unit", "report__milestone__task", "uploaded_by"]
    readonly_fields = ["file", "name", "size", "content_type", "uploaded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ReportStep)
class ReportStepAdmin(SimpleHistoryAdmin):
    list_display = ["report", "action", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["comment", "report__unit__name", "actor__username"]
    list_select_related = ["report__unit", "report__milestone__task", "actor"]
    readonly_fields = ["report", "action", "actor", "at", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
