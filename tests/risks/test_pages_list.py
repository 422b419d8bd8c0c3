"""风险清单 /risks/: the points in the user's scope, the filters, the coloured level badges, the
counts by level that follow the filters, review dates in red when overdue, and a query count
that does not grow with the number of points."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.choices import LEVEL_COLORS, ControlLevel, RiskCategory, RiskLevel
from tests.querycount import assert_constant_queries
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

LIST = reverse("risks:point-list")
CREATE = reverse("risks:point-create")


def codes(response) -> set[str]:
    return {point.code for point in response.context["object_list"]}


def counts(response) -> dict[str, int]:
    return {row.level: row.count for row in response.context["level_counts"]}


def test_township_sees_the_points_in_its_territory_and_those_it_answers_for(client, cast):
    own = RiskPointFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    answers_for = RiskPointFactory(township=cast.yangkou_unit, responsible_unit=cast.houzhen_unit)
    other = RiskPointFactory(township=cast.yangkou_unit, responsible_unit=cast.zhujian_unit)
    client.force_login(cast.houzhen)
    response = client.get(LIST)
    assert response.status_code == 200
    assert codes(response) == {own.code, answers_for.code}
    assert other.code not in response.content.decode()


def test_bureau_sees_only_the_points_it_answers_for(client, cast):
    mine = RiskPointFactory(township=cast.yangkou_unit, responsible_unit=cast.zhujian_unit)
    RiskPointFactory(township=cast.houzhen_unit, responsible_unit=cast.yingji_unit)
    client.force_login(cast.zhujian)
    assert codes(client.get(LIST)) == {mine.code}


def test_office_and_auditor_see_every_point(client, cast):
    points = {
        RiskPointFactory(township=cast.houzhen_unit).code,
        RiskPointFactory(township=cast.yangkou_unit).code,
    }
    for user in (cast.office, cast.auditor):
        client.force_login(user)
        assert codes(client.get(LIST)) == points


def test_the_level_shows_as_a_badge_in_its_colour(client, cast):
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED)
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.YELLOW)
    RiskPointFactory(township=cast.houzhen_unit, level="")
    client.force_login(cast.office)
    body = client.get(LIST).content.decode()
    red = re.search(r'data-level="red" style="([^"]+)">([^<]+)<', body)
    assert red and LEVEL_COLORS[RiskLevel.RED] in red.group(1) and red.group(2) == "重大"
    yellow = re.search(
        r'data-testid="risk-level" data-level="yellow" style="([^"]+)">([^<]+)<', body
    )
    assert yellow and LEVEL_COLORS[RiskLevel.YELLOW] in yellow.group(1)
    assert yellow.group(2) == "一般"
    assert 'data-testid="risk-level" data-level="none"' in body and "未评估" in body


@pytest.mark.parametrize("level", list(RiskLevel.values))
def test_every_level_badge_uses_the_colour_of_choices(level):
    """The badge template spells the colours out; they must stay those of LEVEL_COLORS."""
    from django.template.loader import render_to_string

    html = render_to_string("risks/_level.html", {"level": level, "short": True})
    assert f"background-color: {LEVEL_COLORS[level]}" in html


def test_list_filters_by_level_category_township_control_level_kind_and_words(client, cast):
    red = RiskPointFactory(
        township=cast.houzhen_unit,
        level=RiskLevel.RED,
        name="光气合成车间",
        control_level=ControlLevel.CITY,
    )
    gas = RiskPointFactory(
        township=cast.yangkou_unit,
        level=RiskLevel.BLUE,
        category=RiskCategory.GAS,
        kind="operation",
        address="羊口镇渤海路8号",
    )
    unassessed = RiskPointFactory(township=cast.yangkou_unit, level="")
    client.force_login(cast.office)
    assert codes(client.get(LIST, {"level": "red"})) == {red.code}
    assert codes(client.get(LIST, {"level": "none"})) == {unassessed.code}
    assert codes(client.get(LIST, {"category": "gas"})) == {gas.code}
    assert codes(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {red.code}
    assert codes(client.get(LIST, {"control_level": "city"})) == {red.code}
    assert codes(client.get(LIST, {"kind": "operation"})) == {gas.code}
    assert codes(client.get(LIST, {"q": "光气"})) == {red.code}
    assert codes(client.get(LIST, {"q": "渤海路"})) == {gas.code}
    assert codes(client.get(LIST, {"q": red.code})) == {red.code}


def test_review_overdue_filter_and_the_date_in_red(client, cast):
    today = timezone.localdate()
    late = RiskPointFactory(
        township=cast.houzhen_unit,
        level=RiskLevel.ORANGE,
        review_due=today - datetime.timedelta(days=2),
    )
    RiskPointFactory(  # retired: its review stopped, so it is not overdue
        township=cast.houzhen_unit,
        level=RiskLevel.ORANGE,
        is_active=False,
        review_due=today - datetime.timedelta(days=2),
    )
    on_time = RiskPointFactory(
        township=cast.houzhen_unit, review_due=today + datetime.timedelta(days=20)
    )
    client.force_login(cast.office)
    response = client.get(LIST, {"review_overdue": "true"})
    assert codes(response) == {late.code}
    assert response.content.decode().count('data-testid="review-overdue"') == 1
    assert on_time.code in codes(client.get(LIST, {"review_overdue": "false"}))


def test_active_filter_separates_points_in_control_from_retired_ones(client, cast):
    active = RiskPointFactory(township=cast.houzhen_unit)
    retired = RiskPointFactory(township=cast.houzhen_unit, is_active=False)
    client.force_login(cast.office)
    assert codes(client.get(LIST, {"active": "true"})) == {active.code}
    response = client.get(LIST, {"active": "false"})
    assert codes(response) == {retired.code}
    assert 'data-testid="retired"' in response.content.decode()


def test_counts_by_level_follow_the_filters(client, cast):
    for level in ("red", "red", "orange", "yellow", "blue", ""):
        RiskPointFactory(township=cast.houzhen_unit, level=level)
    RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.RED)
    client.force_login(cast.office)
    assert counts(client.get(LIST)) == {
        "red": 3,
        "orange": 1,
        "yellow": 1,
        "blue": 1,
        "none": 1,
    }
    response = client.get(LIST, {"township": cast.yangkou_unit.pk})
    assert counts(response) == {"red": 1, "orange": 0, "yellow": 0, "blue": 0, "none": 0}
    assert 'data-testid="level-counts"' in response.content.decode()


def test_counts_by_level_respect_the_users_scope(client, cast):
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED)
    RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.RED)
    client.force_login(cast.houzhen)
    assert counts(client.get(LIST))["red"] == 1


def test_invalid_filter_value_is_not_a_500(client, cast):
    RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.office)
    response = client.get(LIST, {"township": "abc", "level": "purple", "review_overdue": "perhaps"})
    assert response.status_code == 200


def test_list_links_the_export_with_its_filters_the_map_and_create(client, cast):
    client.force_login(cast.office)
    body = client.get(LIST, {"level": "red"}).content.decode()
    assert reverse("reports:export", args=["risks"]) + "?level=red" in body
    assert f'href="{CREATE}"' in body
    assert reverse("risks:threshold-list") in body


def test_filter_change_with_htmx_answers_the_rows_and_counts_only(client, cast):
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED)
    client.force_login(cast.office)
    response = client.get(LIST, {"level": "red"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'data-testid="point-row"' in body
    assert 'data-testid="level-counts"' in body
    assert 'data-testid="filters"' not in body
    assert 'hx-swap-oob="true"' in body and "level=red" in body


def test_auditor_reads_the_list_but_cannot_register(client, cast):
    RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.auditor)
    response = client.get(LIST)
    assert len(codes(response)) == 1
    assert f'href="{CREATE}"' not in response.content.decode()
    assert client.get(CREATE).status_code == 403


def test_the_navigation_leads_to_the_risk_inventory(client, cast):
    client.force_login(cast.houzhen)
    body = client.get(reverse("workbench")).content.decode()
    assert f'href="{LIST}"' in body and "风险管控" in body


def test_list_query_count_is_the_same_for_10_and_60_points(client, cast):
    client.force_login(cast.houzhen)
    client.get(LIST)  # warm the session and scope
    levels = ["red", "orange", "yellow", "blue", ""]

    def grow(n):
        from risks.models import RiskPoint

        for i in range(n - RiskPoint.objects.count()):
            RiskPointFactory(
                township=cast.houzhen_unit,
                responsible_unit=cast.zhujian_unit,
                level=levels[i % len(levels)],
                review_due=timezone.localdate() - datetime.timedelta(days=i % 3),
            )

    def fetch():
        response = client.get(LIST, {"page_size": 100})
        assert response.status_code == 200
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 60))
