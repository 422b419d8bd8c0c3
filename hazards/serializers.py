"""Serializers of the hazard ledger's API. A hazard's code, state and everything its lifecycle
sets are read-only: they move through the actions, which call ``hazards.services``."""

from __future__ import annotations

from rest_framework import serializers

from portal.permissions import user_scope
from responsibilities.api.units import ScopedRelatedField
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import DualReportRecipient, HazardGrade, PhotoKind
from .models import (
    Campaign,
    CitizenReport,
    DualReport,
    Hazard,
    HazardExtension,
    HazardListing,
    ListingProgress,
)

# What hazard_report takes (and hazard_update may change).
HAZARD_INPUT_FIELDS = [
    "township",
    "grid",
    "address",
    "latitude",
    "longitude",
    "description",
    "enterprise",
    "industry",
    "grade",
    "source",
    "campaign",
    "found_on",
    "found_by",
]


class HazardSerializer(serializers.ModelSerializer):
    township = ScopedRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP))
    grid = ScopedRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    enterprise = ScopedRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    industry = ScopedRelatedField(queryset=Industry.objects.all(), required=False, allow_null=True)
    campaign = ScopedRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", read_only=True, default=None
    )
    supervising_unit_name = serializers.CharField(
        source="supervising_unit.name", read_only=True, default=None
    )
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            *HAZARD_INPUT_FIELDS,
            "township_name",
            "grade_display",
            "state",
            "state_display",
            "reporting_unit",
            "responsible_unit",
            "responsible_unit_name",
            "supervising_unit",
            "supervising_unit_name",
            "rectification_person",
            "rectification_measures",
            "rectification_funds",
            "deadline",
            "original_deadline",
            "contingency_plan",
            "rectification_result",
            "rectified_on",
            "accepted_by",
            "accepted_at",
            "closed_at",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f not in HAZARD_INPUT_FIELDS]


class HazardConfirmSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    responsible_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    supervising_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    deadline = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField()


class HazardPlanSerializer(serializers.Serializer):
    """五落实: person, measures, funds and contingency plan (the time limit is the deadline)."""

    rectification_person = serializers.CharField(allow_blank=True)
    rectification_measures = serializers.CharField(allow_blank=True)
    rectification_funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    contingency_plan = serializers.CharField(allow_blank=True, required=False, default="")


class HazardSubmitSerializer(serializers.Serializer):
    result = serializers.CharField()
    rectified_on = serializers.DateField()
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class HazardPhotosSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    files = serializers.ListField(child=serializers.FileField(), min_length=1)


class ExtensionRequestSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField()


class ListingCreateSerializer(serializers.Serializer):
    authority = serializers.CharField()
    notice_number = serializers.CharField()
    listed_on = serializers.DateField()
    deadline = serializers.DateField()


class DualReportCreateSerializer(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=DualReportRecipient.choices)
    reported_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ListingProgressCreateSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    narrative = serializers.CharField()


class HazardExtensionSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = HazardExtension
        fields = [
            "id",
            "hazard",
            "hazard_code",
            "reason",
            "previous_deadline",
            "requested_deadline",
            "requested_by",
            "requested_at",
            "state",
            "state_display",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields


class ListingProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingProgress
        fields = ["id", "period_end", "narrative", "reported_by", "reported_at"]
        read_only_fields = fields


class HazardListingSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    progress = ListingProgressSerializer(many=True, read_only=True)

    class Meta:
        model = HazardListing
        fields = [
            "id",
            "hazard",
            "hazard_code",
            "authority",
            "notice_number",
            "listed_on",
            "deadline",
            "state",
            "state_display",
            "lifted_on",
            "lifted_by",
            "lift_comment",
            "progress",
        ]
        read_only_fields = fields


class DualReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DualReport
        fields = ["id", "hazard", "recipient", "reported_on", "note", "recorded_by"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    townships = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP), many=True, required=False
    )
    lead_unit = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    industry = ScopedRelatedField(queryset=Industry.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "description",
            "scope",
            "industry",
            "townships",
            "lead_unit",
            "starts_on",
            "ends_on",
            "recurrence_months",
            "series",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["series", "created_at", "updated_at"]


class CitizenReportSerializer(serializers.ModelSerializer):
    """A citizen's report; the contact is shown to the office (and admins) alone."""

    CONTACT_FIELDS = ("contact_name", "contact_phone")

    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CitizenReport
        fields = [
            "id",
            "receipt_code",
            "description",
            "township",
            "address",
            "latitude",
            "longitude",
            "photo",
            "contact_name",
            "contact_phone",
            "state",
            "state_display",
            "hazard",
            "triaged_by",
            "triaged_at",
            "dismissal_reason",
            "public_reply",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not user_scope(getattr(request, "user", None)).writes_all:
            for field in self.CONTACT_FIELDS:
                data.pop(field, None)
        return data


class CitizenTriageSerializer(serializers.Serializer):
    township = ScopedRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP))
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    address = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
