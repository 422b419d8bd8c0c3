"""The risk register on the workbench: a unit sees its points whose review is overdue or due
within 30 days; the office sees the 重大风险 points and the reviews overdue."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.choices import RiskLevel
from tests.querycount import count_queries
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

WORKBENCH = reverse("workbench")


def panel(response, testid):
    return next((p for p in response.context["panels"] if p.context.get("testid") == testid), None)


def panel_codes(response, testid) -> list[str]:
    found = panel(response, testid)
    return [point.code for point in found.context["points"]] if found else []


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_unit_sees_its_points_due_or_overdue_for_review_the_most_urgent_first(client, cast):
    overdue = RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED, review_due=days(-3))
    soon = RiskPointFactory(
        township=cast.yangkou_unit,
        responsible_unit=cast.houzhen_unit,
        level=RiskLevel.YELLOW,
        review_due=days(10),
    )
    RiskPointFactory(township=cast.houzhen_unit, review_due=days(90))  # not due yet
    RiskPointFactory(township=cast.houzhen_unit, review_due=days(-3), is_active=False)  # retired
    RiskPointFactory(township=cast.yangkou_unit, review_due=days(-3))  # not theirs
    client.force_login(cast.houzhen)
    response = client.get(WORKBENCH)
    assert panel_codes(response, "panel-risks-for-review") == [overdue.code, soon.code]
    body = response.content.decode()
    assert 'data-testid="panel-risks-for-review"' in body
    assert "已逾期" in body
    assert panel(response, "panel-risks-red") is None


def test_unit_with_nothing_due_sees_an_empty_panel_with_a_message(client, cast):
    client.force_login(cast.zhujian)
    response = client.get(WORKBENCH)
    assert panel_codes(response, "panel-risks-for-review") == []
    assert "30天内没有到期的复评" in response.content.decode()


def test_office_sees_red_points_and_reviews_overdue(client, cast):
    red = RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED, review_due=days(40))
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED, is_active=False)
    late = RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.BLUE, review_due=days(-1))
    RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.ORANGE, review_due=days(5))
    client.force_login(cast.office)
    response = client.get(WORKBENCH)
    assert panel_codes(response, "panel-risks-red") == [red.code]
    assert panel_codes(response, "panel-risks-review-overdue") == [late.code]
    assert panel(response, "panel-risks-for-review") is None
    body = response.content.decode()
    assert reverse("risks:point-list") + "?review_overdue=true" in body


def test_auditor_gets_no_risk_to_do_panels(client, cast):
    RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED, review_due=days(-1))
    client.force_login(cast.auditor)
    response = client.get(WORKBENCH)
    for testid in ("panel-risks-red", "panel-risks-review-overdue", "panel-risks-for-review"):
        assert panel(response, testid) is None


def test_panels_cost_the_same_queries_for_few_and_many_points(client, cast):
    client.force_login(cast.office)
    for _ in range(2):
        RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED, review_due=days(-1))
    client.get(WORKBENCH)
    few, _, _ = count_queries(lambda: client.get(WORKBENCH))
    for _ in range(12):
        RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.RED, review_due=days(-1))
    many, response, _ = count_queries(lambda: client.get(WORKBENCH))
    assert len(panel_codes(response, "panel-risks-red")) == 8
    assert panel(response, "panel-risks-red").context["more"] is True
    assert many == few
