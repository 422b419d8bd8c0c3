"""Recurring inspection drives (每年4月和11月) get their next period from the deadline sweep,
once, with the same scope and townships."""

import datetime

import pytest
from django.utils import timezone

from hazards.models import Campaign
from portal.deadlines import sweep
from tests.hazards.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def periods(head):
    return list(
        Campaign.objects.filter(series=head)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )


def test_the_april_drive_brings_novembers_once_its_period_has_ended(cast):
    head = CampaignFactory(
        name="广告牌及建筑附着物专项排查",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 30),
        recurrence_months=[4, 11],
        lead_unit=cast.zhujian_unit,
        townships=[cast.houzhen_unit, cast.yangkou_unit],
    )

    assert sweep(now=at(datetime.date(2026, 4, 30))).recurrences == 0
    assert sweep(now=at(datetime.date(2026, 5, 1))).recurrences == 1
    assert sweep(now=at(datetime.date(2026, 5, 2))).recurrences == 0

    assert periods(head) == [(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))]
    november = Campaign.objects.get(series=head)
    assert (november.name, november.scope, november.lead_unit) == (
        head.name,
        head.scope,
        cast.zhujian_unit,
    )
    assert set(november.townships.all()) == {cast.houzhen_unit, cast.yangkou_unit}
    assert november.history.count() == 1

    assert sweep(now=at(datetime.date(2026, 12, 1))).recurrences == 1
    assert periods(head)[-1] == (datetime.date(2027, 4, 1), datetime.date(2027, 4, 30))


def test_a_drive_missed_for_years_catches_up_each_period_and_a_one_off_drive_never_repeats(cast):
    march = CampaignFactory(
        starts_on=datetime.date(2024, 3, 1),
        ends_on=datetime.date(2024, 3, 31),
        recurrence_months=[3],
    )
    CampaignFactory(starts_on=datetime.date(2024, 6, 1), ends_on=datetime.date(2024, 6, 30))

    assert sweep(now=at(datetime.date(2026, 1, 10))).recurrences == 2

    assert periods(march) == [
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    ]
    assert Campaign.objects.count() == 4
