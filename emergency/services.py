"""Writes on emergency preparedness: plans (and their revisions, evaluations and withdrawal),
drills, rescue teams, stockpiles and their movements, and shelters.

Every service is keyword-only and atomic, checks the actor against the object inside the
transaction (``require``) and keeps what is derived: a plan's evaluation and drill due dates
(``emergency.rules``) and a stockpile's quantity, which only ``stock_move`` changes and which
always equals the sum of its movements. Every door — pages, API, import, demo — calls these.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.maps import check_coordinates
from portal.notifications.services import notify, office_user_ids, unit_user_ids
from portal.permissions import require, restrict
from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

from .choices import MovementKind, PlanOwnerKind, PlanState, ShelterFacility
from .models import Drill, Plan, PlanEvaluation, RescueTeam, Shelter, StockMovement, Stockpile
from .rules import derive_dates

NOTIFY_CATEGORY = "emergency"
INITIAL_STOCK_REASON = "初始入库"

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
TEAM_FIELDS = frozenset(
    {
        "name",
        "kind",
        "specialty",
        "unit",
        "township",
        "enterprise",
        "member_count",
        "leader",
        "leader_phone",
        "duty_phone",
        "equipment",
        "address",
        "latitude",
        "longitude",
        "readiness",
        "readiness_checked_on",
        "established_on",
        "is_active",
        "note",
    }
)
STOCKPILE_FIELDS = frozenset(
    {
        "name",
        "category",
        "specification",
        "measure_unit",
        "minimum_quantity",
        "place",
        "owner_unit",
        "township",
        "custodian",
        "custodian_phone",
        "expires_on",
        "latitude",
        "longitude",
        "note",
    }
)
SHELTER_FIELDS = frozenset(
    {
        "name",
        "shelter_type",
        "category",
        "township",
        "address",
        "effective_area",
        "capacity",
        "facilities",
        "signage_done",
        "latitude",
        "longitude",
        "manager_unit",
        "manager",
        "manager_phone",
        "public_phone",
        "opened_on",
        "is_public",
        "note",
    }
)

# Which of township / industry / enterprise each kind of owner must name.
OWNER_REQUIRES = {
    PlanOwnerKind.TOWNSHIP: "township",
    PlanOwnerKind.INDUSTRY: "industry",
    PlanOwnerKind.ENTERPRISE: "enterprise",
}
EDITABLE_PLAN_STATES = (PlanState.DRAFT, PlanState.IN_FORCE)


# --- shared steps -------------------------------------------------------------------------------


def _lock(model, obj):
    # Only the row itself: PostgreSQL refuses FOR UPDATE on the nullable side of outer joins.
    return model.objects.select_for_update(of=("self",)).get(pk=obj.pk)


def _check_fields(fields: dict, allowed: frozenset) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(
            _("这些字段不能在此修改：%(fields)s") % {"fields": "、".join(unknown)}
        )


def _assign(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _start(model, actor, instance, fields: dict, allowed: frozenset, *, before=None):
    """The object to write (new, or the stored one locked) with ``fields`` applied, after the
    actor is allowed to change the stored one (and ``before(stored)`` has looked at it);
    returns (object, action)."""
    _check_fields(fields, allowed)
    if instance is None or instance.pk is None:
        obj, action = instance or model(), "add"
    else:
        obj, action = _lock(model, instance), "change"
        require(actor, "change", obj)
        if before is not None:
            before(obj)
    _assign(obj, fields)
    return obj, action


def _require_scope(actor, obj, action: str) -> None:
    """Before saving: a new object must lie in the actor's scope."""
    if action == "add":
        require(actor, "add", obj)


def _require_kept(actor, obj, action: str) -> None:
    """After saving a change: the actor may still change it. A unit never hands a record to
    another unit; the transaction is undone when it tries."""
    if (
        action != "add"
        and not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "change").exists()
    ):
        raise PermissionDenied(_("不能把“%(obj)s”改为其他单位的记录。") % {"obj": obj})


def _stamp(obj, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]


def _check_township(obj, *names: str) -> dict:
    errors = {}
    for name in names:
        unit = getattr(obj, name) if getattr(obj, f"{name}_id") else None
        if unit is not None and unit.kind != OrgUnit.Kind.TOWNSHIP:
            errors[name] = _("“%(unit)s”不是镇街区。") % {"unit": unit.name}
    return errors


