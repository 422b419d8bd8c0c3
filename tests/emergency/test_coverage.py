"""The coverage matrix: the city, every township and every industry against the plan types;
required cells without a plan in force are gaps (缺) with a prefilled "add plan" link; a date
answers from the issue dates whether the directive's full-coverage milestone was met; the
plans are counted in one query, whatever their number."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.choices import PlanOwnerKind, PlanState, PlanType
from emergency.coverage import coverage_matrix
from emergency.models import Plan
from responsibilities.models import Industry, OrgUnit
from tests.emergency.factories import PlanFactory
from tests.querycount import assert_constant_queries
from tests.tasks.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

COVERAGE = reverse("emergency:coverage")
TODAY = timezone.localdate()
DUE = datetime.date(2019, 8, 31)


@pytest.fixture
def industry(db):
    return Industry.objects.create(name="危险化学品", sort_order=1)


def township_plan(township, plan_type=PlanType.COMPREHENSIVE, **kwargs):
    return PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=township,
        township=township,
        plan_type=plan_type,
        **kwargs,
    )


def city_plan(unit, plan_type, **kwargs):
    return PlanFactory(
        owner_kind=PlanOwnerKind.CITY, owner_unit=unit, plan_type=plan_type, **kwargs
    )


def industry_plan(unit, industry, **kwargs):
    return PlanFactory(
        owner_kind=PlanOwnerKind.INDUSTRY,
        owner_unit=unit,
        industry=industry,
        plan_type=PlanType.SPECIAL,
        **kwargs,
    )


def row(coverage, label):
    return next(r for r in coverage.rows if r.label == label)


def cell(coverage, label, plan_type):
    return next(c for c in row(coverage, label).cells if c.plan_type == plan_type)


def cover_everything(cast, industry):
    city_plan(cast.yingji_unit, PlanType.COMPREHENSIVE)
    city_plan(cast.yingji_unit, PlanType.SPECIAL)
    township_plan(cast.houzhen_unit)
    township_plan(cast.yangkou_unit)
    industry_plan(cast.yingji_unit, industry)


def test_rows_are_the_city_then_townships_by_sort_order_then_industries(cast, industry):
    OrgUnit.objects.filter(pk=cast.yangkou_unit.pk).update(sort_order=1)
    OrgUnit.objects.filter(pk=cast.houzhen_unit.pk).update(sort_order=2)
    coverage = coverage_matrix(user=cast.office)
    assert [(r.kind, r.label) for r in coverage.rows] == [
        ("city", "市级"),
        ("township", "羊口镇"),
        ("township", "侯镇"),
        ("industry", "危险化学品"),
    ]
    assert [value for value, _label in coverage.columns] == PlanType.values


def test_required_cells_follow_the_setting(cast, industry, settings):
    settings.EMERGENCY_COVERAGE_REQUIRED = {"city": ["comprehensive"], "township": ["special"]}
    coverage = coverage_matrix(user=cast.office)
    assert [c.plan_type for c in row(coverage, "市级").cells if c.required] == ["comprehensive"]
    assert [c.plan_type for c in row(coverage, "侯镇").cells if c.required] == ["special"]
    assert row(coverage, "危险化学品").required_count == 0


def test_a_township_without_a_comprehensive_plan_is_a_gap_with_a_prefilled_add_link(cast, industry):
    township_plan(cast.yangkou_unit)
    coverage = coverage_matrix(user=cast.office)
    gap = cell(coverage, "侯镇", PlanType.COMPREHENSIVE)
    assert gap.missing and gap.count == 0
    assert gap.add_url == (
        reverse("emergency:plan-create")
        + f"?owner_kind=township&township={cast.houzhen_unit.pk}&plan_type=comprehensive"
    )
    covered = cell(coverage, "羊口镇", PlanType.COMPREHENSIVE)
    assert covered.count == 1 and not covered.missing and covered.add_url is None
    assert row(coverage, "羊口镇").is_complete  # 羊口镇 needs only its 综合应急预案


def test_only_plans_in_force_fill_a_cell(cast, industry):
    township_plan(cast.houzhen_unit, state=PlanState.DRAFT)
    township_plan(cast.houzhen_unit, state=PlanState.WITHDRAWN)
    township_plan(cast.houzhen_unit, state=PlanState.SUPERSEDED)
    assert cell(coverage_matrix(user=cast.office), "侯镇", PlanType.COMPREHENSIVE).missing
    township_plan(cast.houzhen_unit)
    assert cell(coverage_matrix(user=cast.office), "侯镇", PlanType.COMPREHENSIVE).count == 1


def test_plans_that_are_not_required_are_counted_but_never_a_gap(cast, industry):
    township_plan(cast.houzhen_unit, plan_type=PlanType.SPECIAL)
    special = cell(coverage_matrix(user=cast.office), "侯镇", PlanType.SPECIAL)
    assert special.count == 1 and not special.required and not special.missing


def test_department_and_enterprise_plans_are_not_rows(cast, industry):
    PlanFactory(owner_kind=PlanOwnerKind.BUREAU, owner_unit=cast.zhujian_unit)
    coverage = coverage_matrix(user=cast.office)
    assert {r.kind for r in coverage.rows} == {"city", "township", "industry"}
    assert sum(c.count for r in coverage.rows for c in r.cells) == 0


def test_summary_counts_complete_rows_and_a_percentage_rounded_down(cast, industry):
    coverage = coverage_matrix(user=cast.office)
    assert (coverage.complete_rows, coverage.total_rows, coverage.percentage) == (0, 4, 0)
    assert coverage.gap_count == 2 + 1 + 1 + 1
    city_plan(cast.yingji_unit, PlanType.COMPREHENSIVE)
    city_plan(cast.yingji_unit, PlanType.SPECIAL)
    township_plan(cast.houzhen_unit)
    coverage = coverage_matrix(user=cast.office)
    assert (coverage.complete_rows, coverage.percentage, coverage.gap_count) == (2, 50, 2)
    township_plan(cast.yangkou_unit)
    assert coverage_matrix(user=cast.office).percentage == 75
    industry_plan(cast.yingji_unit, industry)
    coverage = coverage_matrix(user=cast.office)
    assert coverage.is_complete and coverage.percentage == 100 and coverage.gap_count == 0


def test_as_of_a_date_counts_plans_issued_by_then(cast, industry):
    township_plan(cast.houzhen_unit, issued_on=DUE)
    township_plan(cast.yangkou_unit, issued_on=DUE + datetime.timedelta(days=1))
    coverage = coverage_matrix(user=cast.office, as_of=DUE)
    assert cell(coverage, "侯镇", PlanType.COMPREHENSIVE).count == 1  # issued on the due date
    assert cell(coverage, "羊口镇", PlanType.COMPREHENSIVE).missing  # a day late


def test_as_of_a_date_a_superseded_version_counts_until_its_successor_was_issued(cast, industry):
    old = township_plan(cast.houzhen_unit, issued_on=datetime.date(2018, 5, 1))
    Plan.objects.filter(pk=old.pk).update(state=PlanState.SUPERSEDED)
    township_plan(cast.houzhen_unit, issued_on=datetime.date(2020, 3, 1), supersedes=old)
    for day, expected in (
        (datetime.date(2018, 4, 30), 0),
        (DUE, 1),  # the old version was in force
        (datetime.date(2020, 3, 1), 1),  # the new one, not both
        (TODAY, 1),
    ):
        coverage = coverage_matrix(user=cast.office, as_of=day)
        assert cell(coverage, "侯镇", PlanType.COMPREHENSIVE).count == expected, day


def test_a_township_member_counts_only_the_plans_it_may_see(cast, industry):
    township_plan(cast.houzhen_unit)
    city_plan(cast.yingji_unit, PlanType.COMPREHENSIVE)
    coverage = coverage_matrix(user=cast.houzhen)
    assert coverage.restricted
    assert cell(coverage, "侯镇", PlanType.COMPREHENSIVE).count == 1
    assert cell(coverage, "市级", PlanType.COMPREHENSIVE).count == 0


# --- the page -----------------------------------------------------------------------------


def test_the_page_shows_the_gap_and_links_the_add_form(client, cast, industry):
    township_plan(cast.yangkou_unit)
    client.force_login(cast.office)
    response = client.get(COVERAGE)
    body = response.content.decode()
    assert response.status_code == 200
    add = f"owner_kind=township&amp;township={cast.houzhen_unit.pk}&amp;plan_type=comprehensive"
    assert add in body
    assert 'data-testid="gap"' in body
    assert 'data-testid="coverage-percentage">25%' in body


def test_a_covered_cell_links_the_filtered_plan_list(client, cast, industry):
    plan = township_plan(cast.yangkou_unit)
    client.force_login(cast.office)
    coverage = client.get(COVERAGE).context["coverage"]
    url = cell(coverage, "羊口镇", PlanType.COMPREHENSIVE).list_url
    listed = client.get(url).context["object_list"]
    assert [p.pk for p in listed] == [plan.pk]


def test_the_auditor_reads_the_matrix_without_add_links(client, cast, industry):
    client.force_login(cast.auditor)
    response = client.get(COVERAGE)
    assert response.status_code == 200
    assert 'data-testid="add-plan"' not in response.content.decode()
    assert response.context["coverage"].gap_count == 5


def test_a_bad_date_is_a_message_and_the_current_matrix(client, cast, industry):
    client.force_login(cast.office)
    response = client.get(COVERAGE, {"as_of": "2019-02-30"})
    assert response.status_code == 200
    assert "2019-02-30" in response.context["as_of_error"]
    assert response.context["as_of"] is None


def test_the_milestone_was_not_met_when_a_township_plan_came_after_the_due_date(
    client, cast, industry
):
    milestone = MilestoneFactory(
        text="20198月底前实现应急预案市、镇(街区)、行业全覆盖。", due_on=DUE
    )
    MilestoneFactory(text="2019年底前建成居民小区电动车停车棚470个。", due_on=DUE)
    cover_everything(cast, industry)
    Plan.objects.update(issued_on=DUE)
    Plan.objects.filter(township=cast.yangkou_unit).update(issued_on=DUE + datetime.timedelta(1))
    client.force_login(cast.office)
    response = client.get(COVERAGE)
    answer = response.context["answer"]
    assert response.context["milestone"] == milestone
    assert answer.is_past and answer.met is False
    assert answer.coverage.gap_count == 1
    assert response.context["coverage"].is_complete  # complete today, but not by the due date
    assert 'data-met="no"' in response.content.decode()


def test_the_milestone_was_met_when_every_required_plan_was_issued_by_the_due_date(
    client, cast, industry
):
    MilestoneFactory(text="20198月底前实现应急预案市、镇(街区)、行业全覆盖。", due_on=DUE)
    cover_everything(cast, industry)
    Plan.objects.update(issued_on=DUE)
    client.force_login(cast.office)
    response = client.get(COVERAGE)
    assert response.context["answer"].met is True
    assert 'data-met="yes"' in response.content.decode()


def test_the_office_may_pick_another_milestone(client, cast, industry):
    first = MilestoneFactory(text="实现应急预案全覆盖", due_on=DUE)
    second = MilestoneFactory(text="实现应急预案全覆盖", due_on=TODAY)
    client.force_login(cast.office)
    picked = client.get(COVERAGE, {"milestone": second.pk}).context["milestone"]
    assert picked == second
    assert client.get(COVERAGE, {"milestone": "x"}).context["milestone"] in (first, second)


def test_without_the_milestone_the_page_says_so(client, cast, industry):
    client.force_login(cast.office)
    response = client.get(COVERAGE)
    assert response.context["answer"] is None
    assert 'data-testid="milestone-missing"' in response.content.decode()


def test_the_matrix_costs_the_same_queries_for_10_and_1000_plans(client, cast, industry):
    MilestoneFactory(text="实现应急预案全覆盖", due_on=DUE)
    client.force_login(cast.office)
    client.get(COVERAGE)

    def grow(n):
        missing = n - Plan.objects.count()
        Plan.objects.bulk_create(
            Plan(
                title=f"侯镇专项预案{i}",
                plan_type=PlanType.SPECIAL,
                owner_kind=PlanOwnerKind.TOWNSHIP,
                owner_unit=cast.houzhen_unit,
                township=cast.houzhen_unit,
                issued_on=DUE,
            )
            for i in range(missing)
        )

    def fetch():
        response = client.get(COVERAGE)
        assert response.status_code == 200
        assert cell(response.context["coverage"], "侯镇", PlanType.SPECIAL).count == (
            Plan.objects.count()
        )
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 1000))
