"""/public/ — the public information page (信息公开): figures without a login, only what the
office publishes, no person, phone or address; the office's setting of it."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hazards.choices import HazardGrade, HazardState
from portal.dashboard.models import PublicationSetting
from portal.dashboard.public import publication_setting_save
from tasks.choices import ReportState
from tests.emergency.factories import ShelterFactory
from tests.hazards.factories import HazardFactory
from tests.querycount import assert_constant_queries
from tests.risks.factories import RiskPointFactory
from tests.tasks.factories import (
    DirectiveFactory,
    MilestoneFactory,
    ProgressReportFactory,
    SectionFactory,
    make_task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _done(milestone, unit, *, days_late=0):
    """Approve a completing report from the lead unit, ``days_late`` after the due date."""
    reviewed = timezone.make_aware(
        datetime.datetime.combine(
            milestone.due_on + datetime.timedelta(days=days_late), datetime.time(10)
        )
    )
    ProgressReportFactory(
        milestone=milestone, unit=unit, approved=True, completes=True, reviewed_at=reviewed
    )


@pytest.fixture
def directive(cast):
    """Two parts. Part 一: task A done on time, task B done late. Part 二: task C open, with one
    of its two milestones done on time. So tasks 2/3, milestones on time 2/4."""
    today = timezone.localdate()
    directive = DirectiveFactory(title="关于推进全市城市安全发展的实施意见", issued_on=today)
    one = SectionFactory(directive=directive, number="一", title="总体要求", order=1)
    two = SectionFactory(directive=directive, number="二", title="加强源头治理", order=2)
    unit = cast.zhujian_unit
    a = make_task(lead=unit, directive=directive, section=one)
    _done(MilestoneFactory(task=a, due_on=today - datetime.timedelta(days=20)), unit)
    b = make_task(lead=unit, directive=directive, section=one)
    _done(MilestoneFactory(task=b, due_on=today - datetime.timedelta(days=20)), unit, days_late=3)
    c = make_task(lead=unit, directive=directive, section=two)
    _done(MilestoneFactory(task=c, due_on=today - datetime.timedelta(days=10)), unit)
    MilestoneFactory(task=c, due_on=today + datetime.timedelta(days=30))
    # A returned report completes nothing.
    ProgressReportFactory(
        milestone=c.milestones.last(), unit=unit, state=ReportState.RETURNED, completes=True
    )
    return directive


def _hazard(cast, state, *, grade=HazardGrade.GENERAL, found_on=None, **fields):
    return HazardFactory(
        township=cast.houzhen_unit,
        state=state,
        grade=grade,
        found_on=found_on or timezone.localdate(),
        **fields,
    )


def test_anyone_reads_the_task_completion_without_logging_in(client, directive):
    response = client.get(reverse("public:index"))

    assert response.status_code == 200
    tasks = response.context["figures"].tasks
    assert (tasks.tasks_done, tasks.tasks) == (2, 3)
    assert (tasks.milestones_on_time, tasks.milestones) == (2, 4)
    assert [(s.name, s.tasks, s.tasks_done) for s in tasks.sections] == [
        ("一、总体要求", 2, 2),
        ("二、加强源头治理", 1, 0),
    ]
    page = response.content.decode()
    assert "2 / 3" in page and "（66.7%）" in page
    assert "2 / 4" in page and "（50.0%）" in page


def test_hazards_found_this_year_and_the_rectification_rate(client, cast):
    for _ in range(3):
        _hazard(cast, HazardState.CLOSED)
    _hazard(cast, HazardState.CLOSED, grade=HazardGrade.MAJOR)
    _hazard(cast, HazardState.RECTIFYING, grade=HazardGrade.MAJOR)
    _hazard(cast, HazardState.CONFIRMED)
    _hazard(cast, HazardState.AWAITING_ACCEPTANCE)
    _hazard(cast, HazardState.CLOSED)
    # Not counted: a report not yet confirmed, a rejected one, and last year's.
    _hazard(cast, HazardState.REPORTED)
    _hazard(cast, HazardState.REJECTED)
    last_year = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=1)
    _hazard(cast, HazardState.CLOSED, found_on=last_year)

    response = client.get(reverse("public:index"))

    hazards = response.context["figures"].hazards
    assert (hazards.found, hazards.closed) == (8, 5)
    assert (hazards.major_found, hazards.major_closed) == (2, 1)
    assert str(hazards.rate) == "62.5"
    assert 'data-testid="public-hazards-rate">62.5%<' in response.content.decode()


def test_shelters_are_the_published_ones_with_their_capacity_and_a_link_to_the_map(client, cast):
    ShelterFactory(township=cast.houzhen_unit, capacity=2000, is_public=True)
    ShelterFactory(township=cast.houzhen_unit, capacity=1500, is_public=True)
    ShelterFactory(township=cast.houzhen_unit, capacity=9999, is_public=False)

    response = client.get(reverse("public:index"))

    shelters = response.context["figures"].shelters
    assert (shelters.count, shelters.capacity) == (2, 3500)
    page = response.content.decode()
    assert 'data-testid="public-shelters-total">全市公布 2 处，可容纳 3500 人。' in page
    assert reverse("emergency:shelter-public") in page
    shelter_page = client.get(reverse("emergency:shelter-public"))
    assert len(shelter_page.context["shelters"]) == shelters.count
    assert shelter_page.context["total_capacity"] == shelters.capacity


def test_risk_levels_are_published_only_when_the_office_chooses(client, cast):
    RiskPointFactory(township=cast.houzhen_unit, level="red")
    RiskPointFactory(township=cast.houzhen_unit, level="yellow")
    RiskPointFactory(township=cast.houzhen_unit, level="yellow")
    RiskPointFactory(township=cast.houzhen_unit, level="yellow", is_active=False)

    default = client.get(reverse("public:index"))
    assert default.context["figures"].risks is None
    assert 'data-testid="public-risks"' not in default.content.decode()

    publication_setting_save(
        actor=cast.office,
        title="城市安全发展信息公开",
        publish_tasks=True,
        publish_hazards=True,
        publish_shelters=True,
        publish_risks=True,
    )
    published = client.get(reverse("public:index"))
    counts = {row.level: row.count for row in published.context["figures"].risks}
    assert counts == {"red": 1, "orange": 0, "yellow": 2, "blue": 0}


def test_the_page_names_no_person_phone_or_hazard_address(client, cast, directive):
    _hazard(cast, HazardState.CLOSED, address="侯镇北环路88号院内", found_by="赵排查")
    ShelterFactory(
        township=cast.houzhen_unit,
        is_public=True,
        address="侯镇中心广场西侧",
        manager="钱管理",
        manager_phone="13900001111",
    )
    RiskPointFactory(
        township=cast.houzhen_unit,
        level="red",
        responsible_person="孙负责",
        responsible_phone="13800002222",
        address="侯镇化工园区3号",
    )
    PublicationSetting.objects.create(publish_risks=True, updated_by=cast.office)

    page = client.get(reverse("public:index")).content.decode()

    for secret in (
        "侯镇北环路88号院内",
        "赵排查",
        "钱管理",
        "13900001111",
        "侯镇中心广场西侧",
        "孙负责",
        "13800002222",
        "侯镇化工园区3号",
        cast.zhujian.username,
        "市住建局",
    ):
        assert secret not in page, secret


def test_figures_are_cached_briefly_and_say_when_they_were_read(client, cast):
    _hazard(cast, HazardState.CLOSED)
    first = client.get(reverse("public:index"))
    _hazard(cast, HazardState.CLOSED)

    second = client.get(reverse("public:index"))

    assert second.context["figures"].hazards.found == 1  # still the cached figures
    assert second.context["figures"].as_of == first.context["figures"].as_of
    assert "数据截至" in second.content.decode()
    cache.clear()
    assert client.get(reverse("public:index")).context["figures"].hazards.found == 2


def test_a_new_setting_shows_at_once(client, cast):
    client.get(reverse("public:index"))
    publication_setting_save(
        actor=cast.office,
        title="寿光市安全信息公开",
        publish_tasks=False,
        publish_hazards=False,
        publish_shelters=True,
        publish_risks=False,
    )

    response = client.get(reverse("public:index"))

    page = response.content.decode()
    assert "寿光市安全信息公开" in page
    assert 'data-testid="public-hazards"' not in page
    assert 'data-testid="public-tasks"' not in page
    assert 'data-testid="public-shelters"' in page


def test_the_public_page_costs_the_same_queries_for_10_and_1000_hazards(client, cast):
    made = []

    def grow(n):
        while len(made) < n:
            made.append(_hazard(cast, HazardState.CLOSED))

    def fetch():
        cache.clear()
        response = client.get(reverse("public:index"))
        assert response.context["figures"].hazards.found == len(made)

    assert_constant_queries(grow, fetch, sizes=(10, 300))


def test_login_and_citizen_report_pages_link_to_the_public_page(client):
    href = f'href="{reverse("public:index")}"'
    assert href in client.get(reverse("login")).content.decode()
    assert href in client.get(reverse("hazards:citizen-report-form")).content.decode()


# --- the setting ------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "城市安全发展信息公开",
        "introduction": "根据《关于推进城市安全发展的实施意见》公开。",
        "publish_tasks": "on",
        "publish_hazards": "on",
        "publish_shelters": "on",
    }
    data.update(overrides)
    return data


def test_office_publishes_a_new_setting_each_time_so_history_shows_who(client, cast):
    client.force_login(cast.office)
    url = reverse("public:settings")
    assert client.get(url).status_code == 200

    first = client.post(url, _form())
    second = client.post(url, _form(publish_risks="on", title="信息公开"))

    assert first.status_code == second.status_code == 302
    rows = list(PublicationSetting.objects.order_by("pk"))
    assert len(rows) == 2
    assert [row.updated_by for row in rows] == [cast.office, cast.office]
    assert [row.publish_risks for row in rows] == [False, True]
    assert PublicationSetting.current().title == "信息公开"
    assert rows[0].history.first().history_user == cast.office


def test_a_setting_without_a_title_is_refused_naming_the_field(client, cast):
    client.force_login(cast.office)

    response = client.post(reverse("public:settings"), _form(title=""))

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not PublicationSetting.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "zhujian", "zhujian_lead", "houzhen"])
def test_only_the_office_sets_what_is_published(client, cast, role):
    client.force_login(getattr(cast, role))
    url = reverse("public:settings")

    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    assert not PublicationSetting.objects.exists()


def test_the_setting_page_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("public:settings"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
