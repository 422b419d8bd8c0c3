"""Writes on the unit side of the responsibility system: units, memberships, industries,
the division of supervision duties (安全监管责任分工), grids and grid officers.

Every door — pages, API, admin, imports — calls these. Each one is atomic, validates with
``full_clean()`` and checks the actor's right with ``require`` inside the transaction.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.permissions import forget_scope, require, user_scope

from ..models import (
    Grid,
    GridOfficer,
    Industry,
    Membership,
    OrgUnit,
    SupervisionDuty,
    UnitGroup,
)
from ..selectors import normalize_unit_name

# What a unit's own staff and leaders may change about their unit; the rest is the office's.
ORG_UNIT_CONTACT_FIELDS = frozenset({"contact_person", "phone", "email", "address"})


def _apply(obj, fields: dict, *, allowed: set[str] | None = None) -> set[str]:
    """Set ``fields`` on ``obj``; return the names whose value actually changed."""
    editable = {f.name for f in obj._meta.get_fields() if getattr(f, "editable", False)}
    unknown = set(fields) - editable if allowed is None else set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("不能通过此操作修改该字段。") for name in sorted(unknown)})
    changed = set()
    for name, value in fields.items():
        # A new object's relations are unset (reading them raises): everything given counts.
        if obj.pk is None or getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def _stamp(obj, actor):
    """Record ``actor`` as the author of the history entry, whichever door the call came in."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor


# --- units ----------------------------------------------------------------------------------


def _clean_aliases(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError({"aliases": _("别名须为文字列表。")})
    seen, out = set(), []
    for alias in value:
        alias = alias.strip()
        key = normalize_unit_name(alias)
        if key and key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def org_unit_check(unit: OrgUnit) -> None:
    """Rules across rows (also shown early by the admin's form): no parent cycles, and no name a directive could read two ways."""
    errors = {}
    seen, parent = {unit.pk}, unit.parent
    while parent is not None:
        if parent.pk in seen:
            errors["parent"] = _("上级单位不能是本单位或其下级单位。")
            break
        seen.add(parent.pk)
        parent = parent.parent

    own = {normalize_unit_name(n) for n in (unit.name, unit.short_name, *unit.aliases)} - {""}
    others = OrgUnit.objects.exclude(pk=unit.pk).values_list("name", "short_name", "aliases")
    for name, short_name, aliases in others:
        theirs = {normalize_unit_name(n) for n in (name, short_name, *(aliases or []))} - {""}
        clash = own & theirs
        if clash:
            errors["aliases"] = _("名称“%(alias)s”已被%(unit)s使用，公文解析将无法区分。") % {
                "alias": sorted(clash)[0],
                "unit": name,
            }
            break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def org_unit_ensure_group(*, unit: OrgUnit) -> Group:
    """The unit's own auth group ``unit:<pk>``, the holder of django-guardian grants."""
    name = f"unit:{unit.pk}"
    if unit.group_id:
        group = unit.group
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        return group
    group, _created = Group.objects.get_or_create(name=name)
    unit.group = group
    # The group link is plumbing, not a change anyone made: it stays out of the history.
    unit.save_without_historical_record(update_fields=["group"])
    return group


@transaction.atomic
def org_unit_create(*, actor, **fields) -> OrgUnit:
    """Add a unit (a bureau, a township, a village…) and its permission group."""
    fields["aliases"] = _clean_aliases(fields.get("aliases"))
    unit = OrgUnit()
    _apply(unit, fields)
    require(actor, "add", unit)
    unit.full_clean()
    org_unit_check(unit)
    _stamp(unit, actor)
    unit.save()
    org_unit_ensure_group(unit=unit)
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, **fields) -> OrgUnit:
    """Change a unit. Its own staff and leaders may change only its contact details."""
    require(actor, "change", unit)
    if "aliases" in fields:
        fields["aliases"] = _clean_aliases(fields["aliases"])
    changed = _apply(unit, fields)
    if not user_scope(actor).writes_all:
        forbidden = changed - ORG_UNIT_CONTACT_FIELDS
        if forbidden:
            labels = "、".join(str(unit._meta.get_field(n).verbose_name) for n in sorted(forbidden))
            raise PermissionDenied(_("本单位人员只能修改联系方式，不能修改：%s") % labels)
    unit.full_clean()
    if changed & {"name", "short_name", "aliases", "parent"}:
        org_unit_check(unit)
    if changed:
        _stamp(unit, actor)
        unit.save()
    if "is_active" in changed:
        # Deactivating a unit takes its members' scope away at once.
        for membership in unit.memberships.select_related("user"):
            forget_scope(membership.user)
    return unit


# --- memberships ----------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, actor, user, unit: OrgUnit, role: str, title: str = "") -> Membership:
    """Make ``user`` staff (填报员) or leader (负责人) of ``unit``."""
    membership = Membership(user=user, unit=unit, role=role, title=title or "")
    require(actor, "add", membership)
    membership.full_clean()
    _stamp(membership, actor)
    membership.save()
    user.groups.add(org_unit_ensure_group(unit=unit))
    forget_scope(user)
    return membership


