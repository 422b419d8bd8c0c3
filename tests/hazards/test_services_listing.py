"""挂牌督办 (listed supervision) with its quarterly progress and 摘牌, 双报告, and 排查行动
through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hazards import services
from hazards.choices import DualReportRecipient, HazardEventKind, ListingState
from hazards.models import Campaign, HazardListing, ListingProgress
from tests.hazards.factories import (
    awaiting_hazard,
    closed_hazard,
    confirmed_hazard,
    rectifying_hazard,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MAJOR = "major"
REGULATOR = DualReportRecipient.REGULATOR
CONGRESS = DualReportRecipient.WORKERS_CONGRESS


def list_hazard(cast, hazard, *, listed_on=None, deadline=None, actor=None):
    return services.hazard_list(
        actor=actor or cast.office,
        hazard=hazard,
        authority="潍坊市安委会",
        notice_number="潍安督〔2026〕3号",
        listed_on=listed_on or TODAY,
        deadline=deadline or TODAY + datetime.timedelta(days=120),
    )


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- listing ------------------------------------------------------------------------------------


def test_the_office_lists_an_open_major_hazard(cast):
    hazard = rectifying_hazard(cast, grade=MAJOR)

    listing = list_hazard(cast, hazard)

    assert listing.state == ListingState.LISTED
    assert listing.hazard == hazard
    assert hazard.events.filter(kind=HazardEventKind.LIST).exists()


def test_only_major_hazards_are_listed(cast):
    with pytest.raises(ValidationError) as exc:
        list_hazard(cast, confirmed_hazard(cast))
    assert "重大隐患" in messages(exc)
    assert not HazardListing.objects.exists()


def test_only_the_office_lists(cast):
    with pytest.raises(PermissionDenied):
        list_hazard(cast, confirmed_hazard(cast, grade=MAJOR), actor=cast.zhujian)


def test_a_closed_hazard_is_not_listed(cast):
    with pytest.raises(ValidationError):
        list_hazard(cast, closed_hazard(cast, grade=MAJOR))


def test_a_hazard_is_listed_once(cast):
    hazard = confirmed_hazard(cast, grade=MAJOR)
    list_hazard(cast, hazard)
    with pytest.raises(ValidationError) as exc:
        list_hazard(cast, hazard)
    assert "已挂牌" in messages(exc)


def test_the_listing_deadline_is_not_before_the_listing(cast):
    with pytest.raises(ValidationError) as exc:
        list_hazard(
            cast,
            confirmed_hazard(cast, grade=MAJOR),
            deadline=TODAY - datetime.timedelta(days=1),
        )
    assert "deadline" in exc.value.message_dict


# --- quarterly progress -------------------------------------------------------------------------


def test_progress_is_filed_for_a_quarter_end_by_the_responsible_unit(cast):
    listing = list_hazard(cast, confirmed_hazard(cast, grade=MAJOR))
    period = services.quarter_end(TODAY)

    progress = services.listing_progress_report(
        actor=cast.zhujian, listing=listing, period_end=period, narrative="已完成主体加固"
    )

    assert (progress.period_end, progress.reported_by) == (period, cast.zhujian)
    assert listing.hazard.events.filter(kind=HazardEventKind.LISTING_PROGRESS).exists()


@pytest.mark.parametrize("day", ["2026-05-15", "2026-06-31", "2026-12-30"])
def test_progress_must_name_a_quarter_end(cast, day):
    listing = list_hazard(cast, confirmed_hazard(cast, grade=MAJOR))
    try:
        period = datetime.date.fromisoformat(day)
    except ValueError:
        period = None
    with pytest.raises(ValidationError) as exc:
        services.listing_progress_report(
            actor=cast.zhujian, listing=listing, period_end=period, narrative="进展"
        )
    assert "period_end" in exc.value.message_dict


def test_progress_is_filed_once_a_quarter_and_not_for_quarters_to_come(cast):
    listing = list_hazard(cast, confirmed_hazard(cast, grade=MAJOR))
    period = services.quarter_end(TODAY)
    services.listing_progress_report(
        actor=cast.zhujian, listing=listing, period_end=period, narrative="第一次"
    )
    with pytest.raises(ValidationError) as exc:
        services.listing_progress_report(
            actor=cast.zhujian, listing=listing, period_end=period, narrative="第二次"
        )
    assert "period_end" in exc.value.message_dict
    next_quarter = services.quarter_end(period + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.listing_progress_report(
            actor=cast.zhujian, listing=listing, period_end=next_quarter, narrative="提前"
        )
    assert ListingProgress.objects.count() == 1


def test_progress_is_not_filed_for_a_quarter_before_the_listing(cast):
    listing = list_hazard(cast, confirmed_hazard(cast, grade=MAJOR))
    earlier = services.quarter_end(TODAY) - datetime.timedelta(days=100)
    with pytest.raises(ValidationError):
        services.listing_progress_report(
            actor=cast.zhujian,
            listing=listing,
            period_end=services.quarter_end(earlier),
            narrative="补报",
        )


def test_only_the_responsible_unit_files_progress(cast):
    listing = list_hazard(cast, confirmed_hazard(cast, grade=MAJOR))
    with pytest.raises(PermissionDenied):
        services.listing_progress_report(
            actor=cast.yingji,
            listing=listing,
            period_end=services.quarter_end(TODAY),
            narrative="代报",
        )


def test_quarter_ends():
    assert services.quarter_end(datetime.date(2026, 2, 1)) == datetime.date(2026, 3, 31)
    assert services.quarter_end(datetime.date(2026, 12, 31)) == datetime.date(2026, 12, 31)
    assert services.is_quarter_end(datetime.date(2026, 9, 30))
    assert not services.is_quarter_end(datetime.date(2026, 9, 29))


# --- lifting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [confirmed_hazard, rectifying_hazard, awaiting_hazard])
def test_a_listing_is_lifted_only_after_the_hazard_is_closed(cast, stage):
    listing = list_hazard(cast, stage(cast, grade=MAJOR))
    with pytest.raises(ValidationError) as exc:
        services.listing_lift(actor=cast.office, listing=listing, comment="摘牌")
    assert "销号" in messages(exc)
    listing.refresh_from_db()
    assert listing.state == ListingState.LISTED


def test_the_office_lifts_the_listing_of_a_closed_hazard(cast):
    hazard = awaiting_hazard(cast, grade=MAJOR)
    listing = list_hazard(cast, hazard)
    services.hazard_accept(actor=cast.yingji, hazard=hazard)
    with pytest.raises(PermissionDenied):
        services.listing_lift(actor=cast.yingji, listing=listing, comment="摘牌")

    listing = services.listing_lift(
        actor=cast.office, listing=listing, comment="整改到位，予以摘牌"
    )

    assert (listing.state, listing.lifted_on, listing.lifted_by) == (
        ListingState.LIFTED,
        TODAY,
        cast.office,
    )
    assert hazard.events.filter(kind=HazardEventKind.LIFT).exists()
    with pytest.raises(ValidationError):
        services.listing_lift(actor=cast.office, listing=listing, comment="再摘")


# --- dual reporting -----------------------------------------------------------------------------


def test_dual_reports_are_recorded_once_per_recipient(cast):
    hazard = confirmed_hazard(cast, grade=MAJOR)
    services.dual_report_record(
        actor=cast.zhujian, hazard=hazard, recipient=REGULATOR, reported_on=TODAY
    )
    services.dual_report_record(
        actor=cast.office, hazard=hazard, recipient=CONGRESS, reported_on=TODAY
    )

    with pytest.raises(ValidationError) as exc:
        services.dual_report_record(
            actor=cast.zhujian, hazard=hazard, recipient=REGULATOR, reported_on=TODAY
        )

    assert "recipient" in exc.value.message_dict
    assert hazard.dual_reports.count() == 2
    assert hazard.events.filter(kind=HazardEventKind.DUAL_REPORT).count() == 2


def test_dual_reports_are_for_major_hazards_only(cast):
    with pytest.raises(ValidationError):
        services.dual_report_record(
            actor=cast.zhujian,
            hazard=confirmed_hazard(cast),
            recipient=REGULATOR,
            reported_on=TODAY,
        )


def test_the_supervising_unit_does_not_record_the_responsible_units_dual_report(cast):
    with pytest.raises(PermissionDenied):
        services.dual_report_record(
            actor=cast.yingji,
            hazard=confirmed_hazard(cast, grade=MAJOR),
            recipient=REGULATOR,
            reported_on=TODAY,
        )


def test_a_dual_report_is_not_dated_in_the_future(cast):
    with pytest.raises(ValidationError) as exc:
        services.dual_report_record(
            actor=cast.zhujian,
            hazard=confirmed_hazard(cast, grade=MAJOR),
            recipient=CONGRESS,
            reported_on=TODAY + datetime.timedelta(days=1),
        )
    assert "reported_on" in exc.value.message_dict


# --- campaigns ----------------------------------------------------------------------------------


def test_the_office_organises_a_recurring_campaign_over_townships(cast):
    campaign = services.campaign_save(
        actor=cast.office,
        name="广告牌及建筑附着物安全隐患排查",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 30),
        recurrence_months=["11", 4],
        townships=[cast.houzhen_unit, cast.yangkou_unit],
        lead_unit=cast.zhujian_unit,
    )
    assert campaign.recurrence_months == [4, 11]
    assert set(campaign.townships.all()) == {cast.houzhen_unit, cast.yangkou_unit}

    campaign = services.campaign_save(actor=cast.office, instance=campaign, name="四月排查")
    assert Campaign.objects.get().name == "四月排查"


def test_a_bureau_does_not_create_campaigns(cast):
    with pytest.raises(PermissionDenied):
        services.campaign_save(
            actor=cast.yingji,
            name="自拟行动",
            starts_on=TODAY,
            ends_on=TODAY,
        )


@pytest.mark.parametrize(
    "fields, field",
    [
        (lambda cast: {"ends_on": datetime.date(2026, 3, 1)}, "ends_on"),
        (lambda cast: {"recurrence_months": [13]}, "recurrence_months"),
        (lambda cast: {"townships": [cast.zhujian_unit]}, "townships"),
    ],
)
def test_a_campaign_with_bad_fields_is_refused_by_field(cast, fields, field):
    values = {
        "name": "复工前排查",
        "starts_on": datetime.date(2026, 3, 10),
        "ends_on": datetime.date(2026, 3, 31),
    }
    values.update(fields(cast))
    with pytest.raises(ValidationError) as exc:
        services.campaign_save(actor=cast.office, **values)
    assert field in exc.value.message_dict
    assert not Campaign.objects.exists()
