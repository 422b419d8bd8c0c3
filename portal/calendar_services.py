"""节假日安排 — the office keeps the working-day calendar for years the package lacks.

Reads: ``workday_calendar_year`` (a year's source, month grids and the table's rows) and
``workday_overrides_for`` (the rows a user may see, through ``restrict``). Writes: one row at a
time (``workday_override_save``, ``workday_override_delete``) or a whole year's schedule pasted
from the 国务院办公厅 notice (``workday_schedule_parse`` for the preview,
``workday_schedule_save`` to save it all or nothing). Only the office and admins write;
auditors read; bureau and township staff have no business here.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import WorkdayOverride
from .permissions import require, restrict, user_scope
from .workdays import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    CalendarStatus,
    WorkdayCalendar,
    calendar_status,
    package_covers,
)

Kind = WorkdayOverride.Kind

# The longest run a pasted line may cover: the longest holiday China gives is 9 days.
MAX_RANGE_DAYS = 31
# What the State Council's notices and offices write for each kind.
KIND_WORDS = {
    "放假": Kind.HOLIDAY,
    "休息": Kind.HOLIDAY,
    "放假调休": Kind.HOLIDAY,
    "调休上班": Kind.WORKDAY,
    "上班": Kind.WORKDAY,
    "补班": Kind.WORKDAY,
}
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?"
_LINE = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*(?:至|到|~|～|—|–)\s*(?P<last>{_DATE}))?"
    rf"\s*(?P<kind>{'|'.join(sorted(KIND_WORDS, key=len, reverse=True))})"
    r"\s*(?P<name>.*)$"
)


# --- reads ----------------------------------------------------------------------------------


def _require_reader(actor) -> None:
    if not user_scope(actor).sees_all:
        raise PermissionDenied(_("只有安委办、审计和系统管理员可以查看节假日安排。"))


def _require_writer(actor, action: str, override: WorkdayOverride) -> None:
    # Checked before ``require``, whose message prints the row (an unsaved one has no date).
    if not user_scope(actor).writes_all:
        raise PermissionDenied(_("只有安委办或系统管理员可以修改节假日安排。"))
    require(actor, action, override)


def workday_overrides_for(*, user, year: int | None = None) -> QuerySet[WorkdayOverride]:
    """The table's rows the user may see (all for the office, admins and auditors)."""
    rows = restrict(WorkdayOverride.objects.all(), user, "view")
    return rows.filter(date__year=year) if year else rows


@lru_cache(maxsize=1)
def _package_names() -> holidays.HolidayBase:
    # The same schedules as portal.workdays uses, in Chinese, for the names on the grid.
    return holidays.China(years=range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1), language="zh_CN")


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    is_workday: bool
    mark: str = ""  # "holiday" (放假) / "workday" (调休上班) / "" (an ordinary day)
    source: str = ""  # "table" / "package" for a marked day
    name: str = ""
    override_id: int | None = None  # the table's row for this day, if any

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    weeks: list[list[CalendarDay | None]]


@dataclass
class CalendarYear:
    year: int
    status: CalendarStatus
    months: list[CalendarMonth] = field(default_factory=list)
    overrides: list[WorkdayOverride] = field(default_factory=list)
    holidays: int = 0  # 放假 weekdays
    workdays: int = 0  # working days in the year


