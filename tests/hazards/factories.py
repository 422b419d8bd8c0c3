"""Factories for the hazard ledger, plus ``a_png()``: a small valid PNG upload."""

import datetime
import itertools
import struct
import zlib

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.choices import CitizenReportState, HazardGrade, HazardSource, HazardState
from hazards.models import Campaign, CitizenReport, Hazard, hazard_code
from tests.responsibilities.factories import TownshipFactory

_receipts = itertools.count(1)
# Hazard codes from the factory use a far year so they never meet the services' YearCounter.
FACTORY_CODE_YEAR = 1999


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (RGB, white) of the given size."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def a_png(name: str = "现场.png") -> SimpleUploadedFile:
    """A small valid PNG as a browser would upload it."""
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"建筑施工复工前安全隐患排查行动（测试{n}）")
    description = "对全市在建工地开展复工前安全隐患排查。"
    scope = "全市在建房屋建筑和市政工程"
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + datetime.timedelta(days=30))

    @factory.post_generation
    def townships(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.townships.set(extracted)


class HazardFactory(factory.django.DjangoModelFactory):
    """A hazard as reported (state 已上报) in a township; pass state/units/deadline to place it
    further along without going through the services."""

    class Meta:
        model = Hazard

    code = factory.Sequence(lambda n: hazard_code(FACTORY_CODE_YEAR, n + 1))
    description = factory.Sequence(lambda n: f"施工现场临边防护缺失（测试{n}）")
    township = factory.SubFactory(TownshipFactory)
    address = "寿光市圣城街道农圣东街1号"
    grade = HazardGrade.GENERAL
    source = HazardSource.INSPECTION
    found_on = factory.LazyFunction(lambda: timezone.localdate())
    found_by = "张三"
    state = HazardState.REPORTED


class CitizenReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenReport

    receipt_code = factory.LazyFunction(lambda: f"T{next(_receipts):07d}")
    description = "小区门口广告牌松动，大风天有坠落危险。"
    address = "寿光市文圣街88号"
    state = CitizenReportState.NEW


# --- hazards placed along the lifecycle through the services (the cast fixture's units) ---------
# houzhen reports in 侯镇; the office assigns 市住建局 to rectify under 市应急管理局's supervision.


def reported_hazard(cast, **fields) -> Hazard:
    from hazards.services import hazard_report

    values = {
        "actor": cast.houzhen,
        "township": cast.houzhen_unit,
        "address": "侯镇政府驻地北500米",
        "description": "在建厂房脚手架连墙件缺失",
        "found_on": timezone.localdate() - datetime.timedelta(days=5),
    }
    values.update(fields)
    return hazard_report(**values)


def confirmed_hazard(cast, *, grade=HazardGrade.GENERAL, deadline=None, **fields) -> Hazard:
    from hazards.services import hazard_confirm

    hazard = reported_hazard(cast, grade=grade, **fields)
    return hazard_confirm(
        actor=cast.office,
        hazard=hazard,
        grade=grade,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=30),
    )


def plan_five(cast, hazard: Hazard) -> Hazard:
    from hazards.services import hazard_plan

    return hazard_plan(
        actor=cast.zhujian,
        hazard=hazard,
        rectification_person="李四",
        rectification_measures="补设连墙件，逐层验收",
        rectification_funds="3.50",
        contingency_plan="设置警戒区，停止上部作业",
    )


def rectifying_hazard(cast, *, grade=HazardGrade.GENERAL, **fields) -> Hazard:
    from hazards.services import hazard_start

    hazard = plan_five(cast, confirmed_hazard(cast, grade=grade, **fields))
    return hazard_start(actor=cast.zhujian, hazard=hazard)


def awaiting_hazard(cast, *, grade=HazardGrade.GENERAL, **fields) -> Hazard:
    from hazards.services import hazard_submit

    return hazard_submit(
        actor=cast.zhujian,
        hazard=rectifying_hazard(cast, grade=grade, **fields),
        result="连墙件已按方案补设并验收",
        rectified_on=timezone.localdate(),
        photos=[a_png("整改后.png")],
    )


def closed_hazard(cast, *, grade=HazardGrade.GENERAL, **fields) -> Hazard:
    from hazards.services import hazard_accept

    return hazard_accept(
        actor=cast.yingji, hazard=awaiting_hazard(cast, grade=grade, **fields), comment="同意销号"
    )
