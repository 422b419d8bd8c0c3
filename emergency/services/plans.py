"""应急预案 and 应急演练: plans (create, correct, revise, withdraw, evaluate) and their drills;
each keeps the plan's due dates from ``emergency.rules``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.permissions import require, restrict
from responsibilities.models import OrgUnit

from ..choices import PlanOwnerKind, PlanState
from ..models import Drill, Plan, PlanEvaluation
from ..rules import derive_dates
from .base import (
    assign,
    check_fields,
    check_township,
    lock,
    not_future,
    raise_errors,
    require_kept,
    require_scope,
    stamp,
    start,
    store_file,
)

PLAN_FIELDS = frozenset(
    {
        "title",
        "document_number",
        "plan_type",
        "owner_kind",
        "owner_unit",
        "township",
        "industry",
        "enterprise",
        "scenario",
        "summary",
        "version",
        "state",
        "issued_on",
        "review_kind",
        "reviewed_on",
        "review_result",
        "filed_on",
        "filing_number",
        "filing_authority",
        "file",
        "last_evaluated_on",
    }
)
# A revision carries the plan's identity over; its version, dates and review are its own.
REVISION_CARRIES = (
    "title",
    "plan_type",
    "owner_kind",
    "owner_unit",
    "township",
    "industry",
    "enterprise",
    "scenario",
    "summary",
    "filing_authority",
)
REVISION_FIELDS = PLAN_FIELDS - {"state", "last_evaluated_on", "version", "issued_on"}
DRILL_FIELDS = frozenset(
    {
        "plan",
        "title",
        "held_on",
        "form",
        "scale",
        "organiser",
        "township",
        "location",
        "participants",
        "scenario",
        "evaluation",
        "evaluation_text",
        "problems_found",
        "improvements",
        "report_file",
    }
)
# Which of township / industry / enterprise each kind of owner must name.
OWNER_REQUIRES = {
    PlanOwnerKind.TOWNSHIP: "township",
    PlanOwnerKind.INDUSTRY: "industry",
    PlanOwnerKind.ENTERPRISE: "enterprise",
}
EDITABLE_PLAN_STATES = (PlanState.DRAFT, PlanState.IN_FORCE)


def _check_plan(plan: Plan) -> None:
    errors = check_township(plan, "township")
    required = OWNER_REQUIRES.get(plan.owner_kind)
    labels = {
        "township": _("所在镇街区"),
        "industry": _("行业领域"),
        "enterprise": _("生产经营单位"),
    }
    if required and not getattr(plan, f"{required}_id") and required not in errors:
        errors[required] = _("%(kind)s预案须选择%(field)s。") % {
            "kind": plan.get_owner_kind_display(),
            "field": labels[required],
        }
    if plan.owner_kind == PlanOwnerKind.CITY and plan.township_id:
        errors["township"] = _("市级预案不属于某个镇街区。")
    elif (
        plan.owner_unit_id
        and plan.township_id
        and plan.owner_unit.kind == OrgUnit.Kind.TOWNSHIP
        and plan.owner_unit_id != plan.township_id
        and "township" not in errors
    ):
        # A township answers for plans in its own territory, not a neighbour's.
        errors["township"] = _("编制单位“%(unit)s”是镇街区，预案所在镇街区须为该镇街区。") % {
            "unit": plan.owner_unit.name
        }
    if plan.state == PlanState.IN_FORCE and plan.issued_on is None:
        errors["issued_on"] = _("现行有效的预案须填写发布日期。")
    errors.update(not_future(plan, "issued_on", "reviewed_on", "filed_on", "last_evaluated_on"))
    if plan.review_result and not plan.reviewed_on:
        errors.setdefault("reviewed_on", _("填写评审（论证）结论时须填写评审日期。"))
    if (
        plan.last_evaluated_on
        and plan.issued_on
        and plan.last_evaluated_on < plan.issued_on
        and "last_evaluated_on" not in errors
    ):
        errors["last_evaluated_on"] = _("评估日期不能早于发布日期。")
    raise_errors(errors)


def _fill_from_enterprise(plan: Plan) -> None:
    if plan.enterprise_id:
        if not plan.township_id:
            plan.township_id = plan.enterprise.township_id
        if not plan.industry_id:
            plan.industry_id = plan.enterprise.industry_id


@transaction.atomic
def plan_save(*, actor, instance: Plan | None = None, **fields) -> Plan:
    """Create a plan (编制中 or 现行有效) or correct one that is not withdrawn or superseded; a
    revision goes through ``plan_revise`` so the old version stays on record."""
    was = []

    def editable(stored: Plan) -> None:
        if stored.state not in EDITABLE_PLAN_STATES:
            raise ValidationError(
                _("“%(plan)s”%(state)s，不能修改。")
                % {"plan": stored, "state": stored.get_state_display()},
                code="state",
            )
        was.append(stored.state)

    plan, action = start(Plan, actor, instance, fields, PLAN_FIELDS, before=editable)
    if plan.state not in EDITABLE_PLAN_STATES:
        raise ValidationError({"state": _("预案的修订和废止请使用“修订”“废止”操作。")})
    if was == [PlanState.IN_FORCE] and plan.state == PlanState.DRAFT:
        raise ValidationError({"state": _("现行有效的预案不能改回编制中。")})
    if action == "add":
        plan.created_by = actor
    _fill_from_enterprise(plan)
    require_scope(actor, plan, action)
    _check_plan(plan)
    store_file(plan, "file", ("pdf", "office"))
    derive_dates(plan)
    plan.full_clean()
    stamp(plan, actor)
    plan.save()
    require_kept(actor, plan, action)
    return plan


@transaction.atomic
def plan_revise(*, actor, plan: Plan, version: str, issued_on: datetime.date, **fields) -> Plan:
    """Issue a new version of a plan in force: it supersedes the old one (已修订替代), and its
    evaluation and drill cycles start from its own issue date."""
    old = lock(Plan, plan)
    require(actor, "change", old)
    if old.state != PlanState.IN_FORCE:
        raise ValidationError(
            _("只能修订现行有效的预案；“%(plan)s”%(state)s。")
            % {"plan": old, "state": old.get_state_display()},
            code="state",
        )
    check_fields(fields, REVISION_FIELDS)
    version = (version or "").strip()
    errors = {}
    if not version:
        errors["version"] = _("请填写新版本号。")
    elif version == old.version:
        errors["version"] = _("新版本号须与现行版本（%(version)s）不同。") % {
            "version": old.version
        }
    if issued_on is None:
        errors["issued_on"] = _("请填写新版本的发布日期。")
    elif old.issued_on and issued_on < old.issued_on:
        errors["issued_on"] = _("新版本的发布日期不能早于上一版本（%(date)s）。") % {
            "date": old.issued_on.isoformat()
        }
    raise_errors(errors)
    new = Plan(
        **{name: getattr(old, name) for name in REVISION_CARRIES},
        version=version,
        issued_on=issued_on,
        supersedes=old,
        state=PlanState.IN_FORCE,
        created_by=actor,
    )
    assign(new, fields)
    _fill_from_enterprise(new)
    _check_plan(new)
    store_file(new, "file", ("pdf", "office"))
    derive_dates(new)
    new.full_clean()
    old.state = PlanState.SUPERSEDED
    derive_dates(old)
    stamp(old, actor, _("修订为%(version)s版") % {"version": version})
    old.save()
    stamp(new, actor, _("修订自%(version)s版") % {"version": old.version})
    new.save()
    require_kept(actor, new, "change")
    return new


@transaction.atomic
def plan_withdraw(*, actor, plan: Plan, reason: str) -> Plan:
    """Withdraw (废止) a plan with the reason, kept in its history; it has no due dates after."""
    plan = lock(Plan, plan)
    require(actor, "change", plan)
    if plan.state not in EDITABLE_PLAN_STATES:
        raise ValidationError(
            _("“%(plan)s”%(state)s，不能废止。")
            % {"plan": plan, "state": plan.get_state_display()},
            code="state",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写废止理由。")})
    if len(reason) > 90:
        raise ValidationError({"reason": _("废止理由不超过90字。")})
    plan.state = PlanState.WITHDRAWN
    derive_dates(plan)
    plan.full_clean()
    stamp(plan, actor, _("废止：%(reason)s") % {"reason": reason})
    plan.save()
    return plan


@transaction.atomic
def plan_evaluate(
    *,
    actor,
    plan: Plan,
    evaluated_on: datetime.date,
    conclusion: str,
    needs_revision: bool = False,
) -> PlanEvaluation:
    """Record an evaluation (预案评估) of a plan in force; the next one is due three years on."""
    plan = lock(Plan, plan)
    require(actor, "change", plan)
    if plan.state != PlanState.IN_FORCE:
        raise ValidationError(
            _("只能评估现行有效的预案；“%(plan)s”%(state)s。")
            % {"plan": plan, "state": plan.get_state_display()},
            code="state",
        )
    evaluation = PlanEvaluation(
        plan=plan,
        evaluated_on=evaluated_on,
        conclusion=(conclusion or "").strip(),
        needs_revision=bool(needs_revision),
        evaluated_by=actor,
    )
    errors = {}
    if evaluated_on is None:
        errors["evaluated_on"] = _("请填写评估日期。")
    else:
        errors.update(not_future(evaluation, "evaluated_on"))
        if plan.issued_on and evaluated_on < plan.issued_on:
            errors["evaluated_on"] = _("评估日期不能早于预案发布日期（%(date)s）。") % {
                "date": plan.issued_on.isoformat()
            }
    if not evaluation.conclusion:
        errors["conclusion"] = _("请填写评估结论。")
    raise_errors(errors)
    evaluation.full_clean()
    stamp(evaluation, actor)
    evaluation.save()
    if plan.last_evaluated_on is None or evaluated_on > plan.last_evaluated_on:
        plan.last_evaluated_on = evaluated_on
        derive_dates(plan)
        stamp(plan, actor, _("评估"))
        plan.save()
    return evaluation


# --- drills -------------------------------------------------------------------------------------


def _follow_drills(plan_ids: set[int], actor) -> None:
    """Each plan's last drill is its latest drill; its next drill is due from there."""
    for plan in Plan.objects.select_for_update(of=("self",)).filter(pk__in=plan_ids):
        before = (plan.last_drill_on, plan.drill_cycle_months, plan.drill_due)
        plan.last_drill_on = plan.drills.aggregate(latest=Max("held_on"))["latest"]
        derive_dates(plan)
        if (plan.last_drill_on, plan.drill_cycle_months, plan.drill_due) != before:
            stamp(plan, actor, _("演练"))
            plan.save(update_fields=["last_drill_on", "drill_cycle_months", "drill_due"])


