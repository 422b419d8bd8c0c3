"""应急准备 — emergency plans (应急预案) with their evaluations, drills (演练), rescue teams
(救援队伍), stockpiles (物资储备) and their movements, and emergency shelters (应急避难场所).

Dates that rules derive — a plan's next evaluation (every three years) and next drill (yearly,
or half-yearly for on-site procedures and high-risk or crowded-place units) — are kept on the
plan by ``emergency.services`` so lists, the coverage matrix and the deadline sweep read them
without computing; a stockpile's quantity changes only by a ``StockMovement``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel
from responsibilities.choices import UnitKind
from responsibilities.models import Enterprise, Industry, OrgUnit

from .choices import (
    DrillEvaluation,
    DrillForm,
    DrillScale,
    MovementKind,
    PlanOwnerKind,
    PlanState,
    PlanType,
    Readiness,
    ReviewKind,
    ReviewResult,
    ShelterCategory,
    ShelterType,
    StockCategory,
    TeamKind,
    TeamSpecialty,
)


def _unit_scope(scope, *fields):
    q = Q(pk__in=[])
    for field in fields:
        ids = scope.township_ids if field == "township" else scope.unit_ids
        q |= Q(**{f"{field}_id__in": ids})
    return q


def _owner_or_township(scope):
    return Q(owner_unit_id__in=scope.unit_ids) | Q(township_id__in=scope.township_ids)


class Plan(PortalModel):
    """应急预案 — one version of a plan. A revision is a new row that supersedes the old one, so
    every version stays on record (修订历史)."""

    Type = PlanType
    OwnerKind = PlanOwnerKind
    State = PlanState

    title = models.CharField(_("预案名称"), max_length=200)
    document_number = models.CharField(_("发布文号"), max_length=100, blank=True)
    plan_type = models.CharField(_("预案类型"), max_length=20, choices=PlanType.choices)
    owner_kind = models.CharField(_("编制主体类别"), max_length=20, choices=PlanOwnerKind.choices)
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("编制单位"),
        on_delete=models.PROTECT,
        related_name="emergency_plans",
        help_text=_("负责该预案的单位：市级预案为牵头部门，行业预案为行业主管部门。"),
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_plans_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_plans",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("生产经营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_plans",
    )
    scenario = models.CharField(
        _("适用事件类型"), max_length=200, blank=True, help_text=_("如：危险化学品事故、防汛。")
    )
    summary = models.TextField(_("主要内容"), blank=True)
    version = models.CharField(_("版本"), max_length=30, default="1.0")
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("替代的上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=PlanState.choices, default=PlanState.IN_FORCE
    )
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    review_kind = models.CharField(
        _("评审方式"), max_length=20, choices=ReviewKind.choices, blank=True
    )
    reviewed_on = models.DateField(_("评审（论证）日期"), null=True, blank=True)
    review_result = models.CharField(
        _("评审（论证）结论"), max_length=30, choices=ReviewResult.choices, blank=True
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=100, blank=True)
    filing_authority = models.CharField(_("备案机关"), max_length=100, blank=True)
    file = models.FileField(_("预案文本"), upload_to="emergency/plans/%Y/", blank=True)
    last_evaluated_on = models.DateField(_("最近评估日期"), null=True, blank=True)
    # Kept by the services from the rules (never typed).
    evaluation_due = models.DateField(_("下次评估日期"), null=True, blank=True, db_index=True)
    drill_cycle_months = models.PositiveSmallIntegerField(_("演练周期（月）"), default=12)
    last_drill_on = models.DateField(_("最近演练日期"), null=True, blank=True)
    drill_due = models.DateField(_("下次演练日期"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["owner_kind", "owner_unit__sort_order", "plan_type", "title", "-pk"]
        indexes = [
            models.Index(fields=["owner_kind", "state", "plan_type"]),
            models.Index(fields=["township", "state"]),
            models.Index(fields=["industry", "state"]),
        ]

    def __str__(self):
        return f"{self.title}（{self.version}）"

    def get_absolute_url(self):
        return reverse("emergency:plan-detail", args=[self.pk])

    @property
    def is_in_force(self) -> bool:
        return self.state == PlanState.IN_FORCE

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            return _owner_or_township(scope)
        return None

    def scope_allows_add(self, scope):
        return self.owner_unit_id in scope.unit_ids or self.township_id in scope.township_ids


def _plan_scope(scope):
    return Q(plan__in=Plan.objects.filter(Plan.scope_q(scope, "view")))


class PlanEvaluation(PortalModel):
    """预案评估 — the three-yearly (or event-driven) evaluation of a plan and its conclusion."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("应急预案"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("评估日期"))
    needs_revision = models.BooleanField(_("需要修订"), default=False)
    conclusion = models.TextField(_("评估结论"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("预案评估")
        verbose_name_plural = _("预案评估")
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self):
        return f"{self.plan.title} {self.evaluated_on:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope, action):
        return _plan_scope(scope) if action == "view" else None


class Drill(PortalModel):
    """应急演练 — one drill of a plan: when, how, who took part, and what it found."""

    Form = DrillForm
    Scale = DrillScale

    plan = models.ForeignKey(
        Plan, verbose_name=_("演练预案"), on_delete=models.PROTECT, related_name="drills"
    )
    title = models.CharField(_("演练名称"), max_length=200)
    held_on = models.DateField(_("演练日期"), db_index=True)
    form = models.CharField(_("演练形式"), max_length=20, choices=DrillForm.choices)
    scale = models.CharField(_("演练规模"), max_length=20, choices=DrillScale.choices)
    organiser = models.ForeignKey(
        OrgUnit,
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="organised_drills",
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    location = models.CharField(_("演练地点"), max_length=200, blank=True)
    participating_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("参演单位"), blank=True, related_name="drills_joined"
    )
    participants = models.PositiveIntegerField(_("参演人数"), default=0)
    scenario = models.TextField(_("演练情景"), blank=True)
    evaluation = models.CharField(
        _("演练评估"), max_length=20, choices=DrillEvaluation.choices, blank=True
    )
    evaluation_text = models.TextField(_("评估意见"), blank=True)
    problems_found = models.TextField(_("发现的问题"), blank=True)
    improvements = models.TextField(_("整改措施"), blank=True)
    report_file = models.FileField(_("演练总结"), upload_to="emergency/drills/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("emergency:drill-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            return (
                Q(organiser_id__in=scope.unit_ids)
                | Q(township_id__in=scope.township_ids)
                | _plan_scope(scope)
            )
        return None

    def scope_allows_add(self, scope):
        return self.organiser_id in scope.unit_ids or self.township_id in scope.township_ids


class RescueTeam(PortalModel):
    """救援队伍 — a rescue team, its strength, equipment and readiness."""

    Kind = TeamKind
    Specialty = TeamSpecialty

    name = models.CharField(_("队伍名称"), max_length=200)
    kind = models.CharField(_("队伍类别"), max_length=20, choices=TeamKind.choices)
    specialty = models.CharField(_("专业类别"), max_length=20, choices=TeamSpecialty.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("主管单位"), on_delete=models.PROTECT, related_name="rescue_teams"
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("驻地镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rescue_teams_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rescue_teams",
    )
    member_count = models.PositiveIntegerField(_("队员人数"))
    leader = models.CharField(_("队长"), max_length=50)
    leader_phone = models.CharField(_("队长电话"), max_length=30, blank=True)
    duty_phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    equipment = models.TextField(_("主要装备"), blank=True)
    address = models.CharField(_("驻地"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    readiness = models.CharField(
        _("战备状态"), max_length=20, choices=Readiness.choices, default=Readiness.READY
    )
    readiness_checked_on = models.DateField(_("状态核实日期"), null=True, blank=True)
    established_on = models.DateField(_("组建日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在编"), default=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("救援队伍")
        verbose_name_plural = _("救援队伍")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("emergency:team-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q()  # every unit may find a team to call on
        if action == "change":
            return _unit_scope(scope, "unit", "township")
        return None

    def scope_allows_add(self, scope):
        return self.unit_id in scope.unit_ids or self.township_id in scope.township_ids


class Stockpile(PortalModel):
    """物资储备 — one item held at one place. Its quantity is the sum of its movements and only
    ``emergency.services.stock_move`` changes it."""

    Category = StockCategory

    name = models.CharField(_("物资名称"), max_length=100)
    category = models.CharField(_("物资类别"), max_length=20, choices=StockCategory.choices)
    specification = models.CharField(_("规格型号"), max_length=100, blank=True)
    measure_unit = models.CharField(_("计量单位"), max_length=10, default="件")
    quantity = models.DecimalField(
        _("库存数量"), max_digits=12, decimal_places=2, default=0, editable=False
    )
    minimum_quantity = models.DecimalField(
        _("最低储备量"), max_digits=12, decimal_places=2, default=0
    )
    place = models.CharField(_("存放地点"), max_length=200)
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("储备单位"), on_delete=models.PROTECT, related_name="stockpiles"
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stockpiles_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    custodian = models.CharField(_("保管人"), max_length=50)
    custodian_phone = models.CharField(_("保管人电话"), max_length=30, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("储备物资")
        verbose_name_plural = _("物资储备")
        ordering = ["owner_unit__sort_order", "category", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stockpile_not_negative"),
            models.CheckConstraint(
                condition=Q(minimum_quantity__gte=0), name="stockpile_minimum_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.place}）"

    def get_absolute_url(self):
        return reverse("emergency:stockpile-detail", args=[self.pk])

    @property
    def is_low(self) -> bool:
        return self.quantity < self.minimum_quantity

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q()  # reserves are pooled: any unit may see what is where
        if action == "change":
            return _owner_or_township(scope)
        return None

    def scope_allows_add(self, scope):
        return self.owner_unit_id in scope.unit_ids or self.township_id in scope.township_ids


class StockMovement(PortalModel):
    """出入库记录 — one change of a stockpile's quantity, with its reason and the balance after."""

    Kind = MovementKind

    stockpile = models.ForeignKey(
        Stockpile, verbose_name=_("储备物资"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=MovementKind.choices)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(
        _("变动后结存"), max_digits=12, decimal_places=2, editable=False
    )
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    reason = models.CharField(_("事由"), max_length=300)
    reference = models.CharField(_("单据号"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="movement_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.stockpile.name} {self.get_kind_display()} {self.quantity:g}"

    @property
    def signed_quantity(self):
        return self.quantity if self.kind == MovementKind.IN else -self.quantity

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None


class Shelter(PortalModel):
    """应急避难场所 — a place people go in an emergency; published ones appear on the public
    shelter map with their public fields only."""

    Type = ShelterType
    Category = ShelterCategory

    # The fields the public page and its data show; nothing else leaves the portal.
    PUBLIC_FIELDS = (
        "name",
        "shelter_type",
        "category",
        "township",
        "address",
        "effective_area",
        "capacity",
        "facilities",
        "public_phone",
        "latitude",
        "longitude",
    )
    public_read = True

    name = models.CharField(_("场所名称"), max_length=200)
    shelter_type = models.CharField(_("场所类型"), max_length=20, choices=ShelterType.choices)
    category = models.CharField(
        _("场所类别"), max_length=10, choices=ShelterCategory.choices, default="III"
    )
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        on_delete=models.PROTECT,
        related_name="shelters",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    address = models.CharField(_("地址"), max_length=200)
    effective_area = models.DecimalField(
        _("有效避难面积（平方米）"), max_digits=12, decimal_places=2
    )
    capacity = models.PositiveIntegerField(_("可容纳人数"))
    facilities = models.JSONField(
        _("配套设施"), default=list, blank=True, help_text=_("ShelterFacility 的值的列表。")
    )
    signage_done = models.BooleanField(_("标志标识已设置"), default=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    manager_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("管理单位"),
        on_delete=models.PROTECT,
        related_name="managed_shelters",
    )
    manager = models.CharField(_("管理人"), max_length=50, blank=True)
    manager_phone = models.CharField(_("管理人电话"), max_length=30, blank=True)
    public_phone = models.CharField(_("对外咨询电话"), max_length=30, blank=True)
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    is_public = models.BooleanField(
        _("向社会公布"), default=True, help_text=_("公布的场所显示在公众避难场所地图上。")
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("应急避难场所")
        verbose_name_plural = _("应急避难场所")
        ordering = ["township__sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("emergency:shelter-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q()
        if action == "change":
            return Q(township_id__in=scope.township_ids) | Q(manager_unit_id__in=scope.unit_ids)
        return None

    def scope_allows_add(self, scope):
        return self.township_id in scope.township_ids or self.manager_unit_id in scope.unit_ids
