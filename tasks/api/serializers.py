"""Serializers of the task ledger's API. Lights, roll-ups and shares are read-only: they are
derived by ``tasks.selectors`` when the rows are fetched."""

from __future__ import annotations

from rest_framework import serializers

from portal.permissions import restrict
from responsibilities.models import OrgUnit

from ..choices import Light
from ..models import Assignment, Directive, Milestone, ProgressReport, Section, Task


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key the requesting user may only point at rows they may see."""

    def get_queryset(self):
        request = self.context.get("request")
        return restrict(super().get_queryset(), getattr(request, "user", None), "view")


class DirectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = [
            "id",
            "title",
            "doc_number",
            "issuer",
            "issued_on",
            "implements",
            "is_demo",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f not in ("title", "doc_number")]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "directive", "number", "title", "order"]


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["unit", "unit_name", "role", "via_group"]


class MilestoneSerializer(serializers.ModelSerializer):
    """A milestone with its derived state: ``light``, ``done_on``, the roll-up of the units'
    approved values (``rollup_value``), each unit's share (``unit_values``) and ``progress``
    (percent of the target)."""

    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    started = serializers.BooleanField(read_only=True)
    rollup_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True
    )
    unit_values = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2), read_only=True
    )
    progress = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "task",
            "text",
            "due_on",
            "recurrence_months",
            "series",
            "target_value",
            "target_unit",
            "target_subject",
            "target_comparator",
            "order",
            "light",
            "done_on",
            "started",
            "rollup_value",
            "unit_values",
            "progress",
        ]
        read_only_fields = ["task", "text", "recurrence_months", "series", "order"]


class TaskSerializer(serializers.ModelSerializer):
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, default=None)
    assignments = AssignmentSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "directive",
            "section",
            "number",
            "title",
            "body",
            "lead_unit",
            "lead_unit_name",
            "assignments",
            "light",
            "milestones",
        ]


class ProgressReportSerializer(serializers.ModelSerializer):
    milestone = ScopedRelatedField(queryset=Milestone.objects.all())
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    corrects = ScopedRelatedField(
        queryset=ProgressReport.objects.all(), required=False, allow_null=True
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    task = serializers.IntegerField(source="milestone.task_id", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "task",
            "milestone",
            "unit",
            "unit_name",
            "value",
            "narrative",
            "completes",
            "corrects",
            "state",
            "state_display",
            "author",
            "submitted_at",
            "confirmed_by",
            "confirmed_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "state",
            "author",
            "submitted_at",
            "confirmed_by",
            "confirmed_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "created_at",
            "updated_at",
        ]


class ReportCommentSerializer(serializers.Serializer):
    """The comment of a review step (required to return a report)."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")
