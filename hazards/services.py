"""Writes on the hazard ledger: every step of a hazard's life, listed supervision, dual
reporting, campaigns and citizens' reports.

reported (已上报) → confirmed (已确认: graded, assigned to a responsible and a supervising unit,
deadline set) → rectifying (整改中) → awaiting_acceptance (待验收) → closed (已销号); or
rejected (已驳回) with a reason. A 重大 hazard starts rectifying only with 五落实 in place; the
supervising unit accepts, never the unit that fixed it. Extensions (延期) are requested and
decided, never typed over: the original deadline stays.

Every service is keyword-only and atomic, checks the actor against the hazard inside the
transaction (``require``), records a ``HazardEvent`` and notifies whoever must act next.
Every door — pages, API, import, admin, seed_demo — goes through these functions.
"""

from __future__ import annotations

import datetime
import os
import secrets
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import YearCounter
from portal.notifications.services import notify
from portal.permissions import ROLE_OFFICE, require, user_scope
from portal.uploads import validate_upload
from responsibilities.models import OrgUnit

from .choices import (
    OPEN_STATES,
    CitizenReportState,
    DualReportRecipient,
    ExtensionState,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingState,
    PhotoKind,
)
from .models import (
    Campaign,
    CitizenReport,
    DualReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardListing,
    HazardPhoto,
    ListingProgress,
    hazard_code,
)

NOTIFY_CATEGORY = "hazards"
CODE_COUNTER = "hazard"
# Fields a hazard's reporter or its units may correct while it is open.
DESCRIPTIVE_FIELDS = frozenset(
    {
        "description",
        "township",
        "grid",
        "address",
        "latitude",
        "longitude",
        "enterprise",
        "industry",
        "source",
        "campaign",
        "found_on",
        "found_by",
        "grade",
    }
)
CAMPAIGN_FIELDS = frozenset(
    {
        "name",
        "description",
        "scope",
        "industry",
        "townships",
        "lead_unit",
        "starts_on",
        "ends_on",
        "recurrence_months",
        "milestone",
    }
)
# Receipt codes are read aloud and typed on phones: no 0/O, 1/I/L.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8
# The public form's own limit per device, on top of whatever the web server enforces.
CITIZEN_REPORTS_PER_HOUR = 5
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


# --- reporting ----------------------------------------------------------------------------------


@transaction.atomic
def hazard_report(
    *,
    actor,
    township: OrgUnit,
    address: str,
    description: str,
    found_on: datetime.date,
    grade: str = HazardGrade.GENERAL,
    source: str = HazardSource.INSPECTION,
    found_by: str = "",
    grid=None,
    enterprise=None,
    industry=None,
    campaign: Campaign | None = None,
    latitude=None,
    longitude=None,
    photos: Iterable = (),
    reporting_unit: OrgUnit | None = None,
) -> Hazard:
    """Record a hazard found (已上报), numbered YH-<year found>-<n> from a counter that never
    hands a number out twice; ``photos`` are saved as 整改前 photos."""
    scope = user_scope(actor)
    if scope.read_only or not (scope.writes_all or scope.is_unit_member):
        _deny(_("只有各单位人员或安委办可以上报隐患。"))
    if reporting_unit is None:
        reporting_unit = _first_unit(actor)
    elif not (scope.writes_all or reporting_unit.pk in scope.unit_ids):
        _deny(_("您不是“%(unit)s”的成员，不能以其名义上报。") % {"unit": reporting_unit.name})
    if industry is None and enterprise is not None:
        industry = enterprise.industry
    hazard = Hazard(
        township=township,
        address=_text(address),
        description=_text(description),
        found_on=found_on,
        grade=grade,
        source=source,
        found_by=_text(found_by),
        grid=grid,
        enterprise=enterprise,
        industry=industry,
        campaign=campaign,
        latitude=latitude,
        longitude=longitude,
        reported_by=actor,
        reporting_unit=reporting_unit,
        state=HazardState.REPORTED,
    )
    require(actor, "add", hazard)
    _check_place(hazard)
    hazard.full_clean(exclude=["code"])
    _check_found_on(hazard.found_on)
    hazard.code = hazard_code(
        hazard.found_on.year, YearCounter.take(CODE_COUNTER, hazard.found_on.year)
    )
    hazard.save()
    _event(hazard, HazardEventKind.REPORT, actor, reporting_unit, "", HazardState.REPORTED)
    _attach_photos(actor, hazard, PhotoKind.BEFORE, photos, field="photos")
    _notify(
        _office_user_ids(),
        hazard,
        title=_("新上报隐患：%(code)s") % {"code": hazard.code},
        body=_("%(township)s %(address)s：%(description)s")
        % {
            "township": township.name,
            "address": hazard.address,
            "description": hazard.description[:100],
        },
        unit=reporting_unit,
        exclude=actor,
    )
    return hazard


