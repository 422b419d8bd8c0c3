"""项目安全准入筛查 — the office checks a proposed project against the central-city catalogue
(禁止类 is a 一票否决, 限制类 binds the project to conditions) and records the risk points near
its site as they stood that day."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.permissions import require
from responsibilities.models import Industry, OrgUnit

from .catalogue import (
    bounding_box,
    catalogue_matches,
    haversine_m,
    is_central_city,
    township_at,
)
from .choices import RestrictionKind, ScreeningVerdict
from .models import IndustryRestriction, ProjectScreening, RiskPoint

MAX_RADIUS_M = 20_000


def screening_verdict(*, in_central_city: bool, matched: list[IndustryRestriction]) -> str:
    """Outside the central city the catalogue does not apply; inside, prohibited beats
    restricted, and no entry means not listed."""
    if not in_central_city:
        return ScreeningVerdict.OUTSIDE
    if any(entry.kind == RestrictionKind.PROHIBITED for entry in matched):
        return ScreeningVerdict.PROHIBITED
    if matched:
        return ScreeningVerdict.RESTRICTED
    return ScreeningVerdict.ALLOWED


def risk_points_near(*, latitude, longitude, radius_m: int) -> list[dict]:
    """Active risk points within ``radius_m`` metres, nearest first, as a snapshot: code, name,
    level, category, township, coordinates and the distance in whole metres. The database
    narrows by a bounding box; the haversine distance decides."""
    box = bounding_box(latitude, longitude, radius_m)
    rows = RiskPoint.objects.filter(
        is_active=True,
        latitude__range=(box.min_lat, box.max_lat),
        longitude__range=(box.min_lon, box.max_lon),
    ).values_list(
        "pk", "code", "name", "level", "category", "township__name", "latitude", "longitude"
    )
    nearby = []
    for pk, code, name, level, category, township, lat, lon in rows:
        distance = haversine_m(latitude, longitude, lat, lon)
        if distance <= radius_m:
            nearby.append(
                {
                    "id": pk,
                    "code": code,
                    "name": name,
                    "level": level,
                    "category": category,
                    "township": township,
                    "latitude": str(lat),
                    "longitude": str(lon),
                    "distance_m": round(distance),
                }
            )
    nearby.sort(key=lambda row: (row["distance_m"], row["code"]))
    return nearby


@transaction.atomic
def screening_run(
    *,
    actor,
    project_name: str,
    industry_text: str,
    industry: Industry | None = None,
    township: OrgUnit | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    radius_m: int = 1000,
    note: str = "",
) -> ProjectScreening:
    """Screen a proposed project (office only) and keep the result."""
    screening = ProjectScreening(
        project_name=(project_name or "").strip(),
        industry_text=(industry_text or "").strip(),
        industry=industry,
        township=township,
        address=(address or "").strip(),
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        note=(note or "").strip(),
        screened_by=actor,
    )
    require(actor, "add", screening)

    errors = {}
    has_point = latitude is not None and longitude is not None
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("请同时填写纬度和经度。")
    if not isinstance(radius_m, int) or not 1 <= radius_m <= MAX_RADIUS_M:
        errors["radius_m"] = _("周边范围应在 1 到 %(max)d 米之间。") % {"max": MAX_RADIUS_M}
    if township is None and not has_point:
        errors["township"] = _("请选择拟选址镇街区，或在地图上标出拟选址位置。")
    if errors:
        raise ValidationError(errors)

    if township is None:
        screening.township = township_at(latitude, longitude)
    screening.in_central_city = is_central_city(screening.township)
    matched = catalogue_matches(
        project_name=screening.project_name,
        industry_text=screening.industry_text,
        industry=industry,
    )
    screening.verdict = screening_verdict(
        in_central_city=screening.in_central_city, matched=matched
    )
    screening.nearby = (
        risk_points_near(latitude=latitude, longitude=longitude, radius_m=radius_m)
        if has_point
        else []
    )
    screening.full_clean()
    screening.save()
    screening.matched.set(matched)
    return screening
