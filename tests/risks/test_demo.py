"""The risk register's demo: points across Shouguang's townships at all four levels, assessed
through the services by LEC and the LS matrix, the chemical parks at 侯镇 and 羊口 with red
and orange points, every point inside its township, ``--risks N`` honoured; a second run adds
nothing."""

from __future__ import annotations

import importlib.util
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from responsibilities.demo import seed_demo
from risks.choices import AssessmentMethod, RiskCategory, RiskLevel
from risks.demo import BULK_MARK, STORIES, inside, township_shapes
from risks.models import Assessment, RiskPoint, WhitePaper
from risks.services import compute_score, level_for

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    counts: dict[str, object] = {}
    for model in (RiskPoint, Assessment, WhitePaper):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["points"] = sorted(RiskPoint.objects.values_list("code", "level", "updated_at"))
    return counts


@pytest.fixture
def seeded(db):
    seed_demo(risks=40)


def test_demo_has_all_four_levels_across_the_townships_and_the_chemical_parks(seeded):
    assert set(RiskPoint.objects.values_list("level", flat=True)) == set(RiskLevel.values)
    townships = set(RiskPoint.objects.values_list("township__name", flat=True))
    assert {"侯镇", "羊口镇", "圣城街道", "古城街道"} <= townships
    assert len(townships) >= 14
    assert RiskPoint.objects.filter(description=BULK_MARK).count() == 40
    assert RiskPoint.objects.count() == 40 + len(STORIES)
    # The chemical parks have red and orange hazardous-chemicals points.
    for park, township in (("侯镇化工园区", "侯镇"), ("羊口化工园区", "羊口镇")):
        points = RiskPoint.objects.filter(
            name__startswith=park,
            township__name=township,
            category=RiskCategory.HAZARDOUS_CHEMICALS,
        )
        assert {RiskLevel.RED, RiskLevel.ORANGE} <= set(points.values_list("level", flat=True))
    categories = set(RiskPoint.objects.values_list("category", flat=True))
    for category in ("crowded_place", "gas", "pipeline", "special_equipment"):
        assert category in categories
    assert {"construction", "road_traffic"} <= categories


def test_demo_points_were_graded_by_the_services_and_lie_inside_their_townships(seeded):
    tank = RiskPoint.objects.get(name="侯镇化工园区液氯储罐区")
    assert tank.registered_by.username == "houzhen"
    assert tank.code.startswith("FX-")
    assessment = tank.assessments.get()
    assert assessment.assessor.username == "houzhen"
    assert tank.review_due is not None and tank.last_assessed_on == assessment.assessed_on
    # 从严从高: LEC says 一般, LS says 较大, the point stands at 较大.
    parking = RiskPoint.objects.get(name="侯镇化工园区危险货物运输车辆停车场")
    methods = dict(parking.assessments.values_list("method", "level"))
    assert methods == {"LEC": RiskLevel.YELLOW, "LS": RiskLevel.ORANGE}
    assert parking.level == RiskLevel.ORANGE
    # A red point assessed more than three months ago is overdue for review.
    assert tank.level == RiskLevel.RED and tank.review_due < timezone.localdate()
    # Every score and level is what the services compute.
    methods = set()
    for assessment in Assessment.objects.all():
        methods.add(assessment.method)
        score = compute_score(
            assessment.method,
            likelihood=assessment.likelihood,
            exposure=assessment.exposure,
            consequence=assessment.consequence,
            severity=assessment.severity,
        )
        assert assessment.score == score
        assert assessment.level == level_for(assessment.method, score)
    assert methods == set(AssessmentMethod.values)
    # Every point lies inside its township.
    shapes = township_shapes()
    for name, township, lat, lon in RiskPoint.objects.values_list(
        "name", "township__name", "latitude", "longitude"
    ):
        assert lat is not None and lon is not None, name
        assert any(inside(ring, float(lon), float(lat)) for ring in shapes[township]), name
    # One white paper edition, when the white paper's service exists.
    has_service = importlib.util.find_spec("risks.whitepaper") is not None
    assert WhitePaper.objects.count() == (1 if has_service else 0)


def test_a_second_seed_adds_nothing(seeded):
    before = snapshot()
    seed_demo(risks=40)
    assert snapshot() == before


def test_seed_demo_risks_option_tops_the_inventory_up(seeded):
    out = StringIO()
    call_command("seed_demo", "--risks", "55", stdout=out)
    assert RiskPoint.objects.filter(description=BULK_MARK).count() == 55
    call_command("seed_demo", "--risks", "10", stdout=out)
    assert RiskPoint.objects.filter(description=BULK_MARK).count() == 55
    assert "风险演示数据" in out.getvalue()
    codes = list(RiskPoint.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
