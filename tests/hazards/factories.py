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
