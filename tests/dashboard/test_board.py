"""/dashboard/ — 综合看板: what each section counts, for whom, and the links behind the numbers."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from portal.dashboard.selectors import dashboard
from portal.navigation import nav_for
from portal.permissions import user_scope
from tests.dashboard.board_data import build_city, build_hazards, build_notices, days
from tests.responsibilities.factories import UserFactory
from tests.tasks.factories import DirectiveFactory, SectionFactory, TaskFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard:index")


def shown(response) -> dict[str, tuple[str, str]]:
    """{figure key: (number shown, link)} for the figure cards on the page."""
    body = response.content.decode()
    pattern = (
        r'data-testid="figure" data-key="([\w-]+)">.*?'
        r'href="([^"]+)" data-testid="figure-value">(\d+)<'
    )
    return {
        key: (value, html.unescape(href)) for key, href, value in re.findall(pattern, body, re.S)
    }


def board_for(user):
    from django.utils import timezone

    return dashboard(user=user, today=timezone.localdate())


# --- who sees what --------------------------------------------------------------------------


def test_signing_in_is_required(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_office_sees_every_section_for_the_whole_city(client, cast):
    build_city(cast)
    client.force_login(cast.office)
    response = client.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "综合看板 · 全市" in body
    for section in ("tasks", "supervision", "hazards", "risks", "emergency"):
        assert f'data-testid="section-{section}"' in body
    assert 'id="dashboard-charts"' in body
    assert "vendor/echarts/echarts.min.js" in body


def test_a_township_sees_its_own_scope_with_its_name_in_the_title(client, cast):
    build_city(cast)
    client.force_login(cast.houzhen)
    response = client.get(INDEX)
    assert "综合看板 · 侯镇" in response.content.decode()
    figures = shown(response)
    # 侯镇's five hazards, not 羊口镇's three: one reported, one overdue, one listed major...
    assert figures["hazards-overdue"][0] == "1"
    assert figures["hazards-listed"][0] == "1"
    assert figures["hazards-open-general"][0] == "2"
    # ...its notice of 10 days, not 市住建局's; its red and blue points in control
    assert figures["notices-open"][0] == "1"
    assert figures["notices-age-8-15"][0] == "1"
    assert (figures["risks-red"][0], figures["risks-blue"][0], figures["risks-orange"][0]) == (
        "1",
        "1",
        "0",
    )
    # the two tasks 侯镇 shares: one overdue, one done
    assert (figures["tasks-overdue"][0], figures["tasks-done"][0]) == ("1", "1")
    assert figures["tasks-due_soon"][0] == "0"


def test_a_bureau_leader_sees_the_page_scoped_to_the_bureau(client, cast):
    build_city(cast)
    client.force_login(cast.zhujian_lead)
    response = client.get(INDEX)
    figures = shown(response)
    assert "综合看板 · 市住建局" in response.content.decode()
    assert (figures["tasks-overdue"][0], figures["tasks-due_soon"][0]) == ("1", "1")
    assert figures["tasks-done"][0] == "0"
    assert figures["notices-open"][0] == "2"
    assert figures["notices-interview"][0] == "1"


def test_the_auditor_sees_the_whole_city(client, cast):
    build_city(cast)
    client.force_login(cast.auditor)
    response = client.get(INDEX)
    assert "综合看板 · 全市" in response.content.decode()
    assert response.context["board"].hazards.closed.value == 3


def test_a_user_with_no_unit_and_no_role_gets_an_explanation_not_an_error(client, cast):
    build_city(cast)
    client.force_login(UserFactory(username="t-nobody"))
    response = client.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="dashboard-explanation"' in body
    assert "尚未加入任何单位" in body
    assert 'data-testid="figure"' not in body


def test_the_menu_puts_the_dashboard_first_for_the_office_the_auditor_and_leaders(cast):
    for user in (cast.office, cast.auditor, cast.zhujian_lead):
        keys = [item["key"] for item in nav_for(user_scope(user), "/")]
        assert keys[0] == "dashboard", user
    for user in (cast.zhujian, cast.houzhen):
        keys = [item["key"] for item in nav_for(user_scope(user), "/")]
        assert "dashboard" not in keys, user


def test_the_menu_entry_is_active_on_the_dashboard(client, cast):
    client.force_login(cast.office)
    body = client.get(INDEX).content.decode()
    assert f'class="nav-link active" data-nav="dashboard" href="{INDEX}"' in body


# --- 任务进展 -------------------------------------------------------------------------------


def test_tasks_are_counted_by_light_by_part_and_by_unit(cast):
    directive, tasks = build_city(cast)
    board = board_for(cast.office)
    progress = board.tasks
    assert progress.directive == directive
    lights = {f.key: f.value for f in progress.lights}
    assert lights == {
        "tasks-done": 1,
        "tasks-done_late": 0,
        "tasks-on_track": 0,
        "tasks-due_soon": 1,
        "tasks-overdue": 1,
        "tasks-not_started": 1,
    }
    by_section = {
        category: [f.value for f in figures] for category, figures in progress.by_section.rows
    }
    # series order: done, done late, on track, due soon, overdue, not started
    assert by_section == {
        "二、加强城市安全源头治理": [0, 0, 0, 1, 1, 0],
        "三、健全城市安全防控机制": [1, 0, 0, 0, 0, 1],
    }
    by_unit = {category: [f.value for f in figures] for category, figures in progress.by_unit.rows}
    assert by_unit["住建局"] == [0, 0, 0, 1, 1, 0]
    assert by_unit["应急管理局"] == [1, 0, 0, 0, 0, 1]
    assert by_unit["侯镇"] == [1, 0, 0, 0, 1, 0]
    section = progress.by_section.series[4].figures[0]  # 二 · overdue
    assert section.href == (
        f"{reverse('tasks:task-list')}?directive={directive.pk}"
        f"&section={tasks['overdue'].section_id}&light=overdue"
    )


def test_overdue_and_due_soon_milestones_are_listed_with_their_tasks(client, cast):
    _directive, tasks = build_city(cast)
    client.force_login(cast.office)
    response = client.get(INDEX)
    progress = response.context["board"].tasks
    assert [row.href for row in progress.overdue_milestones] == [
        reverse("tasks:task-detail", args=[tasks["overdue"].pk])
    ]
    assert progress.overdue_milestones[0].days == 5
    assert [row.href for row in progress.due_soon_milestones] == [
        reverse("tasks:task-detail", args=[tasks["due_soon"].pk])
    ]
    body = response.content.decode()
    assert "逾期5天" in body
    assert "剩3天" in body


def test_another_directive_is_picked_by_its_id_and_a_bad_id_falls_back(client, cast):
    directive, _tasks = build_city(cast)
    older = DirectiveFactory(title="另一份实施意见", issued_on=days(-400))
    TaskFactory(directive=older, section=SectionFactory(directive=older))
    client.force_login(cast.office)
    assert client.get(INDEX, {"directive": older.pk}).context["board"].tasks.directive == older
    for bad in ("abc", "999999", ""):
        response = client.get(INDEX, {"directive": bad})
        assert response.status_code == 200
        assert response.context["board"].tasks.directive == directive


def test_a_city_without_directives_says_so(client, cast):
    build_hazards(cast)
    client.force_login(cast.office)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert 'data-testid="no-directive"' in response.content.decode()


# --- 督办单 ---------------------------------------------------------------------------------


def test_open_notices_are_counted_by_age_with_interviews_flagged(cast):
    build_notices(cast)
    notices = board_for(cast.office).supervision
    assert notices.open_total.value == 3  # the closed one is not open
    assert [f.value for f in notices.by_age] == [1, 1, 1]
    assert notices.interview.value == 1
    week = days(-7).isoformat()
    assert notices.by_age[0].href == (
        f"{reverse('supervision:notice-list')}?state=open&issued_after={week}"
    )


def test_a_notice_issued_eight_days_ago_is_in_the_second_band(cast):
    from tests.supervision.factories import SupervisionNoticeFactory

    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-7))
    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-8))
    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-15))
    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-16))
    assert [f.value for f in board_for(cast.office).supervision.by_age] == [1, 2, 1]


# --- 隐患 -----------------------------------------------------------------------------------


def test_hazards_by_state_grade_and_township_with_the_rectification_rate(cast):
    build_hazards(cast)
    hazards = board_for(cast.office).hazards
    by_state = {f.key.removeprefix("hazards-state-"): f.value for f in hazards.by_state}
    assert by_state == {
        "reported": 1,
        "confirmed": 1,
        "rectifying": 1,
        "awaiting_acceptance": 1,
        "closed": 3,
        "rejected": 1,
    }
    # closed 3 ÷ confirmed or later 6 (reported and rejected are not counted)
    assert (hazards.closed.value, hazards.confirmed.value) == (3, 6)
    assert str(hazards.rectification_rate) == "50.0"
    assert [f.value for f in hazards.open_by_grade] == [3, 1]  # general, major
    assert hazards.overdue.value == 2
    assert hazards.listed.value == 1
    by_township = {c: [f.value for f in figures] for c, figures in hazards.by_township.rows}
    assert by_township == {"侯镇": [1, 2], "羊口镇": [0, 1]}  # major, general


def test_no_confirmed_hazard_means_no_rate_rather_than_a_division_by_zero(client, cast):
    client.force_login(cast.office)
    response = client.get(INDEX)
    assert response.context["board"].hazards.rectification_rate is None
    assert 'data-testid="rate-value">—<' in response.content.decode()


# --- 风险 and 应急 --------------------------------------------------------------------------


def test_risk_points_in_control_by_level_per_township(client, cast):
    build_city(cast)
    client.force_login(cast.office)
    response = client.get(INDEX)
    risks = response.context["board"].risks
    assert {f.key: f.value for f in risks.by_level} == {
        "risks-red": 1,  # the retired red point is history, not risk
        "risks-orange": 1,
        "risks-yellow": 1,
        "risks-blue": 1,
        "risks-none": 1,
    }
    rows = {c: [f.value for f in figures] for c, figures in risks.by_township.rows}
    assert rows == {"侯镇": [1, 0, 0, 1, 0], "羊口镇": [0, 1, 1, 0, 1]}
    body = response.content.decode()
    assert f'href="{reverse("risks:map")}"' in body
    assert 'id="dashboard-risk-map"' in body
    assert reverse("risks:map-townships") in body


def test_emergency_gaps_drills_evaluations_and_stock(cast):
    build_city(cast)
    emergency = board_for(cast.office).emergency
    assert emergency.drills_overdue.value == 2
    assert emergency.evaluations_overdue.value == 1
    assert emergency.stock_low.value == 2
    assert emergency.stock_expiring.value == 1
    assert emergency.stock_expired.value == 1
    assert emergency.coverage_gaps.href == reverse("emergency:coverage")
    assert emergency.coverage_gaps.value > 0


# --- the page -------------------------------------------------------------------------------


def test_every_number_on_the_page_is_a_link(client, cast):
    build_city(cast)
    client.force_login(cast.office)
    response = client.get(INDEX)
    body = html.unescape(response.content.decode())
    for figure in response.context["board"].figures():
        assert f'href="{figure.href}"' in body, figure


def test_the_chart_data_reaches_the_page_as_json(client, cast):
    import json

    build_city(cast)
    client.force_login(cast.office)
    body = client.get(INDEX).content.decode()
    raw = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', body)
    charts = json.loads(raw.group(1))
    assert set(charts) == {
        "tasks-by-section",
        "tasks-by-unit",
        "hazards-by-township",
        "risks-by-township",
    }
    hazards = charts["hazards-by-township"]
    assert hazards["categories"] == ["侯镇", "羊口镇"]
    assert [s["name"] for s in hazards["series"]] == ["重大隐患", "一般隐患"]
    assert hazards["series"][0]["data"][0]["value"] == 1
    assert hazards["series"][0]["data"][0]["href"].startswith(reverse("hazards:hazard-list"))