@transaction.atomic
def membership_update(*, actor, membership: Membership, **fields) -> Membership:
    """Change a member's role or title; the person and the unit stay (remove and add instead)."""
    require(actor, "change", membership)
    if _apply(membership, fields, allowed={"role", "title"}):
        membership.full_clean()
        _stamp(membership, actor)
        membership.save()
    forget_scope(membership.user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Take a person out of a unit, and out of the unit's permission group."""
    require(actor, "delete", membership)
    user, unit = membership.user, membership.unit
    _stamp(membership, actor)
    membership.delete()
    if unit.group_id:
        user.groups.remove(unit.group_id)
    forget_scope(user)


# --- unit groups (各镇街区, 安委会成员单位) -------------------------------------------------------


@transaction.atomic
def unit_group_create(*, actor, members=(), **fields) -> UnitGroup:
    fields["aliases"] = _clean_aliases(fields.get("aliases"))
    group = UnitGroup()
    _apply(group, fields)
    require(actor, "add", group)
    group.full_clean()
    _stamp(group, actor)
    group.save()
    if members:
        group.members.set(members)
    return group


@transaction.atomic
def unit_group_update(*, actor, group: UnitGroup, members=None, **fields) -> UnitGroup:
    require(actor, "change", group)
    if "aliases" in fields:
        fields["aliases"] = _clean_aliases(fields["aliases"])
    if _apply(group, fields):
        group.full_clean()
        _stamp(group, actor)
        group.save()
    if members is not None:
        group.members.set(members)
    return group


# --- industries and the division of supervision duties ---------------------------------------


@transaction.atomic
def industry_create(*, actor, **fields) -> Industry:
    industry = Industry()
    _apply(industry, fields)
    require(actor, "add", industry)
    industry.full_clean()
    _stamp(industry, actor)
    industry.save()
    return industry


@transaction.atomic
def industry_update(*, actor, industry: Industry, **fields) -> Industry:
    require(actor, "change", industry)
    if _apply(industry, fields):
        seen, parent = {industry.pk}, industry.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("上级行业不能是本行业或其下级行业。")})
            seen.add(parent.pk)
            parent = parent.parent
        industry.full_clean()
        _stamp(industry, actor)
        industry.save()
    return industry


@transaction.atomic
def supervision_duty_set(
    *, actor, industry: Industry, kind: str, unit: OrgUnit | None, scope_note: str = ""
) -> SupervisionDuty | None:
    """Say which unit supervises ``industry`` as ``kind`` (行业主管 / 专业监管); None clears it."""
    duty = SupervisionDuty.objects.filter(industry=industry, kind=kind).first()
    if unit is None:
        if duty is not None:
            require(actor, "delete", duty)
            _stamp(duty, actor)
            duty.delete()
        return None
    if duty is None:
        duty = SupervisionDuty(industry=industry, kind=kind, unit=unit)
        require(actor, "add", duty)
    else:
        require(actor, "change", duty)
    if unit.pk and not unit.is_active:
        raise ValidationError({"unit": _("%s已停用，不能承担监管职责。") % unit})
    duty.unit = unit
    duty.scope_note = scope_note or ""
    duty.full_clean()
    _stamp(duty, actor)
    duty.save()
    return duty


# --- grids and grid officers (网格化实名制监管名册) --------------------------------------------


def _require_township_in_scope(actor, grid: Grid) -> None:
    """A township's staff keep their grids inside their own township."""
    scope = user_scope(actor)
    if not scope.writes_all and not grid.scope_allows_add(scope):
        raise PermissionDenied(_("不能把网格划入其他镇街区：%s") % grid.township)


@transaction.atomic
def grid_create(*, actor, **fields) -> Grid:
    grid = Grid()
    _apply(grid, fields)
    require(actor, "add", grid)
    grid.full_clean()
    _stamp(grid, actor)
    grid.save()
    return grid


@transaction.atomic
def grid_update(*, actor, grid: Grid, **fields) -> Grid:
    require(actor, "change", grid)
    changed = _apply(grid, fields)
    if "township" in changed:
        _require_township_in_scope(actor, grid)
    if changed:
        grid.full_clean()
        _stamp(grid, actor)
        grid.save()
    return grid


@transaction.atomic
def grid_officer_create(*, actor, grid: Grid, **fields) -> GridOfficer:
    officer = GridOfficer(grid=grid)
    _apply(officer, fields)
    require(actor, "add", officer)
    officer.full_clean()
    _stamp(officer, actor)
    officer.save()
    return officer


@transaction.atomic
def grid_officer_update(*, actor, officer: GridOfficer, **fields) -> GridOfficer:
    require(actor, "change", officer)
    changed = _apply(officer, fields)
    if "grid" in changed:
        scope = user_scope(actor)
        if not scope.writes_all and not officer.scope_allows_add(scope):
            raise PermissionDenied(_("不能把网格员调入其他镇街区的网格。"))
    if changed:
        officer.full_clean()
        _stamp(officer, actor)
        officer.save()
    return officer


@transaction.atomic
def grid_officer_remove(*, actor, officer: GridOfficer) -> None:
    require(actor, "delete", officer)
    _stamp(officer, actor)
    officer.delete()