@transaction.atomic
def drill_record(
    *,
    actor,
    instance: Drill | None = None,
    participating_units: Iterable[OrgUnit] | None = None,
    **fields,
) -> Drill:
    """Record a drill (应急演练) of a plan, or correct one; the plan's last drill and next
    drill due follow its latest drill. ``participating_units`` None leaves them as they are."""
    previous = []
    drill, action = start(
        Drill, actor, instance, fields, DRILL_FIELDS, before=lambda d: previous.append(d.plan_id)
    )
    if action == "add":
        drill.recorded_by = actor
    errors = {}
    plan = drill.plan if drill.plan_id else None
    if plan is None:
        errors["plan"] = _("请选择演练的预案。")
    else:
        if not restrict(Plan.objects.filter(pk=plan.pk), actor, "view").exists():
            raise PermissionDenied(_("您无权查看预案“%(plan)s”。") % {"plan": plan})
        if plan.state == PlanState.DRAFT:
            errors["plan"] = _("预案“%(plan)s”尚未发布，不能记录演练。") % {"plan": plan}
        if not drill.organiser_id:
            drill.organiser_id = plan.owner_unit_id
        if not drill.township_id and plan.township_id:
            drill.township_id = plan.township_id
        if drill.held_on and plan.issued_on and drill.held_on < plan.issued_on:
            errors["held_on"] = _("演练日期不能早于预案发布日期（%(date)s）。") % {
                "date": plan.issued_on.isoformat()
            }
    errors.update(check_township(drill, "township"))
    if "held_on" not in errors:
        errors.update(not_future(drill, "held_on"))
    raise_errors(errors)
    require_scope(actor, drill, action)
    units = None if participating_units is None else list(participating_units)
    if units is not None and not all(isinstance(unit, OrgUnit) for unit in units):
        raise ValidationError({"participating_units": _("参演单位无效。")})
    store_file(drill, "report_file", ("pdf", "office", "image"))
    drill.full_clean()
    stamp(drill, actor)
    drill.save()
    require_kept(actor, drill, action)
    if units is not None:
        drill.participating_units.set(units)
    _follow_drills({drill.plan_id, *previous}, actor)
    return drill
