"""演示数据 for the task ledger: the Shouguang directive and a few progress reports.

``seed_demo`` runs :func:`seed_demo_tasks` after the demo accounts exist. It imports
``fixtures/directives/shouguang-urban-safety-directive-2019.txt`` as a demo directive
(``is_demo``; every page of it carries the 演示数据 badge) and files reports through the
report services, as the demo accounts would: zhujian drafts and submits, zhujian-lead
confirms, the office approves or returns with a comment; yingji reports for 市应急管理局
and yingji-lead confirms.

Dates are shifted. As written (issued 2019-04-26) every deadline is years past and the demo
would show nothing but 已逾期. The copy is moved so that it reads as issued
``ISSUED_DAYS_AGO`` = 60 days before the day of the first seeding; every due date moves by
the same number of days, so the intervals the directive gives stay as written, and the
directive's pages say 演示数据 (dates shifted).

The directive's deadlines fall 4, 65, 96, 127, 157, 249, 340, 615 and 1345 days after its
issue date, so on the day of seeding:

- overdue: task 15's April 排查 of 灯箱、楼体附着物 (56 days ago; 市住建局 leads it);
- due soon: task 8 (高危作业场所作业人员减少10%), in 5 days;
- later: task 16 and task 30's 台头镇调峰储备站 (in 36 days), tasks 18, 22 and task 30's
  油气管道风险档案 (67), task 10 (97), tasks 1, 4 and 7 (189), task 14 (280), tasks 6, 29 and
  task 30's 应急储气能力 (555), task 9 (1285); tasks without a date stay 长期坚持.

The demo shows 已完成 (task 4, completed on time), 即将到期 and 已逾期. It cannot show 逾期完成
as well: the only overdue milestone is task 15's, and completing it would leave nothing
overdue (a later issue date, e.g. 90 days ago, would give two overdue milestones).

The shift is fixed at the first run: a second run finds the directive by its source hash and
changes nothing, so the lights then move with the calendar as real ones would.

The reports (all against the demo directive, filed only when it has none yet):

- 市住建局, task 4 (危房台账, lead): completed, confirmed, approved — 已完成, on time;
- 市住建局, task 15 (4月楼体附着物排查, lead): a partial count approved — still 已逾期;
- 市住建局, task 30 (应急储气能力 ≥5天, lead): 3 天 approved;
- 市应急管理局, task 18 (470 电动车停车棚, lead): 120 approved (yingji files, yingji-lead
  confirms);
- 市住建局, task 30 (台头镇调峰储备站): submitted, waiting for zhujian-lead;
- 市住建局, task 10 (50 家标杆企业, co-unit): 8 confirmed, waiting for the office's review;
- 市住建局, task 16 (铁路防水项目, co-unit): a draft zhujian has not submitted yet;
- 市住建局, task 22 (应急预案, co-unit): returned by the office with a comment.

督办 (``seed_demo_supervision``, the "deadlines" step after every other, every run): the
deadline sweep runs
as beat would have run it since the shifted issue date — once on the day after each of the
directive's past due dates (09:00), then now — so task 15's missed April 排查 got its 督办单
on the day after its date, and today's sweep escalates it for 约谈 (open longer than
``DEADLINE_GRACE_DAYS``) and sends the reminders that are due. zhujian-lead then replies to
it (reason, measures, a committed date). The demo thus shows a 督办单 已反馈 and 列入约谈,
waiting for the office to close it (办结). It cannot also show a closed one honestly: with
the directive issued 60 days ago, task 15's is the only milestone overdue. The past sweeps
run only while every directive is a demo one, so real data is never swept at a past time.
Each sweep is exactly-once, so a second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.deadlines import sweep
from portal.notifications.models import Notification
from portal.notifications.services import notification_mark_read
from portal.supervision.models import NoticeState, SupervisionNotice
from portal.supervision.services import notice_reply
from responsibilities.demo import DemoRun
from responsibilities.models import OrgUnit
from responsibilities.reference import CREATED, UNCHANGED

from .models import Directive, Milestone, ProgressReport
from .parsing import read_directive_file
from .services.directives import directive_import
from .services.reports import (
    evidence_add,
    report_approve,
    report_confirm,
    report_create,
    report_return,
    report_submit,
)

SHOUGUANG = (
    Path(settings.BASE_DIR) / "fixtures/directives/shouguang-urban-safety-directive-2019.txt"
)
SHOUGUANG_ISSUED_ON = datetime.date(2019, 4, 26)  # 发文日期 as the file gives it
ISSUED_DAYS_AGO = 60

# A small but real PDF (what validate_upload recognises by its first bytes) for the evidence.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_shift_days(today: datetime.date | None = None) -> int:
    """Days to add to the directive's dates so it reads as issued ``ISSUED_DAYS_AGO`` ago."""
    today = today or timezone.localdate()
    return (today - datetime.timedelta(days=ISSUED_DAYS_AGO) - SHOUGUANG_ISSUED_ON).days


