"""A hazard's life: reported → confirmed → rectifying → awaiting acceptance → closed (销号), or
rejected; 五落实 before a 重大 hazard starts; acceptance never by the unit that fixed it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import YearCounter
from portal.permissions import require, user_scope
from responsibilities.models import OrgUnit

from ..choices import (
    OPEN_STATES,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
    PhotoKind,
)
from ..models import Campaign, Hazard, HazardPhoto, hazard_code
from .base import (
    acting_unit,
    attach_photos,
    check_found_on,
    check_place,
    clean_text,
    deny,
    expect_state,
    first_unit,
    is_member,
    lock_hazard,
    notify_users,
    office_user_ids,
    parse_funds,
    record_event,
    refuse_finished,
    require_member,
    require_supervisor,
    require_triage,
    unit_user_ids,
)

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
        deny(_("只有各单位人员或安委办可以上报隐患。"))
    if reporting_unit is None:
        reporting_unit = first_unit(actor)
    elif not (scope.writes_all or reporting_unit.pk in scope.unit_ids):
        deny(_("您不是“%(unit)s”的成员，不能以其名义上报。") % {"unit": reporting_unit.name})
    if industry is None and enterprise is not None:
        industry = enterprise.industry
    hazard = Hazard(
        township=township,
        address=clean_text(address),
        description=clean_text(description),
        found_on=found_on,
        grade=grade,
        source=source,
        found_by=clean_text(found_by),
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
    check_place(hazard)
    hazard.full_clean(exclude=["code"])
    check_found_on(hazard.found_on)
    hazard.code = hazard_code(
        hazard.found_on.year, YearCounter.take(CODE_COUNTER, hazard.found_on.year)
    )
    hazard.save()
    record_event(hazard, HazardEventKind.REPORT, actor, reporting_unit, "", HazardState.REPORTED)
    attach_photos(actor, hazard, PhotoKind.BEFORE, photos, field="photos")
    notify_users(
        office_user_ids(),
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
    hazard = lock_hazard(hazard)
    scope = user_scope(actor)
    refuse_finished(hazard)
    if kind not in PhotoKind.values:
        raise ValidationError({"kind": _("照片类别“%(kind)s”无效。") % {"kind": kind}})
    if kind == PhotoKind.AFTER:
        require_member(scope, hazard.responsible_unit, _("上传整改后照片"))
        expect_state(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("上传整改后照片"))
    require(actor, "change", hazard)
    files = list(files or ())
    if not files:
        raise ValidationError({"files": _("请选择要上传的照片。")})
    photos = attach_photos(actor, hazard, kind, files, field="files")
    record_event(
        hazard,
        HazardEventKind.PHOTO,
        actor,
        acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        data={"kind": kind, "count": len(photos)},
    )
    return photos


@transaction.atomic
def hazard_update(*, actor, hazard: Hazard, **fields) -> Hazard:
    """Correct a hazard's description, place, enterprise, sector, source or campaign (its grade
    only before it is confirmed); a closed or rejected hazard stays as it was."""
    hazard = lock_hazard(hazard)
    refuse_finished(hazard)
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
    check_place(hazard)
    hazard.full_clean()
    check_found_on(hazard.found_on)
    if changed:
        hazard.save()
        record_event(
            hazard,
            HazardEventKind.EDIT,
            actor,
            acting_unit(actor, hazard),
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.REPORTED,), _("确认"))
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": _("隐患等级“%(grade)s”无效。") % {"grade": grade}})
    require_triage(actor, hazard, grade)
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
    record_event(
        hazard,
        HazardEventKind.CONFIRM,
        actor,
        acting_unit(actor, hazard),
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
    notify_users(
        unit_user_ids(responsible_unit),
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
    notify_users(
        unit_user_ids(supervising_unit),
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.REPORTED,), _("驳回"))
    require_triage(actor, hazard, hazard.grade)
    require(actor, "change", hazard)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写驳回理由。")})
    hazard.state = HazardState.REJECTED
    hazard.rejection_reason = reason
    hazard.full_clean()
    hazard.save()
    record_event(
        hazard,
        HazardEventKind.REJECT,
        actor,
        acting_unit(actor, hazard),
        HazardState.REPORTED,
        HazardState.REJECTED,
        reason,
    )
    if hazard.reported_by_id:
        notify_users(
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.CONFIRMED, HazardState.RECTIFYING), _("落实整改措施"))
    require_member(user_scope(actor), hazard.responsible_unit, _("落实整改措施"))
    require(actor, "change", hazard)
    hazard.rectification_person = clean_text(rectification_person)
    hazard.rectification_measures = clean_text(rectification_measures)
    hazard.rectification_funds = parse_funds(rectification_funds)
    hazard.contingency_plan = clean_text(contingency_plan)
    hazard.full_clean()
    hazard.save()
    record_event(
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.CONFIRMED,), _("开始整改"))
    require_member(user_scope(actor), hazard.responsible_unit, _("开始整改"))
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
    record_event(
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.RECTIFYING,), _("提请验收"))
    require_member(user_scope(actor), hazard.responsible_unit, _("提请验收"))
    require(actor, "change", hazard)
    result = clean_text(result)
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
    added = attach_photos(actor, hazard, PhotoKind.AFTER, photos, field="photos")
    if not added and not hazard.photos.filter(kind=PhotoKind.AFTER).exists():
        raise ValidationError({"photos": _("请上传至少一张整改后照片。")})
    hazard.rectification_result = result
    hazard.rectified_on = rectified_on
    hazard.state = HazardState.AWAITING_ACCEPTANCE
    hazard.full_clean()
    hazard.save()
    record_event(
        hazard,
        HazardEventKind.SUBMIT,
        actor,
        hazard.responsible_unit,
        HazardState.RECTIFYING,
        HazardState.AWAITING_ACCEPTANCE,
        result,
        data={"photos": len(added)},
    )
    notify_users(
        unit_user_ids(hazard.supervising_unit),
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.AWAITING_ACCEPTANCE,), _("验收"))
    require_supervisor(user_scope(actor), hazard, _("验收"))
    require(actor, "change", hazard)
    now = timezone.now()
    hazard.state = HazardState.CLOSED
    hazard.accepted_by = actor
    hazard.accepted_at = now
    hazard.acceptance_comment = clean_text(comment)
    hazard.closed_at = now
    hazard.full_clean()
    hazard.save()
    record_event(
        hazard,
        HazardEventKind.ACCEPT,
        actor,
        hazard.supervising_unit,
        HazardState.AWAITING_ACCEPTANCE,
        HazardState.CLOSED,
        hazard.acceptance_comment,
        at=now,
    )
    notify_users(
        unit_user_ids(hazard.responsible_unit),
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
    hazard = lock_hazard(hazard)
    expect_state(hazard, (HazardState.AWAITING_ACCEPTANCE,), _("退回整改"))
    require_supervisor(user_scope(actor), hazard, _("退回整改"))
    require(actor, "change", hazard)
    comment = clean_text(comment)
    if not comment:
        raise ValidationError({"comment": _("请填写验收不通过的意见。")})
    hazard.state = HazardState.RECTIFYING
    hazard.acceptance_comment = comment
    hazard.full_clean()
    hazard.save()
    record_event(
        hazard,
        HazardEventKind.SEND_BACK,
        actor,
        hazard.supervising_unit,
        HazardState.AWAITING_ACCEPTANCE,
        HazardState.RECTIFYING,
        comment,
    )
    notify_users(
        unit_user_ids(hazard.responsible_unit),
        hazard,
        title=_("验收不通过：%(code)s") % {"code": hazard.code},
        body=_("意见：%(comment)s") % {"comment": comment},
        unit=hazard.responsible_unit,
        exclude=actor,
    )
    return hazard


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
    responsible = is_member(scope, hazard.responsible_unit)
    supervisor = is_member(scope, hazard.supervising_unit) and not responsible
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
