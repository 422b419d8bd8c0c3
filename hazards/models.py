"""隐患排查治理 — the hazard ledger: each hazard from its finding to its 销号, the rectification
and its five requirements (五落实), extensions, listed supervision of major hazards (挂牌督办),
dual reporting (双报告), inspection campaigns (排查行动) and citizens' reports (群众举报).

Every change of state goes through ``hazards.services`` and leaves a ``HazardEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.models import PortalModel
from responsibilities.choices import UnitKind
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import (
    OPEN_STATES,
    CitizenReportState,
    DualReportRecipient,
    ExtensionState,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingState,
    PhotoKind,
)

CODE_PREFIX = "YH"


def hazard_code(year: int, sequence: int) -> str:
    """YH-2026-000123: the year found and a number never reused within it."""
    return f"{CODE_PREFIX}-{year}-{sequence:06d}"


class Campaign(PortalModel):
    """排查行动 — an inspection drive over a period and a scope (每年3月建筑施工复工前;
    每年4月和11月广告牌及建筑附着物); a recurring one keeps its months, each period its own row."""

    name = models.CharField(_("行动名称"), max_length=200)
    description = models.TextField(_("行动内容"), blank=True)
    scope = models.TextField(_("排查范围"), blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    townships = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("涉及镇街区"),
        blank=True,
        related_name="campaigns",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
        help_text=_("不选表示全市。"),
    )
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_campaigns",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    recurrence_months = models.JSONField(_("每年重复月份"), default=list, blank=True)
    series = models.ForeignKey(
        "self",
        verbose_name=_("首次行动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    milestone = models.ForeignKey(
        "tasks.Milestone",
        verbose_name=_("对应任务节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )

    class Meta:
        verbose_name = _("排查行动")
        verbose_name_plural = _("排查行动")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_in_order"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("hazards:campaign-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q()  # every unit may see the drives (and join them)
        return Q(lead_unit_id__in=scope.unit_ids)

    def scope_allows_add(self, scope):
        return False  # the office organises drives


class Hazard(PortalModel):
    """隐患 — one hazard found, from its report to its 销号."""

    Grade = HazardGrade
    Source = HazardSource
    State = HazardState

    code = models.CharField(_("隐患编号"), max_length=20, unique=True, editable=False)
    description = models.TextField(_("隐患描述"))
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        on_delete=models.PROTECT,
        related_name="hazards_in_township",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    address = models.CharField(_("隐患地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("生产经营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
    )
    grade = models.CharField(
        _("隐患等级"), max_length=20, choices=HazardGrade.choices, default=HazardGrade.GENERAL
    )
    source = models.CharField(
        _("隐患来源"), max_length=20, choices=HazardSource.choices, default=HazardSource.INSPECTION
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("排查行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    found_on = models.DateField(_("排查时间"))
    found_by = models.CharField(_("排查人"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporting_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("上报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_hazards",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards_responsible",
    )
    supervising_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("监管单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards_supervised",
    )
    state = models.CharField(
        _("状态"),
        max_length=30,
        choices=HazardState.choices,
        default=HazardState.REPORTED,
        db_index=True,
    )
    # 五落实: responsibility, measures, funds, time limit, contingency plan.
    rectification_person = models.CharField(_("整改责任人"), max_length=100, blank=True)
    rectification_measures = models.TextField(_("整改措施"), blank=True)
    rectification_funds = models.DecimalField(
        _("整改资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True, db_index=True)
    original_deadline = models.DateField(_("原定整改时限"), null=True, blank=True)
    contingency_plan = models.TextField(_("应急预案及防范措施"), blank=True)
    rectification_result = models.TextField(_("整改情况"), blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_comment = models.TextField(_("验收意见"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_on", "-pk"]
        indexes = [
            # The ledger's order: deep pages of a large ledger stay an index scan.
            models.Index(fields=["-found_on", "-id"], name="hazard_ledger_order"),
            models.Index(fields=["township", "state"]),
            models.Index(fields=["responsible_unit", "state"]),
            models.Index(fields=["supervising_unit", "state"]),
        ]

    def __str__(self):
        return f"{self.code} {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("hazards:hazard-detail", args=[self.pk])

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def five_in_place(self) -> dict[str, bool]:
        """五落实: each of the five, whether it is recorded."""
        return {
            "rectification_person": bool(self.rectification_person.strip()),
            "rectification_measures": bool(self.rectification_measures.strip()),
            "rectification_funds": self.rectification_funds is not None,
            "deadline": self.deadline is not None,
            "contingency_plan": bool(self.contingency_plan.strip()),
        }

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            units = scope.unit_ids
            return (
                Q(township_id__in=scope.township_ids)
                | Q(reporting_unit_id__in=units)
                | Q(responsible_unit_id__in=units)
                | Q(supervising_unit_id__in=units)
            )
        return None

    def scope_allows_add(self, scope):
        return bool(scope.unit_ids)


class HazardUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Hazard, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("隐患个人授权")
        verbose_name_plural = _("隐患个人授权")


class HazardGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Hazard, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("隐患单位授权")
        verbose_name_plural = _("隐患单位授权")


def _hazard_scope(scope):
    """Rows hanging off a hazard follow the hazard's own scope."""
    return Q(hazard__in=Hazard.objects.filter(Hazard.scope_q(scope, "view")))


