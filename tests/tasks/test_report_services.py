"""Progress reports: every transition, who may take it, and every refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.notifications.models import Notification
from tasks.choices import Light, ReportAction, ReportState
from tasks.models import Milestone, ProgressReport, ReportEvidence
from tasks.selectors import milestones_with_status
from tasks.services.reports import (
    evidence_add,
    report_actions,
    report_approve,
    report_confirm,
    report_create,
    report_return,
    report_submit,
    report_update,
    reporting_units,
)
from tests.tasks.factories import PDF_BYTES, MilestoneFactory, make_task


@pytest.fixture
def shed(cast):
    """Shouguang 18: 470 停车棚; 市应急管理局 leads, 市住建局 is a co-unit."""
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit], title="电动车停车棚建设")
    return MilestoneFactory(task=task, with_target=True)


def file_report(cast, milestone, value=120, **kwargs):
    return report_create(
        actor=cast.zhujian,
        milestone=milestone,
        unit=cast.zhujian_unit,
        value=value,
        narrative="已建成停车棚120个。",
        **kwargs,
    )


def through_confirmation(cast, report):
    report_submit(actor=cast.zhujian, report=report)
    return report_confirm(actor=cast.zhujian_lead, report=report)


def steps(report):
    return list(
        report.steps.order_by("at", "pk").values_list("action", "actor__username", "comment")
    )


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", "body", "link"))


def rollup(milestone):
    return milestones_with_status(Milestone.objects.filter(pk=milestone.pk)).get()


# --- the happy path ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_files_leader_confirms_office_approves_and_the_rollup_counts_it(cast, shed):
    report = file_report(cast, shed)
    assert report.state == ReportState.DRAFT
    assert rollup(shed).rollup_value is None

    report_submit(actor=cast.zhujian, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.submitted_at
    assert [t for t, *_ in inbox(cast.zhujian_lead)] == ["待确认：住建局的进展报告"]

    report_confirm(actor=cast.zhujian_lead, report=report)
    report.refresh_from_db()
    assert (report.state, report.confirmed_by) == (ReportState.CONFIRMED, cast.zhujian_lead)
    assert [t for t, *_ in inbox(cast.office)] == ["待审核：住建局的进展报告"]

    report_approve(actor=cast.office, report=report, comment="数据属实。")
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReportState.APPROVED, cast.office)
    title, body, link = inbox(cast.zhujian)[0]
    assert title.startswith("已审核通过") and body == "数据属实。"
    assert link == report.get_absolute_url()

    assert steps(report) == [
        (ReportAction.CREATE, "t-zhujian", ""),
        (ReportAction.SUBMIT, "t-zhujian", ""),
        (ReportAction.CONFIRM, "t-zhujian-lead", ""),
        (ReportAction.APPROVE, "t-office", "数据属实。"),
    ]
    status = rollup(shed)
    assert status.rollup_value == Decimal(120)
    assert status.light == Light.ON_TRACK


@pytest.mark.django_db
def test_office_returns_with_a_comment_and_the_author_resubmits_after_editing(cast, shed):
    report = through_confirmation(cast, file_report(cast, shed))
    report_return(actor=cast.office, report=report, comment="请补充现场照片。")
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ReportState.RETURNED, "请补充现场照片。")
    assert ("已退回：" in inbox(cast.zhujian)[0][0]) and "请补充现场照片。" in inbox(cast.zhujian)[
        0
    ][1]

    report_update(actor=cast.zhujian, report=report, value=130, narrative="补充了照片。")
    report.refresh_from_db()
    assert (report.state, report.value) == (ReportState.DRAFT, Decimal(130))
    report_submit(actor=cast.zhujian, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.review_comment == ""  # the comment lives on in the steps
    assert steps(report)[-2] == (ReportAction.RETURN, "t-office", "请补充现场照片。")


@pytest.mark.django_db
def test_leader_returns_a_submitted_report(cast, shed):
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    report_return(actor=cast.zhujian_lead, report=report, comment="数字有误。")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert steps(report)[-1] == (ReportAction.RETURN, "t-zhujian-lead", "数字有误。")


@pytest.mark.django_db
def test_a_correction_is_a_new_report_and_supersedes_the_approved_value(cast, shed):
    original = through_confirmation(cast, file_report(cast, shed, value=120))
    report_approve(actor=cast.office, report=original)
    correction = file_report(cast, shed, value=110, corrects=original)
    assert correction.pk != original.pk and correction.corrects == original
    report_approve(actor=cast.office, report=through_confirmation(cast, correction))
    original.refresh_from_db()
    assert (original.state, original.value) == (ReportState.APPROVED, Decimal(120))
    assert rollup(shed).rollup_value == Decimal(110)


@pytest.mark.django_db
def test_office_reports_for_itself_on_a_task_without_units(cast):
    milestone = MilestoneFactory(task=make_task())  # Shouguang 32–34
    assert reporting_units(user=cast.office, milestone=milestone) == [cast.office_unit]
    report = report_create(
        actor=cast.office, milestone=milestone, unit=cast.office_unit, narrative="已部署。"
    )
    report_submit(actor=cast.office, report=report)
    report_confirm(actor=cast.office, report=report)
    report_approve(actor=cast.office, report=report)
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.APPROVED


@pytest.mark.django_db
def test_evidence_is_stored_under_a_random_name_with_its_checked_type(cast, shed):
    report = file_report(cast, shed)
    evidence = evidence_add(
        actor=cast.zhujian, report=report, file=SimpleUploadedFile("验收照片.pdf", PDF_BYTES)
    )
    assert (evidence.name, evidence.content_type, evidence.size) == (
        "验收照片.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert "验收照片" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert evidence.file.read() == PDF_BYTES


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_cannot_report_for_a_unit_not_assigned_to_the_task(cast, shed):
    with pytest.raises(PermissionDenied, match="不是任务"):
        report_create(
            actor=cast.houzhen, milestone=shed, unit=cast.houzhen_unit, value=1, narrative="x"
        )
    assert reporting_units(user=cast.houzhen, milestone=shed) == []


@pytest.mark.django_db
def test_staff_cannot_report_for_another_unit(cast, shed):
    with pytest.raises(PermissionDenied, match="不是“市应急管理局”的成员"):
        report_create(
            actor=cast.zhujian, milestone=shed, unit=cast.yingji_unit, value=1, narrative="x"
        )


@pytest.mark.django_db
def test_office_cannot_report_on_behalf_of_a_bureau(cast, shed):
    with pytest.raises(PermissionDenied):
        report_create(
            actor=cast.office, milestone=shed, unit=cast.zhujian_unit, value=1, narrative="x"
        )


@pytest.mark.django_db
def test_auditor_files_nothing(cast, shed):
    with pytest.raises(PermissionDenied, match="只读账号"):
        report_create(
            actor=cast.auditor, milestone=shed, unit=cast.zhujian_unit, value=1, narrative="x"
        )
    assert ProgressReport.objects.count() == 0


@pytest.mark.django_db
def test_a_milestone_with_a_target_needs_a_value_that_is_not_negative(cast, shed):
    with pytest.raises(ValidationError) as exc:
        file_report(cast, shed, value=None)
    assert "请填写完成值" in exc.value.message_dict["value"][0]
    with pytest.raises(ValidationError, match="不能为负数"):
        file_report(cast, shed, value=-1)
    with pytest.raises(ValidationError, match="完成值“abc”不是数字"):
        file_report(cast, shed, value="abc")
    assert ProgressReport.objects.count() == 0


@pytest.mark.django_db
def test_staff_cannot_confirm(cast, shed):
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    with pytest.raises(PermissionDenied, match="负责人"):
        report_confirm(actor=cast.zhujian, report=report)
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_another_units_leader_cannot_confirm(cast, shed):
    from responsibilities.models import Membership
    from tests.responsibilities.factories import MembershipFactory

    other_lead = MembershipFactory(unit=cast.yingji_unit, role=Membership.Role.LEADER).user
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    with pytest.raises(PermissionDenied):
        report_confirm(actor=other_lead, report=report)


@pytest.mark.django_db
def test_leader_cannot_approve(cast, shed):
    report = through_confirmation(cast, file_report(cast, shed))
    with pytest.raises(PermissionDenied, match="只有安委办"):
        report_approve(actor=cast.zhujian_lead, report=report)
    with pytest.raises(PermissionDenied, match="只有安委办"):
        report_return(actor=cast.zhujian_lead, report=report, comment="不行")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.CONFIRMED


@pytest.mark.django_db
def test_auditor_cannot_approve(cast, shed):
    report = through_confirmation(cast, file_report(cast, shed))
    with pytest.raises(PermissionDenied):
        report_approve(actor=cast.auditor, report=report)


@pytest.mark.django_db
def test_office_cannot_approve_before_the_leader_confirms(cast, shed):
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    with pytest.raises(ValidationError, match="待单位负责人确认"):
        report_approve(actor=cast.office, report=report)


@pytest.mark.django_db
def test_a_draft_cannot_be_confirmed_and_a_confirmed_report_cannot_be_resubmitted(cast, shed):
    report = file_report(cast, shed)
    with pytest.raises(ValidationError, match="不能确认"):
        report_confirm(actor=cast.zhujian_lead, report=report)
    through_confirmation(cast, report)
    with pytest.raises(ValidationError, match="不能提交"):
        report_submit(actor=cast.zhujian, report=report)


@pytest.mark.django_db
def test_an_approved_report_is_never_edited(cast, shed):
    report = through_confirmation(cast, file_report(cast, shed))
    report_approve(actor=cast.office, report=report)
    with pytest.raises(ValidationError, match="更正报告"):
        report_update(actor=cast.zhujian, report=report, value=999, narrative="改")
    with pytest.raises(ValidationError):
        evidence_add(actor=cast.zhujian, report=report, file=SimpleUploadedFile("a.pdf", PDF_BYTES))
    with pytest.raises(ValidationError, match="不能退回"):
        report_return(actor=cast.office, report=report, comment="再看看")
    report.refresh_from_db()
    assert (report.state, report.value) == (ReportState.APPROVED, Decimal(120))
    assert report_actions(user=cast.zhujian, report=report) == {"correct"}


@pytest.mark.django_db
def test_a_submitted_report_cannot_be_edited(cast, shed):
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    with pytest.raises(ValidationError, match="不能修改"):
        report_update(actor=cast.zhujian, report=report, value=1, narrative="x")


@pytest.mark.django_db
def test_only_an_approved_report_of_the_same_unit_can_be_corrected(cast, shed):
    draft = file_report(cast, shed)
    with pytest.raises(ValidationError, match="只能更正已审核通过"):
        file_report(cast, shed, corrects=draft)


@pytest.mark.django_db
def test_return_without_a_comment_is_refused(cast, shed):
    report = through_confirmation(cast, file_report(cast, shed))
    with pytest.raises(ValidationError) as exc:
        report_return(actor=cast.office, report=report, comment="  ")
    assert exc.value.message_dict == {"comment": ["退回时请填写退回意见。"]}
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.CONFIRMED
    assert not Notification.objects.filter(recipient=cast.zhujian).exists()


@pytest.mark.django_db
def test_a_bad_evidence_file_is_refused_and_nothing_is_stored(cast, shed):
    report = file_report(cast, shed)
    fake = SimpleUploadedFile("佐证.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=cast.zhujian, report=report, file=fake)
    assert exc.value.message_dict["file"] == [
        "“佐证.pdf”不是允许的文件类型（PDF、图片、Office文档）。"
    ]
    assert ReportEvidence.objects.count() == 0


@pytest.mark.django_db
def test_an_oversized_evidence_file_is_refused(cast, shed, settings):
    settings.UPLOAD_MAX_BYTES = 16
    report = file_report(cast, shed)
    with pytest.raises(ValidationError, match="超过上限"):
        evidence_add(actor=cast.zhujian, report=report, file=SimpleUploadedFile("a.pdf", PDF_BYTES))


@pytest.mark.django_db
def test_another_unit_cannot_add_evidence_or_submit(cast, shed):
    report = file_report(cast, shed)
    with pytest.raises(PermissionDenied):
        evidence_add(actor=cast.yingji, report=report, file=SimpleUploadedFile("a.pdf", PDF_BYTES))
    with pytest.raises(PermissionDenied):
        report_submit(actor=cast.yingji, report=report)


@pytest.mark.django_db
def test_buttons_follow_the_role_and_the_state(cast, shed):
    report = file_report(cast, shed)
    assert report_actions(user=cast.zhujian, report=report) == {"edit", "submit", "evidence"}
    assert report_actions(user=cast.office, report=report) == set()
    report_submit(actor=cast.zhujian, report=report)
    report.refresh_from_db()
    assert report_actions(user=cast.zhujian, report=report) == set()
    assert report_actions(user=cast.zhujian_lead, report=report) == {"confirm", "return"}
    report_confirm(actor=cast.zhujian_lead, report=report)
    report.refresh_from_db()
    assert report_actions(user=cast.office, report=report) == {"approve", "return"}
    assert report_actions(user=cast.auditor, report=report) == set()


def test_the_office_confirms_for_a_unit_without_a_leader_account(cast, shed):
    """市应急管理局 has no leader in the cast: its submissions go to the office, which may confirm."""
    report = report_create(
        actor=cast.yingji, milestone=shed, unit=cast.yingji_unit, value=50, narrative="已建成50个。"
    )
    report_submit(actor=cast.yingji, report=report)
    assert any("待确认" in title for title, _body, _link in inbox(cast.office))
    report_confirm(actor=cast.office, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED


def test_the_office_cannot_confirm_for_a_unit_that_has_its_own_leader(cast, shed):
    report = file_report(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    with pytest.raises(PermissionDenied):
        report_confirm(actor=cast.office, report=report)
