"""The hazard ledger's fixed vocabularies, as the documents word them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("监督检查")
    SELF_CHECK = "self_check", _("企业自查")
    CITIZEN = "citizen", _("群众举报")
    HIGHER = "higher", _("上级交办")


class HazardState(models.TextChoices):
    REPORTED = "reported", _("已上报")
    CONFIRMED = "confirmed", _("已确认")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
    CLOSED = "closed", _("已销号")
    REJECTED = "rejected", _("已驳回")


OPEN_STATES = (
    HazardState.REPORTED,
    HazardState.CONFIRMED,
    HazardState.RECTIFYING,
    HazardState.AWAITING_ACCEPTANCE,
)


class HazardEventKind(models.TextChoices):
    REPORT = "report", _("上报")
    CONFIRM = "confirm", _("确认并交办")
    REJECT = "reject", _("驳回")
    PLAN = "plan", _("落实整改措施")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("提请验收")
    ACCEPT = "accept", _("验收通过并销号")
    SEND_BACK = "send_back", _("验收不通过")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_APPROVE = "extension_approve", _("同意延期")
    EXTENSION_REFUSE = "extension_refuse", _("不同意延期")
    EDIT = "edit", _("修改信息")
    LIST = "list", _("挂牌督办")
    LISTING_PROGRESS = "listing_progress", _("报送督办进展")
    LIFT = "lift", _("摘牌")
    DUAL_REPORT = "dual_report", _("双报告")
    PHOTO = "photo", _("上传照片")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class ListingState(models.TextChoices):
    LISTED = "listed", _("挂牌中")
    LIFTED = "lifted", _("已摘牌")


class DualReportRecipient(models.TextChoices):
    REGULATOR = "regulator", _("负有安全监管职责的部门")
    WORKERS_CONGRESS = "workers_congress", _("职工大会或职工代表大会")


class CitizenReportState(models.TextChoices):
    NEW = "new", _("待处理")
    ACCEPTED = "accepted", _("已受理")
    DISMISSED = "dismissed", _("不予受理")
