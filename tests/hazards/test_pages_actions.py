"""The action forms on a hazard's page: who is offered which form in which state, each form's
POST calls its service, errors come back on the page (never a 500), refusals as a message."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards import services
from hazards.choices import ExtensionState, HazardGrade, HazardState, ListingState
from hazards.models import Hazard, HazardListing
from tests.hazards.factories import a_png

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def act(client, hazard, action, data=None, files=None):
    payload = {f"{action}-{key}": value for key, value in (data or {}).items()}
    payload.update({f"{action}-{key}": value for key, value in (files or {}).items()})
    return client.post(reverse("hazards:hazard-action", args=[hazard.pk, action]), payload)


def offered(client, hazard) -> set[str]:
    response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    return {item["action"].name for item in response.context["action_forms"]}


def reported(cast, grade=HazardGrade.GENERAL) -> Hazard:
    return services.hazard_report(
        actor=cast.houzhen,
        township=cast.houzhen_unit,
        address="侯镇政府驻地北500米",
        description="厂房消防通道堆放杂物",
        found_on=TODAY,
        grade=grade,
        photos=[a_png()],
    )


def confirmed(cast, grade=HazardGrade.GENERAL) -> Hazard:
    hazard = reported(cast, grade)
    return services.hazard_confirm(
        actor=cast.office,
        hazard=hazard,
        grade=grade,
        responsible_unit=cast.zhujian_unit,
        supervising_unit=cast.yingji_unit,
        deadline=TODAY + datetime.timedelta(days=30),
    )


def state_of(hazard) -> str:
    return Hazard.objects.get(pk=hazard.pk).state


def test_office_confirms_and_assigns_on_the_page(client, cast):
    hazard = reported(cast)
    client.force_login(cast.office)
    assert offered(client, hazard) == {"confirm", "reject"}
    response = act(
        client,
        hazard,
        "confirm",
        {
            "grade": "general",
            "responsible_unit": cast.zhujian_unit.pk,
            "supervising_unit": cast.yingji_unit.pk,
            "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CONFIRMED
    assert hazard.responsible_unit == cast.zhujian_unit
    assert "已确认并交办" in client.get(hazard.get_absolute_url()).content.decode()


def test_same_responsible_and_supervising_unit_is_shown_on_the_form(client, cast):
    hazard = reported(cast)
    client.force_login(cast.office)
    response = act(
        client,
        hazard,
        "confirm",
        {
            "grade": "general",
            "responsible_unit": cast.zhujian_unit.pk,
            "supervising_unit": cast.zhujian_unit.pk,
            "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    form = next(
        i["form"] for i in response.context["action_forms"] if i["action"].name == "confirm"
    )
    assert "supervising_unit" in form.errors
    assert "监管单位不能与责任单位相同" in response.content.decode()
    assert state_of(hazard) == HazardState.REPORTED


def test_reject_needs_a_reason(client, cast):
    hazard = reported(cast)
    client.force_login(cast.office)
    response = act(client, hazard, "reject", {"reason": ""})
    assert response.status_code == 200
    assert state_of(hazard) == HazardState.REPORTED
    assert act(client, hazard, "reject", {"reason": "重复上报"}).status_code == 302
    assert state_of(hazard) == HazardState.REJECTED


def test_township_confirms_a_general_hazard_but_not_a_major_one(client, cast):
    client.force_login(cast.houzhen)
    assert offered(client, reported(cast)) == {"confirm", "reject"}
    assert offered(client, reported(cast, HazardGrade.MAJOR)) == set()


def test_responsible_unit_plans_starts_and_submits_with_after_photos(client, cast):
    hazard = confirmed(cast)
    client.force_login(cast.zhujian)
    assert {"plan", "start", "extension_request"} <= offered(client, hazard)
    response = act(
        client,
        hazard,
        "plan",
        {
            "rectification_person": "王五",
            "rectification_measures": "清理杂物，设置禁止堆放标识",
            "rectification_funds": "0.50",
            "contingency_plan": "设专人巡查",
        },
    )
    assert response.status_code == 302
    assert act(client, hazard, "start").status_code == 302
    assert state_of(hazard) == HazardState.RECTIFYING
    assert "submit" in offered(client, hazard)

    no_photo = act(client, hazard, "submit", {"result": "已清理", "rectified_on": TODAY})
    assert no_photo.status_code == 200
    assert state_of(hazard) == HazardState.RECTIFYING

    done = act(
        client,
        hazard,
        "submit",
        {"result": "已清理", "rectified_on": TODAY.isoformat()},
        {"photos": [a_png("整改后.png")]},
    )
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.AWAITING_ACCEPTANCE
    assert hazard.photos.filter(kind="after").count() == 1


def test_major_hazard_cannot_start_without_the_five_and_the_page_says_which(client, cast):
    hazard = confirmed(cast, HazardGrade.MAJOR)
    client.force_login(cast.zhujian)
    response = act(client, hazard, "start")
    assert response.status_code == 200
    body = response.content.decode()
    assert "整改责任人" in body
    assert state_of(hazard) == HazardState.CONFIRMED


def test_supervising_unit_accepts_and_the_fixing_unit_cannot(client, cast):
    hazard = confirmed(cast)
    services.hazard_start(actor=cast.zhujian, hazard=hazard)
    services.hazard_submit(
        actor=cast.zhujian, hazard=hazard, result="已整改", rectified_on=TODAY, photos=[a_png()]
    )
    client.force_login(cast.zhujian)
    assert "accept" not in offered(client, hazard)
    refused = act(client, hazard, "accept", {"comment": ""})
    assert refused.status_code == 302
    assert state_of(hazard) == HazardState.AWAITING_ACCEPTANCE
    assert "只有监管单位" in client.get(hazard.get_absolute_url()).content.decode()

    client.force_login(cast.yingji)
    assert {"accept", "send_back"} <= offered(client, hazard)
    assert act(client, hazard, "accept", {"comment": "现场核查合格"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    assert hazard.accepted_by == cast.yingji
    assert offered(client, hazard) == set()


def test_send_back_needs_a_comment_and_returns_to_rectifying(client, cast):
    hazard = confirmed(cast)
    services.hazard_start(actor=cast.zhujian, hazard=hazard)
    services.hazard_submit(
        actor=cast.zhujian, hazard=hazard, result="已整改", rectified_on=TODAY, photos=[a_png()]
    )
    client.force_login(cast.yingji)
    assert act(client, hazard, "send_back", {"comment": ""}).status_code == 200
    assert act(client, hazard, "send_back", {"comment": "标识未设置"}).status_code == 302
    assert state_of(hazard) == HazardState.RECTIFYING


def test_extension_requested_then_approved_keeps_the_original_deadline(client, cast):
    hazard = confirmed(cast)
    original = hazard.deadline
    later = original + datetime.timedelta(days=15)
    client.force_login(cast.zhujian)
    earlier = act(
        client,
        hazard,
        "extension_request",
        {"requested_deadline": (original - datetime.timedelta(days=1)).isoformat(), "reason": "x"},
    )
    assert earlier.status_code == 200
    assert not hazard.extensions.exists()
    asked = act(
        client,
        hazard,
        "extension_request",
        {"requested_deadline": later.isoformat(), "reason": "设备采购周期长"},
    )
    assert asked.status_code == 302
    assert "extension_request" not in offered(client, hazard)

    client.force_login(cast.yingji)
    assert "extension_decide" in offered(client, hazard)
    assert (
        act(client, hazard, "extension_decide", {"approve": "yes", "comment": "同意"}).status_code
        == 302
    )
    hazard.refresh_from_db()
    assert hazard.deadline == later
    assert hazard.original_deadline == original
    assert hazard.extensions.get().state == ExtensionState.APPROVED


def test_office_lists_a_major_hazard_unit_reports_progress_office_lifts_after_closing(client, cast):
    hazard = confirmed(cast, HazardGrade.MAJOR)
    client.force_login(cast.office)
    assert {"list", "dual_report"} <= offered(client, hazard)
    listed = act(
        client,
        hazard,
        "list",
        {
            "authority": "寿光市安全生产委员会",
            "notice_number": "寿安委督〔2026〕1号",
            "listed_on": TODAY.isoformat(),
            "deadline": (TODAY + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert listed.status_code == 302
    listing = HazardListing.objects.get(hazard=hazard)
    assert "list" not in offered(client, hazard)

    client.force_login(cast.zhujian)
    assert "progress" in offered(client, hazard)
    not_quarter_end = services.quarter_end(TODAY) - datetime.timedelta(days=1)
    wrong_day = act(
        client, hazard, "progress", {"period_end": not_quarter_end.isoformat(), "narrative": "x"}
    )
    assert wrong_day.status_code == 200
    assert (
        act(
            client,
            hazard,
            "progress",
            {"period_end": services.quarter_end(TODAY).isoformat(), "narrative": "已完成设备采购"},
        ).status_code
        == 302
    )
    assert listing.progress.count() == 1

    client.force_login(cast.office)
    assert "lift" not in offered(client, hazard)  # not closed yet
    Hazard.objects.filter(pk=hazard.pk).update(state=HazardState.CLOSED)
    assert "lift" in offered(client, hazard)
    assert act(client, hazard, "lift", {"comment": "验收合格"}).status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.LIFTED


def test_dual_report_recorded_once_per_recipient(client, cast):
    hazard = confirmed(cast, HazardGrade.MAJOR)
    client.force_login(cast.zhujian)
    data = {"recipient": "regulator", "reported_on": TODAY.isoformat(), "note": ""}
    assert act(client, hazard, "dual_report", data).status_code == 302
    again = act(client, hazard, "dual_report", data)
    assert again.status_code == 200
    assert hazard.dual_reports.count() == 1
    assert 'data-testid="dual-reports"' in again.content.decode()


def test_auditor_is_offered_nothing_and_an_unknown_action_is_404(client, cast):
    hazard = reported(cast)
    client.force_login(cast.auditor)
    assert offered(client, hazard) == set()
    assert act(client, hazard, "confirm", {"reason": "x"}).status_code == 403
    assert state_of(hazard) == HazardState.REPORTED
    assert act(client, hazard, "explode").status_code == 404


def test_out_of_scope_hazard_action_is_404(client, cast):
    hazard = reported(cast)
    client.force_login(cast.zhujian)
    assert act(client, hazard, "reject", {"reason": "x"}).status_code == 404
    assert state_of(hazard) == HazardState.REPORTED
