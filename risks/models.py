"""风险分级管控 — the city's risk register: risk points (风险点), their assessments by LEC or
the LS matrix, the thresholds that turn a score into a level, the central-city industry
catalogue (禁止和限制类产业目录) with project screenings, and the white paper's editions.

A point's level is never typed: ``risks.services`` computes each assessment's score and level
from the thresholds in force, and the point takes the stricter of its latest assessment by
each method (从严从高).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel
from responsibilities.choices import UnitKind
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import (
    AssessmentMethod,
    ControlLevel,
    RestrictionKind,
    RiskCategory,
    RiskKind,
    RiskLevel,
    ScreeningVerdict,
)

CODE_PREFIX = "FX"


def risk_code(year: int, sequence: int) -> str:
    """FX-2026-000123: the year registered and a number never reused within it."""
    return f"{CODE_PREFIX}-{year}-{sequence:06d}"


class RiskThreshold(PortalModel):
    """风险等级阈值 — for one method, the lowest score (and optionally the highest) of a level.
    A score takes the strictest level whose band contains it. Data, not code: the office edits
    these; ``load_reference`` loads the defaults from ``fixtures/reference/risk_thresholds.json``
    without overwriting an edited row."""

    method = models.CharField(_("评估方法"), max_length=10, choices=AssessmentMethod.choices)
    level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices)
    min_score = models.DecimalField(_("最低分值（含）"), max_digits=8, decimal_places=2)
    max_score = models.DecimalField(
        _("最高分值（含）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空表示不设上限。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("风险等级阈值")
        verbose_name_plural = _("风险等级阈值")
        ordering = ["method", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["method", "level"], name="risk_threshold_unique"),
        ]

    def __str__(self):
        upper = f"–{self.max_score:g}" if self.max_score is not None else "+"
        return f"{self.method} {self.get_level_display()} {self.min_score:g}{upper}"

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class RiskPoint(PortalModel):
    """风险点 — a site, facility or area, or an operation or activity, with its controls and the
    unit and person answerable for them."""

    Kind = RiskKind
    Category = RiskCategory
    Level = RiskLevel

    code = models.CharField(_("风险点编号"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("风险点名称"), max_length=200)
    kind = models.CharField(_("风险点类型"), max_length=20, choices=RiskKind.choices)
    category = models.CharField(
        _("风险类别"), max_length=30, choices=RiskCategory.choices, db_index=True
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points",
    )
    description = models.TextField(_("风险描述"), blank=True)
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        on_delete=models.PROTECT,
        related_name="risk_points_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_points",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("生产经营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accident_types = models.JSONField(
        _("可能导致的事故类型"), default=list, blank=True, help_text=_("AccidentType 的值的列表。")
    )
    # 管控措施, by kind.
    engineering_measures = models.TextField(_("工程技术措施"), blank=True)
    management_measures = models.TextField(_("管理措施"), blank=True)
    training_measures = models.TextField(_("培训教育措施"), blank=True)
    protective_measures = models.TextField(_("个体防护措施"), blank=True)
    emergency_measures = models.TextField(_("应急处置措施"), blank=True)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("管控责任单位"),
        on_delete=models.PROTECT,
        related_name="risk_points_responsible",
    )
    responsible_person = models.CharField(_("管控责任人"), max_length=50)
    responsible_phone = models.CharField(_("责任人电话"), max_length=30, blank=True)
    control_level = models.CharField(
        _("管控层级"), max_length=20, choices=ControlLevel.choices, default=ControlLevel.ENTERPRISE
    )
    # Derived by the services from the assessments; never typed.
    level = models.CharField(
        _("风险等级"), max_length=10, choices=RiskLevel.choices, blank=True, db_index=True
    )
    level_changed_at = models.DateTimeField(_("等级变更时间"), null=True, blank=True)
    last_assessed_on = models.DateField(_("最近评估日期"), null=True, blank=True)
    review_due = models.DateField(_("下次复评日期"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("在管"), default=True)
    retired_reason = models.CharField(_("销号原因"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["township__sort_order", "code"]
        indexes = [
            models.Index(fields=["township", "level"]),
            models.Index(fields=["responsible_unit", "level"]),
            models.Index(fields=["category", "level"]),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("risks:point-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            return Q(township_id__in=scope.township_ids) | Q(responsible_unit_id__in=scope.unit_ids)
        return None

    def scope_allows_add(self, scope):
        return self.township_id in scope.township_ids or self.responsible_unit_id in scope.unit_ids


def _point_scope(scope):
    return Q(risk_point__in=RiskPoint.objects.filter(RiskPoint.scope_q(scope, "view")))


class Assessment(PortalModel):
    """风险评估 — one assessment of a point by one method. Inputs are the assessor's; score and
    level are computed (``risks.services.assessment_record``) from the thresholds then in force."""

    Method = AssessmentMethod

    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("风险点"), on_delete=models.CASCADE, related_name="assessments"
    )
    method = models.CharField(_("评估方法"), max_length=10, choices=AssessmentMethod.choices)
    # LEC: L, E, C from the standard tables. LS: likelihood (L) and severity (S), 1–5.
    likelihood = models.DecimalField(_("可能性（L）"), max_digits=5, decimal_places=2)
    exposure = models.DecimalField(
        _("暴露频繁程度（E）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    consequence = models.DecimalField(
        _("后果严重性（C）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    severity = models.PositiveSmallIntegerField(_("严重性（S）"), null=True, blank=True)
    score = models.DecimalField(_("风险值"), max_digits=10, decimal_places=2, editable=False)
    level = models.CharField(
        _("评估等级"), max_length=10, choices=RiskLevel.choices, editable=False
    )
    assessed_on = models.DateField(_("评估日期"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_name = models.CharField(_("评估人"), max_length=100, blank=True)
    note = models.TextField(_("评估说明"), blank=True)

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["risk_point", "method", "-assessed_on"])]

    def __str__(self):
        return f"{self.risk_point.code} {self.method} {self.score:g} {self.get_level_display()}"

    @classmethod
    def scope_q(cls, scope, action):
        return _point_scope(scope) if action == "view" else None


class IndustryRestriction(PortalModel):
    """中心城区安全生产禁止和限制类产业目录 — one entry of the catalogue (Chengjiang annex 1):
    prohibited outright, or restricted to the conditions given."""

    Kind = RestrictionKind

    number = models.CharField(_("序号"), max_length=20)
    kind = models.CharField(_("类别"), max_length=20, choices=RestrictionKind.choices)
    sector = models.CharField(_("行业大类"), max_length=100)
    name = models.CharField(_("产业（项目）名称"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restrictions",
    )
    keywords = models.JSONField(
        _("匹配关键词"), default=list, blank=True, help_text=_("项目名称或行业含其一即命中。")
    )
    conditions = models.TextField(_("限制条件"), blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    is_sample_data = models.BooleanField(
        _("示例数据"), default=False, help_text=_("示例条目，待安委办替换为正式目录。")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("禁止和限制类产业")
        verbose_name_plural = _("禁止和限制类产业目录")
        ordering = ["sort_order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="restriction_unique_number")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} {self.name}"

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class ProjectScreening(PortalModel):
    """项目安全准入筛查 — a proposed project checked against the catalogue and the risk points
    near its site; kept so a 一票否决 can be shown later."""

    Verdict = ScreeningVerdict

    project_name = models.CharField(_("项目名称"), max_length=200)
    industry_text = models.CharField(_("所属行业"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("拟选址镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    address = models.CharField(_("拟选址地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    radius_m = models.PositiveIntegerField(_("周边范围（米）"), default=1000)
    in_central_city = models.BooleanField(_("位于中心城区"), default=False)
    verdict = models.CharField(_("筛查结论"), max_length=20, choices=ScreeningVerdict.choices)
    matched = models.ManyToManyField(
        IndustryRestriction, verbose_name=_("命中条目"), blank=True, related_name="screenings"
    )
    nearby = models.JSONField(
        _("周边风险点"),
        default=list,
        blank=True,
        help_text=_("筛查时周边风险点的快照：编号、名称、等级、距离（米）。"),
    )
    note = models.TextField(_("备注"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("筛查人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目准入筛查")
        verbose_name_plural = _("项目准入筛查")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project_name}：{self.get_verdict_display()}"

    def get_absolute_url(self):
        return reverse("risks:screening-detail", args=[self.pk])


class WhitePaper(PortalModel):
    """风险白皮书 — one edition, as of a date: its figures are frozen in ``snapshot`` so the next
    edition can say what changed."""

    title = models.CharField(_("标题"), max_length=200)
    as_of = models.DateField(_("统计截止日期"), unique=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, editable=False)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    foreword = models.TextField(_("前言"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("风险白皮书")
        verbose_name_plural = _("风险白皮书")
        ordering = ["-as_of"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("risks:whitepaper-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None
