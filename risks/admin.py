"""Admin for the risk register (IT's door), every model with its history. A point's code, its
level and the dates the assessments derive (last assessed, review due, level changed), an
assessment's score and level, and a white paper's frozen snapshot are read-only here: they
move only through ``risks.services``, which compute them from the thresholds in force and
notify whoever must act."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    IndustryRestriction,
    ProjectScreening,
    RiskPoint,
    RiskThreshold,
    WhitePaper,
)

# Derived by risks.services from the assessments; an edit here would bypass 从严从高.
POINT_DERIVED_FIELDS = [
    "code",
    "level",
    "level_changed_at",
    "last_assessed_on",
    "review_due",
    "registered_by",
    "created_at",
    "updated_at",
]
ASSESSMENT_INPUT_FIELDS = [
    "risk_point",
    "method",
    "likelihood",
    "exposure",
    "consequence",
    "severity",
    "score",
    "level",
    "assessed_on",
    "assessor",
    "assessor_name",
]


class AssessmentInline(admin.TabularInline):
    model = Assessment
    extra = 0
    can_delete = False
    fields = [
        "assessed_on",
        "method",
        "likelihood",
        "exposure",
        "consequence",
        "severity",
        "score",
        "level",
        "assessor_name",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RiskPoint)
class RiskPointAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "township",
        "category",
        "level",
        "responsible_unit",
        "responsible_person",
        "review_due",
        "is_active",
    ]
    list_filter = ["level", "category", "kind", "control_level", "is_active", "township"]
    search_fields = ["code", "name", "address", "responsible_person", "enterprise__name"]
    list_select_related = ["township", "responsible_unit"]
    autocomplete_fields = ["township", "responsible_unit", "enterprise"]
    raw_id_fields = ["grid", "industry"]
    readonly_fields = POINT_DERIVED_FIELDS
    date_hierarchy = "review_due"
    inlines = [AssessmentInline]

    def has_add_permission(self, request):
        return False  # registered through risk_point_register, which gives it its code


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["risk_point", "method", "score", "level", "assessed_on", "assessor_name"]
    list_filter = ["method", "level", "assessed_on"]
    search_fields = ["risk_point__code", "risk_point__name", "assessor_name", "note"]
    list_select_related = ["risk_point", "assessor"]
    readonly_fields = ASSESSMENT_INPUT_FIELDS
    date_hierarchy = "assessed_on"

    def has_add_permission(self, request):
        return False  # recorded through assessment_record, which computes score and level


@admin.register(RiskThreshold)
class RiskThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["method", "level", "min_score", "max_score", "note"]
    list_filter = ["method"]
    search_fields = ["note"]
    # Bands are changed through threshold_update, which keeps them in order and apart.
    readonly_fields = ["method", "level", "min_score", "max_score"]

    def has_add_permission(self, request):
        return False


@admin.register(IndustryRestriction)
class IndustryRestrictionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "kind", "sector", "name", "is_sample_data", "is_active"]
    list_filter = ["kind", "is_sample_data", "is_active"]
    search_fields = ["number", "name", "sector", "conditions"]
    raw_id_fields = ["industry"]


@admin.register(ProjectScreening)
class ProjectScreeningAdmin(SimpleHistoryAdmin):
    list_display = ["project_name", "industry_text", "township", "verdict", "created_at"]
    list_filter = ["verdict", "in_central_city"]
    search_fields = ["project_name", "industry_text", "address"]
    list_select_related = ["township", "screened_by"]
    readonly_fields = [
        "verdict",
        "in_central_city",
        "matched",
        "nearby",
        "screened_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # a screening is the catalogue's verdict, given by the service


@admin.register(WhitePaper)
class WhitePaperAdmin(SimpleHistoryAdmin):
    list_display = ["title", "as_of", "previous", "published_by"]
    search_fields = ["title", "foreword"]
    list_select_related = ["previous", "published_by"]
    readonly_fields = ["as_of", "snapshot", "previous", "published_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # an edition is published by the service, which freezes its snapshot
