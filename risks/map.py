"""四色图 — the red-orange-yellow-blue risk map: the selectors behind its page and its data.

Both endpoints take the risk inventory's filters (``risks.filters.RiskPointFilterSet``: township,
category, level, kind, and the rest) and read through ``restrict``: a user sees on the map
exactly the points the list shows them. Unless ``active`` is given, only points in control
(在管) are mapped; retired ones are history, not risk.

``risks:map-points`` — the points, in ONE response a browser can draw at 20,000 points. Its
format ("columns", version 1) is columnar, not a GeoJSON feature per point: the same keys
repeated 20,000 times are most of a GeoJSON file, while parallel arrays of like values are
small and compress well (gzip, when the browser accepts it)::

    {
      "format": "columns", "version": 1,
      "total": 20000,                     # points matching, in scope (drawn or not)
      "drawn": 19990,                     # with coordinates, in the arrays below
      "without_coordinates": 10,          # counted, not drawn
      "counts": {"red": 1, "orange": 2, "yellow": 3, "blue": 4, "none": 0},  # of ``total``
      "levels": ["red", "orange", "yellow", "blue", ""],     # "lv" indexes this; "" 未评估
      "townships": ["侯镇", ...],          # "tw" indexes this
      "units": ["市住建局", ...],           # "un" indexes this
      "detail_url": "/risks/0/",          # a point's page: replace the trailing 0/ by its id
      "points": {"id": [...], "lat": [...], "lon": [...],   # degrees, 5 decimals (~1 m)
                 "lv": [...], "code": [...], "name": [...],
                 "tw": [...], "un": [...], "person": [...]}
    }

Points are ordered blue → red (unassessed first), so the strictest are drawn last, on top.
The whole answer is one query with ``.values_list()`` (no model instances), plus the
user's scope and a filter's choice lookup — a constant number whatever the size.

``risks:map-townships`` — per township (one aggregate query): its points by level, the highest
level (shading "highest") and the aggregate level (shading "aggregate": the mean of the
assessed points' weights 重大 4, 较大 3, 一般 2, 低 1, rounded to the nearest level).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.maps import townships_payload
from portal.permissions import restrict

from .choices import LEVEL_COLORS, LEVEL_RANK, LEVEL_SHORT, RiskLevel
from .filters import RiskPointFilterSet
from .models import RiskPoint

FORMAT_VERSION = 1
COORDINATE_STEP = Decimal("0.00001")  # 5 decimals of a degree, about a metre
# The filters the map page offers; the endpoints accept every filter of the inventory.
PAGE_FILTERS = ("township", "category", "level", "kind")
# "" is a point not yet assessed (no level): grey, drawn first.
LEVELS = [RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE, ""]
UNASSESSED_KEY = "none"
UNASSESSED_COLOR = "#8c8c8c"
# 综合等级 weights: the mean over a township's assessed points, rounded, is its aggregate level.
LEVEL_WEIGHTS = {RiskLevel.RED: 4, RiskLevel.ORANGE: 3, RiskLevel.YELLOW: 2, RiskLevel.BLUE: 1}
_DRAW_ORDER = {"": -1, **{level: -rank for level, rank in LEVEL_RANK.items()}}


def _count_key(level: str) -> str:
    return level or UNASSESSED_KEY


def _empty_counts() -> dict[str, int]:
    return {_count_key(level): 0 for level in LEVELS}


def risk_map_queryset(*, user, params):
    """The points this user may see that match ``params`` (a QueryDict or dict of filters).
    Bad filters raise ValidationError keyed by the filter's name; nothing is read."""
    data = params.copy()
    if not data.get("active"):
        data["active"] = "true"
    # The FilterSet narrows some choices (enterprises) by its request's user.
    filterset = RiskPointFilterSet(
        data,
        queryset=restrict(RiskPoint.objects.all(), user, "view"),
        request=SimpleNamespace(user=user),
    )
    if not filterset.is_valid():
        raise ValidationError(
            {
                name: [f"{filterset.form.fields[name].label}：{message}" for message in messages]
                for name, messages in filterset.errors.items()
            }
        )
    return filterset.qs.order_by()


def _detail_url_template() -> str:
    try:
        return reverse("risks:point-detail", args=[0])
    except NoReverseMatch:  # the point pages not installed: popups without a link
        return ""


def _coordinate(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(COORDINATE_STEP, ROUND_HALF_UP))


