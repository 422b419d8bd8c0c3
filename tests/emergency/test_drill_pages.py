"""The drill pages: the list in scope with its filters and a constant query count; recording a
drill (prefilled from its plan) with participating units, evaluation, problems and a report,
which moves the plan's next drill; correcting one; a drill's page and its report."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from emergency.choices import DrillForm, DrillScale, PlanOwnerKind, PlanState
from emergency.models import Drill, Plan
from emergency.rules import add_months
from tests.emergency.factories import DrillFactory, PlanFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("emergency:drill-list")
CREATE = reverse("emergency:drill-create")
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pks(response) -> set[int]:
    return {drill.pk for drill in response.context["object_list"]}


def houzhen_plan(cast, **kwargs):
    return PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        **kwargs,
    )


def drill_post(plan, **overrides):
    data = {
        "plan": plan.pk,
        "title": "侯镇化工园区危化品泄漏实战演练",
        "held_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "form": DrillForm.LIVE,
        "scale": DrillScale.TOWNSHIP,
        "organiser": plan.owner_unit_id,
        "township": plan.township_id or "",
        "location": "侯镇化工园区",
        "participants": "120",
        "evaluation": "adequate",
        "problems_found": "警戒区域设置偏小；通讯联络不畅。",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the list -----------------------------------------------------------------------------


def test_township_sees_the_drills_of_its_plans_and_territory_only(client, cast):
    own = DrillFactory(plan=houzhen_plan(cast))
    DrillFactory(plan=PlanFactory(owner_unit=cast.yingji_unit))
    client.force_login(cast.houzhen)
    assert pks(client.get(LIST)) == {own.pk}


def test_list_filters_by_plan_form_scale_township_dates_and_words(client, cast):
    plan = houzhen_plan(cast)
    other = PlanFactory(owner_unit=cast.yingji_unit)
    tabletop = DrillFactory(
        plan=plan,
        form=DrillForm.TABLETOP,
        scale=DrillScale.TOWNSHIP,
        township=cast.houzhen_unit,
        held_on=TODAY - datetime.timedelta(days=40),
        title="侯镇防汛桌面推演",
    )
    live = DrillFactory(plan=other, held_on=TODAY - datetime.timedelta(days=3), location="弥河")
    client.force_login(cast.office)
    assert pks(client.get(LIST, {"plan": plan.pk})) == {tabletop.pk}
    assert pks(client.get(LIST, {"form": "tabletop"})) == {tabletop.pk}
    assert pks(client.get(LIST, {"scale": "department"})) == {live.pk}
    assert pks(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {tabletop.pk}
    since = (TODAY - datetime.timedelta(days=7)).isoformat()
    assert pks(client.get(LIST, {"held_from": since})) == {live.pk}
    assert pks(client.get(LIST, {"held_to": since})) == {tabletop.pk}
    assert pks(client.get(LIST, {"q": "防汛"})) == {tabletop.pk}
    assert pks(client.get(LIST, {"q": "弥河"})) == {live.pk}


def test_invalid_filter_values_are_not_a_500(client, cast):
    client.force_login(cast.office)
    response = client.get(LIST, {"plan": "x", "held_from": "2026-13-45"})
    assert response.status_code == 200


def test_list_query_count_is_the_same_for_10_and_1000_drills(client, cast):
    plan = houzhen_plan(cast)
    client.force_login(cast.houzhen)
    client.get(LIST)

    def grow(n):
        missing = n - Drill.objects.count()
        Drill.objects.bulk_create(
            Drill(
                plan=plan,
                title=f"演练{i}",
                held_on=TODAY,
                form=DrillForm.LIVE,
                scale=DrillScale.TOWNSHIP,
                organiser=cast.houzhen_unit,
                township=cast.houzhen_unit,
            )
            for i in range(missing)
        )

    def fetch():
        response = client.get(LIST, {"page_size": 100})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(Drill.objects.count(), 100)
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 1000))


# --- recording and correcting -------------------------------------------------------------


def test_the_plans_record_drill_link_prefills_plan_title_organiser_and_township(client, cast):
    plan = houzhen_plan(cast, title="侯镇综合应急预案")
    client.force_login(cast.houzhen)
    initial = client.get(CREATE, {"plan": plan.pk}).context["form"].initial
    assert initial["plan"] == plan.pk
    assert initial["title"] == "侯镇综合应急预案演练"
    assert initial["organiser"] == cast.houzhen_unit.pk
    assert initial["township"] == cast.houzhen_unit.pk


def test_a_plan_out_of_scope_prefills_nothing(client, cast):
    plan = PlanFactory(owner_unit=cast.yingji_unit)
    client.force_login(cast.houzhen)
    initial = client.get(CREATE, {"plan": plan.pk}).context["form"].initial
    assert "plan" not in initial


def test_a_drill_is_recorded_with_its_units_and_the_plans_next_drill_moves(client, cast):
    plan = houzhen_plan(cast)
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE,
        {
            **drill_post(plan),
            "participating_units": [cast.yingji_unit.pk, cast.zhujian_unit.pk],
            "report_file": SimpleUploadedFile("总结.pdf", PDF, content_type="application/pdf"),
        },
    )
    drill = Drill.objects.get()
    assert response.status_code == 302
    assert response["Location"] == drill.get_absolute_url()
    assert set(drill.participating_units.all()) == {cast.yingji_unit, cast.zhujian_unit}
    assert drill.recorded_by == cast.houzhen and drill.report_file
    plan.refresh_from_db()
    assert plan.last_drill_on == drill.held_on
    assert plan.drill_due == add_months(drill.held_on, plan.drill_cycle_months)


def test_a_drill_before_the_plan_was_issued_is_refused_on_the_form(client, cast):
    plan = houzhen_plan(cast, issued_on=TODAY - datetime.timedelta(days=5))
    client.force_login(cast.houzhen)
    early = (TODAY - datetime.timedelta(days=10)).isoformat()
    response = client.post(CREATE, drill_post(plan, held_on=early))
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert not Drill.objects.exists()


def test_a_draft_plan_cannot_be_drilled(client, cast):
    plan = houzhen_plan(cast, state=PlanState.DRAFT)
    client.force_login(cast.houzhen)
    response = client.post(CREATE, drill_post(plan))
    assert response.status_code == 200
    assert "plan" in response.context["form"].errors
    assert not Drill.objects.exists()


def test_a_drill_is_corrected_and_the_plan_follows(client, cast):
    plan = houzhen_plan(cast)
    drill = DrillFactory(plan=plan, organiser=cast.houzhen_unit, township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    url = reverse("emergency:drill-edit", args=[drill.pk])
    assert client.get(url).context["form"].initial["title"] == drill.title
    day = TODAY - datetime.timedelta(days=1)
    response = client.post(url, drill_post(plan, held_on=day.isoformat(), title="更正后的演练"))
    assert response.status_code == 302
    drill.refresh_from_db()
    plan.refresh_from_db()
    assert drill.title == "更正后的演练"
    assert plan.last_drill_on == day


def test_another_units_drill_has_no_edit_form_and_the_auditor_none(client, cast):
    drill = DrillFactory(plan=PlanFactory(owner_unit=cast.yingji_unit))
    url = reverse("emergency:drill-edit", args=[drill.pk])
    client.force_login(cast.houzhen)
    assert client.get(url).status_code == 404
    client.force_login(cast.auditor)
    assert client.get(url).status_code == 404
    assert client.get(CREATE).status_code == 403


# --- a drill's page -------------------------------------------------------------------------


def test_drill_page_shows_units_problems_and_the_report(client, cast):
    plan = houzhen_plan(cast)
    drill = DrillFactory(
        plan=plan,
        participating_units=[cast.yingji_unit],
        problems_found="疏散路线标识不清",
    )
    drill.report_file.save("r.pdf", SimpleUploadedFile("r.pdf", PDF), save=True)
    client.force_login(cast.houzhen)
    response = client.get(drill.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "疏散路线标识不清" in body
    assert "应急管理局" in body
    report = client.get(reverse("emergency:drill-report", args=[drill.pk]))
    assert report.status_code == 200
    assert b"".join(report.streaming_content) == PDF
    client.force_login(cast.zhujian)
    assert client.get(reverse("emergency:drill-report", args=[drill.pk])).status_code == 404


def test_a_plan_page_lists_its_drills(client, cast):
    plan = houzhen_plan(cast)
    drill = DrillFactory(plan=plan, title="侯镇燃气泄漏演练")
    client.force_login(cast.houzhen)
    response = client.get(plan.get_absolute_url())
    assert [d.pk for d in response.context["drills"]] == [drill.pk]
    assert Plan.objects.get(pk=plan.pk).last_drill_on == drill.held_on
