"""The permission matrix on the risk register: a township sees and works the points in its
territory, a unit those it is answerable for (管控责任单位); assessments follow their point;
everyone reads the thresholds, the catalogue and the white papers, which only the office
changes; project screenings are the office's."""

import datetime
from decimal import Decimal

import pytest

from portal.permissions import restrict
from risks.choices import RestrictionKind, RiskLevel, ScreeningVerdict
from risks.models import (
    Assessment,
    IndustryRestriction,
    ProjectScreening,
    RiskPoint,
    RiskThreshold,
    WhitePaper,
)
from tests.permission_matrix import READ_ALL, PermissionMatrix
from tests.responsibilities.factories import OrgUnitFactory, TownshipFactory
from tests.risks.factories import AssessmentFactory, RiskPointFactory

pytestmark = pytest.mark.django_db

VIEW_OWN = {"own": {"view"}, "other": set()}
VIEW_CHANGE_OWN = {"own": {"view", "change"}, "other": set()}
MEMBERS_READ_ALL = {"staff": READ_ALL, "leader": READ_ALL, "township": READ_ALL}


def point_of(unit):
    """A point belonging to ``unit``: in its territory for a township, under its control
    otherwise."""
    if unit.kind == unit.Kind.TOWNSHIP:
        return RiskPointFactory(township=unit, responsible_unit=OrgUnitFactory())
    return RiskPointFactory(township=TownshipFactory(), responsible_unit=unit)


class TestRiskPointMatrix(PermissionMatrix):
    model = RiskPoint
    detail_url_name = "risks:point-detail"
    edit_url_name = "risks:point-edit"
    api_basename = "riskpoint"
    api_patch = {"address": "侯镇化工园区海港路82号"}
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        return point_of(unit)


class TestAssessmentMatrix(PermissionMatrix):
    model = Assessment
    api_basename = "riskassessment"
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return AssessmentFactory(risk_point=point_of(unit))


class TestRiskThresholdMatrix(PermissionMatrix):
    """One set of bands for the city: every unit reads them; the office adjusts them."""

    model = RiskThreshold
    api_basename = "riskthreshold"
    api_patch = {"min_score": Decimal("330.00")}
    member_rights = MEMBERS_READ_ALL

    def make_object(self, cast, unit):
        return RiskThreshold.objects.get(method="LEC", level=RiskLevel.RED)


class TestIndustryRestrictionMatrix(PermissionMatrix):
    model = IndustryRestriction
    api_basename = "industryrestriction"
    member_rights = MEMBERS_READ_ALL

    def make_object(self, cast, unit):
        return IndustryRestriction.objects.create(
            number=f"{unit.pk}",
            kind=RestrictionKind.RESTRICTED,
            sector="化工",
            name=f"{unit.name}所在区域的危险化学品仓储",
            conditions="须进入化工园区",
        )


class TestProjectScreeningMatrix(PermissionMatrix):
    """The office screens proposed projects; no unit sees the screenings."""

    model = ProjectScreening
    api_basename = "projectscreening"
    member_rights = {}

    def make_object(self, cast, unit):
        return ProjectScreening.objects.create(
            project_name="物流仓储项目",
            industry_text="仓储",
            township=unit if unit.kind == unit.Kind.TOWNSHIP else None,
            verdict=ScreeningVerdict.ALLOWED,
            screened_by=cast.office,
        )


class TestWhitePaperMatrix(PermissionMatrix):
    model = WhitePaper
    api_basename = "whitepaper"
    member_rights = MEMBERS_READ_ALL

    def make_object(self, cast, unit):
        return WhitePaper.objects.create(
            title=f"风险白皮书（{unit.name}）",
            as_of=datetime.date(2026, 1, 1) + datetime.timedelta(days=unit.pk),
        )


def test_a_bureau_sees_only_the_points_it_controls_and_a_township_those_in_its_territory(cast):
    in_houzhen = RiskPointFactory(township=cast.houzhen_unit)
    controlled = RiskPointFactory(township=cast.yangkou_unit, responsible_unit=cast.zhujian_unit)
    RiskPointFactory(township=cast.yangkou_unit)
    assert list(restrict(RiskPoint.objects.all(), cast.zhujian, "view")) == [controlled]
    assert list(restrict(RiskPoint.objects.all(), cast.houzhen, "view")) == [in_houzhen]
    assert restrict(RiskPoint.objects.all(), cast.auditor, "view").count() == 3
    assert not restrict(RiskPoint.objects.all(), cast.auditor, "change").exists()
