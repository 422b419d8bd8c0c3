"""风险清单 — the risk inventory in the column order offices file it (序号, 风险点编号, 风险点名称,
风险点类型, 风险类别, 行业领域, 所在镇街区, 网格, 生产经营单位, 地址, 经度, 纬度, 可能导致的事故类型,
风险等级, 评估方法及分值, the five kinds of 管控措施, 管控层级, 管控责任单位, 管控责任人, 联系电话,
最近评估日期, 下次复评日期). Scoped by ``restrict`` and filtered like the risk list; the
assessments come in one prefetch per chunk, so the query count does not grow with the rows."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.db.models import Prefetch, QuerySet

from portal.exports import CHUNK_SIZE, Column, Exporter, register
from portal.permissions import restrict

from .choices import AccidentType, RiskLevel
from .filters import RiskPointFilterSet
from .models import Assessment, RiskPoint

ACCIDENT_LABELS = dict(AccidentType.choices)
LEVEL_LABELS = dict(RiskLevel.choices)


def accident_types_text(point: RiskPoint) -> str:
    """可能导致的事故类型: the GB 6441 names joined by 、 (an unknown value as stored)."""
    return "、".join(str(ACCIDENT_LABELS.get(value, value)) for value in point.accident_types or [])


def latest_by_method(point: RiskPoint) -> list[Assessment]:
    """The latest assessment of each method, LEC first (the prefetch is newest first)."""
    latest: dict[str, Assessment] = {}
    for assessment in point.assessments.all():
        latest.setdefault(assessment.method, assessment)
    return [latest[method] for method in sorted(latest)]


def score_text(score) -> str:
    """126.00 → "126", 2.50 → "2.5"."""
    return f"{score.normalize():f}"


def assessments_text(point: RiskPoint) -> str:
    """评估方法及分值: e.g. "LEC D=126（一般风险）；LS R=16（较大风险）"."""
    parts = []
    for assessment in latest_by_method(point):
        letter = "D" if assessment.method == Assessment.Method.LEC else "R"
        parts.append(
            f"{assessment.method} {letter}={score_text(assessment.score)}"
            f"（{LEVEL_LABELS.get(assessment.level, assessment.level)}）"
        )
    return "；".join(parts)


def export_queryset(user) -> QuerySet[RiskPoint]:
    """The risk points ``user`` may see, with what the columns read joined in."""
    assessments = Assessment.objects.only(
        "id", "risk_point_id", "method", "score", "level", "assessed_on"
    ).order_by("-assessed_on", "-pk")
    return restrict(
        RiskPoint.objects.select_related(
            "industry", "township", "grid", "enterprise", "responsible_unit"
        ).prefetch_related(Prefetch("assessments", queryset=assessments)),
        user,
        "view",
    )


def filtered(queryset: QuerySet[RiskPoint], user, params) -> QuerySet[RiskPoint]:
    """The list's filters (``risks.filters.RiskPointFilterSet``), narrowed through the user."""
    request = SimpleNamespace(user=user)
    return RiskPointFilterSet(params, queryset=queryset, request=request).qs


@register
class RiskInventoryExporter(Exporter):
    name = "risks"
    title = "风险清单"
    columns = [
        Column("序号", "row_number", width=8),
        Column("风险点编号", "code", width=18),
        Column("风险点名称", "name", width=28),
        Column("风险点类型", "kind", width=18),
        Column("风险类别", "category", width=14),
        Column("行业领域", "industry.name", width=14),
        Column("所在镇街区", "township.name", width=12),
        Column("网格", "grid.name", width=14),
        Column("生产经营单位", "enterprise.name", width=28),
        Column("地址", "address", width=30),
        Column("经度", "longitude", width=12),
        Column("纬度", "latitude", width=12),
        Column("可能导致的事故类型", accident_types_text, width=24),
        Column("风险等级", "level", width=10),
        Column("评估方法及分值", assessments_text, width=30),
        Column("工程技术措施", "engineering_measures", width=30),
        Column("管理措施", "management_measures", width=30),
        Column("培训教育措施", "training_measures", width=30),
        Column("个体防护措施", "protective_measures", width=30),
        Column("应急处置措施", "emergency_measures", width=30),
        Column("管控层级", "control_level", width=10),
        Column("管控责任单位", "responsible_unit.name", width=20),
        Column("管控责任人", "responsible_person", width=12),
        Column("联系电话", "responsible_phone", width=16),
        Column("最近评估日期", "last_assessed_on", width=12),
        Column("下次复评日期", "review_due", width=12),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        return filtered(export_queryset(user), user, params)

    def rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        """Rows numbered from 1 in the register's order, read in chunks (flat memory; the
        assessments are prefetched per chunk)."""
        for number, point in enumerate(queryset.iterator(chunk_size=CHUNK_SIZE), start=1):
            point.row_number = number
            yield self.row(point)
