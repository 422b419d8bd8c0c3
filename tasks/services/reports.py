"""Writes on progress reports (进展报告): file, edit, attach evidence, and the review steps.

draft → submitted (the unit's staff) → confirmed (the unit's leader, 负责人确认) → approved or
returned (the office, 安委办审核); a leader may also return a submitted report. A returned
report goes back to draft when edited and is submitted again. An approved report is never
edited: a correction is a new report that names the one it corrects.

Every step records a ReportStep (who, when, comment) and notifies the next person in-app.
Every door — pages, API, seed_demo — goes through these functions.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify
from portal.permissions import ROLE_OFFICE, require, user_scope
from portal.uploads import validate_upload
from responsibilities.models import Membership, OrgUnit

from ..choices import ReportAction, ReportState
from ..models import Assignment, Milestone, ProgressReport, ReportEvidence, ReportStep

EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
NOTIFY_CATEGORY = "tasks.report"


# --- who may do what --------------------------------------------------------------------------


def _reports_for(scope, unit: OrgUnit) -> bool:
    """May this person file and edit reports for ``unit``? Its members; the office for itself."""
    return unit.pk in scope.unit_ids or (unit.kind == OrgUnit.Kind.OFFICE and scope.is_office)


def _leads(scope, unit: OrgUnit) -> bool:
    """May this person confirm ``unit``'s reports? Its leaders; the office for itself, and for
    a unit that has no active leader account (its submissions are sent to the office)."""
    if unit.pk in scope.leader_unit_ids:
        return True
    return scope.is_office and (unit.kind == OrgUnit.Kind.OFFICE or not _unit_leaders(unit))


def reporting_units(*, user, milestone: Milestone) -> list[OrgUnit]:
    """The units ``user`` may report for on ``milestone``: their own units assigned to the
    task, or the office unit on a task that has no units (Shouguang 32–34)."""
    scope = user_scope(user)
    if scope.read_only or not scope.is_authenticated:
        return []
    assigned = list(
        OrgUnit.objects.filter(assignments__task_id=milestone.task_id).order_by(
            "assignments__order", "pk"
        )
    )
    if assigned:
        return [unit for unit in assigned if unit.pk in scope.unit_ids]
    if scope.is_office:
        offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE, is_active=True)
        return [u for u in offices if _reports_for(scope, u)]
    return []


def report_actions(*, user, report: ProgressReport) -> set[str]:
    """Which of edit / submit / confirm / approve / return ``user`` may do on ``report`` now
    (for buttons; the services decide again when asked)."""
    scope = user_scope(user)
    if scope.read_only or not scope.is_authenticated:
        return set()
    actions = set()
    unit = report.unit
    if report.state in EDITABLE_STATES and _reports_for(scope, unit):
        actions |= {"edit", "submit", "evidence"}
    if report.state == ReportState.SUBMITTED and _leads(scope, unit):
        actions |= {"confirm", "return"}
    if report.state == ReportState.CONFIRMED and _reviews(scope):
        actions |= {"approve", "return"}
    if report.state == ReportState.APPROVED and _reports_for(scope, unit):
        actions.add("correct")
    return actions


def _reviews(scope) -> bool:
    return scope.is_office or scope.is_admin


def _deny(message: str):
    raise PermissionDenied(message)


# --- filing -----------------------------------------------------------------------------------


def _check_value(milestone: Milestone, value) -> Decimal | None:
    if value is None or value == "":
        if milestone.has_target:
            raise ValidationError(
                {
                    "value": _("该节点有目标（%(target)s），请填写完成值。")
                    % {"target": target_text(milestone)}
                }
            )
        return None
    try:
        value = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(
            {"value": _("完成值“%(value)s”不是数字。") % {"value": value}}
        ) from None
    if not value.is_finite():
        raise ValidationError({"value": _("完成值“%(value)s”不是数字。") % {"value": value}})
    if value < 0:
        raise ValidationError({"value": _("完成值不能为负数。")})
    return value


def target_text(milestone: Milestone) -> str:
    """A milestone's target as officials write it: 不少于470个电动车停车棚."""
    from ..ledger import number

    return (
        f"{milestone.get_target_comparator_display()}{number(milestone.target_value)}"
        f"{milestone.target_unit}{milestone.target_subject}"
    )


