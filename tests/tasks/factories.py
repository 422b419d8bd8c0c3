"""One factory per model of the task ledger, plus helpers that build a task with its units."""

import datetime
import hashlib
import itertools

import factory
from django.utils import timezone

from tasks.choices import AssignmentRole, ReportAction, ReportState
from tasks.models import (
    Assignment,
    Directive,
    Milestone,
    ProgressReport,
    ReportEvidence,
    ReportStep,
    Section,
    Task,
)
from tests.responsibilities.factories import OrgUnitFactory, UserFactory

_hashes = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    title = factory.Sequence(lambda n: f"关于推进城市安全发展的实施意见（测试{n}）")
    doc_number = factory.Sequence(lambda n: f"寿办发〔2019〕{n}号")
    issuer = "中共寿光市委办公室"
    issued_on = factory.Faker("date_between", start_date="-2y", end_date="today")
    source_hash = factory.LazyFunction(
        lambda: hashlib.sha256(f"directive-{next(_hashes)}".encode()).hexdigest()
    )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    directive = factory.SubFactory(DirectiveFactory)
    number = factory.Sequence(lambda n: f"S{n}")
    title = "加强城市安全源头治理"
    order = factory.Sequence(int)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    directive = factory.SubFactory(DirectiveFactory)
    section = factory.SubFactory(SectionFactory, directive=factory.SelfAttribute("..directive"))
    number = factory.Sequence(lambda n: str(n + 1))
    order = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"测试任务{n}")
    body = "建成居民小区电动车停车棚470个。"
    lead_unit = None


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = AssignmentRole.CO
    order = factory.Sequence(int)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    task = factory.SubFactory(TaskFactory)
    text = "2019年底前建成居民小区电动车停车棚470个。"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    order = factory.Sequence(int)

    class Params:
        with_target = factory.Trait(
            target_value=470,
            target_unit="个",
            target_subject="电动车停车棚",
            target_comparator=">=",
        )


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A draft by default; traits ``submitted``, ``confirmed``, ``approved``, ``returned``."""

    class Meta:
        model = ProgressReport

    milestone = factory.SubFactory(MilestoneFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    author = factory.SubFactory(UserFactory)
    narrative = "已完成本季度建设任务，详见佐证材料。"
    state = ReportState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ReportState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        confirmed = factory.Trait(
            state=ReportState.CONFIRMED,
            submitted_at=factory.LazyFunction(timezone.now),
            confirmed_at=factory.LazyFunction(timezone.now),
            confirmed_by=factory.SelfAttribute("author"),
        )
        approved = factory.Trait(
            state=ReportState.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            confirmed_at=factory.LazyFunction(timezone.now),
            reviewed_at=factory.LazyFunction(timezone.now),
            confirmed_by=factory.SelfAttribute("author"),
            reviewed_by=factory.SelfAttribute("author"),
        )
        returned = factory.Trait(
            state=ReportState.RETURNED,
            submitted_at=factory.LazyFunction(timezone.now),
            reviewed_at=factory.LazyFunction(timezone.now),
            reviewed_by=factory.SelfAttribute("author"),
            review_comment="数据与佐证材料不一致，请核实。",
        )


class ReportEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvidence

    report = factory.SubFactory(ProgressReportFactory)
    file = factory.django.FileField(filename="佐证.pdf", data=PDF_BYTES)
    name = "佐证.pdf"
    size = len(PDF_BYTES)
    content_type = "application/pdf"
    uploaded_by = factory.SelfAttribute("report.author")


class ReportStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportStep

    report = factory.SubFactory(ProgressReportFactory)
    action = ReportAction.CREATE
    actor = factory.SelfAttribute("report.author")
    at = factory.LazyFunction(timezone.now)
    comment = ""


def make_task(*, lead=None, co=(), **kwargs) -> Task:
    """A task led by ``lead`` with co-units ``co``, assignments included."""
    task = TaskFactory(lead_unit=lead, **kwargs)
    if lead is not None:
        AssignmentFactory(task=task, unit=lead, role=AssignmentRole.LEAD, order=0)
    for order, unit in enumerate(co, start=1):
        AssignmentFactory(task=task, unit=unit, role=AssignmentRole.CO, order=order)
    return task
