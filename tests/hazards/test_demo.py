"""The hazard ledger's demo: the April drive, hazards across Shouguang's townships in every
state, two 重大 hazards under 挂牌督办, ``--hazards N`` honoured; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hazards.choices import HazardGrade, HazardState, ListingState, PhotoKind
from hazards.demo import APRIL_CAMPAIGN, BULK_FOUND_BY
from hazards.models import (
    Campaign,
    DualReport,
    Hazard,
    HazardEvent,
    HazardExtension,
    HazardListing,
    HazardPhoto,
    ListingProgress,
)
from responsibilities.demo import seed_demo

pytestmark = pytest.mark.django_db

MODELS = (
    Campaign,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardExtension,
    HazardListing,
    ListingProgress,
    DualReport,
)


def snapshot() -> dict[str, object]:
    counts: dict[str, object] = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["states"] = sorted(Hazard.objects.values_list("code", "state", "updated_at"))
    return counts


@pytest.fixture
def seeded(db):
    seed_demo(hazards=40)


def test_demo_has_hazards_in_every_state_across_the_townships(seeded):
    states = set(Hazard.objects.values_list("state", flat=True))
    assert states == set(HazardState.values)
    townships = set(Hazard.objects.values_list("township__name", flat=True))
    assert {"侯镇", "羊口镇", "圣城街道", "古城街道"} <= townships
    assert len(townships) >= 10
    assert Hazard.objects.filter(found_by=BULK_FOUND_BY).count() == 40


def test_demo_story_hazards_went_through_the_services(seeded):
    closed = Hazard.objects.get(description__startswith="沿街楼体空调外机支架锈蚀")
    assert closed.state == HazardState.CLOSED
    assert closed.accepted_by.username == "yingji"
    assert closed.photos.filter(kind=PhotoKind.AFTER).exists()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds == ["report", "confirm", "plan", "start", "submit", "accept"]
    pending = HazardExtension.objects.get(state="pending")
    assert pending.hazard.deadline < timezone.localdate()  # overdue, extension asked


def test_demo_lists_two_major_hazards_with_dual_reports(seeded):
    listings = HazardListing.objects.filter(state=ListingState.LISTED).select_related("hazard")
    assert listings.count() == 2
    for listing in listings:
        assert listing.hazard.grade == HazardGrade.MAJOR
        assert listing.hazard.is_open
        assert all(listing.hazard.five_in_place().values())
        assert listing.hazard.dual_reports.count() == 2


def test_demo_has_the_april_billboard_campaign_with_hazards_found_in_it(seeded):
    campaign = Campaign.objects.get(name=APRIL_CAMPAIGN, series__isnull=True)
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    assert (campaign.starts_on.isoformat(), campaign.ends_on.isoformat()) == (
        f"{year}-04-01",
        f"{year}-04-30",
    )
    assert campaign.recurrence_months == [4, 11]
    assert campaign.hazards.count() >= 4
    assert all(
        campaign.starts_on <= h.found_on <= min(campaign.ends_on, timezone.localdate())
        for h in campaign.hazards.all()
    )
    # The demo's sweeps gave the drive its next periods (November, then April…) up to now.
    latest = campaign.occurrences.order_by("-starts_on").first() or campaign
    assert latest.ends_on >= today and latest.starts_on.month in (4, 11)


def test_bulk_hazards_have_codes_from_the_counter_and_a_report_event(seeded):
    bulk = Hazard.objects.filter(found_by=BULK_FOUND_BY)
    assert HazardEvent.objects.filter(hazard__in=bulk, kind="report").count() == 40
    codes = list(Hazard.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(code.startswith("YH-") for code in codes)


def test_a_second_seed_adds_nothing(seeded):
    before = snapshot()
    seed_demo(hazards=40)
    assert snapshot() == before


def test_seed_demo_hazards_option_tops_the_ledger_up(seeded):
    out = StringIO()
    call_command("seed_demo", "--hazards", "55", stdout=out)
    assert Hazard.objects.filter(found_by=BULK_FOUND_BY).count() == 55
    call_command("seed_demo", "--hazards", "10", stdout=out)
    assert Hazard.objects.filter(found_by=BULK_FOUND_BY).count() == 55
    assert "隐患演示数据" in out.getvalue()