@transaction.atomic
def hazard_add_photos(*, actor, hazard: Hazard, kind: str, files: Iterable) -> list[HazardPhoto]:
    """Add 整改前 or 整改后 photos to an open hazard; 整改后 ones only by the responsible unit
    while it rectifies."""
    hazard = _lock(hazard)
    scope = user_scope(actor)
    _refuse_finished(hazard)
    if kind not in PhotoKind.values:
        raise ValidationError({"kind": _("照片类别“%(kind)s”无效。") % {"kind": kind}})
    if kind == PhotoKind.AFTER:
        _require_member(scope, hazard.responsible_unit, _("上传整改后照片"))
        _expect(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("上传整改后照片"))
    require(actor, "change", hazard)
    files = list(files or ())
    if not files:
        raise ValidationError({"files": _("请选择要上传的照片。")})
    photos = _attach_photos(actor, hazard, kind, files, field="files")
    _event(
        hazard,
        HazardEventKind.PHOTO,
        actor,
        _acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        data={"kind": kind, "count": len(photos)},
    )
    return photos


@transaction.atomic
def hazard_update(*, actor, hazard: Hazard, **fields) -> Hazard:
    """Correct a hazard's description, place, enterprise, sector, source or campaign (its grade
    only before it is confirmed); a closed or rejected hazard stays as it was."""
    hazard = _lock(hazard)
    _refuse_finished(hazard)
    unknown = sorted(set(fields) - DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValidationError(
            _("这些字段不能在此修改：%(fields)s") % {"fields": "、".join(unknown)}
        )
    if (
        "grade" in fields
        and fields["grade"] != hazard.grade
        and hazard.state != HazardState.REPORTED
    ):
        raise ValidationError({"grade": _("隐患已确认，等级不能在此修改。")})
    require(actor, "change", hazard)
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(hazard, name) != value:
            setattr(hazard, name, value)
            changed.append(name)
    if "enterprise" in changed and "industry" not in fields and hazard.enterprise is not None:
        hazard.industry = hazard.enterprise.industry
    _check_place(hazard)
    hazard.full_clean()
    _check_found_on(hazard.found_on)
    if changed:
        hazard.save()
        _event(
            hazard,
            HazardEventKind.EDIT,
            actor,
            _acting_unit(actor, hazard),
            hazard.state,
            hazard.state,
            data={"fields": changed},
        )
    return hazard


# --- confirmation -------------------------------------------------------------------------------


@transaction.atomic
def hazard_confirm(
    *,
    actor,
    hazard: Hazard,
    grade: str,
    responsible_unit: OrgUnit,
    supervising_unit: OrgUnit,
    deadline: datetime.date,
    comment: str = "",
) -> Hazard:
    """Grade a reported hazard and assign it: the office, or the hazard's township for a 一般
    hazard. Sets the rectification deadline (and keeps it as the original one)."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.REPORTED,), _("确认"))
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": _("隐患等级“%(grade)s”无效。") % {"grade": grade}})
    _require_triage(actor, hazard, grade)
    require(actor, "change", hazard)
    errors = {}
    if responsible_unit is None:
        errors["responsible_unit"] = _("请选择责任单位。")
    if supervising_unit is None:
        errors["supervising_unit"] = _("请选择监管单位。")
    elif responsible_unit is not None and responsible_unit.pk == supervising_unit.pk:
        errors["supervising_unit"] = _(
            "监管单位不能与责任单位相同：验收须由整改单位以外的单位进行。"
        )
    if deadline is None:
        errors["deadline"] = _("请填写整改时限。")
    elif deadline < hazard.found_on:
        errors["deadline"] = _("整改时限不能早于排查时间（%(found)s）。") % {
            "found": hazard.found_on
        }
    for name, unit in (
        ("responsible_unit", responsible_unit),
        ("supervising_unit", supervising_unit),
    ):
        if unit is not None and not unit.is_active and name not in errors:
            errors[name] = _("“%(unit)s”已停用。") % {"unit": unit.name}
    if errors:
        raise ValidationError(errors)
    hazard.grade = grade
    hazard.responsible_unit = responsible_unit
    hazard.supervising_unit = supervising_unit
    hazard.deadline = deadline
    hazard.original_deadline = deadline
    hazard.state = HazardState.CONFIRMED
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.CONFIRM,
        actor,
        _acting_unit(actor, hazard),
        HazardState.REPORTED,
        HazardState.CONFIRMED,
        comment,
        data={
            "grade": grade,
            "responsible_unit": responsible_unit.pk,
            "supervising_unit": supervising_unit.pk,
            "deadline": deadline.isoformat(),
        },
    )
    _notify(
        _unit_user_ids(responsible_unit),
        hazard,
        title=_("隐患整改交办：%(code)s") % {"code": hazard.code},
        body=_("%(grade)s，请于%(deadline)s前完成整改；监管单位：%(supervisor)s。")
        % {
            "grade": hazard.get_grade_display(),
            "deadline": deadline,
            "supervisor": supervising_unit.name,
        },
        unit=responsible_unit,
        exclude=actor,
    )
    _notify(
        _unit_user_ids(supervising_unit),
        hazard,
        title=_("隐患监管交办：%(code)s") % {"code": hazard.code},
        body=_("由%(unit)s整改，整改时限%(deadline)s，整改完成后由贵单位验收。")
        % {"unit": responsible_unit.name, "deadline": deadline},
        unit=supervising_unit,
        exclude=actor,
    )
    return hazard


@transaction.atomic
def hazard_reject(*, actor, hazard: Hazard, reason: str) -> Hazard:
    """Reject a reported hazard (not a hazard, a duplicate…) with a reason."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.REPORTED,), _("驳回"))
    _require_triage(actor, hazard, hazard.grade)
    require(actor, "change", hazard)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写驳回理由。")})
    hazard.state = HazardState.REJECTED
    hazard.rejection_reason = reason
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.REJECT,
        actor,
        _acting_unit(actor, hazard),
        HazardState.REPORTED,
        HazardState.REJECTED,
        reason,
    )
    if hazard.reported_by_id:
        _notify(
            [hazard.reported_by_id],
            hazard,
            title=_("隐患已驳回：%(code)s") % {"code": hazard.code},
            body=_("驳回理由：%(reason)s") % {"reason": reason},
            exclude=actor,
        )
    return hazard