class HazardEvent(PortalModel):
    """One step of a hazard's life: who, when, from which state to which, and why."""

    Kind = HazardEventKind

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("环节"), max_length=30, choices=HazardEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["hazard", "at", "pk"]

    def __str__(self):
        return f"{self.hazard.code} · {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope, action):
        return _hazard_scope(scope) if action == "view" else None


def hazard_photo_path(instance, filename):
    return f"hazards/{instance.hazard_id or 'new'}/{instance.kind}/{filename}"


class HazardPhoto(PortalModel):
    """整改前/整改后照片 — taken on a phone in the field, checked by content on upload."""

    Kind = PhotoKind

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=PhotoKind.choices)
    file = models.FileField(_("照片"), upload_to=hazard_photo_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["hazard", "kind", "pk"]

    def __str__(self):
        return f"{self.hazard.code} · {self.get_kind_display()} · {self.name}"

    @classmethod
    def scope_q(cls, scope, action):
        return _hazard_scope(scope) if action == "view" else None


class HazardExtension(PortalModel):
    """延期申请 — asked with a reason by the responsible unit, decided by the supervising unit;
    the original deadline stays on the hazard (``original_deadline``) and here."""

    State = ExtensionState

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("延期理由"))
    previous_deadline = models.DateField(_("原整改时限"))
    requested_deadline = models.DateField(_("申请延至"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    state = models.CharField(
        _("审批状态"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["hazard", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(state="pending"),
                name="hazard_one_pending_extension",
            )
        ]

    def __str__(self):
        return f"{self.hazard.code} · {self.requested_deadline:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope, action):
        return _hazard_scope(scope) if action == "view" else None


class HazardListing(PortalModel):
    """挂牌督办 — a major hazard listed for supervision by an authority, with its own deadline
    and quarterly progress; lifted (摘牌) by the office after acceptance."""

    State = ListingState

    hazard = models.OneToOneField(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="listing"
    )
    authority = models.CharField(_("挂牌督办单位"), max_length=100)
    notice_number = models.CharField(_("督办文号"), max_length=100)
    listed_on = models.DateField(_("挂牌日期"))
    deadline = models.DateField(_("督办整改时限"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ListingState.choices, default=ListingState.LISTED
    )
    lifted_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("摘牌人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_comment = models.TextField(_("摘牌意见"), blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-listed_on", "pk"]

    def __str__(self):
        return f"{self.notice_number} · {self.hazard.code}"

    @classmethod
    def scope_q(cls, scope, action):
        return _hazard_scope(scope) if action == "view" else None


class ListingProgress(PortalModel):
    """季度进展 — the responsible unit's quarterly report on a listed hazard."""

    listing = models.ForeignKey(
        HazardListing, verbose_name=_("挂牌督办"), on_delete=models.CASCADE, related_name="progress"
    )
    period_end = models.DateField(_("季度末"), help_text=_("报送所属季度的最后一天。"))
    narrative = models.TextField(_("整改进展"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("督办进展")
        verbose_name_plural = _("督办进展")
        ordering = ["listing", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "period_end"], name="listing_progress_one_per_quarter"
            )
        ]

    def __str__(self):
        return f"{self.listing} · {self.period_end:%Y-%m}"

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(listing__hazard__in=Hazard.objects.filter(Hazard.scope_q(scope, "view")))
        return None


class DualReport(PortalModel):
    """双报告 — a major hazard reported to the regulator and to the workers' congress."""

    Recipient = DualReportRecipient

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="dual_reports"
    )
    recipient = models.CharField(_("报告对象"), max_length=30, choices=DualReportRecipient.choices)
    reported_on = models.DateField(_("报告日期"))
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("双报告")
        verbose_name_plural = _("双报告")
        ordering = ["hazard", "reported_on"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "recipient"], name="dual_report_once_each")
        ]

    def __str__(self):
        return f"{self.hazard.code} · {self.get_recipient_display()}"

    @classmethod
    def scope_q(cls, scope, action):
        return _hazard_scope(scope) if action == "view" else None


def citizen_photo_path(instance, filename):
    return f"citizen-reports/{instance.receipt_code or 'new'}/{filename}"


class CitizenReport(PortalModel):
    """群众举报 — sent from the public form without login; the office triages it into a hazard
    or dismisses it with a reason; the reporter follows it with the receipt code. The contact
    is the office's alone."""

    State = CitizenReportState

    receipt_code = models.CharField(_("回执码"), max_length=12, unique=True, editable=False)
    description = models.TextField(_("举报内容"))
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在镇街区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="citizen_reports",
        limit_choices_to={"kind": UnitKind.TOWNSHIP},
    )
    address = models.CharField(_("地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    photo = models.FileField(
        _("照片"), upload_to=citizen_photo_path, max_length=300, null=True, blank=True
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    client_fingerprint = models.CharField(
        _("来源标识"), max_length=64, blank=True, editable=False, db_index=True
    )
    state = models.CharField(
        _("处理状态"),
        max_length=20,
        choices=CitizenReportState.choices,
        default=CitizenReportState.NEW,
        db_index=True,
    )
    hazard = models.OneToOneField(
        Hazard,
        verbose_name=_("转为隐患"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_report",
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    dismissal_reason = models.TextField(_("不予受理理由"), blank=True)
    public_reply = models.TextField(_("答复举报人"), blank=True)

    class Meta:
        verbose_name = _("群众举报")
        verbose_name_plural = _("群众举报")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.receipt_code} · {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("hazards:citizen-report-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        return None  # the office triages; a township sees the hazard it becomes
