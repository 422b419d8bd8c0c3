"""Reads of emergency resources — rescue teams, stockpiles and their movements, shelters.

Every read takes the user and goes through ``restrict``; lists cost a fixed number of queries
at any size (``select_related`` for what their rows show, flags annotated, never computed per
row with a query). The public shelter map reads published shelters only, and only their
``Shelter.PUBLIC_FIELDS``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from portal.permissions import restrict
from responsibilities.models import OrgUnit

from .choices import ShelterFacility
from .models import RescueTeam, Shelter, StockMovement, Stockpile

# Stock expiring within this many days is flagged 临期 (and raised on the workbench).
EXPIRY_WARNING_DAYS = 30

# Planning targets for the capacity page: a township is flagged when its shelters hold less
# than this share of its residents, or give less effective area per resident than this (m²).
# Targets the office sets in its shelter plan, not a national norm; kept here, one place.
CAPACITY_SHARE_TARGET_PERCENT = Decimal("30")
AREA_PER_RESIDENT_TARGET = Decimal("0.5")


# --- rescue teams ---------------------------------------------------------------------------


def team_list(*, user) -> QuerySet[RescueTeam]:
    return restrict(
        RescueTeam.objects.select_related("unit", "township", "enterprise"), user, "view"
    )


def team_detail(*, user, pk: int) -> RescueTeam:
    return get_object_or_404(team_list(user=user), pk=pk)


# --- stockpiles and movements ---------------------------------------------------------------


def expiry_horizon(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=EXPIRY_WARNING_DAYS)


def low_stock_q() -> Q:
    return Q(quantity__lt=F("minimum_quantity"))


def expired_q(today: datetime.date | None = None) -> Q:
    return Q(expires_on__lt=today or timezone.localdate())


def expiring_q(today: datetime.date | None = None) -> Q:
    """Not yet expired, but within the warning window (the last day included)."""
    today = today or timezone.localdate()
    return Q(expires_on__gte=today, expires_on__lte=expiry_horizon(today))


def with_stock_flags(queryset: QuerySet[Stockpile]) -> QuerySet[Stockpile]:
    """``flag_low``, ``flag_expired`` and ``flag_expiring`` on each row, in the same query."""
    today = timezone.localdate()
    return queryset.annotate(
        flag_low=ExpressionWrapper(low_stock_q(), output_field=BooleanField()),
        flag_expired=ExpressionWrapper(expired_q(today), output_field=BooleanField()),
        flag_expiring=ExpressionWrapper(expiring_q(today), output_field=BooleanField()),
    )


def stockpile_list(*, user) -> QuerySet[Stockpile]:
    return with_stock_flags(
        restrict(Stockpile.objects.select_related("owner_unit", "township"), user, "view")
    )


def stockpile_detail(*, user, pk: int) -> Stockpile:
    return get_object_or_404(stockpile_list(user=user), pk=pk)


def stockpile_movements(*, user, stockpile: Stockpile) -> QuerySet[StockMovement]:
    """The stockpile's ledger, newest first, each with its actor."""
    return restrict(
        StockMovement.objects.filter(stockpile=stockpile).select_related("actor"), user, "view"
    )


def movement_list(*, user) -> QuerySet[StockMovement]:
    return restrict(
        StockMovement.objects.select_related("stockpile", "stockpile__owner_unit", "actor"),
        user,
        "view",
    )


def stock_needing_attention(*, user) -> QuerySet[Stockpile]:
    """Low, expired or soon-expiring stock the user answers for (their unit's or township's;
    everything for the office), the most urgent expiry first."""
    today = timezone.localdate()
    rows = restrict(Stockpile.objects.select_related("owner_unit"), user, "change").filter(
        low_stock_q() | Q(expires_on__lte=expiry_horizon(today))
    )
    return with_stock_flags(rows).order_by(F("expires_on").asc(nulls_last=True), "name", "pk")


# --- shelters -------------------------------------------------------------------------------


def shelter_list(*, user) -> QuerySet[Shelter]:
    return restrict(Shelter.objects.select_related("township", "manager_unit"), user, "view")


