"""/risks/thresholds/: every band by method for everyone signed in; the office adjusts a band
through the service (bands stay in order and apart), and the new band grades assessments from
then on while recorded ones keep their level."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.choices import RiskLevel
from risks.models import RiskThreshold

pytestmark = pytest.mark.django_db

LIST = reverse("risks:threshold-list")


def band(method: str, level: str) -> RiskThreshold:
    return RiskThreshold.objects.get(method=method, level=level)


def edit_url(row: RiskThreshold) -> str:
    return reverse("risks:threshold-edit", args=[row.pk])


def post_band(client, row, low, high=""):
    return client.post(edit_url(row), {f"t{row.pk}-min_score": low, f"t{row.pk}-max_score": high})


def test_everyone_reads_the_bands_of_both_methods_strictest_first(client, cast):
    client.force_login(cast.houzhen)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    methods = {
        m["method"]: [r["band"].level for r in m["rows"]] for m in response.context["methods"]
    }
    assert methods == {
        "LEC": ["red", "orange", "yellow", "blue"],
        "LS": ["red", "orange", "yellow", "blue"],
    }
    assert "≥ 320" in body and "20 – 25" in body and "1 – 8" in body
    assert "只适用于此后录入的评估" in body
    assert 'data-testid="threshold-form"' not in body


def test_office_gets_a_form_on_every_band(client, cast):
    client.force_login(cast.office)
    body = client.get(LIST).content.decode()
    assert body.count('data-testid="threshold-form"') == 8


def test_office_adjusts_a_band_and_new_assessments_follow_it(client, cast):
    from risks.services import assessment_record
    from tests.risks.factories import RiskPointFactory

    point = RiskPointFactory(township=cast.houzhen_unit)
    before = assessment_record(
        actor=cast.office,
        point=point,
        method="LEC",
        likelihood="3",
        exposure="6",
        consequence="15",  # 270: orange under the defaults
        assessed_on=timezone.localdate(),
    )
    client.force_login(cast.office)
    response = post_band(client, band("LEC", RiskLevel.RED), "250")
    assert response.status_code == 302
    assert band("LEC", RiskLevel.RED).min_score == 250
    after = assessment_record(
        actor=cast.office,
        point=point,
        method="LEC",
        likelihood="3",
        exposure="6",
        consequence="15",
        assessed_on=timezone.localdate(),
    )
    before.refresh_from_db()
    assert before.level == RiskLevel.ORANGE
    assert after.level == RiskLevel.RED
    assert "≥ 250" in client.get(LIST).content.decode()


def test_overlapping_bands_are_refused_with_the_reason_and_nothing_changes(client, cast):
    client.force_login(cast.office)
    row = band("LS", RiskLevel.YELLOW)
    response = post_band(client, row, "9", "16")  # reaches into orange (15–16)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="threshold-errors"' in body and "重叠" in body
    row.refresh_from_db()
    assert row.max_score == 12


def test_a_band_that_is_not_a_number_is_named_not_a_500(client, cast):
    client.force_login(cast.office)
    row = band("LEC", RiskLevel.ORANGE)
    response = post_band(client, row, "abc")
    assert response.status_code == 200
    assert 'data-testid="threshold-errors"' in response.content.decode()
    row.refresh_from_db()
    assert row.min_score == 160


@pytest.mark.parametrize("who", ["houzhen", "zhujian", "auditor"])
def test_only_the_office_adjusts_thresholds(client, cast, who):
    client.force_login(getattr(cast, who))
    row = band("LEC", RiskLevel.RED)
    assert post_band(client, row, "100").status_code == 403
    row.refresh_from_db()
    assert row.min_score == 320
