"""节假日安排 pages: the office keeps the working-day calendar for years the package lacks;
auditors read it, unit members are turned away, and a 督办单's reply date follows it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.calendar_services import (
    workday_override_delete,
    workday_override_save,
    workday_schedule_parse,
    workday_schedule_save,
)
from portal.models import WorkdayOverride
from portal.workdays import PACKAGE_LAST_YEAR, add_workdays, calendar_status
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

HOLIDAY, WORKDAY = WorkdayOverride.Kind.HOLIDAY, WorkdayOverride.Kind.WORKDAY
FIRST_MISSING_YEAR = PACKAGE_LAST_YEAR + 1
SPRING_FESTIVAL_2027 = "2027-02-06 至 2027-02-12 放假 春节\n2027-02-14 调休上班 春节\n"


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who may see and change it --------------------------------------------------------------


def test_the_office_and_auditors_open_the_calendar_and_bureau_staff_get_403(cast, client):
    url = reverse("calendar:year")
    assert page(client, cast.office, url).status_code == 200
    assert page(client, cast.auditor, url).status_code == 200
    assert page(client, cast.admin, url).status_code == 200
    assert page(client, cast.zhujian, url).status_code == 403
    assert page(client, cast.zhujian_lead, url).status_code == 403
    assert page(client, cast.houzhen, url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_office_finds_the_calendar_in_the_navigation_and_bureau_staff_do_not(cast, client):
    assert 'data-nav="calendar"' in page(client, cast.office, reverse("workbench")).text
    assert 'data-nav="calendar"' not in page(client, cast.zhujian, reverse("workbench")).text


def test_auditors_see_the_table_but_no_edit_links_and_cannot_post(cast, client):
    row = WorkdayOverride.objects.create(date=date(2027, 2, 8), kind=HOLIDAY, name="春节")
    text = page(client, cast.auditor, reverse("calendar:year", args=[2027])).text
    assert 'data-override="2027-02-08"' in text
    assert reverse("calendar:override-edit", args=[row.pk]) not in text
    assert 'data-testid="schedule-bulk"' not in text
    assert "?date=" not in text  # the grid's days are not links for a reader
    for url in (
        reverse("calendar:override-create"),
        reverse("calendar:override-edit", args=[row.pk]),
        reverse("calendar:override-delete", args=[row.pk]),
        reverse("calendar:schedule-bulk"),
    ):
        assert client.post(url, {"date": "2027-02-09", "kind": HOLIDAY}).status_code == 403
    assert WorkdayOverride.objects.get().date == date(2027, 2, 8)


def test_bureau_staff_cannot_change_the_calendar_through_the_services(cast):
    row = WorkdayOverride.objects.create(date=date(2027, 2, 8), kind=HOLIDAY, name="春节")
    for actor in (cast.zhujian, cast.zhujian_lead, cast.auditor):
        with pytest.raises(PermissionDenied):
            workday_override_save(actor=actor, date=date(2027, 2, 9), kind=HOLIDAY)
        with pytest.raises(PermissionDenied):
            workday_override_save(
                actor=actor, date=row.date, kind=WORKDAY, name="", note="", instance=row
            )
        with pytest.raises(PermissionDenied):
            workday_override_delete(actor=actor, override=row)
        with pytest.raises(PermissionDenied):
            workday_schedule_save(actor=actor, text=SPRING_FESTIVAL_2027)
    assert list(WorkdayOverride.objects.values_list("date", "kind")) == [
        (date(2027, 2, 8), HOLIDAY)
    ]


# --- the year view --------------------------------------------------------------------------


def test_the_first_year_the_package_lacks_shows_its_warning_until_rows_exist(cast, client):
    url = reverse("calendar:year", args=[FIRST_MISSING_YEAR])
    text = page(client, cast.office, url).text
    assert 'data-testid="calendar-warning"' in text
    assert f"{FIRST_MISSING_YEAR}年法定节假日安排尚未录入" in text

    workday_override_save(
        actor=cast.office, date=date(FIRST_MISSING_YEAR, 1, 1), kind=HOLIDAY, name="元旦"
    )
    text = client.get(url).text
    assert 'data-testid="calendar-warning"' not in text
    assert 'data-source="table"' in text


def test_a_year_the_package_holds_says_so_and_marks_its_holidays_and_make_up_days(cast, client):
    text = page(client, cast.auditor, reverse("calendar:year", args=[2026])).text
    assert 'data-testid="calendar-source" data-source="package"' in text
    assert 'data-testid="calendar-warning"' not in text
    # National Day 2026: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    assert 'data-date="2026-10-05" data-mark="holiday" data-source="package"' in text
    assert 'data-date="2026-09-20" data-mark="workday" data-source="package"' in text
    assert 'data-date="2026-10-10" data-mark="workday" data-source="package"' in text
    assert 'data-date="2026-10-12" data-mark' not in text


def test_the_tables_rows_are_told_apart_from_the_packages_days_on_the_grid(cast, client):
    WorkdayOverride.objects.create(date=date(2026, 6, 22), kind=HOLIDAY, name="临时放假")
    text = page(client, cast.office, reverse("calendar:year", args=[2026])).text
    assert 'data-date="2026-06-22" data-mark="holiday" data-source="table"' in text
    assert 'data-date="2026-06-19" data-mark="holiday" data-source="package"' in text
    # For the office each day opens its row, or a new row for that date.
    edit = reverse("calendar:override-edit", args=[WorkdayOverride.objects.get().pk])
    assert text.count(f'href="{edit}"') == 2  # the grid and the table's list
    assert f"{reverse('calendar:override-create')}?date=2026-06-23&amp;year=2026" in text


def test_the_year_view_defaults_to_the_current_year_and_costs_the_same_for_any_table(cast, client):
    this_year = timezone.localdate().year
    assert f"{this_year}年" in page(client, cast.office, reverse("calendar:year")).text
    url = reverse("calendar:year", args=[2027])
    queries, _r, _sql = count_queries(lambda: client.get(url))
    for day in range(1, 29):
        WorkdayOverride.objects.create(date=date(2027, 2, day), kind=HOLIDAY)
    queries_after, response, _sql = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert queries_after == queries


def test_a_year_out_of_range_is_not_found(cast, client):
    assert page(client, cast.office, reverse("calendar:year", args=[1800])).status_code == 404


def test_the_calculator_gives_the_date_five_working_days_later(cast, client):
    url = reverse("calendar:year", args=[2026])
    text = page(client, cast.auditor, f"{url}?start=2026-09-30&days=5").text
    assert "2026-09-30 起 5 个工作日后为 <strong>2026-10-13</strong>" in text
    text = client.get(f"{url}?start=not-a-date&days=-1").text
    assert 'data-field-error="start"' in text and 'data-field-error="days"' in text
    assert 'data-testid="calculator-result"' not in text


# --- one day at a time ----------------------------------------------------------------------


def test_the_office_adds_edits_and_deletes_a_day(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("calendar:override-create"),
        {"date": "2027-10-04", "kind": HOLIDAY, "name": "国庆节", "note": "国办发明电〔2026〕1号"},
    )
    assert response.status_code == 302
    assert response.url == reverse("calendar:year", args=[2027])
    row = WorkdayOverride.objects.get()
    assert (row.date, row.kind, row.name) == (date(2027, 10, 4), HOLIDAY, "国庆节")
    assert row.history.get().history_user == cast.office

    response = client.post(
        reverse("calendar:override-edit", args=[row.pk]),
        {"date": "2027-10-09", "kind": WORKDAY, "name": "国庆节"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.date, row.kind) == (date(2027, 10, 9), WORKDAY)

    assert client.get(reverse("calendar:override-delete", args=[row.pk])).status_code == 200
    response = client.post(reverse("calendar:override-delete", args=[row.pk]))
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()


def test_bad_input_names_the_field_and_saves_nothing(cast, client):
    client.force_login(cast.office)
    response = client.post(
        reverse("calendar:override-create"), {"date": "2027-02-30", "kind": "party"}
    )
    assert response.status_code == 200
    assert 'data-field-error="date"' in response.text
    assert 'data-field-error="kind"' in response.text
    assert not WorkdayOverride.objects.exists()


def test_a_date_already_entered_gets_a_clear_message_on_its_field(cast, client):
    WorkdayOverride.objects.create(date=date(2027, 2, 8), kind=HOLIDAY, name="春节")
    client.force_login(cast.office)
    response = client.post(
        reverse("calendar:override-create"), {"date": "2027-02-08", "kind": WORKDAY}
    )
    assert response.status_code == 200
    assert 'data-field-error="date"' in response.text
    assert (
        "2027-02-08 已录入为“2027-02-08 放假（春节）”，请编辑该条，不要重复录入。" in response.text
    )
    assert WorkdayOverride.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        workday_override_save(actor=cast.office, date=date(2027, 2, 8), kind=WORKDAY)
    assert list(exc.value.message_dict) == ["date"]


# --- a year's schedule pasted at once -------------------------------------------------------


def test_a_pasted_schedule_is_previewed_day_by_day_then_saved(cast, client):
    client.force_login(cast.office)
    url = reverse("calendar:schedule-bulk")
    response = client.post(url, {"text": SPRING_FESTIVAL_2027, "preview": "1"})
    assert response.status_code == 200
    assert response.text.count('<tr data-date="2027-02-') == 8
    assert 'data-testid="save"' in response.text
    assert not WorkdayOverride.objects.exists()

    response = client.post(url, {"text": SPRING_FESTIVAL_2027, "save": "1"})
    assert response.status_code == 302
    assert response.url == reverse("calendar:year", args=[2027])
    rows = list(WorkdayOverride.objects.values_list("date", "kind", "name"))
    assert rows[0] == (date(2027, 2, 6), HOLIDAY, "春节")
    assert rows[-1] == (date(2027, 2, 14), WORKDAY, "春节")
    assert len(rows) == 8


def test_bulk_errors_name_their_line_and_nothing_is_saved(cast, client):
    WorkdayOverride.objects.create(date=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    text = (
        "2027-01-01 放假 元旦\n"
        "\n"
        "2027-02-06 至 2027-02-12 放假 春节\n"
        "2027-02-30 调休上班 春节\n"
        "2027-02-14 加班 春节\n"
        "2027-02-10 调休上班 春节\n"
        "2027-05-05 至 2027-05-01 放假 劳动节\n"
    )
    parsed = workday_schedule_parse(text)
    assert parsed.errors == [
        "第1行：2027-01-01 已录入为“2027-01-01 放假（元旦）”，请编辑该条，不要重复录入。",
        "第4行：日期无效（2027-02-30）。",
        "第5行：无法识别“2027-02-14 加班 春节”，应写作“2027-02-06 至 2027-02-12 放假 春节”"
        "或“2027-02-14 调休上班 春节”。",
        "第6行：2027-02-10 与第3行重复。",
        "第7行：结束日期 2027-05-01 早于开始日期 2027-05-05。",
    ]
    client.force_login(cast.office)
    response = client.post(reverse("calendar:schedule-bulk"), {"text": text, "save": "1"})
    assert response.status_code == 200
    assert "第4行：日期无效（2027-02-30）。" in response.text
    assert WorkdayOverride.objects.count() == 1
    with pytest.raises(ValidationError):
        workday_schedule_save(actor=cast.office, text=text)
    assert WorkdayOverride.objects.count() == 1


def test_bulk_accepts_chinese_dates_and_an_empty_paste_is_an_error(cast):
    parsed = workday_schedule_parse("2027年10月1日至2027年10月7日放假国庆节\n2027年9月26日 上班")
    assert parsed.errors == []
    assert [(r.line, r.date.day, r.kind) for r in parsed.rows][-1] == (2, 26, WORKDAY)
    assert len(parsed.rows) == 8
    assert workday_schedule_parse("  \n").errors == ["请粘贴至少一行节假日安排。"]


# --- what a 督办单 counts with ---------------------------------------------------------------


def test_add_workdays_follows_a_row_the_office_entered(cast):
    # Friday 5 February 2027 + 1 working day: Monday the 8th until the Spring Festival is in.
    assert calendar_status(2027).source == "missing"
    assert add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 8)
    workday_schedule_save(actor=cast.office, text=SPRING_FESTIVAL_2027)
    assert calendar_status(2027).source == "table"
    # 6–12 February off; Sunday the 14th is the make-up working day.
    assert add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 14)
    assert add_workdays(date(2027, 2, 5), 5) == date(2027, 2, 18)
