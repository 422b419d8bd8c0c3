"""What every hazard service shares: who may act, the row lock, the event record, the
checked photo uploads and the notifications."""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.maps import check_coordinates
from portal.notifications.services import (  # noqa: F401  (re-exported)
    notify,
    office_user_ids,
    unit_user_ids,
)
from portal.permissions import user_scope
from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

from ..choices import HazardGrade, HazardState
from ..models import Hazard, HazardEvent, HazardPhoto

NOTIFY_CATEGORY = "hazards"


def deny(message: str):
    raise PermissionDenied(message)


def is_member(scope, unit: OrgUnit | None) -> bool:
    return unit is not None and unit.pk in scope.unit_ids


def require_member(scope, unit: OrgUnit | None, verb: str) -> None:
    if scope.read_only or not is_member(scope, unit):
        deny(
            _("只有责任单位“%(unit)s”的人员可以%(verb)s。")
            % {"unit": unit.name if unit else _("（未指定）"), "verb": verb}
        )


def require_supervisor(scope, hazard: Hazard, verb: str) -> None:
    """A member of the supervising unit who is not also in the responsible unit: acceptance is
    never done by the unit that did the work."""
    if scope.read_only or not is_member(scope, hazard.supervising_unit):
        deny(
            _("只有监管单位“%(unit)s”的人员可以%(verb)s。")
            % {
                "unit": hazard.supervising_unit.name if hazard.supervising_unit else "",
                "verb": verb,
            }
        )
    if is_member(scope, hazard.responsible_unit):
        deny(
            _("您同时是整改单位“%(unit)s”的人员，不能%(verb)s本单位整改的隐患。")
            % {"unit": hazard.responsible_unit.name, "verb": verb}
        )


def require_triage(actor, hazard: Hazard, grade: str) -> None:
    """The office grades and assigns; a township may confirm a 一般 hazard in its territory."""
    scope = user_scope(actor)
    if scope.writes_all:
        return
    if scope.read_only or hazard.township_id not in scope.township_ids:
        deny(_("只有安委办或隐患所在镇街区可以确认、驳回隐患。"))
    if grade == HazardGrade.MAJOR:
        deny(_("重大隐患由安委办确认。"))


def require_office(actor, verb: str) -> None:
    if not user_scope(actor).writes_all:
        deny(_("只有安委办可以%(verb)s。") % {"verb": verb})


def expect_state(hazard: Hazard, states, verb: str) -> None:
    if hazard.state not in states:
        raise ValidationError(
            _("隐患当前状态为“%(state)s”，不能%(verb)s。")
            % {"state": hazard.get_state_display(), "verb": verb},
            code="state",
        )


def refuse_finished(hazard: Hazard) -> None:
    if hazard.state == HazardState.CLOSED:
        raise ValidationError(_("已销号的隐患不能修改。"), code="closed")
    if hazard.state == HazardState.REJECTED:
        raise ValidationError(_("已驳回的隐患不能修改。"), code="rejected")


# --- helpers ------------------------------------------------------------------------------------


def lock_hazard(hazard: Hazard) -> Hazard:
    """The hazard re-read under a row lock: two people never act on one state."""
    return (
        Hazard.objects.select_for_update(of=("self",))  # not the nullable joined units
        .select_related("township", "responsible_unit", "supervising_unit", "reporting_unit")
        .get(pk=hazard.pk)
    )


def clean_text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def parse_funds(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {"rectification_funds": _("整改资金“%(value)s”不是数字。") % {"value": value}}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"rectification_funds": _("整改资金须为不小于0的数字。")})
    return amount


def check_found_on(found_on) -> None:
    if found_on and found_on > timezone.localdate():
        raise ValidationError({"found_on": _("排查时间不能晚于今天。")})


def check_place(hazard: Hazard) -> None:
    errors = {}
    township = hazard.township if hazard.township_id else None
    if township is None:
        errors["township"] = _("请选择所在镇街区。")
    elif township.kind != OrgUnit.Kind.TOWNSHIP:
        errors["township"] = _("“%(unit)s”不是镇街区。") % {"unit": township.name}
    elif hazard.grid_id and hazard.grid.township_id != township.pk:
        errors["grid"] = _("网格“%(grid)s”不在%(township)s。") % {
            "grid": hazard.grid.name,
            "township": township.name,
        }
    if errors:
        raise ValidationError(errors)
    check_coordinates(hazard)


def attach_photos(actor, hazard: Hazard, kind: str, files: Iterable, *, field: str):
    """Save each file (checked by content, images only) as a photo of ``kind``; a refused
    file's message is keyed on ``field``."""
    photos = []
    for file in files or ():
        try:
            info = validate_upload(file, kinds=("image",))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
        photo = HazardPhoto(
            hazard=hazard,
            kind=kind,
            name=info.name[:200],
            size=info.size,
            content_type=info.content_type,
            uploaded_by=actor,
        )
        # The stored name is random: a person's file name never becomes a path on the server.
        extension = os.path.splitext(info.name)[1].lower()
        photo.file.save(f"{uuid.uuid4().hex}{extension}", file, save=False)
        try:
            photo.full_clean()
            photo.save()
        except Exception:
            photo.file.delete(save=False)
            raise
        photos.append(photo)
    return photos


def first_unit(actor) -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(memberships__user=actor, is_active=True)
        .order_by("sort_order", "name", "pk")
        .first()
    )


def acting_unit(actor, hazard: Hazard) -> OrgUnit | None:
    """The unit through which ``actor`` acts on ``hazard``: one of the hazard's units they
    belong to, else their first unit (the office's own unit, say)."""
    scope = user_scope(actor)
    for unit in (
        hazard.supervising_unit,
        hazard.responsible_unit,
        hazard.township,
        hazard.reporting_unit,
    ):
        if is_member(scope, unit):
            return unit
    return first_unit(actor)


def record_event(
    hazard: Hazard,
    kind: str,
    actor,
    unit: OrgUnit | None,
    from_state: str,
    to_state: str,
    comment: str = "",
    *,
    at: datetime.datetime | None = None,
    data: dict | None = None,
) -> HazardEvent:
    event = HazardEvent(
        hazard=hazard,
        kind=kind,
        actor=actor,
        unit=unit,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        data=data or {},
    )
    event.full_clean()
    event.save()
    return event


def link_to(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is not there yet (built in parallel)
        return ""


def notify_users(recipients, obj, *, title: str, body: str, unit=None, exclude=None) -> None:
    skip = getattr(exclude, "pk", None)
    recipients = [r for r in recipients if r != skip]
    if recipients:
        notify(
            recipients=recipients,
            title=title,
            body=body,
            link=link_to(obj),
            category=NOTIFY_CATEGORY,
            unit=unit,
        )