@transaction.atomic
def report_create(
    *,
    actor,
    milestone: Milestone,
    unit: OrgUnit,
    value: Decimal | int | str | None = None,
    narrative: str,
    completes: bool = False,
    corrects: ProgressReport | None = None,
    evidence: Iterable = (),
) -> ProgressReport:
    """File a draft report for ``unit`` on ``milestone``.

    Only a member of a unit assigned to the milestone's task may report for it; on a task
    without units the office reports for itself. ``corrects`` names an approved report of the
    same unit and milestone that this one corrects. ``evidence`` files are attached in the
    same transaction: one bad file and nothing is filed.
    """
    scope = user_scope(actor)
    if scope.read_only:
        _deny(_("只读账号不能填报进展。"))
    if not _reports_for(scope, unit):
        _deny(_("您不是“%(unit)s”的成员，不能代其填报。") % {"unit": unit.name})
    task_units = Assignment.objects.filter(task_id=milestone.task_id)
    if task_units.exists():
        if not task_units.filter(unit=unit).exists():
            _deny(
                _("“%(unit)s”不是任务“%(task)s”的责任单位。")
                % {"unit": unit.name, "task": milestone.task}
            )
    elif unit.kind != OrgUnit.Kind.OFFICE:
        _deny(_("任务“%(task)s”没有责任单位，由安委办填报。") % {"task": milestone.task})
    if corrects is not None:
        corrects = _lock(corrects)  # its state as committed, not as the caller last saw it
        if corrects.state != ReportState.APPROVED:
            raise ValidationError({"corrects": _("只能更正已审核通过的报告。")})
        if corrects.milestone_id != milestone.pk or corrects.unit_id != unit.pk:
            raise ValidationError({"corrects": _("更正报告须与原报告属于同一节点和同一单位。")})
    report = ProgressReport(
        milestone=milestone,
        unit=unit,
        value=_check_value(milestone, value),
        narrative=(narrative or "").strip(),
        completes=completes,
        corrects=corrects,
        author=actor,
        state=ReportState.DRAFT,
    )
    require(actor, "add", report)
    report.full_clean()
    report.save()
    _step(report, ReportAction.CREATE, actor)
    _attach(actor, report, evidence)
    return report


@transaction.atomic
def report_update(
    *,
    actor,
    report: ProgressReport,
    value: Decimal | int | str | None = None,
    narrative: str,
    completes: bool = False,
    evidence: Iterable = (),
) -> ProgressReport:
    """Edit a draft or returned report (adding ``evidence`` files); a returned one goes back
    to draft."""
    report = _lock(report)
    scope = user_scope(actor)
    if scope.read_only or not _reports_for(scope, report.unit):
        _deny(_("您不能修改“%(unit)s”的报告。") % {"unit": report.unit.name})
    if report.state == ReportState.APPROVED:
        raise ValidationError(_("已审核通过的报告不能修改；如需更正，请新建一份更正报告。"))
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("报告当前状态为“%(state)s”，不能修改。") % {"state": report.get_state_display()}
        )
    require(actor, "change", report)
    report.value = _check_value(report.milestone, value)
    report.narrative = (narrative or "").strip()
    report.completes = completes
    report.state = ReportState.DRAFT
    report.full_clean()
    report.save()
    _attach(actor, report, evidence)
    return report


def _attach(actor, report: ProgressReport, files: Iterable) -> None:
    """Add each file as evidence; a refused file's message is reported on ``evidence``."""
    for file in files:
        try:
            evidence_add(actor=actor, report=report, file=file)
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from exc