def _not_future(obj, *names: str) -> dict:
    today = timezone.localdate()
    errors = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, datetime.date) and value > today:
            errors[name] = _("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
    return errors


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _store_file(obj, name: str, kinds: tuple[str, ...]) -> None:
    """Check a newly uploaded file by content and give it a random stored name: a person's file
    name never becomes a path on the server. A file already stored passes untouched."""
    file = getattr(obj, name)
    if not file or getattr(file, "_committed", False):
        return
    upload = file.file if isinstance(file, FieldFile) else file
    try:
        info = validate_upload(upload, kinds=kinds)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc
    upload.name = f"{uuid.uuid4().hex}{os.path.splitext(info.name)[1].lower()}"
    setattr(obj, name, upload)


def _decimal(value, field: str, *, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        raise ValidationError({field: _("“%(value)s”不是数字。") % {"value": value}}) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        message = _("数量须大于0。") if positive else _("数量不能为负数。")
        raise ValidationError({field: message})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("数量最多保留两位小数。")})
    return number.quantize(Decimal("0.01"))


def _qty(number: Decimal) -> str:
    return f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"


def _link(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is built in parallel
        return ""


# --- plans --------------------------------------------------------------------------------------


def _check_plan(plan: Plan) -> None:
    errors = _check_township(plan, "township")
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
    if plan.state == PlanState.IN_FORCE and plan.issued_on is None:
        errors["issued_on"] = _("现行有效的预案须填写发布日期。")
    errors.update(_not_future(plan, "issued_on", "reviewed_on", "filed_on", "last_evaluated_on"))
    if plan.review_result and not plan.reviewed_on:
        errors.setdefault("reviewed_on", _("填写评审（论证）结论时须填写评审日期。"))
    if (
        plan.last_evaluated_on
        and plan.issued_on
        and plan.last_evaluated_on < plan.issued_on
        and "last_evaluated_on" not in errors
    ):
        errors["last_evaluated_on"] = _("评估日期不能早于发布日期。")
    _raise(errors)


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

    plan, action = _start(Plan, actor, instance, fields, PLAN_FIELDS, before=editable)
    if plan.state not in EDITABLE_PLAN_STATES:
        raise ValidationError({"state": _("预案的修订和废止请使用“修订”“废止”操作。")})
    if was == [PlanState.IN_FORCE] and plan.state == PlanState.DRAFT:
        raise ValidationError({"state": _("现行有效的预案不能改回编制中。")})
    if action == "add":
        plan.created_by = actor
    _fill_from_enterprise(plan)
    _require_scope(actor, plan, action)
    _check_plan(plan)
    _store_file(plan, "file", ("pdf", "office"))
    derive_dates(plan)
    plan.full_clean()
    _stamp(plan, actor)
    plan.save()
    _require_kept(actor, plan, action)
    return plan


@transaction.atomic
def plan_revise(*, actor, plan: Plan, version: str, issued_on: datetime.date, **fields) -> Plan:
    """Issue a new version of a plan in force: it supersedes the old one (已修订替代), and its
    evaluation and drill cycles start from its own issue date."""
    old = _lock(Plan, plan)
    require(actor, "change", old)
    if old.state != PlanState.IN_FORCE:
        raise ValidationError(
            _("只能修订现行有效的预案；“%(plan)s”%(state)s。")
            % {"plan": old, "state": old.get_state_display()},
            code="state",
        )
    _check_fields(fields, REVISION_FIELDS)
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
    _raise(errors)
    new = Plan(
        **{name: getattr(old, name) for name in REVISION_CARRIES},
        version=version,
        issued_on=issued_on,
        supersedes=old,
        state=PlanState.IN_FORCE,
        created_by=actor,
    )
    _assign(new, fields)
    _fill_from_enterprise(new)
    _check_plan(new)
    _store_file(new, "file", ("pdf", "office"))
    derive_dates(new)
    new.full_clean(exclude=["supersedes"])
    old.state = PlanState.SUPERSEDED
    derive_dates(old)
    _stamp(old, actor, _("修订为%(version)s版") % {"version": version})
    old.save()
    _stamp(new, actor, _("修订自%(version)s版") % {"version": old.version})
    new.save()
    _require_kept(actor, new, "change")
    return new


@transaction.atomic
def plan_withdraw(*, actor, plan: Plan, reason: str) -> Plan:
    """Withdraw (废止) a plan with the reason, kept in its history; it has no due dates after."""
    plan = _lock(Plan, plan)
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
    _stamp(plan, actor, _("废止：%(reason)s") % {"reason": reason})
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
    plan = _lock(Plan, plan)
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
        errors.update(_not_future(evaluation, "evaluated_on"))
        if plan.issued_on and evaluated_on < plan.issued_on:
            errors["evaluated_on"] = _("评估日期不能早于预案发布日期（%(date)s）。") % {
                "date": plan.issued_on.isoformat()
            }
    if not evaluation.conclusion:
        errors["conclusion"] = _("请填写评估结论。")
    _raise(errors)
    evaluation.full_clean()
    _stamp(evaluation, actor)
    evaluation.save()
    if plan.last_evaluated_on is None or evaluated_on > plan.last_evaluated_on:
        plan.last_evaluated_on = evaluated_on
        derive_dates(plan)
        _stamp(plan, actor, _("评估"))
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
            _stamp(plan, actor, _("演练"))
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
    drill, action = _start(
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
    errors.update(_check_township(drill, "township"))
    if "held_on" not in errors:
        errors.update(_not_future(drill, "held_on"))
    _raise(errors)
    _require_scope(actor, drill, action)
    units = None if participating_units is None else list(participating_units)
    if units is not None and not all(isinstance(unit, OrgUnit) for unit in units):
        raise ValidationError({"participating_units": _("参演单位无效。")})
    _store_file(drill, "report_file", ("pdf", "office", "image"))
    drill.full_clean()
    _stamp(drill, actor)
    drill.save()
    _require_kept(actor, drill, action)
    if units is not None:
        drill.participating_units.set(units)
    _follow_drills({drill.plan_id, *previous}, actor)
    return drill


# --- rescue teams -------------------------------------------------------------------------------


@transaction.atomic
def team_save(*, actor, instance: RescueTeam | None = None, **fields) -> RescueTeam:
    """Create or change a rescue team (救援队伍); its unit or township keeps it up to date."""
    team, action = _start(RescueTeam, actor, instance, fields, TEAM_FIELDS)
    if team.enterprise_id and not team.township_id:
        team.township_id = team.enterprise.township_id
    _require_scope(actor, team, action)
    errors = _check_township(team, "township")
    errors.update(_not_future(team, "readiness_checked_on", "established_on"))
    _raise(errors)
    check_coordinates(team)
    team.full_clean()
    _stamp(team, actor)
    team.save()
    _require_kept(actor, team, action)
    return team


# --- stockpiles ---------------------------------------------------------------------------------


@transaction.atomic
def stockpile_save(
    *, actor, instance: Stockpile | None = None, initial_quantity=0, **fields
) -> Stockpile:
    """Create or change a stockpile (储备物资). A new one's initial quantity is recorded as an
    入库 movement (初始入库); editing never touches the quantity — ``stock_move`` does."""
    if "quantity" in fields:
        raise ValidationError({"quantity": _("库存数量只能通过出入库记录变动。")})
    initial = _decimal(initial_quantity, "initial_quantity")
    creating = instance is None or instance.pk is None
    if not creating and initial:
        raise ValidationError({"initial_quantity": _("已建档物资的数量只能通过出入库记录变动。")})
    stockpile, action = _start(Stockpile, actor, instance, fields, STOCKPILE_FIELDS)
    if creating:
        stockpile.quantity = Decimal("0")
    _require_scope(actor, stockpile, action)
    _raise(_check_township(stockpile, "township"))
    stockpile.minimum_quantity = _decimal(stockpile.minimum_quantity, "minimum_quantity")
    check_coordinates(stockpile)
    stockpile.full_clean()
    _stamp(stockpile, actor)
    stockpile.save()
    _require_kept(actor, stockpile, action)
    if initial:
        _move(
            actor,
            stockpile,
            kind=MovementKind.IN,
            quantity=initial,
            occurred_on=timezone.localdate(),
            reason=INITIAL_STOCK_REASON,
            reference="",
        )
    return stockpile


@transaction.atomic
def stock_move(
    *,
    actor,
    stockpile: Stockpile,
    kind: str,
    quantity,
    occurred_on: datetime.date,
    reason: str,
    reference: str = "",
) -> StockMovement:
    """Move stock in (入库), out (出库) or write it off (损耗报废). The row is locked, so two
    movements never read the same balance; a balance below zero is refused; falling below the
    minimum tells the owner unit and the office."""
    stockpile = _lock(Stockpile, stockpile)
    require(actor, "change", stockpile)
    errors = {}
    if kind not in MovementKind.values:
        errors["kind"] = _("出入库类别“%(kind)s”无效。") % {"kind": kind}
    try:
        quantity = _decimal(quantity, "quantity", positive=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if occurred_on is None:
        errors["occurred_on"] = _("请填写发生日期。")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("发生日期不能晚于今天。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写事由。")
    _raise(errors)
    return _move(
        actor,
        stockpile,
        kind=kind,
        quantity=quantity,
        occurred_on=occurred_on,
        reason=reason.strip(),
        reference=(reference or "").strip(),
    )


def _move(actor, stockpile, *, kind, quantity, occurred_on, reason, reference) -> StockMovement:
    before = stockpile.quantity
    after = before + quantity if kind == MovementKind.IN else before - quantity
    if after < 0:
        raise ValidationError(
            {
                "quantity": _("出库后库存不能为负：现有 %(quantity)s%(unit)s")
                % {"quantity": _qty(before), "unit": stockpile.measure_unit}
            }
        )
    movement = StockMovement(
        stockpile=stockpile,
        kind=kind,
        quantity=quantity,
        balance_after=after,
        occurred_on=occurred_on,
        reason=reason,
        reference=reference,
        actor=actor,
    )
    movement.full_clean()
    _stamp(movement, actor)
    movement.save()
    stockpile.quantity = after
    _stamp(stockpile, actor, str(movement.get_kind_display()))
    stockpile.save(update_fields=["quantity", "updated_at"])
    if after < stockpile.minimum_quantity <= before:
        _notify_low(stockpile, movement)
    return movement


def _notify_low(stockpile: Stockpile, movement: StockMovement) -> None:
    recipients = unit_user_ids(stockpile.owner_unit) + office_user_ids()
    notify(
        recipients=recipients,
        title=_("物资低于最低储备量：%(name)s") % {"name": stockpile.name},
        body=_(
            "%(place)s的%(name)s现有%(quantity)s%(unit)s，最低储备量%(minimum)s%(unit)s，请及时补充。"
        )
        % {
            "place": stockpile.place,
            "name": stockpile.name,
            "quantity": _qty(stockpile.quantity),
            "minimum": _qty(stockpile.minimum_quantity),
            "unit": stockpile.measure_unit,
        },
        link=_link(stockpile),
        category=NOTIFY_CATEGORY,
        unit=stockpile.owner_unit,
        key=f"emergency.stock-low:{stockpile.pk}:{movement.pk}",
    )


# --- shelters -----------------------------------------------------------------------------------


@transaction.atomic
def shelter_save(*, actor, instance: Shelter | None = None, **fields) -> Shelter:
    """Create or change an emergency shelter (应急避难场所); its township or managing unit keeps
    it up to date."""
    shelter, action = _start(Shelter, actor, instance, fields, SHELTER_FIELDS)
    if not shelter.manager_unit_id and shelter.township_id:
        shelter.manager_unit_id = shelter.township_id
    errors = _check_township(shelter, "township")
    facilities = shelter.facilities or []
    if not isinstance(facilities, (list, tuple)):
        errors["facilities"] = _("配套设施须为列表。")
    else:
        wrong = [str(f) for f in facilities if f not in ShelterFacility.values]
        if wrong:
            errors["facilities"] = _("配套设施无效：%(values)s") % {"values": "、".join(wrong)}
        shelter.facilities = list(dict.fromkeys(facilities))
    errors.update(_not_future(shelter, "opened_on"))
    _raise(errors)
    _require_scope(actor, shelter, action)
    check_coordinates(shelter)
    shelter.full_clean()
    if shelter.capacity <= 0:
        errors["capacity"] = _("可容纳人数须大于0。")
    if shelter.effective_area <= 0:
        errors["effective_area"] = _("有效避难面积须大于0。")
    _raise(errors)
    _stamp(shelter, actor)
    shelter.save()
    _require_kept(actor, shelter, action)
    return shelter