@dataclass(frozen=True)
class DemoReport:
    """One demo report: who files it, on which milestone, and how far it goes."""

    task: str
    milestone: int  # index among the task's milestones, in the directive's order
    unit: str
    author: str
    narrative: str
    value: int | None = None
    completes: bool = False
    evidence: str = ""  # file name of a PDF attached as evidence
    until: str = "approved"  # draft, submitted, confirmed, approved or returned
    comment: str = ""  # the office's comment on approval or return


DEMO_REPORTS = (
    DemoReport(
        "4",
        0,
        "市住建局",
        "zhujian",
        "城区危房安全监测已全覆盖，危房管理台账登记的36处危房已全部完成改造，台账已销号。",
        completes=True,
        evidence="危房改造销号台账.pdf",
        comment="台账与现场核查一致，同意销号。",
    ),
    DemoReport(
        "15",
        0,
        "市住建局",
        "zhujian",
        "已排查灯箱、楼体附着物860处，整改隐患31处；圣城、古城两个街道尚未排查完毕。",
        comment="已逾期，请督促两个街道尽快完成排查并报送。",
    ),
    DemoReport(
        "30",
        2,
        "市住建局",
        "zhujian",
        "城区储气设施一期已投用，目前形成日均3天用气量的应急储气能力，二期正在建设。",
        value=3,
        comment="同意。",
    ),
    DemoReport(
        "18",
        0,
        "市应急管理局",
        "yingji",
        "会同各镇街区推进居民小区电动车停车棚建设，已建成120个，并配套充电设施。",
        value=120,
        evidence="电动车停车棚验收清单.pdf",
        comment="数据与验收清单一致。",
    ),
    DemoReport(
        "30",
        1,
        "市住建局",
        "zhujian",
        "台头镇调峰储备站主体工程已完工，正在进行设备调试，预计按期建成。",
        until="submitted",
    ),
    DemoReport(
        "10",
        0,
        "市住建局",
        "zhujian",
        "建筑施工领域已评定安全生产标准化标杆企业8家，名单已报市应急管理局汇总。",
        value=8,
        evidence="建筑施工标杆企业名单.pdf",
        until="confirmed",
    ),
    DemoReport(
        "16",
        0,
        "市住建局",
        "zhujian",
        "幸福路与公园街铁路防水项目已完成管线迁改，正在浇筑泵站基础。",
        until="draft",
    ),
    DemoReport(
        "22",
        0,
        "市住建局",
        "zhujian",
        "已修订住建系统生产安全事故应急预案，并组织开展了一次桌面推演。",
        until="returned",
        comment="请附上预案的备案回执和推演记录后重新提交。",
    ),
)


# Who confirms each unit's reports (负责人确认).
LEADERS = {"市住建局": "zhujian-lead", "市应急管理局": "yingji-lead"}


def seed_demo_tasks(run: DemoRun) -> None:
    """Import the demo directive (dates shifted) and file the demo reports once."""
    directive = directive_import(
        actor=None,
        text=read_directive_file(SHOUGUANG),
        is_demo=True,
        shift_days=demo_shift_days(),
    )
    run.count("directives")
    if not directive.is_demo:
        # Someone imported the real directive first; demo reports never go onto real data.
        run.say(_("寿光市实施意见已作为正式文件导入，不再添加演示进展报告。"))
        return
    _file_reports(run, directive)


