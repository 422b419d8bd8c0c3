"""救援队伍, 物资储备 and 应急避难场所: teams and shelters kept by their unit or township, and
stockpiles whose quantity only movements change — never below zero, always explained."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.maps import check_coordinates
from portal.notifications.services import notify, office_user_ids, unit_user_ids
from portal.permissions import require

from ..choices import MovementKind, ShelterFacility
from ..models import RescueTeam, Shelter, StockMovement, Stockpile
from .base import (
    NOTIFY_CATEGORY,
    check_township,
    format_quantity,
    link_to,
    lock,
    not_future,
    parse_quantity,
    raise_errors,
    require_kept,
    require_scope,
    stamp,
    start,
)

INITIAL_STOCK_REASON = "初始入库"

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


# --- rescue teams -------------------------------------------------------------------------------


@transaction.atomic
def team_save(*, actor, instance: RescueTeam | None = None, **fields) -> RescueTeam:
    """Create or change a rescue team (救援队伍); its unit or township keeps it up to date."""
    team, action = start(RescueTeam, actor, instance, fields, TEAM_FIELDS)
    if team.enterprise_id and not team.township_id:
        team.township_id = team.enterprise.township_id
    require_scope(actor, team, action)
    errors = check_township(team, "township")
    errors.update(not_future(team, "readiness_checked_on", "established_on"))
    raise_errors(errors)
    check_coordinates(team)
    team.full_clean()
    stamp(team, actor)
    team.save()
    require_kept(actor, team, action)
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
    initial = parse_quantity(initial_quantity, "initial_quantity")
    creating = instance is None or instance.pk is None
    if not creating and initial:
        raise ValidationError({"initial_quantity": _("已建档物资的数量只能通过出入库记录变动。")})
    stockpile, action = start(Stockpile, actor, instance, fields, STOCKPILE_FIELDS)
    if creating:
        stockpile.quantity = Decimal("0")
    require_scope(actor, stockpile, action)
    raise_errors(check_township(stockpile, "township"))
    stockpile.minimum_quantity = parse_quantity(stockpile.minimum_quantity, "minimum_quantity")
    check_coordinates(stockpile)
    stockpile.full_clean()
    stamp(stockpile, actor)
    stockpile.save()
    require_kept(actor, stockpile, action)
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
    stockpile = lock(Stockpile, stockpile)
    require(actor, "change", stockpile)
    errors = {}
    if kind not in MovementKind.values:
        errors["kind"] = _("出入库类别“%(kind)s”无效。") % {"kind": kind}
    try:
        quantity = parse_quantity(quantity, "quantity", positive=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not isinstance(occurred_on, datetime.date):
        errors["occurred_on"] = _("请填写发生日期。")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("发生日期不能晚于今天。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写事由。")
    raise_errors(errors)
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
                % {"quantity": format_quantity(before), "unit": stockpile.measure_unit}
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
    stamp(movement, actor)
    movement.save()
    stockpile.quantity = after
    stamp(stockpile, actor, str(movement.get_kind_display()))
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
            "quantity": format_quantity(stockpile.quantity),
            "minimum": format_quantity(stockpile.minimum_quantity),
            "unit": stockpile.measure_unit,
        },
        link=link_to(stockpile),
        category=NOTIFY_CATEGORY,
        unit=stockpile.owner_unit,
        key=f"emergency.stock-low:{stockpile.pk}:{movement.pk}",
    )


# --- shelters -----------------------------------------------------------------------------------


@transaction.atomic
def shelter_save(*, actor, instance: Shelter | None = None, **fields) -> Shelter:
    """Create or change an emergency shelter (应急避难场所); its township or managing unit keeps
    it up to date."""
    shelter, action = start(Shelter, actor, instance, fields, SHELTER_FIELDS)
    if not shelter.manager_unit_id and shelter.township_id:
        shelter.manager_unit_id = shelter.township_id
    errors = check_township(shelter, "township")
    facilities = shelter.facilities or []
    if not isinstance(facilities, (list, tuple)):
        errors["facilities"] = _("配套设施须为列表。")
    else:
        wrong = [str(f) for f in facilities if f not in ShelterFacility.values]
        if wrong:
            errors["facilities"] = _("配套设施无效：%(values)s") % {"values": "、".join(wrong)}
        else:
            shelter.facilities = list(dict.fromkeys(facilities))
    errors.update(not_future(shelter, "opened_on"))
    raise_errors(errors)
    require_scope(actor, shelter, action)
    check_coordinates(shelter)
    shelter.full_clean()
    if shelter.capacity <= 0:
        errors["capacity"] = _("可容纳人数须大于0。")
    if shelter.effective_area <= 0:
        errors["effective_area"] = _("有效避难面积须大于0。")
    raise_errors(errors)
    stamp(shelter, actor)
    shelter.save()
    require_kept(actor, shelter, action)
    return shelter
