"""A small city with something in every section of the dashboard, built from the factories.

侯镇 (the cast's houzhen) and 羊口镇 share the data, so the office and a township see different
numbers: tasks of 市住建局 and 市应急管理局 (侯镇 co-responsible on two of them), 督办单 of
several ages, hazards at each state in both townships, risk points at every level, plans
late for a drill or an evaluation, and low, expiring and expired stock.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from emergency.choices import PlanOwnerKind
from hazards.choices import HazardGrade, HazardState, ListingState
from hazards.models import HazardListing
from portal.supervision.models import NoticeState
from risks.choices import RiskLevel
from tasks.choices import AssignmentRole
from tests.emergency.factories import PlanFactory, StockpileFactory
from tests.hazards.factories import HazardFactory
from tests.risks.factories import RiskPointFactory
from tests.supervision.factories import SupervisionNoticeFactory
from tests.tasks.factories import (
    AssignmentFactory,
    DirectiveFactory,
    MilestoneFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def build_tasks(cast):
    """One directive, two parts, four tasks: overdue, due soon, done, not started."""
    directive = DirectiveFactory(title="关于推进全市城市安全发展的实施意见", issued_on=days(-60))
    first = SectionFactory(directive=directive, number="二", title="加强城市安全源头治理", order=1)
    second = SectionFactory(directive=directive, number="三", title="健全城市安全防控机制", order=2)

    def task(section, lead, co=(), due=None, done=False):
        made = TaskFactory(directive=directive, section=section, lead_unit=lead)
        AssignmentFactory(task=made, unit=lead, role=AssignmentRole.LEAD, order=0)
        for order, unit in enumerate(co, start=1):
            AssignmentFactory(task=made, unit=unit, role=AssignmentRole.CO, order=order)
        milestone = MilestoneFactory(task=made, due_on=due)
        if done:
            ProgressReportFactory(milestone=milestone, unit=lead, approved=True, completes=True)
        return made

    overdue = task(first, cast.zhujian_unit, co=[cast.houzhen_unit], due=days(-5))
    due_soon = task(first, cast.zhujian_unit, due=days(3))
    done = task(second, cast.yingji_unit, co=[cast.houzhen_unit], due=days(30), done=True)
    not_started = task(second, cast.yingji_unit, due=days(60))
    return directive, {"overdue": overdue, "due_soon": due_soon, "done": done, "todo": not_started}


def build_notices(cast):
    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-3))
    SupervisionNoticeFactory(unit=cast.houzhen_unit, issued_on=days(-10))
    SupervisionNoticeFactory(unit=cast.zhujian_unit, issued_on=days(-20), interview_required=True)
    SupervisionNoticeFactory(
        unit=cast.houzhen_unit,
        issued_on=days(-30),
        state=NoticeState.CLOSED,
        closed_at=timezone.now(),
    )


def build_hazards(cast):
    houzhen, yangkou = cast.houzhen_unit, cast.yangkou_unit
    HazardFactory(township=houzhen)  # 已上报
    HazardFactory(
        township=houzhen,
        state=HazardState.CONFIRMED,
        responsible_unit=cast.zhujian_unit,
        deadline=days(-2),  # overdue
    )
    major = HazardFactory(
        township=houzhen,
        grade=HazardGrade.MAJOR,
        state=HazardState.RECTIFYING,
        responsible_unit=cast.zhujian_unit,
        deadline=days(40),
    )
    HazardListing.objects.create(
        hazard=major,
        authority="潍坊市安委办",
        notice_number="潍安督〔2026〕3号",
        listed_on=days(-20),
        deadline=days(40),
        state=ListingState.LISTED,
    )
    HazardFactory(township=houzhen, state=HazardState.CLOSED, deadline=days(-10))
    HazardFactory(township=houzhen, state=HazardState.REJECTED)
    HazardFactory(township=yangkou, state=HazardState.AWAITING_ACCEPTANCE, deadline=days(-1))
    HazardFactory(township=yangkou, state=HazardState.CLOSED, grade=HazardGrade.MAJOR)
    HazardFactory(township=yangkou, state=HazardState.CLOSED)


def build_risks(cast):
    houzhen, yangkou = cast.houzhen_unit, cast.yangkou_unit
    RiskPointFactory(township=houzhen, responsible_unit=houzhen, level=RiskLevel.RED)
    RiskPointFactory(township=houzhen, responsible_unit=houzhen, level=RiskLevel.BLUE)
    RiskPointFactory(
        township=houzhen, responsible_unit=houzhen, level=RiskLevel.RED, is_active=False
    )
    RiskPointFactory(township=yangkou, responsible_unit=cast.yingji_unit, level=RiskLevel.ORANGE)
    RiskPointFactory(township=yangkou, responsible_unit=cast.yingji_unit, level=RiskLevel.YELLOW)
    RiskPointFactory(township=yangkou, responsible_unit=cast.yingji_unit, level="")


def build_emergency(cast):
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=days(-1))
    PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        evaluation_due=days(-3),
        drill_due=days(-4),
    )
    StockpileFactory(owner_unit=cast.yingji_unit, quantity=Decimal("5"))  # below 10: low
    StockpileFactory(owner_unit=cast.yingji_unit, expires_on=days(10))
    StockpileFactory(owner_unit=cast.yingji_unit, expires_on=days(-1))
    StockpileFactory(
        owner_unit=cast.houzhen_unit, township=cast.houzhen_unit, quantity=Decimal("2")
    )


def build_city(cast):
    directive, tasks = build_tasks(cast)
    build_notices(cast)
    build_hazards(cast)
    build_risks(cast)
    build_emergency(cast)
    return directive, tasks
