"""The hazard ledger's deadlines in the engine's sweep: rectification deadlines and listed
supervision deadlines remind the responsible unit, go overdue and bring a 督办单; a listed
hazard's quarterly progress reminds and goes overdue each quarter end it is missing."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from hazards import services
from portal.deadlines import sweep
from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, SupervisionNotice, event_key
from tests.hazards.factories import a_png, closed_hazard, rectifying_hazard
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RECTIFICATION = "hazards.rectification"
LISTING = "hazards.listing"
PROGRESS = "hazards.listing-progress"
ZERO = {"reminders": 0, "overdue": 0, "notices": 0, "escalations": 0, "recurrences": 0}


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def events(source: str) -> list[tuple]:
    return list(
        DeadlineEvent.objects.filter(source=source)
        .order_by("due_on", "stage")
        .values_list("object_id", "stage", "due_on")
    )


def listed(cast, *, deadline, listing_deadline=None):
    hazard = rectifying_hazard(cast, grade="major", deadline=deadline)
    return services.hazard_list(
        actor=cast.office,
        hazard=hazard,
        authority="寿光市安委会",
        notice_number="寿安督〔2026〕1号",
        listed_on=TODAY,
        deadline=listing_deadline or deadline,
    )


# --- rectification ------------------------------------------------------------------------------


def test_the_responsible_unit_is_reminded_before_the_rectification_deadline(cast):
    due = TODAY + days(10)
    hazard = rectifying_hazard(cast, deadline=due)

    result = sweep(now=at(due - days(3)))

    assert result.as_dict()["reminders"] == 1
    key = event_key(RECTIFICATION, hazard.pk, "remind-3", due)
    reminded = set(Notification.objects.filter(key=key).values_list("recipient", flat=True))
    assert reminded == {cast.zhujian.pk}  # the unit's staff; the supervising unit is not
    assert hazard.code in Notification.objects.filter(key=key).first().title


def test_a_missed_rectification_deadline_is_overdue_with_a_supervision_notice(cast):
    due = TODAY + days(10)
    hazard = rectifying_hazard(cast, deadline=due)

    result = sweep(now=at(due + days(1)))

    assert result.as_dict() == {**ZERO, "overdue": 1, "notices": 1}
    notice = SupervisionNotice.objects.get()
    assert (notice.source, notice.object_id, notice.unit, notice.due_on) == (
        RECTIFICATION,
        hazard.pk,
        cast.zhujian_unit,
        due,
    )
    assert hazard.code in notice.item_title
    assert notice.item_link.endswith(f"/hazards/{hazard.pk}/")
    told = Notification.objects.filter(key=event_key(RECTIFICATION, hazard.pk, "overdue", due))
    assert cast.zhujian_lead.pk in set(told.values_list("recipient", flat=True))
    # exactly once
    assert sweep(now=at(due + days(1))).as_dict() == ZERO
    assert sweep(now=at(due + days(2))).as_dict() == ZERO


def test_a_hazard_submitted_for_acceptance_in_time_is_not_overdue(cast):
    due = TODAY + days(10)
    hazard = rectifying_hazard(cast, deadline=due)
    services.hazard_submit(
        actor=cast.zhujian,
        hazard=hazard,
        result="已整改",
        rectified_on=TODAY,
        photos=[a_png()],
    )

    assert sweep(now=at(due + days(1))).as_dict() == ZERO
    assert events(RECTIFICATION) == []


def test_a_hazard_closed_before_its_deadline_is_not_reminded_or_overdue(cast):
    due = TODAY + days(2)
    closed_hazard(cast, deadline=due)

    assert sweep(now=at(due - days(1))).as_dict() == ZERO
    assert sweep(now=at(due + days(30))).as_dict() == ZERO


def test_a_sweep_at_a_past_date_leaves_out_hazards_not_yet_found(cast):
    found = TODAY - days(5)
    rectifying_hazard(cast, found_on=found, deadline=found + days(1))

    assert sweep(now=at(found - days(2))).as_dict() == ZERO
    assert sweep(now=at(found)).as_dict()["reminders"] == 1


def test_an_approved_extension_moves_the_due_date_of_the_sweep(cast):
    due = TODAY + days(10)
    later = TODAY + days(40)
    hazard = rectifying_hazard(cast, deadline=due)
    extension = services.extension_request(
        actor=cast.zhujian, hazard=hazard, requested_deadline=later, reason="汛期停工"
    )
    services.extension_decide(actor=cast.yingji, extension=extension, approve=True, comment="同意")

    assert sweep(now=at(due + days(1))).as_dict()["overdue"] == 0
    result = sweep(now=at(later + days(1)))

    assert result.as_dict()["notices"] == 1
    assert SupervisionNotice.objects.get().due_on == later


def test_an_overdue_notice_escalates_only_while_the_hazard_is_still_unrectified(cast):
    due = TODAY + days(5)
    done = rectifying_hazard(cast, deadline=due)
    stuck = rectifying_hazard(cast, deadline=due)
    assert sweep(now=at(due + days(1))).as_dict()["notices"] == 2

    services.hazard_submit(
        actor=cast.zhujian,
        hazard=done,
        result="已整改",
        rectified_on=TODAY,
        photos=[a_png()],
    )
    result = sweep(now=at(due + days(17)))

    assert result.as_dict()["escalations"] == 1
    escalated = SupervisionNotice.objects.get(escalated_at__isnull=False)
    assert escalated.object_id == stuck.pk


# --- listed supervision -------------------------------------------------------------------------


def test_a_missed_listing_deadline_brings_a_supervision_notice(cast):
    due = TODAY + days(20)
    listing = listed(cast, deadline=TODAY + days(200), listing_deadline=due)

    sweep(now=at(due - days(1)))
    assert (listing.pk, "remind-1", due) in events(LISTING)
    sweep(now=at(due + days(1)))

    notice = SupervisionNotice.objects.get(source=LISTING)
    assert (notice.object_id, notice.unit, notice.due_on) == (listing.pk, cast.zhujian_unit, due)
    assert listing.hazard.code in notice.item_title


def test_a_listed_hazard_closed_in_time_is_not_overdue(cast):
    due = TODAY + days(20)
    listing = listed(cast, deadline=TODAY + days(200), listing_deadline=due)
    hazard = services.hazard_submit(
        actor=cast.zhujian,
        hazard=listing.hazard,
        result="已整改",
        rectified_on=TODAY,
        photos=[a_png()],
    )
    services.hazard_accept(actor=cast.yingji, hazard=hazard)

    sweep(now=at(due + days(1)))

    assert events(LISTING) == []


def test_a_missing_quarterly_progress_reminds_and_goes_overdue_without_a_notice(cast):
    quarter = services.quarter_end(TODAY)
    listing = listed(cast, deadline=quarter + days(200))

    sweep(now=at(quarter - days(2)))
    result = sweep(now=at(quarter + days(1)))

    assert events(PROGRESS) == [
        (listing.pk, "overdue", quarter),
        (listing.pk, "remind-3", quarter),
    ]
    assert result.as_dict()["notices"] == 0
    assert not SupervisionNotice.objects.filter(source=PROGRESS).exists()
    key = event_key(PROGRESS, listing.pk, "overdue", quarter)
    told = set(Notification.objects.filter(key=key).values_list("recipient", flat=True))
    assert {cast.zhujian.pk, cast.office.pk} <= told
    # the next quarter is its own item, keyed by its date
    following = services.quarter_end(quarter + days(1))
    sweep(now=at(following + days(1)))
    assert (listing.pk, "overdue", following) in events(PROGRESS)


def test_filed_progress_keeps_the_quarter_quiet(cast):
    quarter = services.quarter_end(TODAY)
    listing = listed(cast, deadline=quarter + days(200))
    services.listing_progress_report(
        actor=cast.zhujian, listing=listing, period_end=quarter, narrative="加固完成六成"
    )

    sweep(now=at(quarter - days(2)))
    sweep(now=at(quarter + days(1)))

    assert events(PROGRESS) == []


def test_a_lifted_listing_owes_no_progress_or_deadline(cast):
    quarter = services.quarter_end(TODAY)
    listing = listed(cast, deadline=quarter + days(200))
    listing.state = "lifted"  # as if lifted; its hazard is still open
    listing.save()

    sweep(now=at(quarter + days(1)))
    sweep(now=at(listing.deadline + days(1)))

    assert events(PROGRESS) == events(LISTING) == []


def test_still_open_says_which_items_are_undone(cast):
    from portal.deadlines import get_deadline_source

    quarter = services.quarter_end(TODAY)
    open_listing = listed(cast, deadline=quarter + days(200))
    reported = listed(cast, deadline=quarter + days(200))
    services.listing_progress_report(
        actor=cast.zhujian, listing=reported, period_end=quarter, narrative="按计划推进"
    )
    after = quarter + days(1)
    ids = [open_listing.pk, reported.pk]

    assert get_deadline_source(PROGRESS).still_open(object_ids=ids, today=after) == {
        open_listing.pk
    }
    assert get_deadline_source(LISTING).still_open(object_ids=ids, today=after) == set(ids)
    hazards = [open_listing.hazard_id, reported.hazard_id]
    assert get_deadline_source(RECTIFICATION).still_open(object_ids=hazards, today=after) == set(
        hazards
    )


# --- cost ---------------------------------------------------------------------------------------


def test_the_sweeps_query_count_does_not_grow_with_the_hazards_due(cast):
    quarter = services.quarter_end(TODAY)
    measured = []
    for size in (2, 8):
        with transaction.atomic():
            for _ in range(size):
                listed(cast, deadline=quarter)
            ContentType.objects.clear_cache()
            queries, result, _sql = count_queries(lambda: sweep(now=at(quarter + days(1))))
            # per hazard: rectification and listing overdue with a 督办单 each, progress overdue
            assert result.as_dict() == {**ZERO, "overdue": 3 * size, "notices": 2 * size}
            measured.append(queries)
            transaction.set_rollback(True)
    assert measured[0] == measured[1], measured
