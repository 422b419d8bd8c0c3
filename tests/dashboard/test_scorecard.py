"""考核 arithmetic: a hand-worked October, the rules for 不适用, rounding and shared ranks,
the breakdown behind a score, and the weights and publishing services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from hazards.choices import HazardState
from portal.dashboard.models import Indicator, ScorecardEdition, ScoreWeight
from portal.dashboard.scorecard import (
    DEFAULT_WEIGHTS,
    UnitScore,
    month_period,
    parse_period,
    rank,
    scorecard,
    unit_breakdown,
    unit_score,
    weights_in_force,
)
from portal.dashboard.services import scorecard_publish, weights_update
from tasks.choices import ReportAction, ReportState
from tests.hazards.factories import HazardFactory
from tests.querycount import count_queries
from tests.supervision.factories import SupervisionNoticeFactory
from tests.tasks.factories import (
    MilestoneFactory,
    ProgressReportFactory,
    ReportStepFactory,
    make_task,
)

OCTOBER = month_period(2026, 10)
TODAY = datetime.date(2026, 11, 5)
M, R, N, H = (
    Indicator.ON_TIME_MILESTONES,
    Indicator.REPORTS_ACCEPTED,
    Indicator.SUPERVISION_NOTICES,
    Indicator.HAZARDS_IN_TIME,
)


def noon(month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 12))


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


def reviewed_report(cast, milestone, unit, *, steps, completes=False, state=None):
    """A report with its review steps [(action, month, day)]; approved unless the last step
    is a return."""
    last_action, last_month, last_day = steps[-1]
    returned = last_action == ReportAction.RETURN
    report = ProgressReportFactory(
        milestone=milestone,
        unit=unit,
        author=cast.zhujian,
        completes=completes,
        state=state or (ReportState.RETURNED if returned else ReportState.APPROVED),
        submitted_at=noon(last_month, last_day),
        reviewed_at=noon(last_month, last_day),
        reviewed_by=cast.office,
    )
    for action, month, day in steps:
        ReportStepFactory(report=report, action=action, actor=cast.office, at=noon(month, day))
    return report


def build_october(cast):
    """The records of the hand-worked example (see the test below)."""
    zhujian, yingji, houzhen = cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit
    approve, ret = ReportAction.APPROVE, ReportAction.RETURN
    task_a = make_task(lead=zhujian, co=[houzhen])
    m1 = MilestoneFactory(task=task_a, due_on=d(10, 10))
    m2 = MilestoneFactory(task=task_a, due_on=d(10, 20))
    m3 = MilestoneFactory(task=task_a, due_on=d(10, 31))
    m4 = MilestoneFactory(task=task_a, due_on=d(11, 2))  # next month
    reviewed_report(cast, m1, zhujian, steps=[(approve, 10, 8)], completes=True)
    reviewed_report(cast, m2, zhujian, steps=[(ret, 10, 18), (approve, 10, 25)], completes=True)
    reviewed_report(cast, m3, zhujian, steps=[(ret, 10, 28)])
    reviewed_report(cast, m3, zhujian, steps=[(approve, 10, 30)])  # a share, not completing
    reviewed_report(cast, m4, zhujian, steps=[(approve, 9, 30)])  # reviewed in September
    # houzhen's share on zhujian's task: houzhen's report, not zhujian's milestone.
    reviewed_report(cast, m1, houzhen, steps=[(approve, 10, 9)])

    task_b = make_task(lead=yingji)
    b1 = MilestoneFactory(task=task_b, due_on=d(10, 5))
    reviewed_report(cast, b1, yingji, steps=[(approve, 10, 5)], completes=True)

    SupervisionNoticeFactory(unit=zhujian, issued_on=d(10, 3))
    SupervisionNoticeFactory(unit=zhujian, issued_on=d(10, 21))
    SupervisionNoticeFactory(unit=zhujian, issued_on=d(9, 30))  # September
    SupervisionNoticeFactory(unit=houzhen, issued_on=d(10, 12))

    def hazard(unit, deadline, state, rectified_on=None, closed=None):
        return HazardFactory(
            responsible_unit=unit,
            township=houzhen,
            found_on=d(9, 1),
            deadline=deadline,
            state=state,
            rectified_on=rectified_on,
            closed_at=noon(*closed) if closed else None,
        )

    hazard(zhujian, d(10, 15), HazardState.CLOSED, d(10, 14), closed=(10, 16))
    hazard(zhujian, d(10, 20), HazardState.AWAITING_ACCEPTANCE, d(10, 22))
    hazard(zhujian, d(10, 25), HazardState.RECTIFYING)
    hazard(zhujian, d(10, 12), HazardState.REJECTED)
    hazard(zhujian, d(11, 10), HazardState.RECTIFYING)  # November
    hazard(houzhen, d(10, 8), HazardState.CLOSED, d(10, 8), closed=(10, 9))


def scores(row):
    return {i.indicator: i.score_display for i in row.indicators}


def test_hand_worked_october(cast):
    """October 2026, scored on 5 November, default weights 40 / 20 / 20 (10 per notice) / 20.

    市住建局 (leads task A):
      milestones due in October: m1 due 10-10 done 10-08 (on time), m2 due 10-20 done 10-25
        (late), m3 due 10-31 not done; m4 is due in November → 1/3 → 33.33
      reports reviewed in October: m1 approved 10-08 first time (ok); m2 returned 10-18 then
        approved 10-25 (not ok); m3 returned 10-28 (not ok); m3 share approved 10-30 (ok); the
        m4 report was reviewed in September → 2/4 → 50.00
      notices issued in October: 10-03, 10-21 (09-30 is September) → 100 − 2 × 10 = 80.00
      hazards due in October (rejected excluded): 10-15 rectified 10-14 (ok), 10-20 rectified
        10-22 (late), 10-25 still rectifying → 1/3 → 33.33
      total = (40 × 100/3 + 20 × 50 + 20 × 80 + 20 × 100/3) ÷ 100
            = (4000/3 + 1000 + 1600 + 2000/3) ÷ 100 = 4600 ÷ 100 = 46.00
      contributions: 13.33 + 10.00 + 16.00 + 6.67
    市应急管理局 (leads task B): b1 due 10-05 done 10-05 → 100; its report approved first time
      → 100; no notices, no hazards → 不适用; weights 40 + 20 = 60
      total = (40 × 100 + 20 × 100) ÷ 60 = 100.00
    侯镇: no milestones it leads → 不适用; its share report on m1 approved 10-09 → 100; one
      notice → 90; one hazard due 10-08 rectified 10-08 → 100; weights 20 + 20 + 20 = 60
      total = (20 × 100 + 20 × 90 + 20 × 100) ÷ 60 = 5800 ÷ 60 = 96.666… → 96.67
    Ranking: 市应急管理局 1, 侯镇 2, 市住建局 3.
    """
    build_october(cast)
    card = scorecard(period=OCTOBER, today=TODAY)

    assert [(row.rank, row.unit_name, row.total) for row in card.rows] == [
        (1, "市应急管理局", Decimal("100.00")),
        (2, "侯镇", Decimal("96.67")),
        (3, "市住建局", Decimal("46.00")),
    ]
    zhujian = card.row_for(cast.zhujian_unit.pk)
    assert scores(zhujian) == {
        M: Decimal("33.33"),
        R: Decimal("50.00"),
        N: Decimal("80.00"),
        H: Decimal("33.33"),
    }
    assert [(i.items, i.good) for i in zhujian.indicators] == [(3, 1), (4, 2), (2, 0), (3, 1)]
    assert [i.contribution for i in zhujian.indicators] == [
        Decimal("13.33"),
        Decimal("10.00"),
        Decimal("16.00"),
        Decimal("6.67"),
    ]
    yingji = card.row_for(cast.yingji_unit.pk)
    assert scores(yingji) == {M: Decimal("100.00"), R: Decimal("100.00"), N: None, H: None}
    assert [i.effective_weight_display for i in yingji.indicators] == [
        Decimal("66.67"),
        Decimal("33.33"),
        None,
        None,
    ]
    houzhen = card.row_for(cast.houzhen_unit.pk)
    assert scores(houzhen) == {
        M: None,
        R: Decimal("100.00"),
        N: Decimal("90.00"),
        H: Decimal("100.00"),
    }


def test_scorecard_costs_the_same_queries_for_more_units(cast):
    build_october(cast)
    small, _card, _sql = count_queries(lambda: scorecard(period=OCTOBER, today=TODAY))
    for unit in (cast.yangkou_unit, cast.office_unit):
        task = make_task(lead=unit)
        MilestoneFactory(task=task, due_on=d(10, 3))
        SupervisionNoticeFactory(unit=unit, issued_on=d(10, 4))
    large, card, _sql = count_queries(lambda: scorecard(period=OCTOBER, today=TODAY))
    assert len(card.rows) == 5
    assert large == small


def test_items_not_yet_due_and_not_done_are_not_counted(cast):
    task = make_task(lead=cast.zhujian_unit)
    MilestoneFactory(task=task, due_on=d(11, 20))
    MilestoneFactory(task=task, due_on=d(11, 2))
    card = scorecard(period=month_period(2026, 11), today=d(11, 10))
    row = card.row_for(cast.zhujian_unit.pk)
    assert (row.indicator(M).items, row.indicator(M).good, row.total) == (1, 0, Decimal("0.00"))


def test_total_rounds_half_up():
    """1 of 32 milestones on time: 100 × 1/32 = 3.125 → 3.13 (half up, not to even)."""
    row = unit_score(
        unit_id=1,
        unit_name="市住建局",
        sort_order=1,
        weights=weights_in_force_defaults(),
        counts={M.value: (32, 1)},
    )
    assert row.total == Decimal("3.13")


def test_notices_cannot_take_the_score_below_zero():
    row = unit_score(
        unit_id=1,
        unit_name="市住建局",
        sort_order=1,
        weights=weights_in_force_defaults(),
        counts={N.value: (12, 0)},
    )
    assert (row.indicator(N).score, row.total) == (Fraction(0), Decimal("0.00"))


def test_an_inactive_indicator_is_left_out_and_the_rest_rescaled():
    weights = [
        w if w.indicator != R else type(w)(w.indicator, w.label, w.weight, w.penalty, False)
        for w in weights_in_force_defaults()
    ]
    row = unit_score(
        unit_id=1,
        unit_name="市住建局",
        sort_order=1,
        weights=weights,
        counts={M.value: (2, 1), R.value: (1, 0)},
    )
    assert row.indicator(R).score is None
    assert row.total == Decimal("50.00")


def test_equal_totals_share_a_rank_and_units_without_a_total_come_last():
    def row(pk, total):
        return UnitScore(pk, f"单位{pk}", pk, [], None if total is None else Decimal(total))

    ranked = rank([row(1, "80.00"), row(2, None), row(3, "90.00"), row(4, "80.00"), row(5, "70")])
    assert [(r.unit_id, r.rank) for r in ranked] == [(3, 1), (1, 2), (4, 2), (5, 4), (2, None)]


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("2026-10", d(10, 1), d(10, 31)),
        ("2026-2", d(2, 1), d(2, 28)),
        ("2026-Q3", d(7, 1), d(9, 30)),
        ("2026", d(1, 1), d(12, 31)),
    ],
)
def test_periods_read_as_month_quarter_or_year(raw, start, end):
    period = parse_period(raw)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("raw", ["2026-13", "2026-Q5", "十月", "", "26-10"])
def test_a_bad_period_is_a_clear_error(raw):
    with pytest.raises(ValidationError, match="考核周期"):
        parse_period(raw)


def weights_in_force_defaults():
    from portal.dashboard.scorecard import INDICATORS, Weight

    return [
        Weight(i.value, str(i.label), DEFAULT_WEIGHTS[i][0], DEFAULT_WEIGHTS[i][1], True)
        for i in INDICATORS
    ]


# --- the breakdown --------------------------------------------------------------------------


def test_breakdown_lists_the_items_behind_each_score(cast):
    build_october(cast)
    breakdown = unit_breakdown(
        user=cast.zhujian, unit_id=cast.zhujian_unit.pk, period=OCTOBER, today=TODAY
    )
    counts = {key: [item.ok for item in items] for key, items in breakdown.items.items()}
    assert counts == {
        M.value: [True, False, False],
        R.value: [True, False, False, True],
        N.value: [False, False],
        H.value: [True, False, False],
    }
    assert breakdown.row.total == Decimal("46.00")
    assert breakdown.items[M.value][0].href.startswith("/tasks/")


def test_a_unit_cannot_see_another_units_breakdown(cast):
    build_october(cast)
    with pytest.raises(Http404):
        unit_breakdown(user=cast.zhujian, unit_id=cast.yingji_unit.pk, period=OCTOBER, today=TODAY)


def test_the_auditor_sees_any_units_breakdown(cast):
    build_october(cast)
    breakdown = unit_breakdown(
        user=cast.auditor, unit_id=cast.houzhen_unit.pk, period=OCTOBER, today=TODAY
    )
    assert breakdown.row.total == Decimal("96.67")
    assert len(breakdown.items[H.value]) == 1


# --- weights and publishing -----------------------------------------------------------------


def test_office_sets_weights_and_they_apply(cast):
    weights_update(
        actor=cast.office,
        values={M.value: {"weight": Decimal("60")}, N.value: {"penalty": Decimal("5")}},
    )
    weights = {w.indicator: w for w in weights_in_force()}
    assert (weights[M].weight, weights[N].penalty, weights[R].weight) == (
        Decimal("60"),
        Decimal("5"),
        Decimal("20"),
    )
    assert ScoreWeight.objects.count() == 4


def test_weights_must_total_more_than_zero(cast):
    zero = {i.value: {"weight": Decimal("0")} for i in Indicator}
    with pytest.raises(ValidationError, match="合计须大于0"):
        weights_update(actor=cast.office, values=zero)
    assert not ScoreWeight.objects.exists()


def test_a_weight_out_of_range_names_the_indicator(cast):
    with pytest.raises(ValidationError) as caught:
        weights_update(actor=cast.office, values={M.value: {"weight": Decimal("120")}})
    assert "节点按时完成率" in str(caught.value)
    assert not ScoreWeight.objects.exists()


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor"])
def test_only_the_office_sets_weights(cast, who):
    with pytest.raises(PermissionDenied):
        weights_update(actor=getattr(cast, who), values={M.value: {"weight": Decimal("50")}})


def test_publishing_freezes_the_ranking_once_per_period(cast):
    build_october(cast)
    edition = scorecard_publish(actor=cast.office, period=OCTOBER, today=TODAY)
    assert edition.title == "2026年10月考核结果"
    assert [(r["rank"], r["unit"], r["total"]) for r in edition.rows] == [
        (1, "市应急管理局", "100.00"),
        (2, "侯镇", "96.67"),
        (3, "市住建局", "46.00"),
    ]
    assert edition.weights[M.value]["weight"] == "40"
    with pytest.raises(ValidationError, match="已经发布"):
        scorecard_publish(actor=cast.office, period=OCTOBER, today=TODAY)
    assert ScorecardEdition.objects.count() == 1


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor"])
def test_only_the_office_publishes(cast, who):
    with pytest.raises(PermissionDenied):
        scorecard_publish(actor=getattr(cast, who), period=OCTOBER, today=TODAY)
    assert not ScorecardEdition.objects.exists()


def test_a_period_not_yet_begun_cannot_be_published(cast):
    with pytest.raises(ValidationError, match="尚未开始"):
        scorecard_publish(actor=cast.office, period=month_period(2026, 12), today=TODAY)


def test_load_reference_creates_missing_default_weights_only(cast):
    from portal.dashboard.reference import load_score_weights
    from responsibilities.reference import ReferenceLoad

    ScoreWeight.objects.create(indicator=M, weight=Decimal("55"))
    load_score_weights(ReferenceLoad())
    weights = dict(ScoreWeight.objects.values_list("indicator", "weight"))
    assert weights == {
        M.value: Decimal("55"),
        R.value: Decimal("20"),
        N.value: Decimal("20"),
        H.value: Decimal("20"),
    }
    assert ScoreWeight.objects.get(indicator=N).penalty == Decimal("10")
