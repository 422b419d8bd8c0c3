"""The risk register's services: registering points, assessing them (从严从高), the change of
level told to the responsible unit and the office, review dates by level, and the thresholds
the office adjusts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from portal.notifications.models import Notification
from risks import services
from risks.models import Assessment, RiskPoint, RiskThreshold

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def register(cast, actor=None, **fields) -> RiskPoint:
    values = {
        "actor": actor or cast.houzhen,
        "name": "侯镇化工园区液氯储罐区",
        "kind": "site",
        "category": "hazardous_chemicals",
        "township": cast.houzhen_unit,
        "responsible_unit": cast.houzhen_unit,
        "responsible_person": "王五",
        "accident_types": ["poisoning", "leak"],
        "latitude": "37.05",
        "longitude": "118.85",
    }
    values.update(fields)
    return services.risk_point_register(**values)


def lec(cast, point, l_value, e_value, c_value, *, on=TODAY, actor=None):
    return services.assessment_record(
        actor=actor or cast.houzhen,
        point=point,
        method="LEC",
        likelihood=l_value,
        exposure=e_value,
        consequence=c_value,
        assessed_on=on,
        assessor_name="赵六",
    )


def ls(cast, point, likelihood, severity, *, on=TODAY, actor=None):
    return services.assessment_record(
        actor=actor or cast.houzhen,
        point=point,
        method="LS",
        likelihood=likelihood,
        severity=severity,
        assessed_on=on,
    )


# --- registering --------------------------------------------------------------------------------


def test_a_township_registers_a_point_in_its_territory_ungraded_with_a_code(cast):
    point = register(cast)
    assert point.code == f"FX-{TODAY.year}-000001"
    assert point.level == ""
    assert point.review_due is None
    assert point.registered_by == cast.houzhen
    assert point.latitude == Decimal("37.050000")
    assert register(cast, name="第二个").code == f"FX-{TODAY.year}-000002"


def test_a_unit_cannot_register_a_point_in_another_township_for_another_unit(cast):
    with pytest.raises(PermissionDenied):
        register(cast, township=cast.yangkou_unit, responsible_unit=cast.yangkou_unit)


def test_a_bureau_registers_a_point_it_controls_in_any_township(cast):
    point = register(
        cast, actor=cast.zhujian, township=cast.yangkou_unit, responsible_unit=cast.zhujian_unit
    )
    assert point.township == cast.yangkou_unit


def test_auditors_register_nothing(cast):
    with pytest.raises(PermissionDenied):
        register(cast, actor=cast.auditor)
    assert not RiskPoint.objects.exists()


def test_a_township_field_that_is_not_a_township_is_refused_by_name(cast):
    with pytest.raises(ValidationError) as caught:
        register(cast, actor=cast.office, township=cast.zhujian_unit)
    assert "township" in caught.value.message_dict


def test_unknown_accident_types_and_bad_coordinates_are_refused_by_field(cast):
    with pytest.raises(ValidationError) as caught:
        register(cast, accident_types=["meteor"])
    assert "accident_types" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        register(cast, latitude="137", longitude="118")
    assert "latitude" in caught.value.message_dict
    assert not RiskPoint.objects.exists()


def test_the_level_cannot_be_typed_in(cast):
    with pytest.raises(ValidationError, match="level"):
        register(cast, level="blue")
    point = register(cast)
    with pytest.raises(ValidationError, match="review_due"):
        services.risk_point_update(actor=cast.houzhen, point=point, review_due=TODAY)


def test_updating_keeps_the_point_within_the_units_reach(cast):
    point = register(cast)
    services.risk_point_update(actor=cast.houzhen, point=point, responsible_person="孙七")
    point.refresh_from_db()
    assert point.responsible_person == "孙七"
    with pytest.raises(ValidationError) as caught:
        services.risk_point_update(
            actor=cast.houzhen,
            point=point,
            township=cast.yangkou_unit,
            responsible_unit=cast.yangkou_unit,
        )
    assert "township" in caught.value.message_dict
    point.refresh_from_db()
    assert point.township == cast.houzhen_unit


def test_another_unit_cannot_change_or_assess_the_point(cast):
    point = register(cast)
    with pytest.raises(PermissionDenied):
        services.risk_point_update(actor=cast.zhujian, point=point, name="改名")
    with pytest.raises(PermissionDenied):
        lec(cast, point, "6", "6", "15", actor=cast.zhujian)
    assert not Assessment.objects.exists()


def test_retiring_needs_a_reason_and_stops_reviews_and_assessments(cast):
    point = register(cast)
    lec(cast, point, "6", "6", "15")
    with pytest.raises(ValidationError) as caught:
        services.risk_point_retire(actor=cast.houzhen, point=point, reason=" ")
    assert "reason" in caught.value.message_dict
    services.risk_point_retire(actor=cast.houzhen, point=point, reason="企业已关闭退出")
    point.refresh_from_db()
    assert not point.is_active
    assert point.review_due is None
    with pytest.raises(ValidationError, match="已销号"):
        lec(cast, point, "1", "1", "1")


# --- assessing ----------------------------------------------------------------------------------


def test_an_assessment_computes_score_and_level_and_grades_the_point(cast):
    point = register(cast)
    assessment = lec(cast, point, "6", "6", "15")
    assert (assessment.score, assessment.level) == (Decimal("540"), "red")
    assert assessment.assessor == cast.houzhen
    point.refresh_from_db()
    assert point.level == "red"
    assert point.last_assessed_on == TODAY
    assert point.level_changed_at is not None


def test_where_methods_disagree_the_stricter_level_stands(cast):
    """从严从高: LEC says red, LS says yellow: red. Re-assessed by LEC as blue, the LS yellow
    is now the stricter of the two latest."""
    point = register(cast)
    lec(cast, point, "6", "6", "15", on=TODAY - datetime.timedelta(days=10))
    ls(cast, point, 3, 3, on=TODAY - datetime.timedelta(days=5))
    point.refresh_from_db()
    assert point.level == "red"
    assert services.deciding_assessment(point).method == "LEC"

    lec(cast, point, "3", "3", "7")  # 63, blue
    point.refresh_from_db()
    assert point.level == "yellow"
    assert services.deciding_assessment(point).method == "LS"
    assert point.assessments.count() == 3  # every assessment stays on record


def test_a_later_assessment_by_the_same_method_replaces_the_earlier_one(cast):
    point = register(cast)
    ls(cast, point, 5, 5, on=TODAY - datetime.timedelta(days=30))
    ls(cast, point, 2, 2)
    point.refresh_from_db()
    assert point.level == "blue"


def test_an_older_assessment_entered_late_does_not_override_the_latest(cast):
    point = register(cast)
    ls(cast, point, 2, 2)  # blue, today
    ls(cast, point, 5, 5, on=TODAY - datetime.timedelta(days=60))  # red, but older
    point.refresh_from_db()
    assert point.level == "blue"
    assert point.last_assessed_on == TODAY


@override_settings(RISK_REVIEW_MONTHS={"red": 3, "orange": 6, "yellow": 12, "blue": 24})
def test_the_review_falls_due_by_the_level_red_most_often(cast):
    on = datetime.date(TODAY.year - 1, 1, 31)
    red = register(cast)
    lec(cast, red, "6", "6", "15", on=on)
    red.refresh_from_db()
    assert red.review_due == datetime.date(TODAY.year - 1, 4, 30)  # month end clamped
    blue = register(cast, name="蓝")
    ls(cast, blue, 1, 1, on=on)
    blue.refresh_from_db()
    assert blue.review_due == datetime.date(TODAY.year + 1, 1, 31)


def test_a_future_assessment_date_is_refused(cast):
    point = register(cast)
    with pytest.raises(ValidationError) as caught:
        lec(cast, point, "6", "6", "15", on=TODAY + datetime.timedelta(days=1))
    assert "assessed_on" in caught.value.message_dict


def test_a_refused_input_records_nothing(cast):
    point = register(cast)
    with pytest.raises(ValidationError):
        lec(cast, point, "4", "6", "15")
    point.refresh_from_db()
    assert point.level == ""
    assert not Assessment.objects.exists()


def test_a_change_of_level_notifies_the_responsible_unit_and_the_office(cast):
    point = register(cast, actor=cast.office, responsible_unit=cast.zhujian_unit)
    lec(cast, point, "6", "6", "15", actor=cast.office)
    told = set(Notification.objects.filter(category="risks").values_list("recipient", flat=True))
    assert {cast.zhujian.pk, cast.zhujian_lead.pk} <= told
    assert cast.office.pk not in told  # the one who assessed is not told what they did
    assert cast.houzhen.pk not in told
    title = Notification.objects.filter(recipient=cast.zhujian).get().title
    assert "未评估 → 重大风险" in title

    Notification.objects.all().delete()
    ls(cast, point, 3, 3, actor=cast.office)  # yellow: red still stands, no change
    assert not Notification.objects.exists()


# --- thresholds ---------------------------------------------------------------------------------


def test_the_office_moves_a_band_and_new_assessments_follow_it_old_ones_keep_theirs(cast):
    point = register(cast)
    before = lec(cast, point, "3", "6", "15")  # 270, orange
    red = RiskThreshold.objects.get(method="LEC", level="red")
    services.threshold_update(actor=cast.office, threshold=red, min_score="250", max_score="")
    after = lec(cast, point, "3", "6", "15")
    before.refresh_from_db()
    assert (before.level, after.level) == ("orange", "red")


def test_only_the_office_adjusts_thresholds(cast):
    red = RiskThreshold.objects.get(method="LEC", level="red")
    for actor in (cast.zhujian, cast.houzhen, cast.auditor):
        with pytest.raises(PermissionDenied):
            services.threshold_update(actor=actor, threshold=red, min_score=300, max_score=None)
    red.refresh_from_db()
    assert red.min_score == Decimal("320")


@pytest.mark.parametrize(
    ("method", "level", "low", "high", "field"),
    [
        ("LEC", "orange", "400", "", "min_score"),  # above red's 320
        ("LEC", "blue", "80", "", "min_score"),  # above yellow's 70
        ("LS", "blue", "1", "10", "max_score"),  # overlaps yellow 9–12
        ("LS", "yellow", "12", "9", "max_score"),  # max below min
        ("LS", "red", "-1", "25", "min_score"),
        ("LS", "red", "二十", "25", "min_score"),
    ],
)
def test_thresholds_must_stay_in_order_and_not_overlap(cast, method, level, low, high, field):
    row = RiskThreshold.objects.get(method=method, level=level)
    was = (row.min_score, row.max_score)
    with pytest.raises(ValidationError) as caught:
        services.threshold_update(actor=cast.office, threshold=row, min_score=low, max_score=high)
    assert field in caught.value.message_dict
    row.refresh_from_db()
    assert (row.min_score, row.max_score) == was
