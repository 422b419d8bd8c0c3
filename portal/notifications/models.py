"""通知 — in-app notifications: reminders, 督办单 notices and anything else a person must see."""

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

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]
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