# --- rectification ------------------------------------------------------------------------------


@transaction.atomic
def hazard_plan(
    *,
    actor,
    hazard: Hazard,
    rectification_person: str,
    rectification_measures: str,
    rectification_funds,
    contingency_plan: str,
) -> Hazard:
    """The responsible unit records 五落实 (person, measures, funds, contingency plan; the
    time limit is the deadline set on confirmation)."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("落实整改措施"))
    _require_member(user_scope(actor), hazard.responsible_unit, _("落实整改措施"))
    require(actor, "change", hazard)
    hazard.rectification_person = _text(rectification_person)
    hazard.rectification_measures = _text(rectification_measures)
    hazard.rectification_funds = _funds(rectification_funds)
    hazard.contingency_plan = _text(contingency_plan)
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.PLAN,
        actor,
        hazard.responsible_unit,
        hazard.state,
        hazard.state,
        data={"five_in_place": hazard.five_in_place()},
    )
    return hazard


def missing_five(hazard: Hazard) -> list[str]:
    """The names of the 五落实 items not yet recorded, as the form labels them."""
    return [
        str(Hazard._meta.get_field(name).verbose_name)
        for name, present in hazard.five_in_place().items()
        if not present
    ]


@transaction.atomic
def hazard_start(*, actor, hazard: Hazard) -> Hazard:
    """The responsible unit starts rectifying; a 重大 hazard only with all of 五落实."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.CONFIRMED,), _("开始整改"))
    _require_member(user_scope(actor), hazard.responsible_unit, _("开始整改"))
    require(actor, "change", hazard)
    if hazard.is_major and (missing := missing_five(hazard)):
        raise ValidationError(
            _("重大隐患须先落实“五落实”才能开始整改，尚未落实：%(missing)s。")
            % {"missing": "、".join(missing)},
            code="five_missing",
        )
    hazard.state = HazardState.RECTIFYING
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.START,
        actor,
        hazard.responsible_unit,
        HazardState.CONFIRMED,
        HazardState.RECTIFYING,
    )
    return hazard


