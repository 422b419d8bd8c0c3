"""延期 — a later deadline asked by the responsible unit and decided by the supervising unit;
the original deadline stays on record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import require, user_scope

from ..choices import ExtensionState, HazardEventKind, HazardState
from ..models import Hazard, HazardExtension
from .base import (
    clean_text,
    expect_state,
    lock_hazard,
    notify_users,
    record_event,
    require_member,
    require_supervisor,
    unit_user_ids,
)

# --- extensions ---------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, actor, hazard: Hazard, requested_deadline: datetime.date, reason: str
) -> HazardExtension:
    """The responsible unit asks for a later deadline, with a reason; one pending at a time."""
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("申请延期"))
    require_member(user_scope(actor), hazard.responsible_unit, _("申请延期"))
    require(actor, "change", hazard)
    reason = clean_text(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("请填写延期理由。")
    if requested_deadline is None:
        errors["requested_deadline"] = _("请填写申请延至的日期。")
    elif hazard.deadline and requested_deadline <= hazard.deadline:
        errors["requested_deadline"] = _("申请延至的日期须晚于当前整改时限（%(deadline)s）。") % {
            "deadline": hazard.deadline
        }
    if errors:
        raise ValidationError(errors)
    if hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError(_("该隐患已有一份待审批的延期申请。"))
    now = timezone.now()
    extension = HazardExtension(
        hazard=hazard,
        reason=reason,
        previous_deadline=hazard.deadline,
        requested_deadline=requested_deadline,
        requested_by=actor,
        requested_at=now,
        state=ExtensionState.PENDING,
    )
    extension.full_clean()
    extension.save()
    record_event(
        hazard,
        HazardEventKind.EXTENSION_REQUEST,
        actor,
        hazard.responsible_unit,
        hazard.state,
        hazard.state,
        reason,
        at=now,
        data={"extension": extension.pk, "requested_deadline": requested_deadline.isoformat()},
    )
    notify_users(
        unit_user_ids(hazard.supervising_unit),
        hazard,
        title=_("延期申请待审批：%(code)s") % {"code": hazard.code},
        body=_("%(unit)s申请将整改时限由%(old)s延至%(new)s：%(reason)s")
        % {
            "unit": hazard.responsible_unit.name,
            "old": hazard.deadline,
            "new": requested_deadline,
            "reason": reason,
        },
        unit=hazard.supervising_unit,
        exclude=actor,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor, extension: HazardExtension, approve: bool, comment: str
) -> HazardExtension:
    """The supervising unit approves (the deadline moves, the original stays on record) or
    refuses (with a reason) a pending extension."""
    extension = HazardExtension.objects.select_for_update().get(pk=extension.pk)
    hazard = lock_hazard(extension.hazard)
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(
            _("该延期申请已处理（%(state)s）。") % {"state": extension.get_state_display()}
        )
    require_supervisor(user_scope(actor), hazard, _("审批延期"))
    require(actor, "change", hazard)
    comment = clean_text(comment)
    if not approve and not comment:
        raise ValidationError({"comment": _("不同意延期时请填写理由。")})
    if approve and hazard.state not in (
        HazardState.CONFIRMED,
        HazardState.RECTIFYING,
        HazardState.AWAITING_ACCEPTANCE,
    ):
        raise ValidationError(
            _("隐患当前状态为“%(state)s”，不能延期。") % {"state": hazard.get_state_display()}
        )
    now = timezone.now()
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    extension.decided_by = actor
    extension.decided_at = now
    extension.decision_comment = comment
    extension.full_clean()
    extension.save()
    old = hazard.deadline
    if approve:
        if hazard.original_deadline is None:
            hazard.original_deadline = old
        hazard.deadline = extension.requested_deadline
        hazard.full_clean()
        hazard.save()
    record_event(
        hazard,
        HazardEventKind.EXTENSION_APPROVE if approve else HazardEventKind.EXTENSION_REFUSE,
        actor,
        hazard.supervising_unit,
        hazard.state,
        hazard.state,
        comment,
        at=now,
        data={
            "extension": extension.pk,
            "previous_deadline": old.isoformat() if old else None,
            "requested_deadline": extension.requested_deadline.isoformat(),
        },
    )
    notify_users(
        [extension.requested_by_id],
        hazard,
        title=(_("同意延期：%(code)s") if approve else _("不同意延期：%(code)s"))
        % {"code": hazard.code},
        body=(
            _("整改时限延至%(date)s。") % {"date": extension.requested_deadline}
            if approve
            else _("理由：%(comment)s") % {"comment": comment}
        ),
        unit=hazard.responsible_unit,
        exclude=actor,
    )
    return extension
