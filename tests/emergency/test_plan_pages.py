"""The plan pages: the list in scope with its filters and a constant query count; a plan's page
with its versions, evaluations, drills and file; creating (prefilled from the coverage matrix),
editing, revising, evaluating and withdrawing through the forms, with the services' refusals
shown on the form and nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from emergency.choices import PlanOwnerKind, PlanState, PlanType
from emergency.models import Plan, PlanEvaluation
from responsibilities.choices import SupervisionKind
from responsibilities.models import Industry, SupervisionDuty
from tests.emergency.factories import DrillFactory, PlanEvaluationFactory, PlanFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("emergency:plan-list")
CREATE = reverse("emergency:plan-create")
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pks(response) -> set[int]:
    return {plan.pk for plan in response.context["object_list"]}


def township_plan(township, **kwargs):
    kwargs.setdefault("plan_type", PlanType.COMPREHENSIVE)
    return PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP, owner_unit=township, township=township, **kwargs
    )


def plan_post(cast, **overrides):
    data = {
        "title": "侯镇综合应急预案",
        "plan_type": PlanType.COMPREHENSIVE,
        "owner_kind": PlanOwnerKind.TOWNSHIP,
        "owner_unit": cast.houzhen_unit.pk,
        "township": cast.houzhen_unit.pk,
        "version": "1.0",
        "state": PlanState.IN_FORCE,
        "issued_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "document_number": "侯政发〔2026〕3号",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the list -----------------------------------------------------------------------------


def test_township_sees_its_own_plans_only(client, cast):
    own = township_plan(cast.houzhen_unit)
    township_plan(cast.yangkou_unit)
    PlanFactory(owner_unit=cast.yingji_unit)
    client.force_login(cast.houzhen)
    assert pks(client.get(LIST)) == {own.pk}


def test_bureau_sees_the_plans_it_owns(client, cast):
    own = PlanFactory(owner_unit=cast.zhujian_unit)
    PlanFactory(owner_unit=cast.yingji_unit)
    client.force_login(cast.zhujian)
    assert pks(client.get(LIST)) == {own.pk}


def test_list_filters_by_type_owner_township_industry_state_and_words(client, cast):
    industry = Industry.objects.create(name="城镇燃气")
    houzhen = township_plan(cast.houzhen_unit, title="侯镇防汛应急预案")
    special = PlanFactory(
        owner_kind=PlanOwnerKind.INDUSTRY,
        owner_unit=cast.zhujian_unit,
        industry=industry,
        plan_type=PlanType.SPECIAL,
        document_number="寿建发〔2025〕8号",
    )
    withdrawn = PlanFactory(owner_unit=cast.yingji_unit, state=PlanState.WITHDRAWN)
    client.force_login(cast.office)
    assert pks(client.get(LIST, {"plan_type": "special"})) == {special.pk}
    assert pks(client.get(LIST, {"owner_kind": "township"})) == {houzhen.pk}
    assert pks(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {houzhen.pk}
    assert pks(client.get(LIST, {"industry": industry.pk})) == {special.pk}
    assert pks(client.get(LIST, {"state": "withdrawn"})) == {withdrawn.pk}
    assert pks(client.get(LIST, {"q": "防汛"})) == {houzhen.pk}
    assert pks(client.get(LIST, {"q": "寿建发"})) == {special.pk}


def test_overdue_filters_find_plans_past_their_evaluation_or_drill(client, cast):
    late_drill = PlanFactory(owner_unit=cast.yingji_unit, drill_due=TODAY - datetime.timedelta(1))
    due_today = PlanFactory(owner_unit=cast.yingji_unit, drill_due=TODAY)
    late_evaluation = PlanFactory(
        owner_unit=cast.yingji_unit, evaluation_due=TODAY - datetime.timedelta(1)
    )
    PlanFactory(  # withdrawn plans are never overdue
        owner_unit=cast.yingji_unit,
        state=PlanState.WITHDRAWN,
        drill_due=TODAY - datetime.timedelta(1),
        evaluation_due=TODAY - datetime.timedelta(1),
    )
    client.force_login(cast.office)
    response = client.get(LIST, {"drill_overdue": "true"})
    assert pks(response) == {late_drill.pk}
    assert 'data-testid="drill-overdue"' in response.content.decode()
    assert pks(client.get(LIST, {"evaluation_overdue": "true"})) == {late_evaluation.pk}
    assert due_today.pk in pks(client.get(LIST, {"drill_due_within": "30"}))
    assert late_drill.pk not in pks(client.get(LIST, {"drill_due_within": "30"}))


def test_invalid_filter_values_are_not_a_500(client, cast):
    client.force_login(cast.office)
    response = client.get(LIST, {"township": "abc", "drill_due_within": "-5", "state": "x"})
    assert response.status_code == 200


def test_list_offers_export_import_and_create_to_the_office(client, cast):
    client.force_login(cast.office)
    body = client.get(LIST).content.decode()
    assert reverse("reports:export", args=["emergency-plans"]) in body
    assert f'href="{CREATE}"' in body


def test_auditor_reads_the_plans_but_cannot_create(client, cast):
    PlanFactory(owner_unit=cast.yingji_unit)
    client.force_login(cast.auditor)
    response = client.get(LIST)
    assert len(pks(response)) == 1
    assert f'href="{CREATE}"' not in response.content.decode()
    assert client.get(CREATE).status_code == 403


def test_list_query_count_is_the_same_for_10_and_1000_plans(client, cast):
    industry = Industry.objects.create(name="危险化学品")
    client.force_login(cast.houzhen)
    client.get(LIST)

    def grow(n):
        missing = n - Plan.objects.count()
        Plan.objects.bulk_create(
            Plan(
                title=f"侯镇预案{i}",
                plan_type=PlanType.SPECIAL,
                owner_kind=PlanOwnerKind.TOWNSHIP,
                owner_unit=cast.houzhen_unit,
                township=cast.houzhen_unit,
                industry=industry,
                issued_on=TODAY,
                drill_due=TODAY,
                evaluation_due=TODAY,
            )
            for i in range(missing)
        )

    def fetch():
        response = client.get(LIST, {"page_size": 100})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(Plan.objects.count(), 100)
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 1000))


# --- a plan's page ------------------------------------------------------------------------


def test_plan_page_shows_versions_evaluations_drills_and_history(client, cast):
    old = township_plan(cast.houzhen_unit, version="1.0", state=PlanState.SUPERSEDED)
    plan = township_plan(cast.houzhen_unit, version="2.0", supersedes=old)
    PlanEvaluationFactory(plan=plan, conclusion="组织体系需调整", needs_revision=True)
    drill = DrillFactory(plan=plan, title="侯镇危化品泄漏实战演练")
    client.force_login(cast.houzhen)
    response = client.get(plan.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert [v.pk for v in response.context["versions"]] == [old.pk, plan.pk]
    assert "组织体系需调整" in body
    assert drill.title in body
    assert 'data-testid="history"' in body
    assert reverse("emergency:plan-revise", args=[plan.pk]) in body


def test_plan_page_of_a_superseded_version_offers_no_actions(client, cast):
    old = township_plan(cast.houzhen_unit, version="1.0", state=PlanState.SUPERSEDED)
    township_plan(cast.houzhen_unit, version="2.0", supersedes=old)
    client.force_login(cast.houzhen)
    response = client.get(old.get_absolute_url())
    assert not response.context["can_act"] and not response.context["can_change"]
    assert len(response.context["versions"]) == 2


def test_the_plan_text_downloads_only_for_those_who_may_see_the_plan(client, cast):
    plan = township_plan(cast.houzhen_unit)
    plan.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF), save=True)
    url = reverse("emergency:plan-file", args=[plan.pk])
    client.force_login(cast.houzhen)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(cast.zhujian)
    assert client.get(url).status_code == 404


# --- create and edit ----------------------------------------------------------------------


def test_the_coverage_gap_link_prefills_owner_township_type_and_title(client, cast):
    client.force_login(cast.office)
    response = client.get(
        CREATE,
        {"owner_kind": "township", "township": cast.houzhen_unit.pk, "plan_type": "comprehensive"},
    )
    initial = response.context["form"].initial
    assert response.status_code == 200
    assert initial["owner_kind"] == "township"
    assert initial["township"] == cast.houzhen_unit.pk
    assert initial["owner_unit"] == cast.houzhen_unit.pk
    assert initial["plan_type"] == "comprehensive"
    assert initial["title"] == "侯镇综合应急预案"
    assert "emergency/js/plan_form.js" in response.content.decode()


def test_an_industry_gap_prefills_the_industry_supervisor_as_owner(client, cast):
    industry = Industry.objects.create(name="城镇燃气")
    SupervisionDuty.objects.create(
        industry=industry, kind=SupervisionKind.INDUSTRY, unit=cast.zhujian_unit
    )
    client.force_login(cast.office)
    initial = (
        client.get(
            CREATE, {"owner_kind": "industry", "industry": industry.pk, "plan_type": "special"}
        )
        .context["form"]
        .initial
    )
    assert initial["owner_unit"] == cast.zhujian_unit.pk
    assert initial["title"] == "城镇燃气行业专项应急预案"


def test_prefill_values_that_name_nothing_are_ignored(client, cast):
    client.force_login(cast.office)
    response = client.get(CREATE, {"owner_kind": "x", "township": "99999", "plan_type": "y"})
    assert response.status_code == 200
    assert set(response.context["form"].initial) == {"issued_on"}


def test_the_office_saves_a_township_plan(client, cast):
    client.force_login(cast.office)
    response = client.post(CREATE, plan_post(cast))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.township, plan.state, plan.created_by) == (
        cast.houzhen_unit,
        PlanState.IN_FORCE,
        cast.office,
    )
    assert plan.evaluation_due is not None and plan.drill_due is not None


def test_a_plan_may_be_saved_as_a_draft_without_an_issue_date(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, plan_post(cast, state=PlanState.DRAFT, issued_on=None))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert (plan.state, plan.issued_on, plan.drill_due) == (PlanState.DRAFT, None, None)


def test_the_plan_form_offers_no_superseded_or_withdrawn_state(client, cast):
    client.force_login(cast.office)
    choices = dict(client.get(CREATE).context["form"].fields["state"].choices)
    assert set(choices) == {"draft", "in_force"}


def test_a_township_plan_without_its_township_is_refused_on_the_form(client, cast):
    client.force_login(cast.office)
    response = client.post(CREATE, plan_post(cast, township=None))
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_and_nothing_saved(client, cast):
    client.force_login(cast.office)
    fake = SimpleUploadedFile("预案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(CREATE, {**plan_post(cast), "file": fake})
    assert response.status_code == 200
    assert "预案.pdf" in str(response.context["form"].errors)
    assert not Plan.objects.exists()


def test_a_township_cannot_save_a_plan_owned_by_another_township(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE,
        plan_post(
            cast,
            owner_unit=cast.yangkou_unit.pk,
            township=cast.yangkou_unit.pk,
            title="羊口镇综合应急预案",
        ),
    )
    assert response.status_code == 200
    assert "owner_unit" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_a_plan_is_corrected_on_its_edit_form(client, cast):
    plan = township_plan(cast.houzhen_unit, title="侯镇总体预案")
    client.force_login(cast.houzhen)
    url = reverse("emergency:plan-edit", args=[plan.pk])
    assert client.get(url).context["form"].initial["title"] == "侯镇总体预案"
    response = client.post(
        url, plan_post(cast, title="侯镇突发事件总体应急预案", filing_number="备-2026-01")
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.filing_number) == ("侯镇突发事件总体应急预案", "备-2026-01")


def test_another_units_plan_has_no_edit_form(client, cast):
    plan = township_plan(cast.yangkou_unit)
    client.force_login(cast.houzhen)
    assert client.get(reverse("emergency:plan-edit", args=[plan.pk])).status_code == 404


# --- revise, evaluate, withdraw -----------------------------------------------------------


def test_revising_issues_a_new_version_and_keeps_the_old_one(client, cast):
    plan = township_plan(cast.houzhen_unit, version="1.0")
    client.force_login(cast.houzhen)
    response = client.post(
        reverse("emergency:plan-revise", args=[plan.pk]),
        {"title": plan.title, "version": "2.0", "issued_on": TODAY.isoformat()},
    )
    new = Plan.objects.get(supersedes=plan)
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    plan.refresh_from_db()
    assert plan.state == PlanState.SUPERSEDED
    assert (new.version, new.state, new.issued_on) == ("2.0", PlanState.IN_FORCE, TODAY)


def test_a_revision_with_the_same_version_is_refused_on_the_form(client, cast):
    plan = township_plan(cast.houzhen_unit, version="1.0")
    client.force_login(cast.houzhen)
    response = client.post(
        reverse("emergency:plan-revise", args=[plan.pk]),
        {"title": plan.title, "version": "1.0", "issued_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert Plan.objects.count() == 1


def test_an_evaluation_is_recorded_and_the_next_one_falls_due_three_years_on(client, cast):
    plan = township_plan(cast.houzhen_unit)
    client.force_login(cast.houzhen)
    day = TODAY - datetime.timedelta(days=1)
    response = client.post(
        reverse("emergency:plan-evaluate", args=[plan.pk]),
        {"evaluated_on": day.isoformat(), "conclusion": "预案适用", "needs_revision": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    evaluation = PlanEvaluation.objects.get()
    assert evaluation.needs_revision and evaluation.evaluated_by == cast.houzhen
    plan.refresh_from_db()
    assert plan.last_evaluated_on == day
    assert plan.evaluation_due.year == day.year + 3


def test_an_evaluation_in_the_future_is_refused_on_the_form(client, cast):
    plan = township_plan(cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.post(
        reverse("emergency:plan-evaluate", args=[plan.pk]),
        {"evaluated_on": (TODAY + datetime.timedelta(days=5)).isoformat(), "conclusion": "好"},
    )
    assert response.status_code == 200
    assert "evaluated_on" in response.context["form"].errors
    assert not PlanEvaluation.objects.exists()


def test_withdrawing_needs_a_reason_and_ends_the_due_dates(client, cast):
    plan = township_plan(cast.houzhen_unit)
    url = reverse("emergency:plan-withdraw", args=[plan.pk])
    client.force_login(cast.houzhen)
    assert client.post(url, {"reason": ""}).status_code == 200
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    response = client.post(url, {"reason": "机构改革，并入新预案"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.state, plan.drill_due, plan.evaluation_due) == (PlanState.WITHDRAWN, None, None)


def test_the_auditor_has_no_action_forms(client, cast):
    plan = township_plan(cast.houzhen_unit)
    client.force_login(cast.auditor)
    for name in ("plan-edit", "plan-revise", "plan-evaluate", "plan-withdraw"):
        assert client.get(reverse(f"emergency:{name}", args=[plan.pk])).status_code == 404
    response = client.get(plan.get_absolute_url())
    assert not response.context["can_act"]
