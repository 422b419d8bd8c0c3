"""The task ledger's API: schema, reads with lights and roll-ups, the office's corrections,
and reports filed and moved through the review services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.notifications.models import Notification
from tasks.choices import Light, ReportAction, ReportState
from tasks.models import ProgressReport
from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def shed(cast):
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit], title="电动车停车棚建设")
    milestone = MilestoneFactory(
        task=task,
        due_on=TODAY + datetime.timedelta(days=30),
        target_value=470,
        target_unit="个",
        target_subject="电动车停车棚",
        target_comparator=">=",
    )
    return task, milestone


def test_schema_lists_the_ledger_endpoints_and_report_actions(cast):
    response = api_for(cast.office).get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/directives/",
        "/api/sections/",
        "/api/tasks/",
        "/api/milestones/",
        "/api/progress-reports/",
        "/api/progress-reports/{id}/submit/",
        "/api/progress-reports/{id}/confirm/",
        "/api/progress-reports/{id}/approve/",
        "/api/progress-reports/{id}/return/",
    ):
        assert path in text, path


def test_task_api_gives_light_units_and_milestones_with_rollup(cast, shed):
    task, milestone = shed
    ProgressReportFactory(
        approved=True, milestone=milestone, unit=cast.zhujian_unit, value=Decimal("312")
    )
    response = api_for(cast.yingji).get(reverse("task-detail", args=[task.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["light"] == Light.ON_TRACK
    assert data["lead_unit_name"] == "市应急管理局"
    assert {a["unit_name"] for a in data["assignments"]} == {"市应急管理局", "市住建局"}
    (m,) = data["milestones"]
    assert Decimal(m["rollup_value"]) == Decimal("312")
    assert m["unit_values"] == {str(cast.zhujian_unit.pk): "312.00"}
    assert m["light"] == Light.ON_TRACK


def test_task_api_filters_by_light_and_unit(cast, shed):
    late = make_task(lead=cast.zhujian_unit, title="逾期任务")
    MilestoneFactory(task=late, due_on=TODAY - datetime.timedelta(days=1))
    api = api_for(cast.office)
    overdue = api.get(reverse("task-list"), {"light": "overdue"}).json()
    assert [t["id"] for t in overdue["results"]] == [late.pk]
    yingji = api.get(reverse("task-list"), {"unit": cast.yingji_unit.pk}).json()
    assert [t["id"] for t in yingji["results"]] == [shed[0].pk]


def test_office_corrects_a_directive_title_and_number(cast, shed):
    directive = shed[0].directive
    response = api_for(cast.office).patch(
        reverse("directive-detail", args=[directive.pk]),
        {"title": "关于推进全市城市安全发展的实施意见", "doc_number": "寿办发〔2019〕12号"},
        format="json",
    )
    assert response.status_code == 200, response.content
    directive.refresh_from_db()
    assert directive.doc_number == "寿办发〔2019〕12号"
    assert directive.history.first().history_user == cast.office


def test_office_moves_a_milestone_and_the_light_follows(cast, shed):
    _, milestone = shed
    response = api_for(cast.office).patch(
        reverse("milestone-detail", args=[milestone.pk]),
        {"due_on": (TODAY - datetime.timedelta(days=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["light"] == Light.OVERDUE


def test_a_target_without_comparator_is_refused_naming_the_field(cast, shed):
    _, milestone = shed
    response = api_for(cast.office).patch(
        reverse("milestone-detail", args=[milestone.pk]),
        {"target_comparator": ""},
        format="json",
    )
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.target_comparator == ">="


def test_unit_staff_cannot_patch_a_milestone_of_their_task(cast, shed):
    _, milestone = shed
    response = api_for(cast.zhujian).patch(
        reverse("milestone-detail", args=[milestone.pk]), {"due_on": "2030-01-01"}, format="json"
    )
    assert response.status_code in (403, 404)
    milestone.refresh_from_db()
    assert milestone.due_on == TODAY + datetime.timedelta(days=30)


def test_report_journey_through_the_api_calls_the_review_services(cast, shed):
    _, milestone = shed
    created = api_for(cast.zhujian).post(
        reverse("progressreport-list"),
        {
            "milestone": milestone.pk,
            "unit": cast.zhujian_unit.pk,
            "value": "120",
            "narrative": "已建成停车棚120个。",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == ReportState.DRAFT

    def post(user, verb, **data):
        url = reverse(f"progressreport-{verb}", args=[pk])
        return api_for(user).post(url, data, format="json")

    assert post(cast.zhujian, "submit").json()["state"] == ReportState.SUBMITTED
    assert post(cast.zhujian, "confirm").status_code == 403  # staff is not the leader
    assert post(cast.zhujian_lead, "confirm").json()["state"] == ReportState.CONFIRMED
    returned = post(cast.office, "return")
    assert returned.status_code == 400 and "comment" in returned.json()
    assert post(cast.office, "approve", comment="同意。").json()["state"] == ReportState.APPROVED
    report = ProgressReport.objects.get(pk=pk)
    assert [s.action for s in report.steps.order_by("at", "pk")] == [
        ReportAction.CREATE,
        ReportAction.SUBMIT,
        ReportAction.CONFIRM,
        ReportAction.APPROVE,
    ]
    assert report.reviewed_by == cast.office
    # The services notified the next person at each step, in-app.
    assert Notification.objects.filter(recipient=cast.zhujian_lead).exists()
    assert Notification.objects.filter(recipient=cast.zhujian).exists()


def test_office_returns_a_confirmed_report_with_a_comment(cast, shed):
    _, milestone = shed
    report = ProgressReportFactory(
        confirmed=True, milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian
    )
    response = api_for(cast.office).post(
        reverse("progressreport-return", args=[report.pk]),
        {"comment": "数据与佐证材料不一致。"},
        format="json",
    )
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert report.review_comment == "数据与佐证材料不一致。"


def test_auditor_cannot_file_or_move_reports(cast, shed):
    _, milestone = shed
    report = ProgressReportFactory(confirmed=True, milestone=milestone, unit=cast.zhujian_unit)
    api = api_for(cast.auditor)
    assert api.get(reverse("progressreport-detail", args=[report.pk])).status_code == 200
    assert (
        api.post(reverse("progressreport-approve", args=[report.pk]), {}, format="json").status_code
        == 403
    )
    created = api.post(
        reverse("progressreport-list"),
        {"milestone": milestone.pk, "unit": cast.zhujian_unit.pk, "narrative": "x", "value": 1},
        format="json",
    )
    assert created.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED
