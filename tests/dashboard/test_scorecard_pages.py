"""考核 pages: the ranking, a unit's breakdown, the weights, publishing, editions, Excel."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.dashboard.models import Indicator, ScorecardEdition, ScoreWeight
from tests.dashboard.test_scorecard import build_october
from tests.querycount import count_queries
from tests.supervision.factories import SupervisionNoticeFactory
from tests.tasks.factories import MilestoneFactory, make_task

RANKING = reverse("dashboard:scorecard")
OCTOBER = "?period=2026-10"


@pytest.fixture
def october(cast, monkeypatch):
    """The hand-worked October, looked at on 5 November 2026."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else datetime.date(2026, 11, 5)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    build_october(cast)
    return cast


def unit_url(unit) -> str:
    return reverse("dashboard:scorecard-unit", args=[unit.pk]) + OCTOBER


def test_office_sees_the_ranking_with_its_rules(client, october):
    client.force_login(october.office)
    page = client.get(RANKING + OCTOBER).content.decode()
    assert "2026年10月考核排名" in page
    assert page.index("市应急管理局") < page.index("侯镇") < page.index("市住建局")
    assert "96.67" in page and "46.00" in page
    assert "不适用" in page
    assert "计分规则" in page and "四舍五入保留两位小数" in page
    assert 'data-testid="publish-form"' in page
    assert unit_url(october.zhujian_unit).replace("&", "&amp;") in page


def test_a_bad_period_says_why_and_shows_this_month(client, october):
    client.force_login(october.office)
    response = client.get(RANKING + "?period=2026-13")
    assert response.status_code == 200
    assert "月份应在1到12之间" in response.content.decode()
    assert response.context["period"].key == "2026-11"


def test_a_unit_sees_the_ranking_but_links_only_its_own_breakdown(client, october):
    client.force_login(october.zhujian)
    response = client.get(RANKING + OCTOBER)
    page = response.content.decode()
    assert "市应急管理局" in page and "100.00" in page
    assert response.context["linked"] == [october.zhujian_unit.pk]
    assert 'data-testid="publish-form"' not in page
    assert client.get(unit_url(october.zhujian_unit)).status_code == 200
    assert client.get(unit_url(october.yingji_unit)).status_code == 404


def test_the_breakdown_shows_each_score_and_links_every_item(client, october):
    client.force_login(october.zhujian)
    response = client.get(unit_url(october.zhujian_unit))
    page = response.content.decode()
    breakdown = response.context["breakdown"]
    assert breakdown.row.total == Decimal("46.00")
    for items in breakdown.items.values():
        for item in items:
            assert f'href="{item.href}"' in page
    assert len(breakdown.items[Indicator.SUPERVISION_NOTICES]) == 2
    assert "33.33" in page and "13.33" in page and "督办单2份，每份扣10分" in page
    assert "3 / 3" in page  # rank 3 of 3


def test_the_auditor_opens_any_breakdown(client, october):
    client.force_login(october.auditor)
    response = client.get(unit_url(october.houzhen_unit))
    assert response.status_code == 200
    assert "96.67" in response.content.decode()


def test_ranking_page_costs_the_same_queries_for_more_units(client, october):
    client.force_login(october.office)
    small, _r, _s = count_queries(lambda: client.get(RANKING + OCTOBER))
    for unit in (october.yangkou_unit, october.office_unit):
        MilestoneFactory(task=make_task(lead=unit), due_on=datetime.date(2026, 10, 3))
        SupervisionNoticeFactory(unit=unit, issued_on=datetime.date(2026, 10, 4))
    large, response, _s = count_queries(lambda: client.get(RANKING + OCTOBER))
    assert len(response.context["card"].rows) == 5
    assert large == small


# --- weights --------------------------------------------------------------------------------


def weights_post(**overrides):
    data = {
        "on_time_milestones-weight": "40",
        "on_time_milestones-is_active": "on",
        "reports_accepted-weight": "20",
        "reports_accepted-is_active": "on",
        "supervision_notices-weight": "20",
        "supervision_notices-is_active": "on",
        "supervision_notices-penalty": "10",
        "hazards_in_time-weight": "20",
        "hazards_in_time-is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_office_changes_the_weights(client, cast):
    client.force_login(cast.office)
    url = reverse("dashboard:scorecard-weights")
    response = client.post(url, weights_post(**{"on_time_milestones-weight": "50"}))
    assert response.status_code == 302
    assert ScoreWeight.objects.get(indicator=Indicator.ON_TIME_MILESTONES).weight == 50


def test_weights_totalling_zero_are_refused_with_a_message(client, cast):
    client.force_login(cast.office)
    zero = {f"{i.value}-weight": "0" for i in Indicator}
    response = client.post(reverse("dashboard:scorecard-weights"), weights_post(**zero))
    assert response.status_code == 200
    assert "启用指标的权重合计须大于0" in response.content.decode()
    assert not ScoreWeight.objects.exists()


def test_a_weight_that_is_not_a_number_names_its_field(client, cast):
    client.force_login(cast.office)
    response = client.post(
        reverse("dashboard:scorecard-weights"), weights_post(**{"hazards_in_time-weight": "abc"})
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hazards_in_time-weight"]
    assert not ScoreWeight.objects.exists()


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor"])
def test_others_read_the_weights_but_cannot_change_them(client, cast, who):
    client.force_login(getattr(cast, who))
    url = reverse("dashboard:scorecard-weights")
    page = client.get(url).content.decode()
    assert 'data-testid="weights-table"' in page and "weights-form" not in page
    assert client.post(url, weights_post(**{"on_time_milestones-weight": "90"})).status_code == 403
    assert not ScoreWeight.objects.exists()


# --- publishing and editions ----------------------------------------------------------------


def test_office_publishes_and_the_edition_stays_as_published(client, october):
    client.force_login(october.office)
    response = client.post(reverse("dashboard:scorecard-publish"), {"period": "2026-10"})
    edition = ScorecardEdition.objects.get()
    assert response.url == edition.get_absolute_url()
    SupervisionNoticeFactory(unit=october.yingji_unit, issued_on=datetime.date(2026, 10, 30))
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "2026年10月考核结果" in page
    assert page.index("市应急管理局") < page.index("侯镇") < page.index("市住建局")
    assert "100.00" in page
    assert edition.title in client.get(reverse("dashboard:scorecard-editions")).content.decode()
    ranking = client.get(RANKING + OCTOBER).content.decode()
    assert 'data-testid="edition-note"' in ranking and "publish-form" not in ranking


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor"])
def test_only_the_office_publishes_from_the_page(client, october, who):
    client.force_login(getattr(october, who))
    response = client.post(reverse("dashboard:scorecard-publish"), {"period": "2026-10"})
    assert response.status_code == 403
    assert not ScorecardEdition.objects.exists()


def test_publishing_a_bad_period_says_why(client, october):
    client.force_login(october.office)
    response = client.post(
        reverse("dashboard:scorecard-publish"), {"period": "2026-Q9"}, follow=True
    )
    assert "无法识别" in response.content.decode()
    assert not ScorecardEdition.objects.exists()


# --- Excel ----------------------------------------------------------------------------------


def test_the_ranking_downloads_as_excel_with_cells_escaped(client, october):
    from openpyxl import load_workbook

    october.houzhen_unit.name = "=HYPERLINK(1)"
    october.houzhen_unit.save()
    client.force_login(october.auditor)
    response = client.get(reverse("dashboard:scorecard-export") + OCTOBER)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "市应急管理局", 100),
        (2, "'=HYPERLINK(1)", pytest.approx(96.67)),
        (3, "市住建局", 46),
    ]
    assert rows[0][3:9] == (100, 1, 100, 1, "不适用", 0)
