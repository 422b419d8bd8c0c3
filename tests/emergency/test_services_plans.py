"""Plans through their services: who may write which plan, what each kind of owner must name,
the stored due dates, revisions that keep every version, evaluations and withdrawal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from emergency import services
from emergency.choices import PlanState, PlanType
from emergency.models import Plan, PlanEvaluation
from tests.emergency.factories import PlanFactory
from tests.responsibilities.factories import EnterpriseFactory, IndustryFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def new_plan(cast, actor=None, **fields) -> Plan:
    values = {
        "title": "寿光市住房城乡建设系统生产安全事故应急预案",
        "plan_type": PlanType.DEPARTMENT,
        "owner_kind": "bureau",
        "owner_unit": cast.zhujian_unit,
        "issued_on": D(2019, 5, 20),
    }
    values.update(fields)
    return services.plan_save(actor=actor or cast.zhujian, **values)


def messages(exc_info) -> dict:
    return exc_info.value.message_dict


# --- creating -----------------------------------------------------------------------------------


def test_bureau_staff_create_their_units_plan_with_its_due_dates(cast):
    plan = new_plan(cast)

    assert (plan.state, plan.created_by) == (PlanState.IN_FORCE, cast.zhujian)
    assert (plan.drill_cycle_months, plan.drill_due, plan.evaluation_due) == (
        12,
        D(2020, 5, 20),
        D(2022, 5, 20),
    )
    assert plan.history.first().history_user == cast.zhujian


def test_bureau_staff_cannot_create_a_plan_for_another_unit(cast):
    with pytest.raises(PermissionDenied):
        new_plan(cast, owner_unit=cast.yingji_unit)
    assert not Plan.objects.exists()


def test_auditors_never_write_plans(cast):
    with pytest.raises(PermissionDenied):
        new_plan(cast, actor=cast.auditor)
    plan = PlanFactory(owner_unit=cast.zhujian_unit)
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=cast.auditor, instance=plan, title="改")
    with pytest.raises(PermissionDenied):
        services.plan_withdraw(actor=cast.auditor, plan=plan, reason="废止")


def test_the_office_creates_a_plan_for_any_unit(cast):
    assert new_plan(cast, actor=cast.office, owner_unit=cast.yingji_unit).pk


def test_a_township_plan_must_name_its_township(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, actor=cast.office, owner_kind="township", owner_unit=cast.houzhen_unit)
    assert "township" in messages(exc)


def test_a_township_member_writes_the_townships_plan(cast):
    plan = new_plan(
        cast,
        actor=cast.houzhen,
        owner_kind="township",
        plan_type=PlanType.COMPREHENSIVE,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
    )
    assert plan.township == cast.houzhen_unit


def test_a_township_cannot_file_its_plan_under_a_neighbouring_township(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(
            cast,
            actor=cast.houzhen,
            owner_kind="township",
            plan_type=PlanType.COMPREHENSIVE,
            owner_unit=cast.houzhen_unit,
            township=cast.yangkou_unit,
        )
    assert "须为该镇街区" in messages(exc)["township"][0]
    assert not Plan.objects.exists()


def test_a_plans_township_must_be_a_township(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, owner_kind="township", township=cast.zhujian_unit)
    assert "不是镇街区" in messages(exc)["township"][0]


def test_an_industry_plan_must_name_its_industry(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, owner_kind="industry", plan_type=PlanType.SPECIAL)
    assert "industry" in messages(exc)
    plan = new_plan(
        cast, owner_kind="industry", plan_type=PlanType.SPECIAL, industry=IndustryFactory()
    )
    assert plan.industry_id


def test_an_enterprise_plan_takes_its_township_and_industry_from_the_enterprise(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    plan = new_plan(cast, owner_kind="enterprise", enterprise=enterprise)

    assert (plan.township, plan.industry) == (cast.houzhen_unit, enterprise.industry)


def test_a_high_risk_enterprises_plan_is_stored_with_a_half_yearly_drill(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit, is_high_risk=True)
    plan = new_plan(cast, owner_kind="enterprise", enterprise=enterprise, issued_on=D(2019, 8, 31))

    assert (plan.drill_cycle_months, plan.drill_due) == (6, D(2020, 2, 29))


def test_a_plan_in_force_needs_its_issue_date_and_a_draft_does_not(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, issued_on=None)
    assert "issued_on" in messages(exc)
    draft = new_plan(cast, issued_on=None, state=PlanState.DRAFT)
    assert (draft.evaluation_due, draft.drill_due) == (None, None)


def test_a_plan_cannot_be_issued_in_the_future(cast):
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, issued_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "issued_on" in messages(exc)


def test_unknown_fields_are_refused(cast):
    with pytest.raises(ValidationError, match="drill_due"):
        new_plan(cast, drill_due=D(2030, 1, 1))


def test_the_plan_file_is_checked_by_content_and_stored_under_a_random_name(cast):
    fake = SimpleUploadedFile("预案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        new_plan(cast, file=fake)
    assert "预案.pdf" in messages(exc)["file"][0]
    assert not Plan.objects.exists()

    pdf = SimpleUploadedFile("预案.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf")
    plan = new_plan(cast, file=pdf)
    assert plan.file.name.endswith(".pdf") and "预案" not in plan.file.name
    plan.file.delete(save=False)


# --- editing ------------------------------------------------------------------------------------


def test_a_unit_edits_its_own_plan_and_the_due_dates_follow(cast):
    plan = new_plan(cast)
    edited = services.plan_save(
        actor=cast.zhujian, instance=plan, plan_type=PlanType.ONSITE, title=" 现场处置方案 "
    )

    assert edited.title == "现场处置方案"
    assert (edited.drill_cycle_months, edited.drill_due) == (6, D(2019, 11, 20))


def test_bureau_staff_cannot_change_another_units_plan(cast):
    plan = PlanFactory(owner_unit=cast.yingji_unit, title="应急局预案")
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=cast.zhujian, instance=plan, title="改")
    plan.refresh_from_db()
    assert plan.title == "应急局预案"


def test_a_unit_cannot_hand_its_plan_to_another_unit(cast):
    plan = new_plan(cast)
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=cast.zhujian, instance=plan, owner_unit=cast.yingji_unit)
    plan.refresh_from_db()
    assert plan.owner_unit == cast.zhujian_unit


def test_a_plan_in_force_cannot_go_back_to_draft(cast):
    plan = new_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.plan_save(actor=cast.zhujian, instance=plan, state=PlanState.DRAFT)
    assert "state" in messages(exc)


# --- revisions ----------------------------------------------------------------------------------


def test_a_revision_supersedes_the_old_version_and_restarts_the_evaluation(cast):
    plan = new_plan(cast)
    services.plan_evaluate(
        actor=cast.zhujian, plan=plan, evaluated_on=D(2020, 1, 5), conclusion="需修订"
    )
    revised = services.plan_revise(
        actor=cast.zhujian, plan=plan, version="2.0", issued_on=D(2020, 6, 1), summary="新增"
    )
    plan.refresh_from_db()

    assert (plan.state, plan.evaluation_due, plan.drill_due) == (PlanState.SUPERSEDED, None, None)
    assert (revised.state, revised.supersedes, revised.version) == (
        PlanState.IN_FORCE,
        plan,
        "2.0",
    )
    assert (revised.title, revised.owner_unit, revised.summary) == (
        plan.title,
        cast.zhujian_unit,
        "新增",
    )
    assert (revised.last_evaluated_on, revised.evaluation_due) == (None, D(2023, 6, 1))
    assert revised.drill_due == D(2021, 6, 1)


def test_a_superseded_version_is_neither_edited_nor_revised_again(cast):
    plan = new_plan(cast)
    services.plan_revise(actor=cast.zhujian, plan=plan, version="2.0", issued_on=D(2020, 6, 1))
    with pytest.raises(ValidationError):
        services.plan_save(actor=cast.zhujian, instance=plan, title="改")
    with pytest.raises(ValidationError):
        services.plan_revise(actor=cast.zhujian, plan=plan, version="3.0", issued_on=D(2020, 7, 1))


def test_a_revision_needs_a_new_version_issued_no_earlier_than_the_old(cast):
    plan = new_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.plan_revise(actor=cast.zhujian, plan=plan, version="1.0", issued_on=D(2019, 1, 1))
    assert {"version", "issued_on"} <= set(messages(exc))
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE


def test_another_unit_cannot_revise_a_plan(cast):
    plan = new_plan(cast)
    with pytest.raises(PermissionDenied):
        services.plan_revise(actor=cast.yingji, plan=plan, version="2.0", issued_on=D(2020, 6, 1))


# --- withdrawal ---------------------------------------------------------------------------------


def test_a_withdrawn_plan_keeps_the_reason_in_its_history_and_has_no_due_dates(cast):
    plan = new_plan(cast)
    withdrawn = services.plan_withdraw(actor=cast.zhujian, plan=plan, reason="机构改革，职责划转")

    assert (withdrawn.state, withdrawn.evaluation_due, withdrawn.drill_due) == (
        PlanState.WITHDRAWN,
        None,
        None,
    )
    assert "机构改革" in withdrawn.history.first().history_change_reason


def test_withdrawing_needs_a_reason(cast):
    plan = new_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.plan_withdraw(actor=cast.zhujian, plan=plan, reason="  ")
    assert "reason" in messages(exc)


# --- evaluations --------------------------------------------------------------------------------


def test_an_evaluation_moves_the_next_one_three_years_on(cast):
    plan = new_plan(cast)
    evaluation = services.plan_evaluate(
        actor=cast.zhujian,
        plan=plan,
        evaluated_on=D(2021, 3, 1),
        conclusion="应急组织机构调整，需修订",
        needs_revision=True,
    )
    plan.refresh_from_db()

    assert (evaluation.evaluated_by, evaluation.needs_revision) == (cast.zhujian, True)
    assert (plan.last_evaluated_on, plan.evaluation_due) == (D(2021, 3, 1), D(2024, 3, 1))


def test_an_older_evaluation_recorded_later_does_not_move_the_due_date_back(cast):
    plan = new_plan(cast)
    services.plan_evaluate(
        actor=cast.zhujian, plan=plan, evaluated_on=D(2021, 3, 1), conclusion="a"
    )
    services.plan_evaluate(
        actor=cast.zhujian, plan=plan, evaluated_on=D(2020, 3, 1), conclusion="b"
    )
    plan.refresh_from_db()

    assert plan.evaluation_due == D(2024, 3, 1)
    assert PlanEvaluation.objects.filter(plan=plan).count() == 2


def test_an_evaluation_needs_a_conclusion_and_a_date_within_the_plans_life(cast):
    plan = new_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.plan_evaluate(
            actor=cast.zhujian, plan=plan, evaluated_on=D(2019, 1, 1), conclusion=""
        )
    assert {"evaluated_on", "conclusion"} <= set(messages(exc))
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.plan_evaluate(actor=cast.zhujian, plan=plan, evaluated_on=tomorrow, conclusion="a")
    assert "evaluated_on" in messages(exc)
    assert not PlanEvaluation.objects.exists()


def test_a_withdrawn_plan_is_not_evaluated(cast):
    plan = services.plan_withdraw(actor=cast.zhujian, plan=new_plan(cast), reason="废止")
    with pytest.raises(ValidationError):
        services.plan_evaluate(
            actor=cast.zhujian, plan=plan, evaluated_on=D(2020, 1, 1), conclusion="a"
        )


def test_another_unit_cannot_evaluate_a_plan(cast):
    plan = new_plan(cast)
    with pytest.raises(PermissionDenied):
        services.plan_evaluate(
            actor=cast.yingji, plan=plan, evaluated_on=D(2020, 1, 1), conclusion="a"
        )
