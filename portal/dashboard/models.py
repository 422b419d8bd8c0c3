"""综合看板 — what the office sets for its dashboard's neighbours: the scorecard's weights
(考核权重), frozen scorecard editions, and what the city publishes on the public page."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel


class Indicator(models.TextChoices):
    """What a unit is scored on, each from what the system records."""

    ON_TIME_MILESTONES = "on_time_milestones", _("节点按时完成率")
    REPORTS_ACCEPTED = "reports_accepted", _("进展报告一次通过率")
    SUPERVISION_NOTICES = "supervision_notices", _("督办单")
    HAZARDS_IN_TIME = "hazards_in_time", _("隐患按期整改率")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class ScoreWeight(PortalModel):
    """考核权重 — the weight the office gives one indicator (the weights of the indicators a
    unit has data for are scaled to 100); for 督办单, the points each notice costs."""

    indicator = models.CharField(
        _("考核指标"), max_length=30, choices=Indicator.choices, unique=True
    )
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    penalty = models.DecimalField(
        _("每件扣分"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("仅“督办单”指标：每份督办单从100分中扣除的分数。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["indicator"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="score_weight_in_range"
            ),
            models.CheckConstraint(condition=Q(penalty__gte=0), name="score_penalty_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.weight:g}"

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class ScorecardEdition(PortalModel):
    """考核结果 — a period's scores as the office published them: frozen with the weights then
    in force, so the ranking circulated stays what it was when later records change."""

    period_kind = models.CharField(_("考核周期"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    title = models.CharField(_("标题"), max_length=200)
    weights = models.JSONField(_("权重"), default=dict, editable=False)
    rows = models.JSONField(
        _("得分"), default=list, editable=False, help_text=_("每个单位：名次、总分、各指标明细。")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-period_start", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start"], name="scorecard_edition_unique_period"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dashboard:scorecard-edition", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class PublicationSetting(PortalModel):
    """信息公开 — what the city publishes on the public page. One row (the latest counts)."""

    publish_tasks = models.BooleanField(_("公开任务完成情况"), default=True)
    publish_hazards = models.BooleanField(_("公开隐患整改情况"), default=True)
    publish_shelters = models.BooleanField(_("公开应急避难场所"), default=True)
    publish_risks = models.BooleanField(_("公开风险等级分布（仅数量）"), default=False)
    title = models.CharField(_("页面标题"), max_length=100, default="城市安全发展信息公开")
    introduction = models.TextField(_("说明文字"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("信息公开设置")
        verbose_name_plural = _("信息公开设置")
        ordering = ["-pk"]

    def __str__(self):
        return str(self.title)

    @classmethod
    def current(cls) -> PublicationSetting:
        """The setting in force (defaults when the office has saved none)."""
        return cls.objects.order_by("-pk").first() or cls()
