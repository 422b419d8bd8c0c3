from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    CO = "co", _("责任单位")


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("不少于")
    AT_MOST = "<=", _("不超过")
    EQUAL = "=", _("等于")


class ReportState(models.TextChoices):
    """进展报告 — draft → submitted → confirmed by the unit leader → approved or returned."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待单位负责人确认")
    CONFIRMED = "confirmed", _("待安委办审核")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


class ReportAction(models.TextChoices):
    CREATE = "create", _("填报")
    SUBMIT = "submit", _("提交")
    CONFIRM = "confirm", _("确认")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")


class Light(models.TextChoices):
    """亮灯 — a milestone's or task's state, always derived from dates and approved reports."""

    NOT_STARTED = "not_started", _("未开始")
    ON_TRACK = "on_track", _("正常推进")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")
    DONE_LATE = "done_late", _("逾期完成")
