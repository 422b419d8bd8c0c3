"""督办 — what the deadline engine records: one event per (item, stage, due date), and the
督办单 (supervision notice) it issues when an item passes its date.

``DeadlineEvent`` is the engine's memory and its guarantee: the database refuses a second row
with the same key, so a repeated sweep, two sweeps at once, or a job redelivered after a
worker died never remind, mark overdue, issue or escalate twice. Rows are written once and
never changed (the log is its own history).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel


class Stage(models.TextChoices):
    REMIND_7 = "remind-7", _("到期前7天提醒")
    REMIND_3 = "remind-3", _("到期前3天提醒")
    REMIND_1 = "remind-1", _("到期前1天提醒")
    OVERDUE = "overdue", _("逾期")
    ESCALATE = "escalate", _("升级督办")
    RECUR = "recur", _("生成下一周期")


REMINDER_STAGES = (Stage.REMIND_7, Stage.REMIND_3, Stage.REMIND_1)


class DeadlineEvent(models.Model):
    """提醒记录 — that the engine did one thing about one item's deadline, once."""

    Stage = Stage

    source = models.CharField(_("来源"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    item = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    due_on = models.DateField(_("到期日"))
    unit = models.ForeignKey(
        "responsibilities.OrgUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("事项"), max_length=300)
    sweep_id = models.UUIDField(_("扫描批次"), db_index=True)
    occurred_at = models.DateTimeField(_("扫描时间"))
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("期限提醒记录")
        verbose_name_plural = _("期限提醒记录")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "stage", "due_on"], name="deadline_event_unique_key"
            )
        ]
        indexes = [models.Index(fields=["source", "stage", "object_id"])]

    def __str__(self):
        return f"{self.title} · {self.get_stage_display()} · {self.due_on:%Y-%m-%d}"

    @property
    def key(self) -> str:
        """The same key the notifications it sent carry."""
        return event_key(self.source, self.object_id, self.stage, self.due_on)

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(unit_id__in=scope.unit_ids)
        return None


def event_key(source: str, object_id: int, stage: str, due_on: datetime.date) -> str:
    return f"{source}:{object_id}:{stage}:{due_on.isoformat()}"


class NoticeState(models.TextChoices):
    ISSUED = "issued", _("待反馈")
    REPLIED = "replied", _("已反馈")
    CLOSED = "closed", _("已办结")


class SupervisionNotice(PortalModel):
    """督办单 — issued to a unit's leader, copied to the office, the day after an item passes
    its date; the unit answers (reason, new commitment), the office closes it. Still open
    after the grace period it is escalated to the office's leadership and flagged for 约谈."""

    State = NoticeState

    number = models.CharField(_("督办单编号"), max_length=50, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    source = models.CharField(_("来源"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    item = GenericForeignKey("content_type", "object_id")
    item_title = models.CharField(_("督办事项"), max_length=300)
    item_text = models.TextField(_("事项内容"), blank=True)
    item_link = models.CharField(_("事项链接"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "responsibilities.OrgUnit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    co_unit_names = models.CharField(_("配合单位"), max_length=500, blank=True)
    due_on = models.DateField(_("原定完成时限"))
    issued_at = models.DateTimeField(_("下发时间"))
    issued_on = models.DateField(_("下发日期"))
    response_due_on = models.DateField(_("反馈期限"))
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=NoticeState.choices,
        default=NoticeState.ISSUED,
        db_index=True,
    )
    reply_reason = models.TextField(_("逾期原因"), blank=True)
    reply_measures = models.TextField(_("整改措施及承诺"), blank=True)
    committed_on = models.DateField(_("承诺完成日期"), null=True, blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("升级督办时间"), null=True, blank=True)
    interview_required = models.BooleanField(_("列入约谈"), default=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_comment = models.TextField(_("办结意见"), blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "due_on"], name="supervision_notice_unique_item"
            ),
            models.UniqueConstraint(
                fields=["year", "sequence"], name="supervision_notice_unique_sequence"
            ),
        ]
        indexes = [models.Index(fields=["state", "issued_on"])]

    def __str__(self):
        return f"{self.number} · {self.item_title}"

    def get_absolute_url(self):
        return reverse("supervision:notice-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != NoticeState.CLOSED

    def age_days(self, today: datetime.date | None = None) -> int:
        """Days since issue; a closed notice stops ageing on the day it was closed."""
        end = timezone.localdate(self.closed_at) if self.closed_at else today
        end = end or timezone.localdate()
        return max((end - self.issued_on).days, 0)

    def response_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state == NoticeState.ISSUED and today > self.response_due_on

    @classmethod
    def scope_q(cls, scope, action):
        if action == "view":
            return Q(unit_id__in=scope.unit_ids)
        if action == "change":  # the answer comes from the unit's leader
            return Q(unit_id__in=scope.leader_unit_ids)
        return None


NOTICE_COUNTER = "supervision-notice"  # portal.models.YearCounter hands out the numbers


def notice_number(year: int, sequence: int) -> str:
    """城安督〔2026〕12号 — the prefix is a setting, so a city can use its own."""
    return f"{settings.SUPERVISION_NOTICE_PREFIX}〔{year}〕{sequence}号"
