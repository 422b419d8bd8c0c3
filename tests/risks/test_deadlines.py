"""Risk reviews in the deadline sweep: reminded before, overdue with a 督办单 after, ended by a
new assessment, and none for a retired point."""

import datetime

import pytest
from django.utils import timezone

from portal.deadlines import sweep
from portal.supervision.models import DeadlineEvent, SupervisionNotice
from risks import services
from tests.querycount import assert_constant_queries
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

SOURCE = "risks.review"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def assessed_point(cast, *, on: datetime.date, likelihood=5, severity=5):
    point = services.risk_point_register(
        actor=cast.office,
        name="羊口化工园区液化烃罐区",
        kind="site",
        category="hazardous_chemicals",
        township=cast.yangkou_unit,
        responsible_unit=cast.zhujian_unit,
        responsible_person="王五",
    )
    services.assessment_record(
        actor=cast.office,
        point=point,
        method="LS",
        likelihood=likelihood,
        severity=severity,
        assessed_on=on,
    )
    point.refresh_from_db()
    return point


def stages(point) -> list[tuple[str, datetime.date]]:
    return list(
        DeadlineEvent.objects.filter(source=SOURCE, object_id=point.pk)
        .order_by("due_on", "stage")
        .values_list("stage", "due_on")
    )


def test_a_red_points_review_reminds_then_goes_overdue_with_a_notice_to_the_unit(cast):
    point = assessed_point(cast, on=timezone.localdate() - datetime.timedelta(days=100))
    due = point.review_due  # three months for red
    sweep(now=at(due - datetime.timedelta(days=3)))
    assert stages(point) == [("remind-3", due)]
    sweep(now=at(due + datetime.timedelta(days=1)))
    assert ("overdue", due) in stages(point)
    notice = SupervisionNotice.objects.get()
    assert notice.unit == cast.zhujian_unit
    assert point.code in notice.item_title
    assert sweep(now=at(due + datetime.timedelta(days=1))).as_dict()["notices"] == 0


def test_a_new_assessment_moves_the_review_and_ends_the_old_one(cast):
    point = assessed_point(cast, on=timezone.localdate() - datetime.timedelta(days=100))
    old_due = point.review_due
    services.assessment_record(
        actor=cast.office,
        point=point,
        method="LS",
        likelihood=5,
        severity=5,
        assessed_on=timezone.localdate(),
    )
    point.refresh_from_db()
    assert point.review_due > old_due
    sweep(now=at(old_due + datetime.timedelta(days=1)))
    assert ("overdue", old_due) not in stages(point)


def test_a_retired_or_ungraded_point_has_no_review(cast):
    point = assessed_point(cast, on=timezone.localdate() - datetime.timedelta(days=100))
    due = point.review_due
    services.risk_point_retire(actor=cast.office, point=point, reason="装置拆除")
    RiskPointFactory(level="", review_due=None)
    sweep(now=at(due + datetime.timedelta(days=1)))
    assert not DeadlineEvent.objects.filter(source=SOURCE).exists()


def test_an_overdue_backlog_costs_the_same_queries_at_any_size(cast):
    """Once notices are out, later sweeps leave the backlog out in SQL: 10 or 1,000 overdue
    reviews cost the same."""
    today = timezone.localdate()
    now = at(today)

    def grow(n):
        missing = n - RiskPointFactory._meta.model.objects.count()
        RiskPointFactory.create_batch(
            missing,
            level="red",
            review_due=today - datetime.timedelta(days=1),
            responsible_unit=cast.zhujian_unit,
        )
        sweep(now=now)  # issues the notices for the new ones

    def fetch():
        assert sweep(now=now).as_dict()["notices"] == 0

    assert_constant_queries(grow, fetch)
    assert SupervisionNotice.objects.count() == 1000
