"""中心城区安全生产禁止和限制类产业目录 — the catalogue (Chengjiang annex 1): how an entry is
matched against a proposed project, where the central city is, the distance maths of a
screening, and the reference step that loads ``fixtures/reference/industry_catalogue.json``.

The seeds give annex 1 by title only, so the shipped entries are a labelled sample
(``is_sample_data``) the office replaces with its official catalogue.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from responsibilities.models import Industry, OrgUnit
from responsibilities.reference import ReferenceDataError, ReferenceLoad

from .choices import RestrictionKind
from .models import IndustryRestriction

CATALOGUE_FILE = "industry_catalogue.json"
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
METRES_PER_DEGREE_LAT = 111_320.0


# --- matching -----------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Full-width to half-width, case folded, without spaces: ＫＴＶ, ktv and K T V match."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def entry_matches(entry: IndustryRestriction, haystack: str) -> bool:
    """Does any of the entry's keywords occur in the (normalised) project text?"""
    return any(normalize(word) and normalize(word) in haystack for word in entry.keywords)


def catalogue_matches(
    *, project_name: str, industry_text: str, industry: Industry | None = None
) -> list[IndustryRestriction]:
    """Active entries whose keywords occur in the project's name, its industry as written, or
    the name of the industry chosen — prohibited entries first."""
    haystack = normalize(" ".join([project_name, industry_text, industry.name if industry else ""]))
    entries = IndustryRestriction.objects.filter(is_active=True).order_by("sort_order", "pk")
    matched = [entry for entry in entries if entry_matches(entry, haystack)]
    return sorted(matched, key=lambda e: e.kind != RestrictionKind.PROHIBITED)  # stable


# --- where the central city is ------------------------------------------------------------


def is_central_city(township: OrgUnit | None) -> bool:
    """Is the township one of ``settings.CENTRAL_CITY_TOWNSHIPS`` (by name or short name)?"""
    if township is None:
        return False
    names = set(settings.CENTRAL_CITY_TOWNSHIPS)
    return township.name in names or bool(township.short_name and township.short_name in names)


@lru_cache(maxsize=4)
def _township_shapes(path: str, mtime_ns: int) -> tuple[tuple[str, tuple], ...]:
    """(name, polygons) per township feature; each polygon a tuple of rings of (lon, lat)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    shapes = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        name = (feature.get("properties") or {}).get("name")
        if not name:
            continue
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        shapes.append(
            (name, tuple(tuple(tuple(map(tuple, ring)) for ring in poly) for poly in polygons))
        )
    return tuple(shapes)


def _in_ring(lon: float, lat: float, ring) -> bool:
    """Even-odd ray casting; points on an edge may fall either way (shapes are approximate)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def township_name_at(latitude, longitude) -> str | None:
    """The township whose shape (``settings.TOWNSHIP_GEOJSON``) contains the point, if any."""
    path = Path(settings.TOWNSHIP_GEOJSON)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    lat, lon = float(latitude), float(longitude)
    for name, polygons in _township_shapes(str(path), mtime):
        for rings in polygons:
            if (
                rings
                and _in_ring(lon, lat, rings[0])
                and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
            ):
                return name
    return None


def township_at(latitude, longitude) -> OrgUnit | None:
    """The township unit at a point, through its shape's name."""
    name = township_name_at(latitude, longitude)
    if name is None:
        return None
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, name=name).first()


# --- distances ----------------------------------------------------------------------------


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    """A latitude/longitude box that holds every point within ``radius_m`` of a centre; the
    database filters by it and the exact distance decides."""

    min_lat: Decimal
    max_lat: Decimal
    min_lon: Decimal
    max_lon: Decimal


def bounding_box(latitude, longitude, radius_m: float) -> BoundingBox:
    lat, lon = float(latitude), float(longitude)
    # A little slack: a degree of latitude is not exactly 111.32 km everywhere.
    dlat = radius_m / METRES_PER_DEGREE_LAT * 1.01
    cos_lat = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 1e-6)
    dlon = dlat / cos_lat

    def dec(value: float) -> Decimal:
        return Decimal(f"{value:.6f}")

    return BoundingBox(dec(lat - dlat), dec(lat + dlat), dec(lon - dlon), dec(lon + dlon))


# --- the reference step -------------------------------------------------------------------


def load_industry_catalogue(load: ReferenceLoad) -> None:
    """Upsert each entry of ``industry_catalogue.json`` by (kind, number); entries the office
    added in the system and rows not in the file are left alone."""
    kinds = set(RestrictionKind.values)
    industries = {i.name: i for i in Industry.objects.all()}
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(load.rows(CATALOGUE_FILE, "entries")):
        label = load.label(CATALOGUE_FILE, i, str(row.get("name", "")))
        kind = load.get(row, "kind", label)
        if kind not in kinds:
            raise ReferenceDataError(
                _("%(row)s：类别“%(kind)s”无效，应为 %(choices)s 之一。")
                % {"row": label, "kind": kind, "choices": "、".join(sorted(kinds))}
            )
        number = str(load.get(row, "number", label, types=(str, int))).strip()
        if (kind, number) in seen:
            raise ReferenceDataError(
                _("%(row)s：%(kind)s序号“%(number)s”重复。")
                % {"row": label, "kind": RestrictionKind(kind).label, "number": number}
            )
        seen.add((kind, number))
        keywords = row.get("keywords", [])
        if (
            not isinstance(keywords, list)
            or not keywords
            or not all(isinstance(k, str) and k.strip() for k in keywords)
        ):
            raise ReferenceDataError(
                _("%(row)s：字段“keywords”须为非空的文字列表。") % {"row": label}
            )
        industry = None
        industry_name = load.get(row, "industry", label, required=False)
        if industry_name:
            industry = industries.get(industry_name)
            if industry is None:
                raise ReferenceDataError(
                    _("%(row)s：行业“%(name)s”不在 industries.json 中。")
                    % {"row": label, "name": industry_name}
                )
        values = {
            "sector": load.get(row, "sector", label).strip(),
            "name": load.get(row, "name", label).strip(),
            "industry": industry,
            "keywords": [k.strip() for k in keywords],
            "conditions": (load.get(row, "conditions", label, required=False) or "").strip(),
            "basis": (load.get(row, "basis", label, required=False) or "").strip(),
            "is_sample_data": bool(
                load.get(row, "is_sample_data", label, types=(bool,), required=False)
            ),
            # 禁止类 before 限制类, each in the file's order.
            "sort_order": (0 if kind == RestrictionKind.PROHIBITED else 1000) + i + 1,
        }
        load.upsert(IndustryRestriction, {"kind": kind, "number": number}, values, label=label)
        load.count("industry_restrictions")