@transaction.atomic
def hazard_submit(
    *,
    actor,
    hazard: Hazard,
    result: str,
    rectified_on: datetime.date,
    photos: Iterable = (),
) -> Hazard:
    """The responsible unit reports the rectification done and asks for acceptance; at least
    one 整改后 photo must be on record (``photos`` are added as such)."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.RECTIFYING,), _("提请验收"))
    _require_member(user_scope(actor), hazard.responsible_unit, _("提请验收"))
    require(actor, "change", hazard)
    result = _text(result)
    errors = {}
    if not result:
        errors["result"] = _("请填写整改情况。")
    if rectified_on is None:
        errors["rectified_on"] = _("请填写整改完成日期。")
    elif rectified_on > timezone.localdate():
        errors["rectified_on"] = _("整改完成日期不能晚于今天。")
    elif rectified_on < hazard.found_on:
        errors["rectified_on"] = _("整改完成日期不能早于排查时间（%(found)s）。") % {
            "found": hazard.found_on
        }
    if errors:
        raise ValidationError(errors)
    added = _attach_photos(actor, hazard, PhotoKind.AFTER, photos, field="photos")
    if not added and not hazard.photos.filter(kind=PhotoKind.AFTER).exists():
        raise ValidationError({"photos": _("请上传至少一张整改后照片。")})
    hazard.rectification_result = result
    hazard.rectified_on = rectified_on
    hazard.state = HazardState.AWAITING_ACCEPTANCE
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.SUBMIT,
        actor,
        hazard.responsible_unit,
        HazardState.RECTIFYING,
        HazardState.AWAITING_ACCEPTANCE,
        result,
        data={"photos": len(added)},
    )
    _notify(
        _unit_user_ids(hazard.supervising_unit),
        hazard,
        title=_("待验收：%(code)s") % {"code": hazard.code},
        body=_("%(unit)s已完成整改并提请验收。") % {"unit": hazard.responsible_unit.name},
        unit=hazard.supervising_unit,
        exclude=actor,
    )
    return hazard


@transaction.atomic
def hazard_accept(*, actor, hazard: Hazard, comment: str = "") -> Hazard:
    """The supervising unit accepts the rectification and closes the hazard (销号); a person
    who is also in the responsible unit may not."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.AWAITING_ACCEPTANCE,), _("验收"))
    _require_supervisor(user_scope(actor), hazard, _("验收"))
    require(actor, "change", hazard)
    now = timezone.now()
    hazard.state = HazardState.CLOSED
    hazard.accepted_by = actor
    hazard.accepted_at = now
    hazard.acceptance_comment = _text(comment)
    hazard.closed_at = now
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.ACCEPT,
        actor,
        hazard.supervising_unit,
        HazardState.AWAITING_ACCEPTANCE,
        HazardState.CLOSED,
        hazard.acceptance_comment,
        at=now,
    )
    _notify(
        _unit_user_ids(hazard.responsible_unit),
        hazard,
        title=_("验收通过，已销号：%(code)s") % {"code": hazard.code},
        body=hazard.acceptance_comment
        or _("%(unit)s已验收通过。") % {"unit": hazard.supervising_unit.name},
        unit=hazard.responsible_unit,
        exclude=actor,
    )
    return hazard


