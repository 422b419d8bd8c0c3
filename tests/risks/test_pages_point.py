"""A risk point's pages: registering and editing through the services, its page with the level
and the assessment that decided it (从严从高), recording an assessment by LEC or LS (the score is
computed, never typed), retiring it (销号), and its small map."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.choices import RiskLevel
from risks.models import Assessment, RiskPoint
from tests.querycount import count_queries
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("risks:point-create")


def assess_url(point) -> str:
    return reverse("risks:point-assess", args=[point.pk])


def lec(l, e, c, **extra) -> dict:  # noqa: E741 — L, E, C are the method's own letters
    return {
        "assess-method": "LEC",
        "assess-lec_likelihood": l,
        "assess-exposure": e,
        "assess-consequence": c,
        "assess-assessed_on": timezone.localdate().isoformat(),
        "assess-assessor_name": "赵六",
        **extra,
    }


def ls(l, s, **extra) -> dict:  # noqa: E741
    return {
        "assess-method": "LS",
        "assess-ls_likelihood": l,
        "assess-severity": s,
        "assess-assessed_on": timezone.localdate().isoformat(),
        **extra,
    }


def registration(cast, **overrides) -> dict:
    data = {
        "name": "液氨储罐区",
        "kind": "site",
        "category": "hazardous_chemicals",
        "description": "液氨储罐2台，总容积200立方米",
        "township": cast.houzhen_unit.pk,
        "address": "侯镇化工园区海化路1号",
        "location_lat": "37.051234",
        "location_lon": "118.912345",
        "accident_types": ["poisoning", "leak", "explosion"],
        "engineering_measures": "储罐区设置氨气泄漏报警和水喷淋",
        "management_measures": "双人巡检，每班记录",
        "training_measures": "每季度培训",
        "protective_measures": "配备正压式空气呼吸器",
        "emergency_measures": "现场处置方案，每半年演练",
        "responsible_unit": cast.houzhen_unit.pk,
        "responsible_person": "王五",
        "responsible_phone": "0536-5200000",
        "control_level": "township",
    }
    data.update(overrides)
    return data


# --- registering and editing ----------------------------------------------------------------


def test_township_registers_a_point_with_its_measures_and_position(client, cast):
    client.force_login(cast.houzhen)
    form = client.get(CREATE).context["form"]
    assert form.initial["township"] == cast.houzhen_unit.pk
    assert list(form.fields["township"].queryset) == [cast.houzhen_unit]
    response = client.post(CREATE, registration(cast))
    point = RiskPoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == point.get_absolute_url()
    assert point.code.startswith(f"FX-{timezone.localdate().year}-")
    assert point.level == ""
    assert point.registered_by == cast.houzhen
    assert point.accident_types == ["explosion", "poisoning", "leak"]
    assert str(point.latitude) == "37.051234"
    assert point.emergency_measures == "现场处置方案，每半年演练"


def test_bureau_registers_only_points_it_answers_for(client, cast):
    client.force_login(cast.zhujian)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["responsible_unit"].queryset) == [cast.zhujian_unit]
    assert form.initial["responsible_unit"] == cast.zhujian_unit.pk
    response = client.post(
        CREATE,
        registration(cast, township=cast.yangkou_unit.pk, responsible_unit=cast.yingji_unit.pk),
    )
    assert response.status_code == 200
    assert "responsible_unit" in response.context["form"].errors
    assert not RiskPoint.objects.exists()
    response = client.post(
        CREATE,
        registration(cast, township=cast.yangkou_unit.pk, responsible_unit=cast.zhujian_unit.pk),
    )
    assert response.status_code == 302
    assert RiskPoint.objects.get().responsible_unit == cast.zhujian_unit


def test_township_cannot_register_a_point_in_another_township(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, registration(cast, township=cast.yangkou_unit.pk))
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not RiskPoint.objects.exists()


def test_missing_fields_are_named_and_nothing_is_saved(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE, {"township": cast.houzhen_unit.pk, "location_lat": "37", "accident_types": ["x"]}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "kind", "category", "responsible_person", "location", "accident_types"} <= set(
        errors
    )
    assert not RiskPoint.objects.exists()


def test_the_form_offers_every_accident_type_as_a_checkbox(client, cast):
    from risks.choices import AccidentType

    client.force_login(cast.office)
    body = client.get(CREATE).content.decode()
    for value in AccidentType.values:
        assert f'type="checkbox" name="accident_types" value="{value}"' in body
    assert "data-point-picker" in body


def test_edit_changes_the_description_but_not_the_level(client, cast):
    point = RiskPointFactory(
        township=cast.houzhen_unit, responsible_unit=cast.houzhen_unit, level=RiskLevel.RED
    )
    client.force_login(cast.houzhen)
    url = reverse("risks:point-edit", args=[point.pk])
    form = client.get(url).context["form"]
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("location", "latitude", "longitude")
    }
    data.update(name="液氨储罐区（改）", level="blue", location_lat="37.1", location_lon="118.9")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    point.refresh_from_db()
    assert point.name == "液氨储罐区（改）"
    assert point.level == RiskLevel.RED
    assert str(point.latitude) == "37.100000"


def test_other_township_cannot_open_or_edit_a_point(client, cast):
    point = RiskPointFactory(township=cast.yangkou_unit)
    client.force_login(cast.houzhen)
    assert client.get(point.get_absolute_url()).status_code == 404
    assert client.get(reverse("risks:point-edit", args=[point.pk])).status_code == 404
    assert client.post(assess_url(point), lec("6", "6", "15")).status_code == 404
    assert not Assessment.objects.exists()


def test_auditor_reads_a_point_without_edit_assess_or_retire(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.auditor)
    response = client.get(point.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    for testid in ("edit", "action-assess", "action-retire"):
        assert f'data-testid="{testid}"' not in body
    response = client.post(assess_url(point), lec("6", "6", "15"))
    assert response.status_code == 403
    assert not Assessment.objects.exists()


# --- assessing --------------------------------------------------------------------------------


def test_lec_assessment_is_computed_and_grades_the_point_red(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.post(assess_url(point), lec("6", "6", "15"))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.score == 540
    assert assessment.level == RiskLevel.RED
    point.refresh_from_db()
    assert point.level == RiskLevel.RED
    body = client.get(point.get_absolute_url()).content.decode()
    assert 'data-testid="assessment" data-method="LEC" data-score="540" data-level="red"' in body
    assert "L=6 × E=6 × C=15" in body


def test_a_typed_score_is_ignored_the_service_computes_it(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    client.post(assess_url(point), lec("1", "1", "1", **{"assess-score": "999", "score": "999"}))
    assert Assessment.objects.get().score == 1


def test_the_stricter_method_stands_and_the_page_says_which_assessment_decided(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    client.post(assess_url(point), lec("6", "6", "15"))  # 540, red
    client.post(assess_url(point), ls("3", "3"))  # 9, yellow
    point.refresh_from_db()
    assert point.level == RiskLevel.RED
    response = client.get(point.get_absolute_url())
    body = response.content.decode()
    decided = response.context["deciding"].decisive
    assert decided.method == "LEC" and decided.score == 540
    assert 'data-testid="level-reason"' in body and "LEC" in body
    assert 'data-testid="latest-by-method"' in body
    assert "从严从高" in body
    assert [a.method for a in response.context["assessments"]] == ["LS", "LEC"]


def test_a_value_outside_the_standard_table_is_refused_on_its_field(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.post(assess_url(point), lec("6", "6", "16"))
    assert response.status_code == 200
    assert "consequence" in response.context["assess_form"].errors
    assert response.context["assess_open"] is True
    assert not Assessment.objects.exists()


def test_a_missing_input_of_the_chosen_method_is_named(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.post(assess_url(point), ls("", "4"))
    assert response.status_code == 200
    assert "ls_likelihood" in response.context["assess_form"].errors
    assert not Assessment.objects.exists()


def test_a_service_error_on_likelihood_lands_on_the_methods_own_field(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.post(assess_url(point), ls("7", "4"))
    assert response.status_code == 200
    assert "ls_likelihood" in response.context["assess_form"].errors


def test_an_assessment_dated_tomorrow_is_refused(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        assess_url(point), lec("6", "6", "15", **{"assess-assessed_on": tomorrow})
    )
    assert response.status_code == 200
    assert "assessed_on" in response.context["assess_form"].errors


def test_the_assessment_form_offers_the_standard_tables_and_the_preview_script(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    body = client.get(point.get_absolute_url()).content.decode()
    assert '<option value="0.5">0.5 — 很不可能，可以设想</option>' in body
    assert '<option value="100">100 — 大灾难，许多人死亡</option>' in body
    assert 'id="assess-thresholds"' in body
    assert "risks/js/assessment.js" in body
    assert "<script>" not in body  # CSP: no inline scripts


# --- retiring -----------------------------------------------------------------------------


def test_retire_needs_a_reason_then_stops_the_review(client, cast):
    point = RiskPointFactory(
        township=cast.houzhen_unit,
        level=RiskLevel.ORANGE,
        review_due=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(cast.houzhen)
    url = reverse("risks:point-retire", args=[point.pk])
    response = client.post(url, {"retire-reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["retire_form"].errors
    response = client.post(url, {"retire-reason": "企业已关停，储罐已拆除"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert not point.is_active and point.review_due is None
    body = client.get(point.get_absolute_url()).content.decode()
    assert "企业已关停，储罐已拆除" in body
    for testid in ("edit", "action-assess", "action-retire"):
        assert f'data-testid="{testid}"' not in body


# --- the page -------------------------------------------------------------------------------


def test_detail_shows_fields_measures_map_and_history(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit, accident_types=["fire", "explosion"])
    client.force_login(cast.office)
    response = client.get(point.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "火灾、爆炸" in body
    assert 'data-testid="measures"' in body and "双人巡检，每班记录" in body
    assert 'data-testid="history"' in body
    assert reverse("risks:point-geojson", args=[point.pk]) in body
    geo = client.get(reverse("risks:point-geojson", args=[point.pk])).json()
    assert geo["features"][0]["geometry"]["coordinates"] == [118.85, 37.05]


def test_point_geojson_is_scoped(client, cast):
    point = RiskPointFactory(township=cast.yangkou_unit)
    client.force_login(cast.houzhen)
    assert client.get(reverse("risks:point-geojson", args=[point.pk])).status_code == 404


def test_point_page_query_count_does_not_grow_with_its_assessments(client, cast):
    from tests.risks.factories import AssessmentFactory

    point = RiskPointFactory(township=cast.houzhen_unit)
    AssessmentFactory(risk_point=point)
    client.force_login(cast.houzhen)
    client.get(point.get_absolute_url())
    few, _, _ = count_queries(lambda: client.get(point.get_absolute_url()))
    for _ in range(5):
        AssessmentFactory(risk_point=point, method="LS", likelihood=3, severity=3, score=9)
    many, response, _ = count_queries(lambda: client.get(point.get_absolute_url()))
    assert len(response.context["assessments"]) == 6
    assert many == few
