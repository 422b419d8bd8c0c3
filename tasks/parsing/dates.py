"""Deadlines written in a task's text, read to the last day of the period they name.

``2019年底前`` → 2019-12-31, ``到2019年8月底前`` → 2019-08-31, ``2019年7月10日`` → that day,
``2022年前`` → 2022-12-31 ("by 2022"), ``力争到2020年底`` → 2020-12-31. ``20196月底前`` (the 年
lost, as in every month deadline of the Shouguang text) still reads as 2019-06-30, with a note.
A recurrence (``每年3月``, ``每年4月和11月``) is due at the end of its first occurrence on or
after the directive's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .text import cn_number


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    due: date | None
    recurrence: dict | None = None
    note: str | None = None


_RECUR_MONTHS = re.compile(
    r"每年度?\s*(\d{1,2})\s*月份?((?:\s*(?:和|、|及|与|,|至|到|-)\s*\d{1,2}\s*月份?)*)"
)
_RECUR_OTHER = re.compile(r"每(?:个)?季度|每半年|每(?:个)?月|每年度?")
_DAY = re.compile(r"(?<!\d)(\d{4})\s*(年?)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH = re.compile(
    r"(?<!\d)(\d{4})\s*(年?)\s*(\d{1,2})\s*月份?\s*(底|末|中旬|上旬|下旬)?"
    r"(?:\s*(?:至|到|—|-|~)\s*(\d{1,2})\s*月份?\s*(?:底|末)?)?"
)
_QUARTER = re.compile(r"(?<!\d)(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度")
_HALF = re.compile(r"(?<!\d)(\d{4})\s*年\s*(上|下)半年")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年\s*(?:底|末|内|以前|之前|前)?")
_YEAR_SLIP = re.compile(r"(?<!\d)(\d{4})\s*(?:底|末)")
_MONTH_NO_YEAR = re.compile(r"(?<![\d年])(\d{1,2})\s*月份?\s*(?:底|末)")
_RANGE_JOIN = re.compile(r"\s*(?:至|到|—|-|~)\s*")
_OPEN_ENDED = re.compile(r"长期坚持|长期推进|持续推进|持续开展|长期开展|常态化|长期")

_RECUR_MONTHS_OF = {
    "季度": [3, 6, 9, 12],
    "半年": [6, 12],
    "月": list(range(1, 13)),
}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def first_occurrence(months: list[int], issued_on: date | None) -> date | None:
    """The end of the first listed month ending on or after ``issued_on`` (None without it)."""
    if issued_on is None or not months:
        return None
    for year in (issued_on.year, issued_on.year + 1):
        for month in sorted(months):
            end = month_end(year, month)
            if end >= issued_on:
                return end
    return None


def is_open_ended(text: str) -> bool:
    """长期坚持 / 持续推进: a commitment with no date."""
    return bool(_OPEN_ENDED.search(text))


def parse_calendar_date(text: str) -> date | None:
    """``2019年04月26日`` (or ``2019-04-26``) → a date, else None."""
    match = re.search(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})", text)
    if not match:
        return None
    return _safe_date(int(match[1]), int(match[2]), int(match[3]))


def find_dates(text: str, *, issued_on: date | None) -> list[DateMention]:
    """Every deadline or recurrence in ``text``, in order of appearance."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []

    def free(match: re.Match) -> bool:
        return all(match.end() <= a or match.start() >= b for a, b in taken)

    def add(match: re.Match, due, recurrence=None, note=None):
        taken.append((match.start(), match.end()))
        found.append(DateMention(match.start(), match.end(), due, recurrence, note))

    for match in _RECUR_MONTHS.finditer(text):
        months = _months_of(match[1] + (match[2] or ""))
        if months:
            recurrence = {"freq": "yearly", "months": months}
            add(match, first_occurrence(months, issued_on), recurrence)
    for match in _RECUR_OTHER.finditer(text):
        if not free(match):
            continue
        key = next((k for k in _RECUR_MONTHS_OF if k in match[0]), None)
        months = _RECUR_MONTHS_OF[key] if key else [12]
        add(match, first_occurrence(months, issued_on), {"freq": "yearly", "months": months})
    for match in _DAY.finditer(text):
        if free(match):
            due = _safe_date(int(match[1]), int(match[3]), int(match[4]))
            if due:
                add(match, due, note=_slip(match, due) if not match[2] else None)
    for match in _MONTH.finditer(text):
        if not free(match):
            continue
        year, month = int(match[1]), int(match[5] or match[3])
        if not (_plausible_year(year) and 1 <= month <= 12):
            continue
        due = month_end(year, month)
        part = match[4] or ""
        if part in ("上旬", "中旬"):
            due = date(year, month, 10 if part == "上旬" else 20)
        add(match, due, note=_slip(match, due) if not match[2] else None)
    for match in _QUARTER.finditer(text):
        if free(match) and _plausible_year(int(match[1])):
            quarter = int(match[2]) if match[2].isdigit() else cn_number(match[2])
            add(match, month_end(int(match[1]), quarter * 3))
    for match in _HALF.finditer(text):
        if free(match) and _plausible_year(int(match[1])):
            add(match, month_end(int(match[1]), 6 if match[2] == "上" else 12))
    for match in _YEAR.finditer(text):
        if free(match) and _plausible_year(int(match[1])):
            add(match, date(int(match[1]), 12, 31))
    for match in _YEAR_SLIP.finditer(text):
        if free(match) and _plausible_year(int(match[1])):
            due = date(int(match[1]), 12, 31)
            add(match, due, note=_slip(match, due))
    for match in _MONTH_NO_YEAR.finditer(text):
        if free(match) and 1 <= int(match[1]) <= 12:
            due = first_occurrence([int(match[1])], issued_on)
            add(match, due, note=f"“{match[0]}”未写年份,按发文日期读作{_iso(due)}")

    found.sort(key=lambda mention: mention.start)
    # In "2019年5月至2020年6月" only the end of the range is the deadline.
    return [
        mention
        for index, mention in enumerate(found)
        if index + 1 == len(found)
        or not _RANGE_JOIN.fullmatch(text[mention.end : found[index + 1].start])
        or mention.recurrence
    ]


def _months_of(spec: str) -> list[int]:
    numbers = [int(n) for n in re.findall(r"\d{1,2}", spec)]
    joins = re.findall(r"(和|、|及|与|,|至|到|-)", spec)
    months: list[int] = []
    for index, number in enumerate(numbers):
        if not 1 <= number <= 12:
            return []
        if index and joins[index - 1] in ("至", "到", "-"):
            months[-1] = number  # 每年3月至5月: the campaign ends in May
        else:
            months.append(number)
    return sorted(set(months))


def _plausible_year(year: int) -> bool:
    return 1949 <= year <= 2100


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not _plausible_year(year):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _slip(match: re.Match, due: date) -> str:
    return f"“{match[0].strip()}”缺少“年”,读作{_iso(due)}"


def _iso(due: date | None) -> str:
    return due.isoformat() if due else "无日期"
