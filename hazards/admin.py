"""Admin for the hazard ledger (IT's door), every model with its history. A hazard's code and
everything its lifecycle sets (state, acceptance, 销号, the original deadline) are read-only
here: they move only through ``hazards.services``, which check each step, record a
``HazardEvent`` and notify whoever must act."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Campaign,
    CitizenReport,
    DualReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardListing,
    HazardPhoto,
    ListingProgress,
)

# Set by the lifecycle services only; an edit here would bypass their checks and events.
HAZARD_ENGINE_FIELDS = [
    "code",
    "state",
    "reported_by",
    "reporting_unit",
    "original_deadline",
    "rectified_on",
    "accepted_by",
    "accepted_at",
    "acceptance_comment",
    "closed_at",
    "rejection_reason",
    "created_at",
    "updated_at",
]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class HazardEventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ["kind", "actor", "unit", "at", "from_state", "to_state", "comment"]


class HazardPhotoInline(ReadOnlyInline):
    model = HazardPhoto
    fields = ["kind", "file", "name", "size", "content_type", "uploaded_by"]


class HazardExtensionInline(ReadOnlyInline):
    model = HazardExtension
    fields = ["previous_deadline", "requested_deadline", "reason", "state", "decided_by"]


@admin.register(Hazard)
class HazardAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "township",
        "address",
        "grade",
        "state",
        "responsible_unit",
        "supervising_unit",
        "deadline",
        "found_on",
    ]
    list_filter = ["state", "grade", "source", "township", "found_on"]
    search_fields = ["code", "description", "address", "found_by", "enterprise__name"]
    list_select_related = ["township", "responsible_unit", "supervising_unit"]
    autocomplete_fields = ["township", "responsible_unit", "supervising_unit", "enterprise"]
    raw_id_fields = ["grid", "campaign"]
    readonly_fields = HAZARD_ENGINE_FIELDS
    date_hierarchy = "found_on"
    inlines = [HazardPhotoInline, HazardExtensionInline, HazardEventInline]

    def has_add_permission(self, request):
        return False  # a hazard is reported through hazard_report, which gives it its code


@admin.register(HazardEvent)
class HazardEventAdmin(SimpleHistoryAdmin):
    list_display = ["hazard", "kind", "actor", "unit", "at", "from_state", "to_state"]
    list_filter = ["kind", "to_state"]
    search_fields = ["hazard__code", "comment", "actor__username"]
    list_select_related = ["hazard", "actor", "unit"]
    readonly_fields = [
        "hazard",
        "kind",
        "actor",
        "unit",
        "at",
        "from_state",
        "to_state",
        "comment",
        "data",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HazardPhoto)
class HazardPhotoAdmin(SimpleHistoryAdmin):
    list_display = ["name", "hazard", "kind", "size", "uploaded_by", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["name", "hazard__code"]
    list_select_related = ["hazard", "uploaded_by"]
    readonly_fields = ["hazard", "kind", "file", "name", "size", "content_type", "uploaded_by"]

    def has_add_permission(self, request):
        return False  # uploads are checked by content in hazards.services


@admin.register(HazardExtension)
class HazardExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["hazard", "previous_deadline", "requested_deadline", "state", "decided_at"]
    list_filter = ["state"]
    search_fields = ["hazard__code", "reason"]
    list_select_related = ["hazard"]
    readonly_fields = [
        "hazard",
        "previous_deadline",
        "requested_deadline",
        "requested_by",
        "requested_at",
        "state",
        "decided_by",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False


class ListingProgressInline(ReadOnlyInline):
    model = ListingProgress
    fields = ["period_end", "narrative", "reported_by", "reported_at"]


@admin.register(HazardListing)
class HazardListingAdmin(SimpleHistoryAdmin):
    list_display = ["notice_number", "hazard", "authority", "listed_on", "deadline", "state"]
    list_filter = ["state", "authority"]
    search_fields = ["notice_number", "authority", "hazard__code"]
    list_select_related = ["hazard"]
    readonly_fields = ["hazard", "state", "lifted_on", "lifted_by"]
    inlines = [ListingProgressInline]

    def has_add_permission(self, request):
        return False  # the office lists through hazard_list (重大, open hazards only)


@admin.register(ListingProgress)
class ListingProgressAdmin(SimpleHistoryAdmin):
    list_display = ["listing", "period_end", "reported_by", "reported_at"]
    search_fields = ["listing__notice_number", "listing__hazard__code", "narrative"]
    list_select_related = ["listing__hazard", "reported_by"]
    readonly_fields = ["listing", "period_end", "reported_by", "reported_at"]

    def has_add_permission(self, request):
        return False


@admin.register(DualReport)
class DualReportAdmin(SimpleHistoryAdmin):
    list_display = ["hazard", "recipient", "reported_on", "recorded_by"]
    list_filter = ["recipient"]
    search_fields = ["hazard__code", "note"]
    list_select_related = ["hazard", "recorded_by"]
    readonly_fields = ["hazard", "recipient", "recorded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "starts_on", "ends_on", "lead_unit", "industry"]
    list_filter = ["starts_on", "industry"]
    search_fields = ["name", "description", "scope"]
    list_select_related = ["lead_unit", "industry"]
    autocomplete_fields = ["lead_unit"]
    filter_horizontal = ["townships"]
    raw_id_fields = ["series", "milestone"]
    date_hierarchy = "starts_on"


@admin.register(CitizenReport)
class CitizenReportAdmin(SimpleHistoryAdmin):
    list_display = ["receipt_code", "address", "township", "state", "created_at", "triaged_at"]
    list_filter = ["state", "township"]
    search_fields = ["receipt_code", "description", "address"]
    list_select_related = ["township", "hazard"]
    readonly_fields = [
        "receipt_code",
        "client_fingerprint",
        "state",
        "hazard",
        "triaged_by",
        "triaged_at",
        "dismissal_reason",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # citizens report through the public form
