"""``load_reference`` brings the default risk thresholds and keeps the office's adjustments."""

from decimal import Decimal

import pytest

from responsibilities.reference import load_reference
from risks.models import RiskThreshold

pytestmark = pytest.mark.django_db


def bands():
    return {(t.method, t.level): (t.min_score, t.max_score) for t in RiskThreshold.objects.all()}


def test_load_reference_creates_the_default_bands_of_both_methods():
    RiskThreshold.objects.all().delete()
    load_reference()
    assert bands() == {
        ("LEC", "red"): (Decimal("320"), None),
        ("LEC", "orange"): (Decimal("160"), None),
        ("LEC", "yellow"): (Decimal("70"), None),
        ("LEC", "blue"): (Decimal("0"), None),
        ("LS", "red"): (Decimal("20"), Decimal("25")),
        ("LS", "orange"): (Decimal("15"), Decimal("16")),
        ("LS", "yellow"): (Decimal("9"), Decimal("12")),
        ("LS", "blue"): (Decimal("1"), Decimal("8")),
    }


def test_a_band_the_office_adjusted_is_not_overwritten_and_a_missing_one_comes_back():
    RiskThreshold.objects.filter(method="LEC", level="red").update(min_score=300)
    RiskThreshold.objects.filter(method="LS", level="blue").delete()
    load_reference()
    assert bands()[("LEC", "red")] == (Decimal("300"), None)
    assert bands()[("LS", "blue")] == (Decimal("1"), Decimal("8"))
    assert RiskThreshold.objects.count() == 8
