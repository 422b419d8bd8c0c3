"""通知 — in-app notifications: reminders, 督办单 notices and anything else a person must see."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import PortalModel

# A site path or an http(s) address: never javascript: or data: links in a notice.
validate_link = RegexValidator(r"^(/|https?://)", _("链接须以 / 或 http(s):// 开头。"))


class Notification(PortalModel):
    """One notice to one person. ``key`` makes sending idempotent: the deadline engine uses
    keys such as ``milestone:42:remind-3:2026-12-31`` so a repeated sweep sends nothing twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_link])
    category = models.CharField(_("类别"), max_length=50, blank=True, db_index=True)
    unit = models.ForeignKey(
        "responsibilities.OrgUnit",
        verbose_name=_("相关单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    key = models.CharField(_("去重键"), max_length=200, null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # When the remote channels' deliveries were planned; NULL until then, so a planning job
    # lost on the way (broker down, worker gone) is found and queued again.
    planned_at = models.DateTimeField(_("投递安排时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                condition=Q(planned_at__isnull=True),
                name="notification_unplanned",
            ),
        ]
        constraints = [
            # NULL keys are distinct, so unkeyed notices never collide.
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_unique_recipient_key"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def scope_q(cls, scope, action):
        # A notice belongs to its recipient alone; see selectors.notifications_for.
        return Q(recipient_id=scope.user_id)


class NotificationPreference(PortalModel):
    """How one person wants to be reached beyond the in-app inbox."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("即时推送")
        DIGEST = "digest", _("每日汇总")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    mode = models.CharField(
        _("推送方式"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE
    )
    email_enabled = models.BooleanField(_("电子邮件"), default=True)
    sms_enabled = models.BooleanField(_("短信"), default=True)
    last_digest_at = models.DateTimeField(_("上次汇总时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.user.get_username()} · {self.get_mode_display()}"

    @property
    def is_digest(self) -> bool:
        return self.mode == self.Mode.DIGEST

    @classmethod
    def scope_q(cls, scope, action):
        return Q(user_id=scope.user_id)


class UnitWebhook(PortalModel):
    """工作群机器人 — a unit's WeCom or DingTalk group robot, reached by its webhook address."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信")
        DINGTALK = "dingtalk", _("钉钉")

    unit = models.ForeignKey(
        "responsibilities.OrgUnit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    url = models.URLField(
        _("Webhook 地址"), max_length=500, help_text=_("地址中含密钥，页面上只显示打码后的形式。")
    )
    secret = models.CharField(
        _("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人启用“加签”时填写。")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["unit__sort_order", "unit__name", "kind", "pk"]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.masked_url}"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def masked_url(self) -> str:
        """Scheme, host and path only: the key in the query is the robot's password."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")

    @property
    def target(self) -> str:
        """What a Delivery records: the host and this robot's id, never the key."""
        return f"{self.host} #{self.pk}"

    @classmethod
    def scope_q(cls, scope, action):
        return None  # configured by the office and admins only


class Delivery(PortalModel):
    """One attempt-tracked sending of a notification over one channel to one target.

    The unique key makes a retried or duplicated job send nothing twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WECOM = "wecom", _("企业微信")
        DINGTALK = "dingtalk", _("钉钉")
        SMS = "sms", _("短信")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("通知"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    target = models.CharField(_("发送对象"), max_length=255)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "target"], name="delivery_unique_target"
            )
        ]

    def __str__(self):
        return f"{self.notification} → {self.get_channel_display()} {self.target}"

    @classmethod
    def scope_q(cls, scope, action):
        return None  # the office watches deliveries; a person reads the notification itself
