"""Reads of the responsibility system: who supervises what, what a group token stands for,
which unit a name in a directive means, and the querysets the pages and the API list."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Count, Prefetch, Q, QuerySet

from portal.permissions import restrict

from .choices import UnitGroupRule, UnitKind
from .models import Grid, GridOfficer, Industry, Membership, OrgUnit, SupervisionDuty, UnitGroup

_SPACES = re.compile(r"\s+")


def normalize_unit_name(text: str | None) -> str:
    """The form names are compared in: full-width folded to half-width (NFKC), no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def resolve_unit_name(text: str | None) -> OrgUnit | None:
    """The active unit whose name, short name or an alias is ``text`` (normalised), else None.

    The full name wins over a short name, a short name over an alias; a name that two units
    share at the same rank is ambiguous and resolves to nothing rather than to a guess.
    """
    key = normalize_unit_name(text)
    if not key:
        return None
    ranks: list[list[OrgUnit]] = [[], [], []]
    for unit in OrgUnit.objects.filter(is_active=True).only("name", "short_name", "aliases"):
        if normalize_unit_name(unit.name) == key:
            ranks[0].append(unit)
        elif normalize_unit_name(unit.short_name) == key:
            ranks[1].append(unit)
        elif any(normalize_unit_name(a) == key for a in unit.aliases or []):
            ranks[2].append(unit)
    for found in ranks:
        if len(found) == 1:
            return OrgUnit.objects.get(pk=found[0].pk)
        if found:
            return None
    return None


def supervisor_for(industry: Industry | None, kind: str) -> OrgUnit | None:
    """The unit that supervises ``industry`` as ``kind`` under the division of duties.

    An industry without its own entry falls back to its parent industry's.
    """
    seen = set()
    while industry is not None and industry.pk not in seen:
        seen.add(industry.pk)
        duty = (
            SupervisionDuty.objects.select_related("unit")
            .filter(industry=industry, kind=kind, unit__is_active=True)
            .first()
        )
        if duty is not None:
            return duty.unit
        industry = industry.parent
    return None


def expand_unit_group(group: UnitGroup) -> QuerySet[OrgUnit]:
    """The active units a group token (各镇街区, 安委会成员单位, an explicit list) stands for."""
    units = OrgUnit.objects.filter(is_active=True)
    if group.rule == UnitGroupRule.TOWNSHIPS:
        return units.filter(kind=UnitKind.TOWNSHIP)
    if group.rule == UnitGroupRule.COMMITTEE:
        return units.filter(is_committee_member=True)
    return units.filter(unit_groups=group)


# --- lists and details for pages, API and exports --------------------------------------------


def org_unit_list(*, user, action: str = "view") -> QuerySet[OrgUnit]:
    return restrict(OrgUnit.objects.select_related("parent"), user, action)


def org_unit_members(*, user, unit: OrgUnit) -> QuerySet[Membership]:
    return restrict(
        Membership.objects.filter(unit=unit).select_related("user", "user__profile"),
        user,
        "view",
    )


def org_unit_duties(*, user, unit: OrgUnit) -> QuerySet[SupervisionDuty]:
    return restrict(
        SupervisionDuty.objects.filter(unit=unit).select_related("industry"), user, "view"
    )


def org_unit_enterprise_counts(*, user, unit: OrgUnit) -> dict[str, int]:
    """How many enterprises (in the user's view) the unit supervises, by kind of supervision."""
    from .models import Enterprise

    return restrict(Enterprise.objects.filter(is_active=True), user, "view").aggregate(
        territorial=Count("pk", filter=Q(territorial_supervisor=unit)),
        industry=Count("pk", filter=Q(industry_supervisor=unit)),
        professional=Count("pk", filter=Q(professional_supervisor=unit)),
    )


def unit_group_list(*, user) -> QuerySet[UnitGroup]:
    return restrict(UnitGroup.objects.prefetch_related("members"), user, "view")


def membership_list(*, user) -> QuerySet[Membership]:
    return restrict(
        Membership.objects.select_related("user", "user__profile", "unit"), user, "view"
    )


def industry_list(*, user) -> QuerySet[Industry]:
    return restrict(Industry.objects.select_related("parent"), user, "view")


def supervision_duty_list(*, user) -> QuerySet[SupervisionDuty]:
    return restrict(SupervisionDuty.objects.select_related("industry", "unit"), user, "view")


def duty_table(*, user) -> list[dict]:
    """The division of supervision duties as rows: industry → {kind: duty}."""
    duties = supervision_duty_list(user=user)
    industries = industry_list(user=user).prefetch_related(
        Prefetch("duties", queryset=duties, to_attr="visible_duties")
    )
    rows = []
    for industry in industries:
        rows.append({"industry": industry, "duties": {d.kind: d for d in industry.visible_duties}})
    return rows


def grid_list(*, user, action: str = "view") -> QuerySet[Grid]:
    return restrict(
        Grid.objects.select_related("township")
        .annotate(officer_count=Count("officers"))
        .order_by("township__sort_order", "code"),
        user,
        action,
    )


def grid_officers(*, user, grid: Grid) -> QuerySet[GridOfficer]:
    return restrict(grid.officers.select_related("user"), user, "view")


def grid_officer_list(*, user) -> QuerySet[GridOfficer]:
    return restrict(
        GridOfficer.objects.select_related("grid", "grid__township", "user"), user, "view"
    )