def risk_map_points(*, user, params) -> dict:
    """The points for the map in the "columns" format (see the module docstring)."""
    rows = risk_map_queryset(user=user, params=params).values_list(
        "id",
        "latitude",
        "longitude",
        "level",
        "code",
        "name",
        "township__name",
        "responsible_unit__name",
        "responsible_person",
    )
    counts = _empty_counts()
    drawn = []
    total = 0
    for row in rows:
        total += 1
        counts[_count_key(row[3])] += 1
        if row[1] is not None and row[2] is not None:
            drawn.append(row)
    drawn.sort(key=lambda row: (_DRAW_ORDER.get(row[3], -1), row[0]))

    level_index = {level: i for i, level in enumerate(LEVELS)}
    townships: dict[str, int] = {}
    units: dict[str, int] = {}
    columns = {key: [] for key in ("id", "lat", "lon", "lv", "code", "name", "tw", "un", "person")}
    for pk, lat, lon, level, code, name, township, unit, person in drawn:
        columns["id"].append(pk)
        columns["lat"].append(_coordinate(lat))
        columns["lon"].append(_coordinate(lon))
        columns["lv"].append(level_index.get(level, level_index[""]))
        columns["code"].append(code)
        columns["name"].append(name)
        columns["tw"].append(townships.setdefault(township, len(townships)))
        columns["un"].append(units.setdefault(unit, len(units)))
        columns["person"].append(person)
    return {
        "format": "columns",
        "version": FORMAT_VERSION,
        "total": total,
        "drawn": len(drawn),
        "without_coordinates": total - len(drawn),
        "counts": counts,
        "levels": [str(level) for level in LEVELS],
        "townships": list(townships),
        "units": list(units),
        "detail_url": _detail_url_template(),
        "points": columns,
    }


def aggregate_level(counts: dict[str, int]) -> str:
    """综合等级: the weighted mean level of the assessed points, rounded to the nearest level
    (mean ≥ 3.5 red, ≥ 2.5 orange, ≥ 1.5 yellow, else blue); "" when none is assessed."""
    assessed = sum(counts[level] for level in LEVEL_WEIGHTS)
    if not assessed:
        return ""
    # Compare 2 × weighted sum with (2 × threshold) × count: integers, no float rounding.
    doubled = 2 * sum(weight * counts[level] for level, weight in LEVEL_WEIGHTS.items())
    for level, bound in ((RiskLevel.RED, 7), (RiskLevel.ORANGE, 5), (RiskLevel.YELLOW, 3)):
        if doubled >= bound * assessed:
            return str(level)
    return str(RiskLevel.BLUE)


def risk_map_townships(*, user, params) -> dict:
    """Per township: points by level, total, highest level, weighted score and aggregate
    level — one aggregate query over the same points as ``risk_map_points``."""
    rows = (
        risk_map_queryset(user=user, params=params)
        .values_list("township_id", "township__name", "township__short_name", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_township: dict[int, dict] = {}
    for township_id, name, short_name, level, n in rows:
        entry = by_township.setdefault(
            township_id,
            {
                "id": township_id,
                "name": name,
                "short_name": short_name,
                "counts": _empty_counts(),
                "total": 0,
            },
        )
        entry["counts"][_count_key(level)] += n
        entry["total"] += n
    townships = []
    for entry in sorted(by_township.values(), key=lambda e: e["name"]):
        counts = entry["counts"]
        entry["highest"] = next((str(level) for level in LEVEL_WEIGHTS if counts[level]), "")
        entry["score"] = sum(weight * counts[level] for level, weight in LEVEL_WEIGHTS.items())
        entry["aggregate"] = aggregate_level(counts)
        townships.append(entry)
    return {
        "townships": townships,
        "max_total": max((e["total"] for e in townships), default=0),
        "weights": {str(level): weight for level, weight in LEVEL_WEIGHTS.items()},
    }


def townships_are_approximate() -> bool:
    """Whether the township shapes served say they are approximate (示意) or sample data."""
    body, _etag = townships_payload()
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return any(
        (feature.get("properties") or {}).get("approximate")
        or (feature.get("properties") or {}).get("sample")
        for feature in data.get("features", [])
    )


def risk_map_page(*, user, params) -> dict:
    """What the map page renders: the filter form (bound to ``params``), the legend and the
    settings its script reads. The points themselves come from the endpoints."""
    filterset = RiskPointFilterSet(
        params or None,
        queryset=RiskPoint.objects.none(),
        request=SimpleNamespace(user=user),
    )
    fields = [filterset.form[name] for name in PAGE_FILTERS]
    legend = [
        {"level": str(level), "label": str(LEVEL_SHORT[level]), "color": LEVEL_COLORS[level]}
        for level in LEVELS[:-1]
    ]
    legend.append({"level": UNASSESSED_KEY, "label": _("未评估"), "color": UNASSESSED_COLOR})
    config = {
        "points_url": reverse("risks:map-points"),
        "townships_url": reverse("risks:map-townships"),
        "shapes_url": reverse("map:townships"),
        "colors": {
            **{str(level): color for level, color in LEVEL_COLORS.items()},
            "": UNASSESSED_COLOR,
        },
        "labels": {
            **{str(level): str(label) for level, label in RiskLevel.choices},
            "": _("未评估"),
        },
        "text": {
            "code": _("编号"),
            "level": _("风险等级"),
            "township": _("镇街区"),
            "unit": _("管控责任单位"),
            "person": _("管控责任人"),
            "detail": _("查看风险点"),
            "points": _("个风险点"),
            "highest": _("最高等级"),
            "aggregate": _("综合等级"),
            "score": _("加权分"),
            "none": _("无风险点"),
            "without_coordinates": _("%(count)s 个风险点无坐标，未在图上标注。"),
            "failed": _("地图数据加载失败："),
        },
    }
    return {
        "filter_fields": fields,
        "legend": legend,
        "config": config,
        "approximate": townships_are_approximate(),
        "weights": {str(level): weight for level, weight in LEVEL_WEIGHTS.items()},
    }
