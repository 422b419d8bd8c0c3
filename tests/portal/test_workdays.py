"""The working-day calendar: China's statutory holidays and 调休, the office's table, warnings."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import WorkdayOverride
from portal.workdays import (
    PACKAGE_LAST_YEAR,
    add_workdays,
    calendar_status,
    is_workday,
    workdays_between,
)
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

HOLIDAY, WORKDAY = WorkdayOverride.Kind.HOLIDAY, WorkdayOverride.Kind.WORKDAY


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_pinned_package_carries_official_schedules_through_2026():
    # Upgrading `holidays` moves this: then the table is no longer needed for the new year.
    assert PACKAGE_LAST_YEAR == 2026
    assert calendar_status(2026).source == "package"
    assert calendar_status(2026).warning is None


def test_spring_festival_2026_is_nine_days_off_with_two_saturdays_worked():
    assert not any(is_workday(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_workday(date(2026, 2, 13)) and is_workday(date(2026, 2, 24))
    # 调休上班: Saturday 14 February and Saturday 28 February 2026.
    assert is_workday(date(2026, 2, 14)) and is_workday(date(2026, 2, 28))


def test_national_day_2026_is_off_from_1_to_7_october_with_make_up_weekend_days():
    assert not any(is_workday(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    # 调休上班: Sunday 20 September and Saturday 10 October 2026.
    assert is_workday(date(2026, 9, 20)) and is_workday(date(2026, 10, 10))
    assert not is_workday(date(2026, 10, 11))


def test_five_working_days_from_30_september_2026_skip_the_golden_week():
    # 8, 9, 10 (make-up Saturday), 12 and 13 October.
    assert add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert workdays_between(date(2026, 10, 13), date(2026, 9, 30)) == -5
    assert add_workdays(date(2026, 9, 30), 0) == date(2026, 9, 30)


def test_an_override_turns_a_weekday_into_a_holiday():
    monday = date(2026, 6, 22)
    assert is_workday(monday)
    WorkdayOverride.objects.create(date=monday, kind=HOLIDAY, name="临时放假")
    assert not is_workday(monday)
    assert add_workdays(date(2026, 6, 19), 1) == date(2026, 6, 23)


def test_an_override_takes_precedence_over_the_package():
    WorkdayOverride.objects.create(date=date(2026, 10, 7), kind=WORKDAY, name="国庆节")
    assert is_workday(date(2026, 10, 7))


def test_a_year_nobody_entered_is_missing_with_a_warning_and_counts_monday_to_friday():
    status = calendar_status(2028)
    assert status.source == "missing"
    assert status.warning == (
        "2028年法定节假日安排尚未录入，工作日按周一至周五计算，"
        "请在“节假日安排”页面录入国务院办公厅公布的安排。"
    )
    # Without a schedule, National Day's Monday counts as a working day.
    assert is_workday(date(2028, 10, 2))
    assert not is_workday(date(2028, 10, 7))


def test_a_year_entered_in_the_table_is_counted_from_the_table():
    WorkdayOverride.objects.create(date=date(2027, 2, 8), kind=HOLIDAY, name="春节")
    WorkdayOverride.objects.create(date=date(2027, 2, 20), kind=WORKDAY, name="春节")
    status = calendar_status(2027)
    assert status.source == "table" and status.warning is None
    assert not is_workday(date(2027, 2, 8))
    assert is_workday(date(2027, 2, 20))
    assert is_workday(date(2027, 2, 9))


def test_a_date_can_be_entered_only_once():
    WorkdayOverride.objects.create(date=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    duplicate = WorkdayOverride(date=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "date" in exc.value.message_dict
    assert str(WorkdayOverride.objects.get()) == "2027-01-01 放假（元旦）"


def test_counting_sixty_days_costs_one_query_per_calendar_year():
    WorkdayOverride.objects.create(date=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    queries, result, _sql = count_queries(lambda: add_workdays(date(2026, 12, 1), 42))
    # 22 working days in December 2026 after the 1st, then 20 in January 2027 from the 4th.
    assert result == date(2027, 1, 29)
    assert queries == 2
    queries, n, _sql = count_queries(lambda: workdays_between(date(2026, 3, 1), date(2026, 4, 30)))
    assert queries == 1 and n == 43


def test_the_office_is_warned_while_next_years_schedule_is_missing(cast, client):
    this_year = timezone.localdate().year
    assert this_year + 1 > PACKAGE_LAST_YEAR, "the package now holds next year: move the test"
    client.force_login(cast.office)
    page = client.get(reverse("workbench")).text
    assert 'data-testid="panel-workdays"' in page
    assert f"{this_year + 1}年法定节假日安排尚未录入" in page
    # The office enters it on its own calendar page (it has no Django admin account).
    assert reverse("calendar:year", args=[this_year + 1]) in page
    assert reverse("admin:portal_workdayoverride_changelist") not in page

    client.force_login(cast.zhujian)
    assert 'data-testid="panel-workdays"' not in client.get(reverse("workbench")).text
    client.force_login(cast.auditor)
    assert 'data-testid="panel-workdays"' not in client.get(reverse("workbench")).text


def test_the_warning_goes_once_the_office_enters_the_schedule(cast, client):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if calendar_status(year).source == "missing":
            WorkdayOverride.objects.create(date=date(year, 1, 1), kind=HOLIDAY, name="元旦")
    client.force_login(cast.office)
    assert 'data-testid="panel-workdays"' not in client.get(reverse("workbench")).text


def test_admins_edit_the_schedule_in_system_administration(cast, client):
    WorkdayOverride.objects.create(date=date(2027, 2, 20), kind=WORKDAY, name="春节")
    client.force_login(cast.admin)
    response = client.get(reverse("admin:portal_workdayoverride_changelist"))
    assert response.status_code == 200
    assert "调休上班" in response.text
