"""Query budgets on the risk register: the list page and every API list cost the same number
of queries for 10 and for 1,000 rows."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from risks.choices import RestrictionKind, RiskLevel, ScreeningVerdict
from risks.models import Assessment, IndustryRestriction, ProjectScreening, RiskPoint, WhitePaper
from tests.querycount import assert_constant_queries
from tests.risks.factories import AssessmentFactory, RiskPointFactory

pytestmark = pytest.mark.django_db

LEVELS = list(RiskLevel.values)


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def grow_points(cast):
    """Points in 侯镇, every other one controlled by 市住建局, a third of them assessed."""

    def grow(size):
        for n in range(size - RiskPoint.objects.count()):
            point = RiskPointFactory(
                township=cast.houzhen_unit,
                responsible_unit=cast.zhujian_unit if n % 2 else cast.houzhen_unit,
                level=LEVELS[n % len(LEVELS)],
            )
            if n % 3 == 0:
                AssessmentFactory(risk_point=point)

    return grow


@pytest.mark.parametrize("user", ["office", "houzhen", "zhujian"])
def test_risk_point_api_list_costs_the_same_for_10_and_1000_points(cast, grow_points, user):
    api = api_for(getattr(cast, user))

    def fetch():
        response = api.get(reverse("riskpoint-list"), {"page_size": 50})
        assert response.status_code == 200
        visible = RiskPoint.objects.all()
        if user == "zhujian":
            visible = visible.filter(responsible_unit=cast.zhujian_unit)
        assert response.json()["count"] == visible.count()
        return response

    grow_points(10)
    fetch()  # warm caches (content types, scope)
    assert_constant_queries(grow_points, fetch)


def test_risk_point_list_page_costs_the_same_for_10_and_1000_points(cast, client, grow_points):
    client.force_login(cast.houzhen)

    def fetch():
        response = client.get(reverse("risks:point-list"))
        assert response.status_code == 200
        return response

    grow_points(10)
    fetch()
    assert_constant_queries(grow_points, fetch)


def test_assessment_api_list_costs_the_same_at_any_size(cast):
    api = api_for(cast.houzhen)

    def grow(size):
        while Assessment.objects.count() < size:
            AssessmentFactory(risk_point=RiskPointFactory(township=cast.houzhen_unit))

    def fetch():
        response = api.get(reverse("riskassessment-list"))
        assert response.status_code == 200
        assert response.json()["count"] == Assessment.objects.count()
        return response

    grow(10)
    fetch()
    assert_constant_queries(grow, fetch)


def make_restriction(cast, n):
    return IndustryRestriction.objects.create(
        number=str(n), kind=RestrictionKind.PROHIBITED, sector="化工", name=f"产业{n}"
    )


def make_screening(cast, n):
    screening = ProjectScreening.objects.create(
        project_name=f"项目{n}",
        industry_text="仓储",
        township=cast.houzhen_unit,
        verdict=ScreeningVerdict.RESTRICTED,
        screened_by=cast.office,
    )
    screening.matched.set(IndustryRestriction.objects.all()[:2])
    return screening


def make_white_paper(cast, n):
    return WhitePaper.objects.create(
        title=f"白皮书{n}", as_of=datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
    )


@pytest.mark.parametrize(
    ("basename", "model", "make"),
    [
        ("industryrestriction", IndustryRestriction, make_restriction),
        ("projectscreening", ProjectScreening, make_screening),
        ("whitepaper", WhitePaper, make_white_paper),
    ],
)
def test_catalogue_screening_and_white_paper_api_lists_cost_the_same_at_any_size(
    cast, basename, model, make
):
    for n in range(3):
        make_restriction(cast, 10_000 + n)
    api = api_for(cast.office)

    def grow(size):
        for n in range(model.objects.count(), size):
            make(cast, n)

    def fetch():
        response = api.get(reverse(f"{basename}-list"))
        assert response.status_code == 200
        assert response.json()["count"] == model.objects.count()
        return response

    grow(10)
    fetch()
    assert_constant_queries(grow, fetch)
