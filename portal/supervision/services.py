"""Writes on 督办单: the unit's reply (反馈) and the office's close (办结).

issued (待反馈) → replied (已反馈) → closed (已办结). The responsible unit's leader — or the
office on its behalf — replies with the reason for the delay, the measures taken and a new
committed date; the reply may be amended until the notice is closed (the history keeps each
version). The office closes a notice with a comment. A reply tells the office; a close tells
the unit's leaders. Every door — page, API, admin — goes through these functions.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify
from portal.permissions import ROLE_OFFICE, require, user_scope
from responsibilities.models import Membership

from .models import NoticeState, SupervisionNotice

NOTIFY_CATEGORY = "supervision-notice"


@transaction.atomic
def notice_reply(
    *,
    actor,
    notice: SupervisionNotice,
    reason: str,
    measures: str,
    committed_on: datetime.date | None,
) -> SupervisionNotice:
    """Record the unit's reply: 逾期原因, 整改措施 and 承诺完成日期 (not before today)."""
    notice = _lock(notice)
    require(actor, "change", notice)
    if not notice.is_open:
        raise ValidationError(
            _("督办单 %(number)s 已办结，不能再反馈。") % {"number": notice.number}
        )
    reason, measures = (reason or "").strip(), (measures or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写逾期原因。")
    if not measures:
        errors["measures"] = _("请填写整改措施。")
    today = timezone.localdate()
    if committed_on is None:
        errors["committed_on"] = _("请填写承诺完成日期。")
    elif committed_on < today:
        errors["committed_on"] = _("承诺完成日期不能早于今天（%(today)s）。") % {
            "today": today.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    amended = notice.state == NoticeState.REPLIED
    now = timezone.now()
    notice.reply_reason = reason
    notice.reply_measures = measures
    notice.committed_on = committed_on
    notice.replied_at = now
    notice.replied_by = actor
    notice.state = NoticeState.REPLIED
    notice.full_clean()
    notice._change_reason = _("修改反馈") if amended else _("反馈")
    notice.save()
    notify(
        recipients=_office_users(),
        title=(_("督办单 %(number)s 反馈已修改") if amended else _("督办单 %(number)s 已反馈"))
        % {"number": notice.number},
        body=_("%(unit)s：%(item)s。承诺完成日期 %(committed)s。")
        % {
            "unit": notice.unit.display_name,
            "item": notice.item_title,
            "committed": committed_on.isoformat(),
        },
        link=notice.get_absolute_url(),
        category=NOTIFY_CATEGORY,
        unit=notice.unit,
        key=f"supervision:{notice.pk}:replied:{now.isoformat()}",
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, comment: str) -> SupervisionNotice:
    """The office closes a notice (办结) with its comment."""
    notice = _lock(notice)
    require(actor, "change", notice)
    if not user_scope(actor).writes_all:
        raise PermissionDenied(_("只有安委办可以办结督办单。"))
    if not notice.is_open:
        raise ValidationError(_("督办单 %(number)s 已办结。") % {"number": notice.number})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("请填写办结意见。")})
    notice.state = NoticeState.CLOSED
    notice.closed_at = timezone.now()
    notice.closed_by = actor
    notice.close_comment = comment
    notice.full_clean()
    notice._change_reason = _("办结")
    notice.save()
    notify(
        recipients=_unit_leaders(notice.unit_id),
        title=_("督办单 %(number)s 已办结") % {"number": notice.number},
        body=_("%(item)s。办结意见：%(comment)s") % {"item": notice.item_title, "comment": comment},
        link=notice.get_absolute_url(),
        category=NOTIFY_CATEGORY,
        unit=notice.unit,
        key=f"supervision:{notice.pk}:closed",
    )
    return notice


def _lock(notice: SupervisionNotice) -> SupervisionNotice:
    """The notice re-read under a row lock, so a reply and a close cannot cross."""
    return (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=notice.pk)
    )


def _office_users() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__name=ROLE_OFFICE, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )


def _unit_leaders(unit_id: int) -> list[int]:
    """The unit's leaders; its staff when it has no leader account (as the engine does)."""
    rows = list(
        Membership.objects.filter(unit_id=unit_id, user__is_active=True).values_list(
            "role", "user_id"
        )
    )
    leaders = [user_id for role, user_id in rows if role == Membership.Role.LEADER]
    return leaders or [user_id for _role, user_id in rows]