def workday_calendar_year(*, user, year: int) -> CalendarYear:
    """A year as the office reads it: where its schedule comes from, twelve month grids
    with 放假 and 调休上班 marked (the table's rows told apart from the package's), and the
    table's rows. Two queries whatever the year."""
    _require_reader(user)
    overrides = list(workday_overrides_for(user=user, year=year))
    by_date = {row.date: row for row in overrides}
    days = WorkdayCalendar()
    days._overrides[year] = {row.date: row.kind for row in overrides}
    names = _package_names() if package_covers(year) else {}
    result = CalendarYear(year=year, status=calendar_status(year), overrides=overrides)
    for month in range(1, 13):
        weeks = []
        for week in calendar.Calendar().monthdatescalendar(year, month):
            row: list[CalendarDay | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                entry = _day(day, days.is_workday(day), by_date.get(day), names)
                result.workdays += entry.is_workday
                result.holidays += entry.mark == Kind.HOLIDAY and not entry.is_weekend
                row.append(entry)
            weeks.append(row)
        result.months.append(CalendarMonth(month=month, weeks=weeks))
    return result


def _day(day, is_workday, override, names) -> CalendarDay:
    if override is not None:
        return CalendarDay(day, is_workday, override.kind, "table", override.name, override.pk)
    weekend = day.weekday() >= 5
    if not is_workday and (not weekend or day in names):
        return CalendarDay(day, is_workday, Kind.HOLIDAY, "package", names.get(day, ""))
    if is_workday and weekend:
        return CalendarDay(day, is_workday, Kind.WORKDAY, "package", _("调休上班"))
    return CalendarDay(day, is_workday)


def workdays_add(*, start: datetime.date, days: int) -> datetime.date:
    """The calculator on the page: what a 督办单 issued on ``start`` would be given."""
    return WorkdayCalendar().add_workdays(start, days)


# --- one row --------------------------------------------------------------------------------


def _duplicate_message(existing: WorkdayOverride) -> str:
    return _("%(date)s 已录入为“%(row)s”，请编辑该条，不要重复录入。") % {
        "date": existing.date.isoformat(),
        "row": existing,
    }


@transaction.atomic
def workday_override_save(
    *,
    actor,
    date: datetime.date,
    kind: str,
    name: str = "",
    note: str = "",
    instance: WorkdayOverride | None = None,
) -> WorkdayOverride:
    """Add a day to the table, or change one (``instance``). One row per date."""
    override = instance if instance is not None else WorkdayOverride()
    _require_writer(actor, "change" if override.pk else "add", override)
    if date is not None:
        existing = WorkdayOverride.objects.filter(date=date).exclude(pk=override.pk).first()
        if existing is not None:
            raise ValidationError({"date": _duplicate_message(existing)})
    override.date, override.kind = date, kind
    override.name, override.note = (name or "").strip(), (note or "").strip()
    override.full_clean()
    override._history_user = actor
    override.save()
    return override


@transaction.atomic
def workday_override_delete(*, actor, override: WorkdayOverride) -> None:
    _require_writer(actor, "delete", override)
    override._history_user = actor
    override.delete()


# --- a year's schedule pasted at once -------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    date: datetime.date
    kind: str
    name: str

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass
class ParsedSchedule:
    rows: list[ScheduleRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({row.date.year for row in self.rows})


def _parse_date(text: str) -> datetime.date:
    year, month, day = (int(part) for part in re.findall(r"\d+", text))
    return datetime.date(year, month, day)


def workday_schedule_parse(text: str) -> ParsedSchedule:
    """Read pasted lines such as ``2027-02-06 至 2027-02-12 放假 春节`` and
    ``2027-02-14 调休上班 春节``; every error names its line. Blank lines are skipped.

    A 放假 range is entered day by day, weekend included, as the notice counts it. A date
    already in the table or given twice is an error: the office edits that row instead.
    """
    parsed = ParsedSchedule()
    errors: list[tuple[int, str]] = []
    seen: dict[datetime.date, int] = {}
    lines = [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        parsed.errors.append(_("请粘贴至少一行节假日安排。"))
        return parsed
    wanted: list[ScheduleRow] = []
    for number, line in lines:
        match = _LINE.match(line)
        if not match:
            errors.append((number, _unreadable(line)))
            continue
        try:
            first = _parse_date(match["first"])
            last = _parse_date(match["last"]) if match["last"] else first
        except ValueError:
            bad = (
                match["first"] if match["last"] is None else f"{match['first']} 至 {match['last']}"
            )
            errors.append((number, _("日期无效（%(text)s）。") % {"text": bad}))
            continue
        if last < first:
            errors.append(
                (
                    number,
                    _("结束日期 %(last)s 早于开始日期 %(first)s。")
                    % {"first": first, "last": last},
                )
            )
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            errors.append((number, _("一段安排不能超过 %(n)d 天。") % {"n": MAX_RANGE_DAYS}))
            continue
        name = match["name"].strip()[:50]
        kind = KIND_WORDS[match["kind"]]
        for offset in range((last - first).days + 1):
            day = first + datetime.timedelta(days=offset)
            if day in seen:
                errors.append(
                    (
                        number,
                        _("%(date)s 与第%(other)d行重复。") % {"date": day, "other": seen[day]},
                    )
                )
                continue
            seen[day] = number
            wanted.append(ScheduleRow(number, day, kind, name))
    existing = {row.date: row for row in WorkdayOverride.objects.filter(date__in=list(seen))}
    for row in wanted:
        if row.date in existing:
            errors.append((row.line, _duplicate_message(existing[row.date])))
        else:
            parsed.rows.append(row)
    parsed.errors = [
        _("第%(line)d行：%(message)s") % {"line": line, "message": message}
        for line, message in sorted(errors, key=lambda error: error[0])
    ]
    return parsed


def _unreadable(line: str) -> str:
    return _(
        "无法识别“%(text)s”，应写作“2027-02-06 至 2027-02-12 放假 春节”"
        "或“2027-02-14 调休上班 春节”。"
    ) % {"text": line}


@transaction.atomic
def workday_schedule_save(*, actor, text: str) -> list[WorkdayOverride]:
    """Save every row of a pasted schedule, or none: any error is raised with its line."""
    _require_writer(actor, "add", WorkdayOverride(date=datetime.date.min))
    parsed = workday_schedule_parse(text)
    if parsed.errors:
        raise ValidationError(parsed.errors)
    saved = []
    for row in parsed.rows:
        override = WorkdayOverride(date=row.date, kind=row.kind, name=row.name)
        try:
            override.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                [
                    _("第%(line)d行：%(message)s") % {"line": row.line, "message": m}
                    for m in exc.messages
                ]
            ) from exc
        override._history_user = actor
        override.save()
        saved.append(override)
    return saved
