"""工作日 — the working-day calendar deadlines counted in working days use (a 督办单's reply).

A day is a working day by, in order:

1. the office's table ``WorkdayOverride`` (放假 / 调休上班), which corrects anything below and
   carries a year's 国务院办公厅 schedule once the package lacks it;
2. the ``holidays`` package's China calendar, for the years whose official schedule it holds:
   statutory holidays, 调休 days off and the weekend make-up working days it keeps in
   ``weekend_workdays`` (China's 2026 Sundays and Saturdays worked are there);
3. otherwise Monday to Friday. Such a year is "missing": the office is warned on the workbench.

The package also computes holidays for later years from rules, with 补假 guesses that China
does not follow, so beyond its last official schedule we ignore it rather than trust them.
Each call loads the table one query per calendar year it touches, never one per day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from holidays.countries.china import ChinaStaticHolidays

from .models import WorkdayOverride
from .permissions import user_scope
from .workbench import Panel

# The package holds each published schedule as substitutions keyed by year; its newest key is
# the last year whose official notice it carries (2026 for holidays==0.109). Beyond it the
# package only extrapolates, so a newer year needs the office's table.
PACKAGE_FIRST_YEAR = min(ChinaStaticHolidays.special_public_holidays)
PACKAGE_LAST_YEAR = max(ChinaStaticHolidays.special_public_holidays)

Source = Literal["package", "table", "missing"]


@lru_cache(maxsize=1)
def _package_calendar() -> holidays.HolidayBase:
    # Every covered year at once: a schedule may name a make-up day in the previous December.
    return holidays.China(years=range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1))


def package_covers(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


@dataclass
class WorkdayCalendar:
    """One computation's view of the calendar: the table read once per year, then reused."""

    _overrides: dict[int, dict[date, str]] = field(default_factory=dict)

    def overrides(self, year: int) -> dict[date, str]:
        if year not in self._overrides:
            self._overrides[year] = dict(
                WorkdayOverride.objects.filter(date__year=year).values_list("date", "kind")
            )
        return self._overrides[year]

    def is_workday(self, day: date) -> bool:
        kind = self.overrides(day.year).get(day)
        if kind is not None:
            return kind == WorkdayOverride.Kind.WORKDAY
        if package_covers(day.year):
            return _package_calendar().is_working_day(day)
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when b is before a)."""
        if b < a:
            return -self.workdays_between(b, a)
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def is_workday(day: date) -> bool:
    return WorkdayCalendar().is_workday(day)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself when n is 0)."""
    return WorkdayCalendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    """How many working days follow ``a`` up to and including ``b``."""
    return WorkdayCalendar().workdays_between(a, b)


@dataclass(frozen=True)
class CalendarStatus:
    year: int
    source: Source
    warning: str | None = None


def calendar_status(year: int) -> CalendarStatus:
    """Where the year's schedule comes from; a Chinese warning when nobody has entered it."""
    if package_covers(year):
        return CalendarStatus(year, "package")
    if WorkdayOverride.objects.filter(date__year=year).exists():
        return CalendarStatus(year, "table")
    return CalendarStatus(
        year,
        "missing",
        _(
            "%(year)d年法定节假日安排尚未录入，工作日按周一至周五计算，"
            "请在“节假日安排”页面录入国务院办公厅公布的安排。"
        )
        % {"year": year},
    )


def workday_calendar_panel(request):
    """节假日安排 — warns the office and admins while this or next year's schedule is missing."""
    if not user_scope(request.user).writes_all:
        return None
    this_year = timezone.localdate().year
    missing = [
        status
        for year in (this_year, this_year + 1)
        if (status := calendar_status(year)).source == "missing"
    ]
    if not missing:
        return None
    return Panel(
        title=gettext_lazy("节假日安排"),
        template="portal/workdays_panel.html",
        context={
            "missing": missing,
            "calendar_url": reverse("calendar:year", args=[missing[0].year]),
        },
        order=5,
    )
