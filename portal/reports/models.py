"""报表导出 — background exports: a large ledger is written by a job, then downloaded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel


class ExportJob(PortalModel):
    """One requested export too large to stream: its filters, progress and finished file.

    The file is served only to ``user`` through a view, never as a public media URL.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (xlsx)")
        CSV = "csv", _("CSV")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    exporter = models.CharField(_("导出类型"), max_length=100)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    rows_done = models.PositiveIntegerField(_("已完成行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True, max_length=300)
    error = models.TextField(_("错误信息"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="exportjob_user_created")]

    def __str__(self):
        return f"{self.title}（{self.get_format_display()}）"

    def get_absolute_url(self):
        return reverse("reports:export-job", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, round(self.rows_done * 100 / self.rows_total))

    @classmethod
    def scope_q(cls, scope, action):
        # An export belongs to the person who asked for it; see selectors.export_jobs_for.
        return Q(user_id=scope.user_id)


class Bulletin(PortalModel):
    """月度通报 — the office's monthly bulletin, as issued: its number, the month it covers, the
    next steps the office wrote, and the figures frozen when it was issued. A month can be
    previewed any time; issuing numbers and freezes it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    number = models.CharField(_("期号"), max_length=50, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    next_steps = models.TextField(_("下步工作"), blank=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度通报")
        verbose_name_plural = _("月度通报")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="bulletin_unique_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="bulletin_month_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:bulletin-issued", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, action):
        return Q() if action == "view" else None