@transaction.atomic
def hazard_send_back(*, actor, hazard: Hazard, comment: str) -> Hazard:
    """The supervising unit finds the rectification wanting: back to rectifying, with why."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.AWAITING_ACCEPTANCE,), _("退回整改"))
    _require_supervisor(user_scope(actor), hazard, _("退回整改"))
    require(actor, "change", hazard)
    comment = _text(comment)
    if not comment:
        raise ValidationError({"comment": _("请填写验收不通过的意见。")})
    hazard.state = HazardState.RECTIFYING
    hazard.acceptance_comment = comment
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        HazardEventKind.SEND_BACK,
        actor,
        hazard.supervising_unit,
        HazardState.AWAITING_ACCEPTANCE,
        HazardState.RECTIFYING,
        comment,
    )
    _notify(
        _unit_user_ids(hazard.responsible_unit),
        hazard,
        title=_("验收不通过：%(code)s") % {"code": hazard.code},
        body=_("意见：%(comment)s") % {"comment": comment},
        unit=hazard.responsible_unit,
        exclude=actor,
    )
    return hazard


# --- extensions ---------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, actor, hazard: Hazard, requested_deadline: datetime.date, reason: str
) -> HazardExtension:
    """The responsible unit asks for a later deadline, with a reason; one pending at a time."""
    hazard = _lock(hazard)
    _expect(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("申请延期"))
    _require_member(user_scope(actor), hazard.responsible_unit, _("申请延期"))
    require(actor, "change", hazard)
    reason = _text(reason)
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
    _event(
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
    _notify(
        _unit_user_ids(hazard.supervising_unit),
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
    hazard = _lock(extension.hazard)
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(
            _("该延期申请已处理（%(state)s）。") % {"state": extension.get_state_display()}
        )
    _require_supervisor(user_scope(actor), hazard, _("审批延期"))
    require(actor, "change", hazard)
    comment = _text(comment)
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
    _event(
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
    _notify(
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


# --- listed supervision and dual reporting -------------------------------------------------------


@transaction.atomic
def hazard_list(
    *,
    actor,
    hazard: Hazard,
    authority: str,
    notice_number: str,
    listed_on: datetime.date,
    deadline: datetime.date,
) -> HazardListing:
    """挂牌督办 — the office lists an open 重大 hazard for supervision."""
    hazard = _lock(hazard)
    _require_office(actor, _("挂牌督办"))
    require(actor, "change", hazard)
    if not hazard.is_major:
        raise ValidationError(_("只有重大隐患可以挂牌督办。"))
    if not hazard.is_open:
        raise ValidationError(
            _("隐患当前状态为“%(state)s”，不能挂牌督办。") % {"state": hazard.get_state_display()}
        )
    if HazardListing.objects.filter(hazard=hazard).exists():
        raise ValidationError(_("该隐患已挂牌督办。"))
    errors = {}
    if listed_on and listed_on > timezone.localdate():
        errors["listed_on"] = _("挂牌日期不能晚于今天。")
    if listed_on and deadline and deadline < listed_on:
        errors["deadline"] = _("督办整改时限不能早于挂牌日期。")
    if errors:
        raise ValidationError(errors)
    listing = HazardListing(
        hazard=hazard,
        authority=_text(authority),
        notice_number=_text(notice_number),
        listed_on=listed_on,
        deadline=deadline,
        state=ListingState.LISTED,
    )
    listing.full_clean()
    listing.save()
    _event(
        hazard,
        HazardEventKind.LIST,
        actor,
        _acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        data={
            "listing": listing.pk,
            "authority": listing.authority,
            "notice_number": listing.notice_number,
            "deadline": deadline.isoformat(),
        },
    )
    if hazard.responsible_unit_id:
        _notify(
            _unit_user_ids(hazard.responsible_unit),
            hazard,
            title=_("重大隐患挂牌督办：%(code)s") % {"code": hazard.code},
            body=_(
                "%(authority)s挂牌督办（%(number)s），督办整改时限%(deadline)s，请每季度末报送整改进展。"
            )
            % {
                "authority": listing.authority,
                "number": listing.notice_number,
                "deadline": deadline,
            },
            unit=hazard.responsible_unit,
            exclude=actor,
        )
    return listing


def is_quarter_end(day: datetime.date) -> bool:
    return (day.month, day.day) in QUARTER_ENDS


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the quarter ``day`` falls in."""
    month, last = QUARTER_ENDS[(day.month - 1) // 3]
    return datetime.date(day.year, month, last)


@transaction.atomic
def listing_progress_report(
    *, actor, listing: HazardListing, period_end: datetime.date, narrative: str
) -> ListingProgress:
    """The responsible unit's quarterly progress on a listed hazard (one per quarter)."""
    listing = HazardListing.objects.select_for_update().select_related("hazard").get(pk=listing.pk)
    hazard = listing.hazard
    if listing.state != ListingState.LISTED:
        raise ValidationError(_("该隐患已摘牌，无需再报送进展。"))
    _require_member(user_scope(actor), hazard.responsible_unit, _("报送督办进展"))
    require(actor, "change", hazard)
    narrative = _text(narrative)
    errors = {}
    if not narrative:
        errors["narrative"] = _("请填写整改进展。")
    if period_end is None or not is_quarter_end(period_end):
        errors["period_end"] = _("季度末须为3月31日、6月30日、9月30日或12月31日。")
    elif period_end < quarter_end(listing.listed_on):
        errors["period_end"] = _("该季度早于挂牌日期（%(listed)s）。") % {
            "listed": listing.listed_on
        }
    elif period_end > quarter_end(timezone.localdate()):
        errors["period_end"] = _("不能报送尚未开始的季度。")
    elif listing.progress.filter(period_end=period_end).exists():
        errors["period_end"] = _("%(period)s所在季度的进展已报送。") % {"period": period_end}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    progress = ListingProgress(
        listing=listing,
        period_end=period_end,
        narrative=narrative,
        reported_by=actor,
        reported_at=now,
    )
    progress.full_clean()
    progress.save()
    _event(
        hazard,
        HazardEventKind.LISTING_PROGRESS,
        actor,
        hazard.responsible_unit,
        hazard.state,
        hazard.state,
        narrative,
        at=now,
        data={"listing": listing.pk, "period_end": period_end.isoformat()},
    )
    _notify(
        _office_user_ids(),
        hazard,
        title=_("督办进展已报送：%(code)s") % {"code": hazard.code},
        body=_("%(unit)s报送了截至%(period)s的整改进展。")
        % {"unit": hazard.responsible_unit.name, "period": period_end},
        unit=hazard.responsible_unit,
        exclude=actor,
    )
    return progress


@transaction.atomic
def listing_lift(*, actor, listing: HazardListing, comment: str) -> HazardListing:
    """摘牌 — the office lifts a listing once the hazard is closed after acceptance."""
    listing = HazardListing.objects.select_for_update().get(pk=listing.pk)
    hazard = _lock(listing.hazard)
    _require_office(actor, _("摘牌"))
    require(actor, "change", hazard)
    if listing.state != ListingState.LISTED:
        raise ValidationError(_("该隐患已摘牌。"))
    if hazard.state != HazardState.CLOSED:
        raise ValidationError(
            _("隐患验收销号后方可摘牌，当前状态为“%(state)s”。")
            % {"state": hazard.get_state_display()}
        )
    listing.state = ListingState.LIFTED
    listing.lifted_on = timezone.localdate()
    listing.lifted_by = actor
    listing.lift_comment = _text(comment)
    listing.full_clean()
    listing.save()
    _event(
        hazard,
        HazardEventKind.LIFT,
        actor,
        _acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        listing.lift_comment,
        data={"listing": listing.pk},
    )
    return listing


@transaction.atomic
def dual_report_record(
    *, actor, hazard: Hazard, recipient: str, reported_on: datetime.date, note: str = ""
) -> DualReport:
    """双报告 — record that a 重大 hazard was reported to one recipient (once each)."""
    hazard = _lock(hazard)
    scope = user_scope(actor)
    if not (scope.writes_all or _is_member(scope, hazard.responsible_unit)):
        _deny(_("只有责任单位或安委办可以登记双报告。"))
    require(actor, "change", hazard)
    if not hazard.is_major:
        raise ValidationError(_("只有重大隐患需要双报告。"))
    if recipient not in DualReportRecipient.values:
        raise ValidationError({"recipient": _("报告对象“%(value)s”无效。") % {"value": recipient}})
    errors = {}
    if reported_on is None:
        errors["reported_on"] = _("请填写报告日期。")
    elif reported_on > timezone.localdate():
        errors["reported_on"] = _("报告日期不能晚于今天。")
    elif reported_on < hazard.found_on:
        errors["reported_on"] = _("报告日期不能早于排查时间（%(found)s）。") % {
            "found": hazard.found_on
        }
    if hazard.dual_reports.filter(recipient=recipient).exists():
        errors["recipient"] = _("已登记向“%(recipient)s”的报告。") % {
            "recipient": DualReportRecipient(recipient).label
        }
    if errors:
        raise ValidationError(errors)
    report = DualReport(
        hazard=hazard,
        recipient=recipient,
        reported_on=reported_on,
        note=_text(note),
        recorded_by=actor,
    )
    report.full_clean()
    report.save()
    _event(
        hazard,
        HazardEventKind.DUAL_REPORT,
        actor,
        _acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        report.note,
        data={"recipient": recipient, "reported_on": reported_on.isoformat()},
    )
    return report


# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_save(*, actor, instance: Campaign | None = None, **fields) -> Campaign:
    """Create or change an inspection drive (排查行动); the office organises them."""
    unknown = sorted(set(fields) - CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(
            _("这些字段不能在此修改：%(fields)s") % {"fields": "、".join(unknown)}
        )
    if instance is None or instance.pk is None:
        campaign = instance or Campaign()
        action = "add"
    else:
        campaign = Campaign.objects.select_for_update().get(pk=instance.pk)
        action = "change"
    townships = fields.pop("townships", None)
    if "recurrence_months" in fields:
        fields["recurrence_months"] = _months(fields["recurrence_months"])
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if isinstance(value, str) else value)
    require(actor, action, campaign)
    if townships is not None:
        townships = list(townships)
        wrong = [unit.name for unit in townships if unit.kind != OrgUnit.Kind.TOWNSHIP]
        if wrong:
            raise ValidationError(
                {"townships": _("不是镇街区：%(units)s") % {"units": "、".join(wrong)}}
            )
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    campaign.full_clean()
    campaign.save()
    if townships is not None:
        campaign.townships.set(townships)
    return campaign


def _months(value) -> list[int]:
    try:
        months = sorted({int(m) for m in (value or [])})
    except (TypeError, ValueError):
        raise ValidationError({"recurrence_months": _("重复月份须为1至12的数字。")}) from None
    if any(not 1 <= m <= 12 for m in months):
        raise ValidationError({"recurrence_months": _("重复月份须为1至12的数字。")})
    return months


# --- citizens' reports --------------------------------------------------------------------------


@transaction.atomic
def citizen_report_submit(
    *,
    description: str,
    address: str,
    township: OrgUnit | None = None,
    latitude=None,
    longitude=None,
    photo=None,
    contact_name: str = "",
    contact_phone: str = "",
    fingerprint: str = "",
) -> CitizenReport:
    """A citizen's report from the public form (no login); answered with a receipt code the
    reporter uses to check the outcome."""
    fingerprint = (fingerprint or "")[:64]
    if fingerprint:
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = CitizenReport.objects.filter(client_fingerprint=fingerprint, created_at__gte=since)
        if recent.count() >= CITIZEN_REPORTS_PER_HOUR:
            raise ValidationError(_("提交过于频繁，请一小时后再试。"), code="throttled")
    report = CitizenReport(
        receipt_code=_new_receipt_code(),
        description=_text(description),
        address=_text(address),
        township=township,
        latitude=latitude,
        longitude=longitude,
        contact_name=_text(contact_name),
        contact_phone=_text(contact_phone),
        client_fingerprint=fingerprint,
        state=CitizenReportState.NEW,
    )
    errors = {}
    if township is not None and township.kind != OrgUnit.Kind.TOWNSHIP:
        errors["township"] = _("请选择镇街区。")
    phone = report.contact_phone
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        errors["contact_phone"] = _("联系电话只能包含数字、空格、“+”和“-”。")
    if errors:
        raise ValidationError(errors)
    _check_coordinates(report)
    report.full_clean(exclude=["photo"])
    if photo:
        try:
            info = validate_upload(photo, kinds=("image",))
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        extension = os.path.splitext(info.name)[1].lower()
        report.photo.save(f"{uuid.uuid4().hex}{extension}", photo, save=False)
    report.save()
    _notify(
        _office_user_ids(),
        report,
        title=_("新的群众举报：%(code)s") % {"code": report.receipt_code},
        body=report.description[:100],
    )
    return report


@transaction.atomic
def citizen_report_triage(
    *,
    actor,
    report: CitizenReport,
    township: OrgUnit,
    grade: str,
    address: str | None = None,
    description: str | None = None,
) -> Hazard:
    """The office accepts a citizen's report: it becomes a hazard (source 群众举报, its photo
    as 整改前) linked to the report."""
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    _require_office(actor, _("受理群众举报"))
    if report.state != CitizenReportState.NEW:
        raise ValidationError(
            _("该举报已处理（%(state)s）。") % {"state": report.get_state_display()}
        )
    photos = []
    if report.photo:
        with report.photo.open("rb") as stored:
            content = stored.read()
        photos.append(ContentFile(content, name=os.path.basename(report.photo.name)))
    hazard = hazard_report(
        actor=actor,
        township=township,
        address=report.address if address is None else address,
        description=report.description if description is None else description,
        found_on=timezone.localdate(report.created_at),
        grade=grade,
        source=HazardSource.CITIZEN,
        latitude=report.latitude,
        longitude=report.longitude,
        photos=photos,
    )
    report.state = CitizenReportState.ACCEPTED
    report.hazard = hazard
    report.township = township
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.public_reply = _("已受理，转为隐患%(code)s处理。") % {"code": hazard.code}
    report.full_clean()
    report.save()
    return hazard


@transaction.atomic
def citizen_report_dismiss(*, actor, report: CitizenReport, reason: str) -> CitizenReport:
    """The office dismisses a citizen's report with a reason (shown to the reporter)."""
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    _require_office(actor, _("处理群众举报"))
    if report.state != CitizenReportState.NEW:
        raise ValidationError(
            _("该举报已处理（%(state)s）。") % {"state": report.get_state_display()}
        )
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的理由。")})
    report.state = CitizenReportState.DISMISSED
    report.dismissal_reason = reason
    report.public_reply = reason
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.full_clean()
    report.save()
    return report


def _new_receipt_code() -> str:
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
        if not CitizenReport.objects.filter(receipt_code=code).exists():
            return code


# --- who may do what ----------------------------------------------------------------------------


def hazard_actions(*, user, hazard: Hazard) -> set[str]:
    """Which steps ``user`` may take on ``hazard`` now (for buttons; the services decide
    again when asked): edit, confirm, reject, plan, start, submit, accept, send_back,
    extend, list, dual_report, photos."""
    scope = user_scope(user)
    if not scope.is_authenticated or scope.read_only:
        return set()
    actions: set[str] = set()
    state = hazard.state
    responsible = _is_member(scope, hazard.responsible_unit)
    supervisor = _is_member(scope, hazard.supervising_unit) and not responsible
    if state in OPEN_STATES:
        actions |= {"edit", "photos"}
    if state == HazardState.REPORTED and (
        scope.writes_all or (not hazard.is_major and hazard.township_id in scope.township_ids)
    ):
        actions |= {"confirm", "reject"}
    if state in (HazardState.CONFIRMED, HazardState.RECTIFYING) and responsible:
        actions |= {"plan", "extend"}
    if state == HazardState.CONFIRMED and responsible:
        actions.add("start")
    if state == HazardState.RECTIFYING and responsible:
        actions.add("submit")
    if state == HazardState.AWAITING_ACCEPTANCE and supervisor:
        actions |= {"accept", "send_back"}
    if hazard.is_major:
        if scope.writes_all and hazard.is_open:
            actions.add("list")
        if scope.writes_all or responsible:
            actions.add("dual_report")
    return actions


def _deny(message: str):
    raise PermissionDenied(message)


def _is_member(scope, unit: OrgUnit | None) -> bool:
    return unit is not None and unit.pk in scope.unit_ids


def _require_member(scope, unit: OrgUnit | None, verb: str) -> None:
    if scope.read_only or not _is_member(scope, unit):
        _deny(
            _("只有责任单位“%(unit)s”的人员可以%(verb)s。")
            % {"unit": unit.name if unit else _("（未指定）"), "verb": verb}
        )


def _require_supervisor(scope, hazard: Hazard, verb: str) -> None:
    """A member of the supervising unit who is not also in the responsible unit: acceptance is
    never done by the unit that did the work."""
    if scope.read_only or not _is_member(scope, hazard.supervising_unit):
        _deny(
            _("只有监管单位“%(unit)s”的人员可以%(verb)s。")
            % {
                "unit": hazard.supervising_unit.name if hazard.supervising_unit else "",
                "verb": verb,
            }
        )
    if _is_member(scope, hazard.responsible_unit):
        _deny(
            _("您同时是整改单位“%(unit)s”的人员，不能%(verb)s本单位整改的隐患。")
            % {"unit": hazard.responsible_unit.name, "verb": verb}
        )


def _require_triage(actor, hazard: Hazard, grade: str) -> None:
    """The office grades and assigns; a township may confirm a 一般 hazard in its territory."""
    scope = user_scope(actor)
    if scope.writes_all:
        return
    if scope.read_only or hazard.township_id not in scope.township_ids:
        _deny(_("只有安委办或隐患所在镇街区可以确认、驳回隐患。"))
    if grade == HazardGrade.MAJOR:
        _deny(_("重大隐患由安委办确认。"))


def _require_office(actor, verb: str) -> None:
    if not user_scope(actor).writes_all:
        _deny(_("只有安委办可以%(verb)s。") % {"verb": verb})


def _expect(hazard: Hazard, states, verb: str) -> None:
    if hazard.state not in states:
        raise ValidationError(
            _("隐患当前状态为“%(state)s”，不能%(verb)s。")
            % {"state": hazard.get_state_display(), "verb": verb},
            code="state",
        )


def _refuse_finished(hazard: Hazard) -> None:
    if hazard.state == HazardState.CLOSED:
        raise ValidationError(_("已销号的隐患不能修改。"), code="closed")
    if hazard.state == HazardState.REJECTED:
        raise ValidationError(_("已驳回的隐患不能修改。"), code="rejected")


# --- helpers ------------------------------------------------------------------------------------


def _lock(hazard: Hazard) -> Hazard:
    """The hazard re-read under a row lock: two people never act on one state."""
    return (
        Hazard.objects.select_for_update()
        .select_related("township", "responsible_unit", "supervising_unit", "reporting_unit")
        .get(pk=hazard.pk)
    )


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _funds(value) -> Decimal | None:
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


def _check_found_on(found_on) -> None:
    if found_on and found_on > timezone.localdate():
        raise ValidationError({"found_on": _("排查时间不能晚于今天。")})


def _check_place(hazard: Hazard) -> None:
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
    _check_coordinates(hazard)


def _check_coordinates(obj) -> None:
    errors = {}
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = getattr(obj, name)
        if value in (None, ""):
            setattr(obj, name, None)
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors[name] = _("坐标“%(value)s”不是数字。") % {"value": value}
            continue
        if not number.is_finite() or abs(number) > bound:
            errors[name] = _("坐标“%(value)s”超出范围。") % {"value": value}
        else:
            setattr(obj, name, number.quantize(Decimal("0.000001")))
    if errors:
        raise ValidationError(errors)


def _attach_photos(actor, hazard: Hazard, kind: str, files: Iterable, *, field: str):
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


def _first_unit(actor) -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(memberships__user=actor, is_active=True)
        .order_by("sort_order", "name", "pk")
        .first()
    )


def _acting_unit(actor, hazard: Hazard) -> OrgUnit | None:
    """The unit through which ``actor`` acts on ``hazard``: one of the hazard's units they
    belong to, else their first unit (the office's own unit, say)."""
    scope = user_scope(actor)
    for unit in (
        hazard.supervising_unit,
        hazard.responsible_unit,
        hazard.township,
        hazard.reporting_unit,
    ):
        if _is_member(scope, unit):
            return unit
    return _first_unit(actor)


def _event(
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


def _unit_user_ids(unit: OrgUnit | None) -> list[int]:
    if unit is None:
        return []
    return list(
        get_user_model()
        .objects.filter(memberships__unit=unit, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )


def _office_user_ids() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__name=ROLE_OFFICE, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )


def _link(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is not there yet (built in parallel)
        return ""


def _notify(recipients, obj, *, title: str, body: str, unit=None, exclude=None) -> None:
    skip = getattr(exclude, "pk", None)
    recipients = [r for r in recipients if r != skip]
    if recipients:
        notify(
            recipients=recipients,
            title=title,
            body=body,
            link=_link(obj),
            category=NOTIFY_CATEGORY,
            unit=unit,
        )