def _file_reports(run: DemoRun, directive: Directive) -> None:
    if ProgressReport.objects.filter(milestone__task__directive=directive).exists():
        run.count(UNCHANGED)
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_usernames())}
    units = {u.name: u for u in OrgUnit.objects.filter(name__in={r.unit for r in DEMO_REPORTS})}
    office = users["office"]
    for row in DEMO_REPORTS:
        milestone = _milestone(directive, row)
        author = users[row.author]
        report = report_create(
            actor=author,
            milestone=milestone,
            unit=units[row.unit],
            value=row.value,
            narrative=row.narrative,
            completes=row.completes,
        )
        if row.evidence:
            evidence_add(actor=author, report=report, file=ContentFile(DEMO_PDF, name=row.evidence))
        if row.until != "draft":
            report_submit(actor=author, report=report)
        if row.until in ("confirmed", "approved", "returned"):
            leader = users[LEADERS[row.unit]]
            _open_notices(leader, report)  # the leader followed the notice to the report
            report_confirm(actor=leader, report=report)
        if row.until in ("approved", "returned"):
            _open_notices(office, report)
        if row.until == "approved":
            report_approve(actor=office, report=report, comment=row.comment)
        elif row.until == "returned":
            report_return(actor=office, report=report, comment=row.comment)
        run.count(CREATED)
        run.count("reports")
    run.say(
        _("演示文件“%(title)s”（日期已平移）：已填报演示进展报告 %(n)d 份。")
        % {"title": directive.title, "n": len(DEMO_REPORTS)}
    )


# zhujian-lead's answer to the demo's 督办单.
DEMO_REPLY = {
    "reason": "圣城、古城两个街道沿街商铺多，灯箱和楼体附着物底数大，排查力量不足，未能按期完成。",
    "measures": "已抽调住建、城管执法人员组成两个专班，分片包干，逐户排查登记，"
    "发现的隐患当场下达整改通知并跟踪复查。",
    "committed_in_days": 30,
}


def seed_demo_supervision(run: DemoRun) -> None:
    """The sweeps beat would have run since the demo directive's issue, then zhujian-lead's
    reply to the 督办单 they issued to 市住建局 (see the module's docstring). A step of its
    own, run after every register's demo data (hazards' deadlines are swept too)."""
    directive = Directive.objects.filter(is_demo=True).order_by("pk").first()
    if directive is None:
        return
    today = timezone.localdate()
    if not Directive.objects.filter(is_demo=False).exists():
        past_due = sorted(
            set(
                Milestone.objects.filter(
                    task__directive=directive,
                    due_on__gte=directive.issued_on,
                    due_on__lt=today - datetime.timedelta(days=1),
                ).values_list("due_on", flat=True)
            )
        )
        for due_on in past_due:
            sweep(now=_at_nine(due_on + datetime.timedelta(days=1)))
    result = sweep()
    run.say(
        _(
            "期限扫描：提醒 %(reminders)d 条，逾期 %(overdue)d 项，督办单 %(notices)d 份，升级督办 %(escalations)d 份。"
        )
        % result.as_dict()
    )
    notices = SupervisionNotice.objects.filter(
        source="tasks.milestone",
        object_id__in=Milestone.objects.filter(task__directive=directive).values("pk"),
    )
    if notices.exclude(state=NoticeState.ISSUED).exists():
        return  # replied on an earlier run
    leader = get_user_model().objects.filter(username=LEADERS["市住建局"], is_active=True).first()
    notice = notices.filter(unit__name="市住建局").order_by("issued_at", "pk").first()
    if leader is None or notice is None:
        return
    _open_links(leader, notice.get_absolute_url())  # the leader followed the notice to it
    notice_reply(
        actor=leader,
        notice=notice,
        reason=DEMO_REPLY["reason"],
        measures=DEMO_REPLY["measures"],
        committed_on=today + datetime.timedelta(days=DEMO_REPLY["committed_in_days"]),
    )
    run.say(_("演示督办单 %(number)s 已由市住建局负责人反馈。") % {"number": notice.number})


def _at_nine(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _open_links(user, link: str) -> None:
    for notice in Notification.objects.filter(recipient=user, link=link, read_at__isnull=True):
        notification_mark_read(actor=user, notification=notice)


def _open_notices(user, report: ProgressReport) -> None:
    """Mark read what asked ``user`` to act on ``report``: only notices of work still
    waiting stay unread on the demo's workbenches."""
    unread = Notification.objects.filter(
        recipient=user, link=report.get_absolute_url(), read_at__isnull=True
    )
    for notice in unread:
        notification_mark_read(actor=user, notification=notice)


def _usernames() -> set[str]:
    return {"office", *LEADERS.values()} | {row.author for row in DEMO_REPORTS}


def _milestone(directive: Directive, row: DemoReport) -> Milestone:
    milestones = list(
        Milestone.objects.filter(task__directive=directive, task__number=row.task).order_by(
            "order", "due_on", "pk"
        )
    )
    return milestones[row.milestone]
