"""挂牌督办 (listed supervision of a major hazard) with quarterly progress and 摘牌, and 双报告."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import require, user_scope

from ..choices import DualReportRecipient, HazardEventKind, HazardState, ListingState
from ..models import DualReport, Hazard, HazardListing, ListingProgress
from .base import (
    acting_unit,
    clean_text,
    deny,
    is_member,
    lock_hazard,
    notify_users,
    office_user_ids,
    record_event,
    require_member,
    require_office,
    unit_user_ids,
)

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))

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
    hazard = lock_hazard(hazard)
    require_office(actor, _("挂牌督办"))
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
        authority=clean_text(authority),
        notice_number=clean_text(notice_number),
        listed_on=listed_on,
        deadline=deadline,
        state=ListingState.LISTED,
    )
    listing.full_clean()
    listing.save()
    record_event(
        hazard,
        HazardEventKind.LIST,
        actor,
        acting_unit(actor, hazard),
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
        notify_users(
            unit_user_ids(hazard.responsible_unit),
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
    require_member(user_scope(actor), hazard.responsible_unit, _("报送督办进展"))
    require(actor, "change", hazard)
    narrative = clean_text(narrative)
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
    record_event(
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
    notify_users(
        office_user_ids(),
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
    hazard = lock_hazard(listing.hazard)
    require_office(actor, _("摘牌"))
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
    listing.lift_comment = clean_text(comment)
    listing.full_clean()
    listing.save()
    record_event(
        hazard,
        HazardEventKind.LIFT,
        actor,
        acting_unit(actor, hazard),
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
    hazard = lock_hazard(hazard)
    scope = user_scope(actor)
    if not (scope.writes_all or is_member(scope, hazard.responsible_unit)):
        deny(_("只有责任单位或安委办可以登记双报告。"))
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
        note=clean_text(note),
        recorded_by=actor,
    )
    report.full_clean()
    report.save()
    record_event(
        hazard,
        HazardEventKind.DUAL_REPORT,
        actor,
        acting_unit(actor, hazard),
        hazard.state,
        hazard.state,
        report.note,
        data={"recipient": recipient, "reported_on": reported_on.isoformat()},
    )
    return report
