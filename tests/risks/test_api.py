"""The risk register's API: the schema, a point registered and graded through the services,
从严从高 across methods, refusals answered naming the field, the office's thresholds, and the
catalogue, screenings and white papers read."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from risks.choices import RestrictionKind, RiskLevel, ScreeningVerdict
from risks.models import (
    Assessment,
    IndustryRestriction,
    ProjectScreening,
    RiskPoint,
    RiskThreshold,
    WhitePaper,
)
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_schema_lists_the_risk_endpoints_and_their_actions(cast):
    response = api_for(cast.office).get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/risk-points/",
        "/api/risk-points/{id}/",
        "/api/risk-points/{id}/assess/",
        "/api/risk-points/{id}/retire/",
        "/api/risk-assessments/",
        "/api/risk-thresholds/{id}/",
        "/api/industry-restrictions/",
        "/api/project-screenings/",
        "/api/white-papers/",
    ):
        assert path in text, path


def register_through_api(cast, user=None, **overrides):
    payload = {
        "name": "液氯储罐区",
        "kind": "site",
        "category": "hazardous_chemicals",
        "township": cast.houzhen_unit.pk,
        "responsible_unit": cast.houzhen_unit.pk,
        "responsible_person": "于庆丰",
        "accident_types": ["poisoning", "leak"],
        "address": "侯镇化工园区海港路80号",
        **overrides,
    }
    return api_for(user or cast.houzhen).post(reverse("riskpoint-list"), payload, format="json")


def test_a_township_registers_a_point_numbered_by_the_service(cast):
    response = register_through_api(cast)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["code"].startswith(f"FX-{TODAY.year}-")
    assert data["level"] == "" and data["review_due"] is None
    point = RiskPoint.objects.get(pk=data["id"])
    assert point.registered_by == cast.houzhen
    assert point.accident_types == ["poisoning", "leak"]


def test_level_and_code_cannot_be_typed_in(cast):
    response = register_through_api(cast, level=RiskLevel.RED, code="FX-2000-000001")
    assert response.status_code == 201, response.content
    point = RiskPoint.objects.get(pk=response.json()["id"])
    assert point.level == "" and point.code != "FX-2000-000001"
    api_for(cast.office).patch(
        reverse("riskpoint-detail", args=[point.pk]),
        {"level": RiskLevel.RED, "review_due": "2030-01-01"},
        format="json",
    )
    point.refresh_from_db()
    assert point.level == "" and point.review_due is None


def test_a_township_cannot_register_a_point_in_another_township(cast):
    response = register_through_api(
        cast, township=cast.yangkou_unit.pk, responsible_unit=cast.yangkou_unit.pk
    )
    assert response.status_code in (400, 403)
    assert not RiskPoint.objects.exists()


def test_assessments_grade_the_point_and_the_stricter_method_stands(cast):
    point = RiskPointFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    url = reverse("riskpoint-assess", args=[point.pk])
    api = api_for(cast.zhujian)
    lec = api.post(
        url,
        {
            "method": "LEC",
            "likelihood": "3",
            "exposure": "6",
            "consequence": "7",
            "assessed_on": TODAY.isoformat(),
            "assessor_name": "赵六",
        },
        format="json",
    )
    assert lec.status_code == 201, lec.content
    assert Decimal(lec.json()["score"]) == Decimal("126") and lec.json()["level"] == "yellow"
    point.refresh_from_db()
    assert point.level == RiskLevel.YELLOW and point.last_assessed_on == TODAY
    ls = api.post(
        url,
        {"method": "LS", "likelihood": 4, "severity": 4, "assessed_on": TODAY.isoformat()},
        format="json",
    )
    assert ls.status_code == 201, ls.content
    assert Decimal(ls.json()["score"]) == Decimal("16") and ls.json()["level"] == "orange"
    detail = api.get(reverse("riskpoint-detail", args=[point.pk])).json()
    assert detail["level"] == "orange" and detail["level_display"] == "较大风险"
    assert detail["review_due"] is not None
    listed = api.get(reverse("riskassessment-list"), {"risk_point": point.pk}).json()
    assert listed["count"] == 2


def test_an_lec_value_off_the_standard_table_is_refused_naming_the_field(cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    response = api_for(cast.houzhen).post(
        reverse("riskpoint-assess", args=[point.pk]),
        {
            "method": "LEC",
            "likelihood": "4",
            "exposure": "6",
            "consequence": "7",
            "assessed_on": TODAY.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "likelihood" in response.json()
    assert not Assessment.objects.exists()
    point.refresh_from_db()
    assert point.level == ""


def test_a_unit_cannot_assess_a_point_outside_its_scope(cast):
    point = RiskPointFactory(township=cast.yangkou_unit)
    response = api_for(cast.houzhen).post(
        reverse("riskpoint-assess", args=[point.pk]),
        {"method": "LS", "likelihood": 5, "severity": 5, "assessed_on": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_the_auditor_reads_but_cannot_assess(cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    api = api_for(cast.auditor)
    assert api.get(reverse("riskpoint-detail", args=[point.pk])).status_code == 200
    response = api.post(
        reverse("riskpoint-assess", args=[point.pk]),
        {"method": "LS", "likelihood": 5, "severity": 5, "assessed_on": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_retiring_a_point_needs_a_reason_and_stops_its_reviews(cast):
    point = RiskPointFactory(
        township=cast.houzhen_unit,
        level=RiskLevel.BLUE,
        review_due=TODAY + datetime.timedelta(days=30),
    )
    url = reverse("riskpoint-retire", args=[point.pk])
    api = api_for(cast.houzhen)
    assert api.post(url, {"reason": ""}, format="json").status_code == 400
    response = api.post(url, {"reason": "企业已关停"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    point.refresh_from_db()
    assert point.review_due is None and point.retired_reason == "企业已关停"


def test_point_list_filters_like_the_page(cast):
    RiskPointFactory(township=cast.houzhen_unit, name="红色点", level=RiskLevel.RED)
    RiskPointFactory(township=cast.houzhen_unit, name="蓝色点", level=RiskLevel.BLUE)
    data = api_for(cast.office).get(reverse("riskpoint-list"), {"level": "red"}).json()
    assert [row["name"] for row in data["results"]] == ["红色点"]
    assert data["results"][0]["level_color"]


def test_the_office_adjusts_a_threshold_and_new_assessments_follow_it(cast):
    threshold = RiskThreshold.objects.get(method="LEC", level=RiskLevel.YELLOW)
    url = reverse("riskthreshold-detail", args=[threshold.pk])
    response = api_for(cast.office).patch(url, {"min_score": "130"}, format="json")
    assert response.status_code == 200, response.content
    threshold.refresh_from_db()
    assert threshold.min_score == Decimal("130") and threshold.max_score is None
    point = RiskPointFactory(township=cast.houzhen_unit)
    graded = api_for(cast.houzhen).post(
        reverse("riskpoint-assess", args=[point.pk]),
        {
            "method": "LEC",
            "likelihood": "3",
            "exposure": "6",
            "consequence": "7",  # D = 126: 一般 under the defaults, 低 from now on
            "assessed_on": TODAY.isoformat(),
        },
        format="json",
    )
    assert graded.status_code == 201, graded.content
    point.refresh_from_db()
    assert point.level == RiskLevel.BLUE


def test_overlapping_threshold_bands_are_refused_and_nothing_changes(cast):
    threshold = RiskThreshold.objects.get(method="LEC", level=RiskLevel.ORANGE)
    response = api_for(cast.office).patch(
        reverse("riskthreshold-detail", args=[threshold.pk]), {"min_score": "400"}, format="json"
    )
    assert response.status_code == 400
    assert "min_score" in response.json()
    threshold.refresh_from_db()
    assert threshold.min_score == Decimal("160")


def test_units_read_the_thresholds_but_cannot_change_them(cast):
    threshold = RiskThreshold.objects.get(method="LS", level=RiskLevel.RED)
    api = api_for(cast.zhujian)
    listed = api.get(reverse("riskthreshold-list")).json()
    assert len(listed) == 8
    response = api.patch(
        reverse("riskthreshold-detail", args=[threshold.pk]), {"min_score": "21"}, format="json"
    )
    assert response.status_code in (403, 404)
    threshold.refresh_from_db()
    assert threshold.min_score == Decimal("20")


def test_catalogue_white_papers_and_the_offices_screenings_are_read(cast):
    IndustryRestriction.objects.create(
        number="1", kind=RestrictionKind.PROHIBITED, sector="化工", name="新建危险化学品生产项目"
    )
    WhitePaper.objects.create(title="2026年寿光市安全风险白皮书", as_of=datetime.date(2026, 6, 30))
    ProjectScreening.objects.create(
        project_name="物流仓储项目",
        industry_text="仓储",
        verdict=ScreeningVerdict.ALLOWED,
        screened_by=cast.office,
    )
    unit = api_for(cast.zhujian)
    assert unit.get(reverse("industryrestriction-list")).json()["count"] == 1
    assert unit.get(reverse("whitepaper-list")).json()["count"] == 1
    assert unit.get(reverse("projectscreening-list")).json()["count"] == 0
    office = api_for(cast.office).get(reverse("projectscreening-list")).json()
    assert office["results"][0]["verdict_display"] == "未列入目录"
