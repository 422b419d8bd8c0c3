"""The whole system's change log (office and auditors) and the registers as of a past date."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards.choices import HazardState
from hazards.models import Hazard
from portal.permissions import user_scope
from portal.reports.audit import (
    AS_OF_REGISTERS,
    ChangeLogQuery,
    as_of_queryset,
    change_log_page,
    end_of_day,
)
from tests.hazards.factories import HazardFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

CHANGES = reverse("reports:change-log")


def moved_to(records, moment):
    """Date the given historical rows as if saved at ``moment`` (tests only)."""
    for record in records:
        type(record).objects.filter(history_id=record.history_id).update(history_date=moment)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def sheet_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body)).active


# --- change log ---------------------------------------------------------------------------


def test_the_change_log_shows_who_changed_what_from_what_to_what_newest_first(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    hazard._history_user = cast.office
    hazard.state = HazardState.CONFIRMED
    hazard.save()
    client.force_login(cast.auditor)
    response = client.get(CHANGES, {"model": "hazards.hazard"})
    assert response.status_code == 200
    newest, created = response.context["page"].rows
    assert newest.kind_label == "修改" and created.kind_label == "创建"
    assert newest.history_user == cast.office
    state = next(change for change in newest.changes if change.field == "状态")
    assert (state.old, state.new) == (
        str(HazardState.REPORTED.label),
        str(HazardState.CONFIRMED.label),
    )
    page = response.content.decode()
    assert reverse("reports:record-history", args=["hazards.hazard", hazard.pk]) in page


def test_the_change_log_is_for_the_office_and_auditors_only(client, cast):
    for user, status in ((cast.office, 200), (cast.auditor, 200), (cast.zhujian_lead, 403)):
        client.force_login(user)
        assert client.get(CHANGES).status_code == status
    assert change_log_page(user=cast.houzhen, query=ChangeLogQuery()).rows == []


def test_the_change_log_keeps_to_the_period_and_the_person(client, cast):
    inside = HazardFactory(township=cast.houzhen_unit)
    before = HazardFactory(township=cast.houzhen_unit)
    moved_to(inside.history.all(), at(datetime.date(2026, 10, 15)))
    moved_to(before.history.all(), at(datetime.date(2026, 9, 30), hour=23))
    client.force_login(cast.auditor)
    response = client.get(
        CHANGES, {"from": "2026-10-01", "to": "2026-10-31", "model": "hazards.hazard"}
    )
    assert [row.id for row in response.context["page"].rows] == [inside.pk]
    by_office = client.get(CHANGES, {"user": cast.office.username, "model": "hazards.hazard"})
    assert by_office.context["page"].rows == []


def test_bad_change_log_filters_are_named_and_nothing_breaks(client, cast):
    client.force_login(cast.auditor)
    response = client.get(
        CHANGES, {"from": "2026-13-01", "model": "nothing.here", "user": "nobody-such"}
    )
    assert response.status_code == 200
    assert set(response.context["errors"]) == {"from", "model", "user"}
    assert response.context["page"] is None


@pytest.mark.parametrize(
    "params",
    [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"user": "9" * 30}, {"before": "x|y"}],
)
def test_extreme_change_log_input_is_answered_not_a_server_error(client, cast, params):
    client.force_login(cast.auditor)
    assert client.get(CHANGES, params).status_code == 200


def test_the_change_log_pages_by_keyset_without_losing_or_repeating_rows(cast):
    hazards = [HazardFactory(township=cast.houzhen_unit) for _ in range(7)]
    same_moment = at(datetime.date(2026, 10, 15))
    for hazard in hazards:  # ties on the timestamp are broken by the history id
        moved_to(hazard.history.all(), same_moment)
    query = ChangeLogQuery(model=Hazard)
    seen, cursor = [], None
    while True:
        page = change_log_page(user=cast.auditor, query=query, cursor=cursor, size=3)
        seen.extend(row.history_id for row in page.rows)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    expected = sorted(Hazard.history.values_list("history_id", flat=True), reverse=True)
    assert seen == expected


def test_a_change_log_page_of_one_register_costs_the_same_queries_for_10_and_200_changes(
    cast,
):
    user_scope(cast.auditor)

    def grow(n):
        while Hazard.history.count() < n:
            hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
            hazard.responsible_unit = cast.yingji_unit
            hazard.save()

    def fetch():
        page = change_log_page(user=cast.auditor, query=ChangeLogQuery(model=Hazard), size=50)
        assert len(page.rows) == min(50, Hazard.history.count())

    assert_constant_queries(grow, fetch, sizes=(10, 200))


def test_the_change_log_exports_the_period_to_excel(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit, description='=HYPERLINK("x")')
    client.force_login(cast.auditor)
    response = client.get(
        reverse("reports:export", args=["change-log"]),
        {"model": "hazards.hazard", "format": "xlsx"},
    )
    assert response.status_code == 200
    rows = list(sheet_of(response).iter_rows(values_only=True))
    assert rows[0] == ("时间", "操作人", "操作", "类别", "记录", "编号", "变更内容")
    assert len(rows) == 2 and rows[1][2] == "创建" and rows[1][5] == hazard.pk
    assert f"隐患编号：— → {hazard.code}" in rows[1][6]
    assert "隐患描述：— → =HYPERLINK" in rows[1][6]


def test_the_change_log_export_is_empty_for_a_unit_member(client, cast):
    HazardFactory(township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.get(reverse("reports:export", args=["change-log"]), {"format": "xlsx"})
    assert response.status_code == 200
    assert sheet_of(response).max_row == 1


# --- as of a date -------------------------------------------------------------------------


@pytest.fixture
def hazard_with_a_past(cast):
    """Reported on 1 October, confirmed on 10 October, another found only on 20 October."""
    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    moved_to(hazard.history.all(), at(datetime.date(2026, 10, 1)))
    hazard.state = HazardState.CONFIRMED
    hazard.save()
    moved_to(hazard.history.filter(history_type="~"), at(datetime.date(2026, 10, 10)))
    later = HazardFactory(township=cast.yangkou_unit, responsible_unit=cast.yingji_unit)
    moved_to(later.history.all(), at(datetime.date(2026, 10, 20)))
    return hazard, later


def as_of_url(register, day):
    return f"{reverse('reports:as-of', args=[register])}?date={day}"


def test_the_hazard_ledger_as_of_a_date_shows_each_hazard_as_it_stood_then(
    client, cast, hazard_with_a_past
):
    hazard, later = hazard_with_a_past
    client.force_login(cast.auditor)
    response = client.get(as_of_url("hazards", "2026-10-05"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["pk"] == hazard.pk
    assert row["cells"][0] == hazard.code
    assert row["cells"][-1] == str(HazardState.REPORTED.label)
    response = client.get(as_of_url("hazards", "2026-10-20"))
    states = {row["pk"]: row["cells"][-1] for row in response.context["rows"]}
    assert states == {
        hazard.pk: str(HazardState.CONFIRMED.label),
        later.pk: str(HazardState.REPORTED.label),
    }


def test_a_day_counts_to_its_last_moment(cast, hazard_with_a_past):
    hazard, _ = hazard_with_a_past
    moved_to(hazard.history.filter(history_type="~"), end_of_day(datetime.date(2026, 10, 9)))
    register = AS_OF_REGISTERS["hazards"]
    (record,) = as_of_queryset(user=cast.auditor, register=register, day=datetime.date(2026, 10, 9))
    assert record.state == HazardState.CONFIRMED


def test_a_deleted_hazard_is_in_the_ledger_as_of_before_its_deletion_only(cast):
    hazard = HazardFactory(township=cast.houzhen_unit)
    moved_to(hazard.history.all(), at(datetime.date(2026, 10, 1)))
    hazard.delete()
    moved_to(Hazard.history.filter(history_type="-"), at(datetime.date(2026, 10, 5)))
    register = AS_OF_REGISTERS["hazards"]
    for day, expected in (
        (datetime.date(2026, 10, 2), [hazard.code]),
        (datetime.date(2026, 10, 6), []),
    ):
        records = as_of_queryset(user=cast.auditor, register=register, day=day)
        assert [record.code for record in records] == expected


def test_a_unit_member_sees_the_past_of_their_own_records_only(client, cast, hazard_with_a_past):
    hazard, _later = hazard_with_a_past
    client.force_login(cast.zhujian)
    response = client.get(as_of_url("hazards", "2026-10-25"))
    assert [row["pk"] for row in response.context["rows"]] == [hazard.pk]


def test_the_as_of_list_downloads_as_excel_with_the_same_rows(client, cast, hazard_with_a_past):
    hazard, _later = hazard_with_a_past
    client.force_login(cast.auditor)
    page = client.get(as_of_url("hazards", "2026-10-05"))
    response = client.get(page.context["export_href"])
    rows = list(sheet_of(response).iter_rows(values_only=True))
    assert rows[0][0] == "隐患编号"
    assert [row[0] for row in rows[1:]] == [hazard.code]
    assert rows[1][-1] == str(HazardState.REPORTED.label)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("2026-02-30", "无效"),
        ("yesterday", "无效"),
        ("0026-10-01", "无效"),
        ("2999-01-01", "晚于今天"),
    ],
)
def test_a_bad_as_of_date_is_named_and_nothing_is_listed(client, cast, raw, message):
    client.force_login(cast.auditor)
    response = client.get(as_of_url("hazards", raw))
    assert response.status_code == 200
    assert message in response.context["error"] and response.context["rows"] == []


def test_every_as_of_register_lists_its_records_with_their_columns(client, cast):
    from tests.emergency.factories import PlanFactory, StockpileFactory
    from tests.risks.factories import RiskPointFactory
    from tests.supervision.factories import SupervisionNoticeFactory
    from tests.tasks.factories import MilestoneFactory, make_task

    task = make_task(lead=cast.zhujian_unit, title="补建市政消火栓")
    made = {
        "tasks": task,
        "milestones": MilestoneFactory(task=task, text="补建848个市政消火栓"),
        "hazards": HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit),
        "risk-points": RiskPointFactory(township=cast.houzhen_unit),
        "plans": PlanFactory(owner_unit=cast.yingji_unit),
        "stockpiles": StockpileFactory(owner_unit=cast.yingji_unit),
        "supervision-notices": SupervisionNoticeFactory(unit=cast.zhujian_unit),
    }
    assert set(made) == set(AS_OF_REGISTERS)
    client.force_login(cast.auditor)
    today = timezone.localdate().isoformat()
    for key, obj in made.items():
        response = client.get(as_of_url(key, today))
        assert response.status_code == 200, key
        (row,) = response.context["rows"]
        assert row["pk"] == obj.pk, key
        assert len(row["cells"]) == len(AS_OF_REGISTERS[key].columns)
    assert client.get(as_of_url("nothing", today)).status_code == 404


def test_an_as_of_page_costs_the_same_queries_for_10_and_300_hazards(client, cast):
    user_scope(cast.auditor)
    register = AS_OF_REGISTERS["hazards"]
    from portal.reports.audit import as_of_page

    def grow(n):
        while Hazard.objects.count() < n:
            HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)

    def fetch():
        _page, rows = as_of_page(
            user=cast.auditor, register=register, day=timezone.localdate(), page=1
        )
        assert len(rows) == min(50, Hazard.objects.count())

    assert_constant_queries(grow, fetch, sizes=(10, 300))


def test_a_large_change_log_export_becomes_a_job_that_writes_the_whole_period(
    client, cast, settings
):
    from portal.reports.models import ExportJob
    from portal.reports.services import export_job_run

    settings.EXPORT_STREAM_LIMIT = 2
    hazards = [HazardFactory(township=cast.houzhen_unit) for _ in range(3)]
    client.force_login(cast.auditor)
    response = client.get(
        reverse("reports:export", args=["change-log"]),
        {"model": "hazards.hazard", "format": "xlsx"},
    )
    job = ExportJob.objects.get(user=cast.auditor, exporter="change-log")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    export_job_run(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows_done == 3
    with job.file.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert sorted(row[5] for row in rows[1:]) == sorted(hazard.pk for hazard in hazards)
