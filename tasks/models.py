"""任务落实 — a directive's parts and tasks, who carries them, by when, and what was reported."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel
from responsibilities.models import OrgUnit, UnitGroup

from .choices import AssignmentRole, Comparator, ReportAction, ReportState


def _assigned_task_ids(scope):
    """Tasks given to one of the user's units (subquery: no duplicate rows from joins)."""
    return Assignment.objects.filter(unit_id__in=scope.unit_ids).values("task_id")


def _assigned_tasks(scope):
    return Task.objects.filter(pk__in=_assigned_task_ids(scope))


def _report_seen_by(scope, prefix: str = "") -> Q:
    """A progress report (or a row of one, through ``prefix``) is seen by the reporting unit
    and by the task's lead unit, which sees its co-units' shares."""
    return Q(**{f"{prefix}unit_id__in": scope.unit_ids}) | Q(
        **{f"{prefix}milestone__task__lead_unit_id__in": scope.unit_ids}
    )


class Directive(PortalModel):
    """实施意见 — a directive as issued, with the source text it was read from."""

    title = models.CharField(_("文件标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    implements = models.JSONField(_("贯彻落实的上级文件"), default=list, blank=True)
    source_text = models.TextField(_("原文"), blank=True)
    source_hash = models.CharField(
        _("原文摘要"), max_length=64, unique=True, help_text=_("原文的SHA-256，用于识别重复导入。")
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["-issued_on", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tasks:directive-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(pk__in=_assigned_tasks(scope).values("directive_id"))
        return None


class Section(PortalModel):
    """A part of a directive (一、总体要求; 二、…), or a sub-heading (二(一))."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.CharField(_("序号"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部分")
        verbose_name_plural = _("部分")
        ordering = ["directive", "order"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="section_unique_number")
        ]

    def __str__(self):
        return f"{self.number}、{self.title}"

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(directive_id__in=_assigned_tasks(scope).values("directive_id"))
        return None


class Task(PortalModel):
    """任务 — one numbered task of a directive."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("部分"), on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.CharField(_("任务序号"), max_length=20)
    order = models.PositiveIntegerField(_("排序"), default=0)
    title = models.CharField(_("任务名称"), max_length=200)
    body = models.TextField(_("任务内容"), blank=True)
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("责任单位"), through="Assignment", related_name="tasks", blank=True
    )

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["directive", "order"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="task_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("tasks:task-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action in ("view", "change"):
            return Q(pk__in=_assigned_task_ids(scope))
        return None


class Assignment(PortalModel):
    """A unit's place on a task: lead (牵头) or co-responsible; group tokens expand to units."""

    Role = AssignmentRole

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        _("职责"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.CO
    )
    via_group = models.ForeignKey(
        UnitGroup,
        verbose_name=_("来自单位组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("由“各镇街区”等单位组展开而来。"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_task_unit"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(role="lead"), name="assignment_one_lead_per_task"
            ),
        ]

    def __str__(self):
        return f"{self.task.number} · {self.unit}（{self.get_role_display()}）"

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(task_id__in=_assigned_task_ids(scope))
        return None


class Milestone(PortalModel):
    """完成时限 — a commitment of a task: a due date, a recurrence, a quantitative target.

    A recurring milestone (每年3月; 每年4月和11月) keeps ``recurrence_months``; each
    occurrence is its own row pointing at the first through ``series``.
    """

    Comparator = Comparator

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    text = models.TextField(_("节点内容"))
    due_on = models.DateField(_("完成时限"), null=True, blank=True, db_index=True)
    recurrence_months = models.JSONField(_("每年重复月份"), default=list, blank=True)
    series = models.ForeignKey(
        "self",
        verbose_name=_("首个周期"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    target_value = models.DecimalField(
        _("目标值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target_subject = models.CharField(_("目标对象"), max_length=100, blank=True)
    target_comparator = models.CharField(
        _("比较方式"), max_length=2, choices=Comparator.choices, blank=True
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task", "order", "due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | ~Q(target_comparator=""),
                name="milestone_target_has_comparator",
            ),
            models.UniqueConstraint(
                fields=["series", "due_on"], name="milestone_unique_occurrence"
            ),
        ]

    def __str__(self):
        due = self.due_on.isoformat() if self.due_on else _("长期坚持")
        return f"{self.task.number} · {due}"

    @property
    def has_target(self):
        return self.target_value is not None

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(task_id__in=_assigned_task_ids(scope))
        return None


class ProgressReport(PortalModel):
    """进展报告 — a unit's report against a milestone: value reached, narrative, evidence.

    Co-units report their share; the lead unit's view rolls them up. An approved report is
    never edited: a correction is a new report that names the one it corrects.
    """

    State = ReportState

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("节点"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="reports"
    )
    value = models.DecimalField(_("完成值"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("进展情况"))
    completes = models.BooleanField(_("本单位已完成该节点"), default=False)
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        db_index=True,
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["milestone", "unit", "state"])]

    def __str__(self):
        return f"{self.unit.display_name} · {self.milestone}"

    def get_absolute_url(self):
        return reverse("tasks:report-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return _report_seen_by(scope)
        if action == "change":
            return Q(unit_id__in=scope.unit_ids)
        return None

    def scope_allows_add(self, scope):
        return self.unit_id in scope.unit_ids


class ReportEvidence(PortalModel):
    """佐证材料 — a file attached to a progress report (type and size checked on upload)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "created_at"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return _report_seen_by(scope, prefix="report__")
        return None


class ReportStep(PortalModel):
    """One step of a report's review: who did what, when, with what comment."""

    Action = ReportAction

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("操作"), max_length=20, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.report} · {self.get_action_display()}"

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return _report_seen_by(scope, prefix="report__")
        return None
