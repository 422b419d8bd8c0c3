"""The hazard ledger's API: the schema, a hazard reported and carried to 销号 through the
actions (each calling its service), the refusals coming back as answers naming the field,
campaigns and the office's citizen reports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.choices import CitizenReportState, HazardEventKind, HazardGrade, HazardState
from hazards.models import CitizenReport, Hazard
from tests.hazards.factories import CampaignFactory, CitizenReportFactory, HazardFactory, a_png

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_schema_lists_the_hazard_endpoints_and_their_actions(cast):
    response = api_for(cast.office).get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/hazards/",
        "/api/hazards/{id}/confirm/",
        "/api/hazards/{id}/reject/",
        "/api/hazards/{id}/plan/",
        "/api/hazards/{id}/start/",
        "/api/hazards/{id}/submit/",
        "/api/hazards/{id}/accept/",
        "/api/hazards/{id}/send-back/",
        "/api/hazards/{id}/extension/",
        "/api/hazards/{id}/listing/",
        "/api/hazards/{id}/dual-report/",
        "/api/hazard-extensions/{id}/decide/",
        "/api/hazard-listings/{id}/progress/",
        "/api/hazard-listings/{id}/lift/",
        "/api/campaigns/",
        "/api/citizen-reports/{id}/triage/",
        "/api/citizen-reports/{id}/dismiss/",
    ):
        assert path in text, path


def report_through_api(cast):
    response = api_for(cast.houzhen).post(
        reverse("hazard-list"),
        {
            "township": cast.houzhen_unit.pk,
            "address": "侯镇农贸市场北门",
            "description": "广告牌立柱锈蚀，有倾倒危险",
            "found_on": TODAY.isoformat(),
            "found_by": "刘检查",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_township_reports_a_hazard_numbered_by_the_service(cast):
    data = report_through_api(cast)
    assert data["code"].startswith(f"YH-{TODAY.year}-")
    assert data["state"] == HazardState.REPORTED
    hazard = Hazard.objects.get(pk=data["id"])
    assert hazard.reported_by == cast.houzhen
    assert hazard.events.get().kind == HazardEventKind.REPORT


def test_a_hazard_goes_from_report_to_closed_through_the_actions(cast):
    pk = report_through_api(cast)["id"]

    def step(user, name, payload=None, fmt="json"):
        url = reverse(f"hazard-{name}", args=[pk])
        return api_for(user).post(url, payload or {}, format=fmt)

    confirmed = step(
        cast.office,
        "confirm",
        {
            "grade": HazardGrade.GENERAL,
            "responsible_unit": cast.zhujian_unit.pk,
            "supervising_unit": cast.yingji_unit.pk,
            "deadline": (TODAY + datetime.timedelta(days=15)).isoformat(),
        },
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["responsible_unit_name"] == "市住建局"
    planned = step(
        cast.zhujian,
        "plan",
        {
            "rectification_person": "王建国",
            "rectification_measures": "拆除重建",
            "rectification_funds": "2.00",
            "contingency_plan": "设置警戒区",
        },
    )
    assert planned.status_code == 200, planned.content
    assert step(cast.zhujian, "start").json()["state"] == HazardState.RECTIFYING
    submitted = step(
        cast.zhujian,
        "submit",
        {"result": "已拆除重建", "rectified_on": TODAY.isoformat(), "photos": [a_png("后.png")]},
        fmt="multipart",
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == HazardState.AWAITING_ACCEPTANCE
    refused = step(cast.zhujian, "accept")
    assert refused.status_code == 403
    accepted = step(cast.yingji, "accept", {"comment": "验收合格"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == HazardState.CLOSED
    assert accepted.json()["closed_at"]


def test_closing_a_hazard_that_was_never_submitted_is_refused(cast):
    hazard = HazardFactory(
        township=cast.houzhen_unit,
        state=HazardState.RECTIFYING,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=TODAY,
    )
    response = api_for(cast.yingji).post(reverse("hazard-accept", args=[hazard.pk]), {})
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING


def test_a_bad_confirmation_names_the_field_and_changes_nothing(cast):
    hazard = HazardFactory(township=cast.houzhen_unit)
    response = api_for(cast.office).post(
        reverse("hazard-confirm", args=[hazard.pk]),
        {
            "grade": HazardGrade.MAJOR,
            "responsible_unit": cast.zhujian_unit.pk,
            "supervising_unit": cast.zhujian_unit.pk,
            "deadline": TODAY.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "supervising_unit" in response.json()
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REPORTED and hazard.responsible_unit is None


def test_a_closed_hazard_cannot_be_edited_through_the_api(cast):
    hazard = HazardFactory(township=cast.houzhen_unit, state=HazardState.CLOSED)
    response = api_for(cast.office).patch(
        reverse("hazard-detail", args=[hazard.pk]), {"address": "别处"}, format="json"
    )
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert hazard.address != "别处"


def test_code_and_state_cannot_be_written(cast):
    hazard = HazardFactory(township=cast.houzhen_unit)
    api_for(cast.office).patch(
        reverse("hazard-detail", args=[hazard.pk]),
        {"code": "YH-2000-000001", "state": HazardState.CLOSED},
        format="json",
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REPORTED and hazard.code != "YH-2000-000001"


def test_a_unit_cannot_act_on_a_hazard_outside_its_scope(cast):
    hazard = HazardFactory(township=cast.yangkou_unit)
    response = api_for(cast.houzhen).post(
        reverse("hazard-reject", args=[hazard.pk]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_the_auditor_reads_but_cannot_act(cast):
    hazard = HazardFactory(township=cast.houzhen_unit)
    api = api_for(cast.auditor)
    assert api.get(reverse("hazard-detail", args=[hazard.pk])).status_code == 200
    response = api.post(reverse("hazard-reject", args=[hazard.pk]), {"reason": "重复"})
    assert response.status_code == 403


def test_hazard_list_filters_like_the_page(cast):
    HazardFactory(township=cast.houzhen_unit, grade=HazardGrade.MAJOR, description="重大的")
    HazardFactory(township=cast.houzhen_unit, grade=HazardGrade.GENERAL)
    data = api_for(cast.office).get(reverse("hazard-list"), {"grade": "major"}).json()
    assert [row["description"] for row in data["results"]] == ["重大的"]


def test_the_office_lists_a_major_hazard_and_lifts_it_after_closing(cast):
    hazard = HazardFactory(
        township=cast.houzhen_unit,
        grade=HazardGrade.MAJOR,
        state=HazardState.RECTIFYING,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=TODAY + datetime.timedelta(days=60),
    )
    office = api_for(cast.office)
    listed = office.post(
        reverse("hazard-listing", args=[hazard.pk]),
        {
            "authority": "寿光市安委会",
            "notice_number": "寿安委督〔2026〕3号",
            "listed_on": TODAY.isoformat(),
            "deadline": (TODAY + datetime.timedelta(days=60)).isoformat(),
        },
        format="json",
    )
    assert listed.status_code == 201, listed.content
    listing_url = reverse("hazardlisting-lift", args=[listed.json()["id"]])
    too_early = office.post(listing_url, {"comment": "已整改"}, format="json")
    assert too_early.status_code == 400
    Hazard.objects.filter(pk=hazard.pk).update(state=HazardState.CLOSED)
    lifted = office.post(listing_url, {"comment": "验收合格，予以摘牌"}, format="json")
    assert lifted.status_code == 200, lifted.content
    assert lifted.json()["state"] == "lifted"


def test_the_office_creates_a_campaign_and_a_unit_cannot(cast):
    payload = {
        "name": "广告牌及建筑附着物专项排查",
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-30",
        "townships": [cast.houzhen_unit.pk],
    }
    created = api_for(cast.office).post(reverse("campaign-list"), payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["townships"] == [cast.houzhen_unit.pk]
    refused = api_for(cast.zhujian).post(reverse("campaign-list"), payload, format="json")
    assert refused.status_code == 403
    campaign = CampaignFactory()
    assert (
        api_for(cast.houzhen).get(reverse("campaign-detail", args=[campaign.pk])).status_code == 200
    )


def test_the_office_triages_a_citizen_report_into_a_hazard(cast):
    report = CitizenReportFactory()
    response = api_for(cast.office).post(
        reverse("citizenreport-triage", args=[report.pk]),
        {"township": cast.houzhen_unit.pk, "grade": HazardGrade.GENERAL},
        format="json",
    )
    assert response.status_code == 201, response.content
    report.refresh_from_db()
    assert report.state == CitizenReportState.ACCEPTED
    assert report.hazard_id == response.json()["id"]


def test_a_dismissal_needs_a_reason(cast):
    report = CitizenReportFactory()
    api = api_for(cast.office)
    url = reverse("citizenreport-dismiss", args=[report.pk])
    assert api.post(url, {}, format="json").status_code == 400
    assert api.post(url, {"reason": "非安全隐患"}, format="json").status_code == 200
    assert CitizenReport.objects.get(pk=report.pk).state == CitizenReportState.DISMISSED