def shelter_detail(*, user, pk: int) -> Shelter:
    return get_object_or_404(shelter_list(user=user), pk=pk)


def shelters_without_signage(*, user) -> QuerySet[Shelter]:
    """Shelters the user answers for whose signs (标志标识) are not up yet."""
    return restrict(Shelter.objects.select_related("township"), user, "change").filter(
        signage_done=False
    )


def facility_labels(values) -> list[str]:
    labels = dict(ShelterFacility.choices)
    return [str(labels.get(value, value)) for value in values or ()]


@dataclass(frozen=True)
class TownshipCapacity:
    """One township's row on the capacity page."""

    township: OrgUnit
    shelters: int
    capacity: int
    effective_area: Decimal

    @property
    def population(self) -> int | None:
        return self.township.population

    @property
    def is_sample(self) -> bool:
        return self.township.is_sample_data

    @property
    def capacity_percent(self) -> Decimal | None:
        if not self.population:
            return None
        return (Decimal(self.capacity) * 100 / self.population).quantize(Decimal("0.1"))

    @property
    def area_per_resident(self) -> Decimal | None:
        if not self.population:
            return None
        return (self.effective_area / self.population).quantize(Decimal("0.01"))

    @property
    def is_low(self) -> bool:
        """Below either target, or no shelter at all; unknown population is not judged."""
        if not self.population:
            return False
        return (
            self.capacity_percent < CAPACITY_SHARE_TARGET_PERCENT
            or self.area_per_resident < AREA_PER_RESIDENT_TARGET
        )


def shelter_capacity_by_township(*, user) -> list[TownshipCapacity]:
    """Every active township with its shelters' count, capacity and effective area (two
    queries however many shelters)."""
    totals = {
        row["township"]: row
        for row in restrict(Shelter.objects.all(), user, "view")
        .order_by()
        .values("township")
        .annotate(count=Count("pk"), capacity=Sum("capacity"), area=Sum("effective_area"))
    }
    rows = []
    for township in OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True):
        total = totals.get(township.pk, {})
        rows.append(
            TownshipCapacity(
                township=township,
                shelters=total.get("count") or 0,
                capacity=total.get("capacity") or 0,
                effective_area=Decimal(total.get("area") or 0),
            )
        )
    return rows


# --- the public shelter map (no login) ------------------------------------------------------


def public_shelters(*, township: OrgUnit | None = None) -> QuerySet[Shelter]:
    """Published shelters, for anyone: never an unpublished one. Only the public fields are
    loaded, so nothing else can slip into the page or its data."""
    rows = Shelter.objects.filter(is_public=True, township__is_active=True)
    if township is not None:
        rows = rows.filter(township=township)
    fields = [f for f in Shelter.PUBLIC_FIELDS if f != "township"]
    return rows.select_related("township").only(
        *fields, "township__name", "township__short_name", "township__sort_order"
    )


def public_townships() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True)


def public_shelter_properties(shelter: Shelter) -> dict:
    """The shelter's public fields as the public sees them (labels, not codes)."""
    values = {}
    for name in Shelter.PUBLIC_FIELDS:
        if name in ("latitude", "longitude"):
            continue
        if name == "township":
            values[name] = shelter.township.display_name
        elif name in ("shelter_type", "category"):
            values[name] = str(getattr(shelter, f"get_{name}_display")())
        elif name == "facilities":
            values[name] = facility_labels(shelter.facilities)
        elif name == "effective_area":
            values[name] = float(shelter.effective_area)
        else:
            values[name] = getattr(shelter, name)
    return values


def public_shelter_geojson(*, township: OrgUnit | None = None) -> dict:
    """A FeatureCollection of published shelters with coordinates; properties are exactly the
    public fields (coordinates go in the geometry)."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(shelter.longitude), float(shelter.latitude)],
            },
            "properties": public_shelter_properties(shelter),
        }
        for shelter in public_shelters(township=township).exclude(
            Q(latitude__isnull=True) | Q(longitude__isnull=True)
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def public_map_url(township: OrgUnit | None = None) -> str:
    url = reverse("emergency:shelter-public-data")
    return f"{url}?township={township.pk}" if township else url
