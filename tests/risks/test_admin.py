"""The risk register's admin: every model listed with its history; a point's code, level and
derived dates, and an assessment's score and level, are read-only there."""

import datetime

import pytest
from django.urls import reverse

from risks.choices import RestrictionKind, RiskLevel, ScreeningVerdict
from risks.models import IndustryRestriction, ProjectScreening, RiskThreshold, WhitePaper
from tests.risks.factories import AssessmentFactory, RiskPointFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "riskpoint",
    "assessment",
    "riskthreshold",
    "industryrestriction",
    "projectscreening",
    "whitepaper",
]


@pytest.fixture
def one_of_each(cast):
    point = RiskPointFactory(township=cast.houzhen_unit, name="液氨储罐区")
    AssessmentFactory(risk_point=point, assessor_name="液氨评估组")
    IndustryRestriction.objects.create(
        number="1", kind=RestrictionKind.PROHIBITED, sector="化工", name="液氨生产"
    )
    ProjectScreening.objects.create(
        project_name="液氨仓储项目",
        industry_text="仓储",
        verdict=ScreeningVerdict.ALLOWED,
        screened_by=cast.office,
    )
    WhitePaper.objects.create(title="液氨白皮书", as_of=datetime.date(2026, 6, 30))
    return point


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_every_risks_model_and_searches(cast, client, one_of_each, model):
    client.force_login(cast.admin)
    response = client.get(reverse(f"admin:risks_{model}_changelist"), {"q": "液氨"})
    assert response.status_code == 200
    if model != "riskthreshold":
        assert response.context["cl"].result_count >= 1


def test_admin_risk_point_keeps_code_level_and_derived_dates_read_only(cast, client):
    point = RiskPointFactory(township=cast.houzhen_unit, level=RiskLevel.RED)
    AssessmentFactory(risk_point=point)
    client.force_login(cast.admin)
    response = client.get(reverse("admin:risks_riskpoint_change", args=[point.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for field in ("code", "level", "last_assessed_on", "review_due", "level_changed_at"):
        assert field not in form.fields, field
    assert "name" in form.fields and "responsible_person" in form.fields
    assert point.code in response.content.decode()


def test_admin_assessment_keeps_score_and_level_read_only(cast, client):
    assessment = AssessmentFactory(risk_point=RiskPointFactory(township=cast.houzhen_unit))
    client.force_login(cast.admin)
    response = client.get(reverse("admin:risks_assessment_change", args=[assessment.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for field in ("score", "level", "likelihood", "method"):
        assert field not in form.fields, field


def test_admin_threshold_bands_are_read_only_there(cast, client):
    threshold = RiskThreshold.objects.get(method="LEC", level=RiskLevel.RED)
    client.force_login(cast.admin)
    response = client.get(reverse("admin:risks_riskthreshold_change", args=[threshold.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "min_score" not in form.fields and "max_score" not in form.fields
    assert "note" in form.fields


def test_admin_risk_point_history_shows_each_change(cast, client):
    point = RiskPointFactory(township=cast.houzhen_unit)
    point.name = "修改后的名称"
    point.save()
    client.force_login(cast.admin)
    response = client.get(reverse("admin:risks_riskpoint_history", args=[point.pk]))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2


@pytest.mark.parametrize(
    "model", ["riskpoint", "assessment", "riskthreshold", "projectscreening", "whitepaper"]
)
def test_admin_cannot_add_what_only_the_services_create(cast, client, model):
    client.force_login(cast.admin)
    assert client.get(reverse(f"admin:risks_{model}_add")).status_code == 403


def test_admin_may_add_a_catalogue_entry(cast, client):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:risks_industryrestriction_add")).status_code == 200
