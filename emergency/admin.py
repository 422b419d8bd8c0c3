"""Admin for emergency preparedness (IT's door), every model with its history.

What the rules derive is read-only here: a plan's next evaluation and drill dates follow from
its type, issue date, evaluations and drills through ``emergency.services``; a stockpile's
quantity and a movement's balance follow only from movements recorded by ``stock_move``, so
the balance is always explained. Plans, drills, evaluations, stockpiles and movements are
therefore added on the portal's pages (or the import), never here.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Drill,
    Plan,
    PlanEvaluation,
    RescueTeam,
    Shelter,
    StockMovement,
    Stockpile,
)

# Kept by the services from the rules; an edit here would leave the dates unexplained.
PLAN_DERIVED_FIELDS = ["evaluation_due", "drill_cycle_months", "last_drill_on", "drill_due"]
# The rules' inputs and the version chain: changed through plan_revise / plan_withdraw /
# plan_evaluate (which recompute the dates above), not typed over.
PLAN_RULE_FIELDS = [
    "plan_type",
    "owner_kind",
    "enterprise",
    "state",
    "supersedes",
    "issued_on",
    "last_evaluated_on",
]
STOCK_NOTICE = _(
    "库存数量只能通过出入库记录变动（入库、出库、损耗报废），每次变动都记录事由和变动后结存，"
    "因此这里不能新增或修改出入库记录；请在物资储备页面办理出入库。"
)


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: reverting would restore an old quantity or old
    derived dates without the movement or the rule that explains them."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class PlanEvaluationInline(ReadOnlyInline):
    model = PlanEvaluation
    fields = ["evaluated_on", "needs_revision", "conclusion", "evaluated_by"]


class DrillInline(ReadOnlyInline):
    model = Drill
    fields = ["held_on", "title", "form", "scale", "organiser", "evaluation"]


@admin.register(Plan)
class PlanAdmin(NoRevertHistoryAdmin):
    list_display = [
        "title",
        "plan_type",
        "owner_kind",
        "owner_unit",
        "township",
        "industry",
        "version",
        "state",
        "issued_on",
        "evaluation_due",
        "drill_due",
    ]
    list_filter = ["state", "plan_type", "owner_kind", "review_result", "township", "industry"]
    search_fields = [
        "title",
        "document_number",
        "filing_number",
        "scenario",
        "owner_unit__name",
        "enterprise__name",
    ]
    list_select_related = ["owner_unit", "township", "industry"]
    autocomplete_fields = ["owner_unit", "township", "industry"]
    readonly_fields = [*PLAN_RULE_FIELDS, *PLAN_DERIVED_FIELDS, "created_by"]
    date_hierarchy = "issued_on"
    inlines = [PlanEvaluationInline, DrillInline]

    def has_add_permission(self, request):
        return False  # plan_save derives the evaluation and drill dates of a new plan


@admin.register(PlanEvaluation)
class PlanEvaluationAdmin(NoRevertHistoryAdmin):
    list_display = ["plan", "evaluated_on", "needs_revision", "evaluated_by"]
    list_filter = ["needs_revision", "evaluated_on"]
    search_fields = ["plan__title", "conclusion"]
    list_select_related = ["plan", "evaluated_by"]
    readonly_fields = ["plan", "evaluated_on", "needs_revision", "evaluated_by"]

    def has_add_permission(self, request):
        return False  # plan_evaluate moves the plan's next evaluation date


@admin.register(Drill)
class DrillAdmin(NoRevertHistoryAdmin):
    list_display = ["title", "plan", "held_on", "form", "scale", "organiser", "evaluation"]
    list_filter = ["form", "scale", "evaluation", "township", "held_on"]
    search_fields = ["title", "plan__title", "location", "problems_found"]
    list_select_related = ["plan", "organiser"]
    autocomplete_fields = ["organiser", "township", "participating_units"]
    # Which plan was drilled and when decide the plan's next drill (drill_record keeps it).
    readonly_fields = ["plan", "held_on", "recorded_by"]
    date_hierarchy = "held_on"

    def has_add_permission(self, request):
        return False  # drill_record moves the plan's last and next drill dates


@admin.register(RescueTeam)
class RescueTeamAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "specialty",
        "unit",
        "township",
        "member_count",
        "readiness",
        "is_active",
    ]
    list_filter = ["kind", "specialty", "readiness", "is_active", "township"]
    search_fields = ["name", "leader", "duty_phone", "equipment", "enterprise__name"]
    list_select_related = ["unit", "township"]
    autocomplete_fields = ["unit", "township", "enterprise"]


class StockMovementInline(ReadOnlyInline):
    model = StockMovement
    fields = ["occurred_on", "kind", "quantity", "balance_after", "reason", "reference", "actor"]
    show_change_link = False


@admin.register(Stockpile)
class StockpileAdmin(NoRevertHistoryAdmin):
    list_display = [
        "name",
        "category",
        "quantity",
        "minimum_quantity",
        "measure_unit",
        "owner_unit",
        "township",
        "expires_on",
    ]
    list_filter = ["category", "owner_unit", "township", "expires_on"]
    search_fields = ["name", "specification", "place", "custodian"]
    list_select_related = ["owner_unit", "township"]
    autocomplete_fields = ["owner_unit", "township"]
    readonly_fields = ["quantity"]
    inlines = [StockMovementInline]

    def has_add_permission(self, request):
        return False  # stockpile_save records the initial quantity as a movement

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"subtitle": STOCK_NOTICE, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(StockMovement)
class StockMovementAdmin(NoRevertHistoryAdmin):
    """Read only: a movement added, changed or deleted here would leave the stockpile's
    quantity unexplained (and skip the low-stock check)."""

    list_display = [
        "stockpile",
        "kind",
        "quantity",
        "balance_after",
        "occurred_on",
        "reason",
        "actor",
    ]
    list_filter = ["kind", "occurred_on"]
    search_fields = ["stockpile__name", "reason", "reference"]
    list_select_related = ["stockpile", "actor"]
    readonly_fields = [
        "stockpile",
        "kind",
        "quantity",
        "balance_after",
        "occurred_on",
        "reason",
        "reference",
        "actor",
    ]
    date_hierarchy = "occurred_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {"subtitle": STOCK_NOTICE, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"subtitle": STOCK_NOTICE, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Shelter)
class ShelterAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "shelter_type",
        "category",
        "township",
        "capacity",
        "effective_area",
        "signage_done",
        "is_public",
    ]
    list_filter = ["shelter_type", "category", "signage_done", "is_public", "township"]
    search_fields = ["name", "address", "manager"]
    list_select_related = ["township", "manager_unit"]
    autocomplete_fields = ["township", "manager_unit"]
