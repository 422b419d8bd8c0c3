import pytest

from tests.risks.factories import default_thresholds


@pytest.fixture(autouse=True)
def risk_thresholds(db):
    """Every risks test starts with the design's default thresholds (a real deployment loads
    them with ``load_reference``)."""
    return default_thresholds()
