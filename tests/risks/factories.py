"""Factories for the risk register, and the default thresholds as DESIGN.md gives them."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from risks.choices import AssessmentMethod, RiskCategory, RiskKind, RiskLevel
from risks.models import Assessment, RiskPoint, RiskThreshold, risk_code
from tests.responsibilities.factories import OrgUnitFactory, TownshipFactory

# Codes from the factory use a far year so they never meet the services' YearCounter.
FACTORY_CODE_YEAR = 1999

DEFAULT_THRESHOLDS = [
    ("LEC", RiskLevel.RED, 320, None),
    ("LEC", RiskLevel.ORANGE, 160, None),
    ("LEC", RiskLevel.YELLOW, 70, None),
    ("LEC", RiskLevel.BLUE, 0, None),
    ("LS", RiskLevel.RED, 20, 25),
    ("LS", RiskLevel.ORANGE, 15, 16),
    ("LS", RiskLevel.YELLOW, 9, 12),
    ("LS", RiskLevel.BLUE, 1, 8),
]


def default_thresholds() -> list[RiskThreshold]:
    """The design's default bands (idempotent)."""
    rows = []
    for method, level, low, high in DEFAULT_THRESHOLDS:
        row, _ = RiskThreshold.objects.get_or_create(
            method=method,
            level=level,
            defaults={
                "min_score": Decimal(low),
                "max_score": None if high is None else Decimal(high),
            },
        )
        rows.append(row)
    return rows


class RiskPointFactory(factory.django.DjangoModelFactory):
    """A risk point in a township; pass ``level`` (and review dates) to place it without
    assessing it through the services."""

    class Meta:
        model = RiskPoint

    code = factory.Sequence(lambda n: risk_code(FACTORY_CODE_YEAR, n + 1))
    name = factory.Sequence(lambda n: f"液氯储罐区（测试{n}）")
    kind = RiskKind.SITE
    category = RiskCategory.HAZARDOUS_CHEMICALS
    township = factory.SubFactory(TownshipFactory)
    responsible_unit = factory.SubFactory(OrgUnitFactory)
    responsible_person = "王五"
    responsible_phone = "0536-5200000"
    address = "寿光市侯镇化工园区"
    latitude = Decimal("37.050000")
    longitude = Decimal("118.850000")
    accident_types = ["poisoning", "leak"]
    management_measures = "双人巡检，每班记录"
    level = ""


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An LEC assessment with its score and level set directly (no thresholds involved)."""

    class Meta:
        model = Assessment

    risk_point = factory.SubFactory(RiskPointFactory)
    method = AssessmentMethod.LEC
    likelihood = Decimal("3")
    exposure = Decimal("6")
    consequence = Decimal("7")
    score = Decimal("126")
    level = RiskLevel.YELLOW
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    assessor_name = "赵六"