@transaction.atomic
def evidence_add(*, actor, report: ProgressReport, file) -> ReportEvidence:
    """Attach an evidence file to a draft or returned report; type and size are checked."""
    report = _lock(report)
    scope = user_scope(actor)
    if scope.read_only or not _reports_for(scope, report.unit):
        _deny(_("您不能为“%(unit)s”的报告上传佐证材料。") % {"unit": report.unit.name})
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("报告当前状态为“%(state)s”，不能再添加佐证材料。")
            % {"state": report.get_state_display()}
        )
    require(actor, "change", report)
    try:
        info = validate_upload(
            file, kinds=("pdf", "image", "office"), max_bytes=settings.UPLOAD_MAX_BYTES
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    evidence = ReportEvidence(
        report=report,
        name=info.name[:200],
        size=info.size,
        content_type=info.content_type,
        uploaded_by=actor,
    )
    # The stored name is random: a person's file name never becomes a path on the server.
    extension = os.path.splitext(info.name)[1].lower()
    evidence.file.save(f"{uuid.uuid4().hex}{extension}", file, save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    # A later rollback of the caller's transaction would leave the stored file unreferenced;
    # housekeeping may sweep such files, but the database never points at a missing one.
    return evidence


# --- the review steps -------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, actor, report: ProgressReport) -> ProgressReport:
    """Submit a draft (or returned) report to the unit's leader for confirmation."""
    report = _lock(report)
    scope = user_scope(actor)
    if scope.read_only or not _reports_for(scope, report.unit):
        _deny(_("只有“%(unit)s”的人员可以提交该报告。") % {"unit": report.unit.name})
    _expect(report, EDITABLE_STATES, _("提交"))
    require(actor, "change", report)
    _check_value(report.milestone, report.value)
    now = timezone.now()
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.confirmed_by = report.confirmed_at = None
    report.reviewed_by = report.reviewed_at = None
    report.review_comment = ""
    report.full_clean()
    report.save()
    _step(report, ReportAction.SUBMIT, actor, at=now)
    leaders = _unit_leaders(report.unit)
    _notify(
        report,
        recipients=leaders or _office_users(),
        title=_("待确认：%(unit)s的进展报告") % {"unit": report.unit.display_name},
        body=_("%(task)s（%(milestone)s），请确认后报安委办审核。")
        % {"task": report.milestone.task, "milestone": _due_text(report.milestone)},
    )
    return report


@transaction.atomic
def report_confirm(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The unit's leader confirms a submitted report; it goes to the office for review."""
    report = _lock(report)
    scope = user_scope(actor)
    if scope.read_only or not _leads(scope, report.unit):
        _deny(_("只有“%(unit)s”的负责人可以确认该报告。") % {"unit": report.unit.name})
    _expect(report, (ReportState.SUBMITTED,), _("确认"))
    now = timezone.now()
    report.state = ReportState.CONFIRMED
    report.confirmed_by = actor
    report.confirmed_at = now
    report.full_clean()
    report.save()
    _step(report, ReportAction.CONFIRM, actor, at=now, comment=comment)
    _notify(
        report,
        recipients=_office_users(),
        title=_("待审核：%(unit)s的进展报告") % {"unit": report.unit.display_name},
        body=_("%(task)s（%(milestone)s），单位负责人已确认。")
        % {"task": report.milestone.task, "milestone": _due_text(report.milestone)},
    )
    return report


@transaction.atomic
def report_approve(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The office approves a confirmed report; its value counts from now on."""
    report = _lock(report)
    scope = user_scope(actor)
    if not _reviews(scope):
        _deny(_("只有安委办可以审核通过进展报告。"))
    _expect(report, (ReportState.CONFIRMED,), _("审核通过"))
    now = timezone.now()
    report.state = ReportState.APPROVED
    report.reviewed_by = actor
    report.reviewed_at = now
    report.review_comment = (comment or "").strip()
    report.full_clean()
    report.save()
    _step(report, ReportAction.APPROVE, actor, at=now, comment=report.review_comment)
    _notify(
        report,
        recipients=[report.author],
        title=_("已审核通过：%(task)s") % {"task": report.milestone.task},
        body=report.review_comment or _("您填报的进展已由安委办审核通过。"),
    )
    return report


@transaction.atomic
def report_return(*, actor, report: ProgressReport, comment: str) -> ProgressReport:
    """Return a report to its author with a comment: the leader a submitted one, the office a
    confirmed one."""
    report = _lock(report)
    scope = user_scope(actor)
    comment = (comment or "").strip()
    if report.state == ReportState.SUBMITTED:
        if scope.read_only or not _leads(scope, report.unit):
            _deny(_("只有“%(unit)s”的负责人可以退回待确认的报告。") % {"unit": report.unit.name})
    elif report.state == ReportState.CONFIRMED:
        if not _reviews(scope):
            _deny(_("只有安委办可以退回待审核的报告。"))
    else:
        _expect(report, (ReportState.SUBMITTED, ReportState.CONFIRMED), _("退回"))
    if not comment:
        raise ValidationError({"comment": _("退回时请填写退回意见。")})
    now = timezone.now()
    report.state = ReportState.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = now
    report.review_comment = comment
    report.full_clean()
    report.save()
    _step(report, ReportAction.RETURN, actor, at=now, comment=comment)
    _notify(
        report,
        recipients=[report.author],
        title=_("已退回：%(task)s") % {"task": report.milestone.task},
        body=_("退回意见：%(comment)s") % {"comment": comment},
    )
    return report


# --- helpers ----------------------------------------------------------------------------------


def _lock(report: ProgressReport) -> ProgressReport:
    """The report re-read under a row lock, so two reviewers cannot both act on one state."""
    return (
        ProgressReport.objects.select_for_update()
        .select_related("unit", "milestone__task", "author")
        .get(pk=report.pk)
    )


def _expect(report: ProgressReport, states, verb: str) -> None:
    if report.state not in states:
        raise ValidationError(
            _("报告当前状态为“%(state)s”，不能%(verb)s。")
            % {"state": report.get_state_display(), "verb": verb}
        )


def _step(report, action, actor, *, at=None, comment: str = "") -> ReportStep:
    step = ReportStep(
        report=report, action=action, actor=actor, at=at or timezone.now(), comment=comment
    )
    step.full_clean()
    step.save()
    return step


def _unit_leaders(unit: OrgUnit) -> list:
    return list(
        get_user_model().objects.filter(
            memberships__unit=unit, memberships__role=Membership.Role.LEADER, is_active=True
        )
    )


def _office_users() -> list:
    return list(get_user_model().objects.filter(groups__name=ROLE_OFFICE, is_active=True))


def _due_text(milestone: Milestone) -> str:
    return milestone.due_on.isoformat() if milestone.due_on else _("长期坚持")


def _notify(report: ProgressReport, *, recipients, title: str, body: str) -> None:
    notify(
        recipients=recipients,
        title=title,
        body=body,
        link=report.get_absolute_url(),
        category=NOTIFY_CATEGORY,
        unit=report.unit,
    )
