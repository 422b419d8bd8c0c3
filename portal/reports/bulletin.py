"""月度通报 — the office's monthly bulletin on the directive, for any month.

One content, two renderings: ``bulletin_content`` gathers the month's figures as plain data
(what an issued bulletin freezes as its snapshot), ``bulletin_document`` lays them out in the
order the circulated document reads — 总体进展, 已完成事项, 逾期事项 with the units named,
督办情况, 隐患整改, 考核排名, 下步工作 — and the A4 print page and the Word file
(``bulletin_docx``) both render that document, so what is printed and downloaded agree.

The figures are read through ``restrict`` for the person asking (the office and auditors see
the city; a unit previewing a month sees its own scope), as of the end of the month (or today,
for the month under way): a milestone completed after the month counts as open in it. The
ranking is the month's scorecard (``portal.dashboard.scorecard``), the city's for everyone.
Each part is one grouped query, so a month costs the same queries whatever the data.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dashboard.scorecard import month_period, scorecard
from portal.models import YearCounter
from portal.permissions import require, restrict
from portal.supervision.documents import BODY_FONT, TITLE_FONT, chinese_date, issuer_name

from .models import Bulletin

SNAPSHOT_VERSION = 1
BULLETIN_COUNTER = "bulletin"  # portal.models.YearCounter hands out the issue numbers
TITLE_SUFFIX = "城市安全发展工作月度通报"
# The bulletin lists at most this many completed or overdue items; the rest are counted.
LIST_LIMIT = 200


# --- what the month holds -------------------------------------------------------------------


def city_name(issuer: str) -> str:
    """寿光市 from 中共寿光市委办公室 or 寿光市人民政府办公室; "" when no city is named."""
    text = re.sub(r"^中共", "", (issuer or "").strip())
    match = re.match(r"^(.{1,8}?[市县区])", text)
    return match.group(1) if match else ""


def office_city() -> str:
    """The city in the office unit's full name (寿光市安全生产委员会办公室 among its aliases),
    for a directive whose issuer names none (one read from a bureau's web page)."""
    from responsibilities.models import OrgUnit

    for name, aliases in OrgUnit.objects.filter(
        kind=OrgUnit.Kind.OFFICE, is_active=True
    ).values_list("name", "aliases"):
        for candidate in [name, *(aliases or [])]:
            if city := city_name(str(candidate)):
                return city
    return ""


def bulletin_title(city: str) -> str:
    return f"{city}{TITLE_SUFFIX}"


def month_label(year: int, month: int) -> str:
    return _("%(year)d年%(month)d月") % {"year": year, "month": month}


def _directive(user):
    from tasks.models import Directive

    return (
        restrict(Directive.objects.all(), user, "view")
        .order_by("-issued_on", "-created_at")
        .only("pk", "title", "doc_number", "issuer")
        .first()
    )


def _milestones(user, directive, as_of: datetime.date) -> list[dict]:
    """The directive's milestones with ``done`` (completed by ``as_of``) — one query."""
    from tasks.models import Milestone
    from tasks.selectors import milestones_with_status

    queryset = milestones_with_status(
        restrict(Milestone.objects.filter(task__directive=directive), user, "view")
    ).order_by("task__order", "order", "due_on", "pk")
    rows = list(
        queryset.values(
            "pk",
            "task_id",
            "text",
            "due_on",
            "done_on",
            "started",
            "task__number",
            "task__title",
            "task__lead_unit__name",
        )
    )
    for row in rows:
        done_on = row["done_on"]
        row["done"] = done_on is not None and done_on <= as_of
    return rows


def _task_lights(user, directive, milestones: list[dict], as_of: datetime.date) -> Counter:
    """Each task's light as it stood on ``as_of`` (one query for the tasks)."""
    from tasks.models import Task
    from tasks.selectors import milestone_light, task_light

    task_ids = restrict(Task.objects.filter(directive=directive), user, "view").values_list(
        "pk", flat=True
    )
    lights: dict[int, list] = {pk: [] for pk in task_ids}
    for row in milestones:
        if row["task_id"] in lights:
            lights[row["task_id"]].append(
                milestone_light(
                    due_on=row["due_on"],
                    done_on=row["done_on"] if row["done"] else None,
                    started=bool(row["started"]),
                    today=as_of,
                )
            )
    return Counter(task_light(values).value for values in lights.values())


def _co_units(task_ids: set[int]) -> dict[int, list[str]]:
    from tasks.choices import AssignmentRole
    from tasks.models import Assignment

    names: dict[int, list[str]] = {}
    for task_id, name in (
        Assignment.objects.filter(task_id__in=task_ids, role=AssignmentRole.CO)
        .order_by("task_id", "order", "pk")
        .values_list("task_id", "unit__name")
    ):
        names.setdefault(task_id, []).append(name)
    return names


def _notices(user, start: datetime.date, end: datetime.date, as_of: datetime.date) -> dict:
    from portal.supervision.models import SupervisionNotice

    end_of_month = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.max))
    start_of_month = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    issued = Q(issued_on__gte=start, issued_on__lte=end)
    closed = Q(closed_at__gte=start_of_month, closed_at__lte=end_of_month)
    open_at_end = Q(issued_on__lte=as_of) & (
        Q(closed_at__isnull=True) | Q(closed_at__gt=end_of_day)
    )
    rows = (
        restrict(SupervisionNotice.objects.all(), user, "view")
        .filter(issued | closed | open_at_end)
        .values("unit__name", "unit__sort_order")
        .annotate(
            issued=Count("pk", filter=issued),
            closed=Count("pk", filter=closed),
            open=Count("pk", filter=open_at_end),
        )
        .order_by("unit__sort_order", "unit__name")
    )
    units = [
        {"unit": r["unit__name"], "issued": r["issued"], "closed": r["closed"], "open": r["open"]}
        for r in rows
    ]
    return {
        "issued": sum(u["issued"] for u in units),
        "closed": sum(u["closed"] for u in units),
        "open": sum(u["open"] for u in units),
        "units": [u for u in units if u["issued"] or u["closed"] or u["open"]],
    }


def _hazards(user, period, as_of: datetime.date, today: datetime.date) -> dict:
    """Found, major, closed in the month; due in the month and rectified in time (the
    scorecard's own count); open past their deadline at ``as_of`` (as the hazard list's
    逾期 filter counts them)."""
    from hazards.choices import HazardGrade, HazardState
    from hazards.models import Hazard
    from portal.dashboard.scorecard import hazard_items

    def day_end(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))

    month_start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    found = Q(found_on__gte=period.start, found_on__lte=period.end)
    open_at = Q(found_on__lte=as_of) & (Q(closed_at__isnull=True) | Q(closed_at__gt=day_end(as_of)))
    figures = restrict(Hazard.objects.exclude(state=HazardState.REJECTED), user, "view").aggregate(
        found=Count("pk", filter=found),
        found_major=Count("pk", filter=found & Q(grade=HazardGrade.MAJOR)),
        closed=Count(
            "pk", filter=Q(closed_at__gte=month_start, closed_at__lte=day_end(period.end))
        ),
        overdue=Count("pk", filter=open_at & Q(deadline__lt=as_of)),
    )
    due = restrict(hazard_items(period, today), user, "view").aggregate(
        due=Count("pk"), in_time=Count("pk", filter=Q(ok=True))
    )
    return {**figures, **due}


def bulletin_content(*, user, year: int, month: int, today: datetime.date) -> dict:
    """The month's figures as JSON-ready data (an issued bulletin's snapshot)."""
    period = month_period(year, month)
    as_of = min(period.end, today)
    directive = _directive(user)
    city = (city_name(directive.issuer) if directive else "") or office_city()
    content = {
        "version": SNAPSHOT_VERSION,
        "title": bulletin_title(city),
        "city": city,
        "year": year,
        "month": month,
        "as_of": as_of.isoformat(),
        "directive": None,
        "tasks": {},
        "milestones": {},
        "completed": [],
        "overdue": [],
    }
    if directive is not None:
        content["directive"] = {"title": directive.title, "doc_number": directive.doc_number}
        milestones = _milestones(user, directive, as_of)
        lights = _task_lights(user, directive, milestones, as_of)
        content["tasks"] = {"total": sum(lights.values()), **dict(lights)}
        due = [m for m in milestones if period.contains(m["due_on"])]
        content["milestones"] = {
            "total": len(milestones),
            "done": sum(1 for m in milestones if m["done"]),
            "due": len(due),
            "due_on_time": sum(1 for m in due if m["done"] and m["done_on"] <= m["due_on"]),
            "due_late": sum(1 for m in due if m["done"] and m["done_on"] > m["due_on"]),
            "due_open": sum(1 for m in due if not m["done"]),
            "completed": sum(1 for m in milestones if m["done"] and period.contains(m["done_on"])),
        }
        completed = [m for m in milestones if m["done"] and period.contains(m["done_on"])]
        overdue = [
            m
            for m in milestones
            if not m["done"] and m["due_on"] is not None and m["due_on"] < as_of
        ]
        co_units = _co_units({m["task_id"] for m in overdue[:LIST_LIMIT]})
        content["completed"] = [
            {
                "task": f"{m['task__number']}. {m['task__title']}",
                "text": m["text"],
                "lead_unit": m["task__lead_unit__name"] or "",
                "due_on": m["due_on"].isoformat() if m["due_on"] else None,
                "done_on": m["done_on"].isoformat(),
            }
            for m in completed
        ]
        content["overdue"] = [
            {
                "task": f"{m['task__number']}. {m['task__title']}",
                "text": m["text"],
                "lead_unit": m["task__lead_unit__name"] or "",
                "co_units": co_units.get(m["task_id"], []),
                "due_on": m["due_on"].isoformat(),
                "days": (as_of - m["due_on"]).days,
            }
            for m in sorted(overdue, key=lambda m: (m["due_on"], m["pk"]))
        ]
    content["notices"] = _notices(user, period.start, period.end, as_of)
    content["hazards"] = _hazards(user, period, as_of, today)
    card = scorecard(period=period, today=today)
    content["ranking"] = {
        "indicators": [w.label for w in card.weights],
        "rows": [
            {
                "rank": row.rank,
                "unit": row.unit_name,
                "total": None if row.total is None else str(row.total),
                "scores": [
                    None if part.score is None else str(part.score_display)
                    for part in row.indicators
                ],
            }
            for row in card.rows
        ],
    }
    return content


# --- issuing --------------------------------------------------------------------------------


@transaction.atomic
def bulletin_issue(
    *, actor, year: int, month: int, next_steps: str, today: datetime.date
) -> Bulletin:
    """The office issues the month's bulletin: numbered 〔2026〕第N期, its figures frozen."""
    next_steps = (next_steps or "").strip()
    bulletin = Bulletin(year=year, month=month, next_steps=next_steps, issued_by=actor)
    require(actor, "add", bulletin)
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份应在1到12之间。")})
    if datetime.date(year, month, 1) > today:
        raise ValidationError(
            {"month": _("%(month)s尚未开始，不能签发。") % {"month": month_label(year, month)}}
        )
    if not next_steps:
        raise ValidationError({"next_steps": _("请填写下步工作。")})
    existing = Bulletin.objects.filter(year=year, month=month).first()
    if existing is not None:
        raise ValidationError(
            {
                "month": _("%(month)s的月度通报已经签发（%(number)s）。")
                % {"month": month_label(year, month), "number": existing.number}
            }
        )
    content = bulletin_content(user=actor, year=year, month=month, today=today)
    sequence = YearCounter.take(BULLETIN_COUNTER, year)
    bulletin.number = f"〔{year}〕第{sequence}期"
    bulletin.title = content["title"]
    bulletin.snapshot = content
    bulletin.full_clean()
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError as exc:  # issued by another office user a moment ago
        raise ValidationError({"month": _("该月的月度通报已经签发。")}) from exc
    return bulletin


def months_with_data(*, user, today: datetime.date, limit: int = 36) -> list[dict]:
    """Months (newest first, none after this one) with milestones due, 督办单 issued or
    hazards found that the user may see, and every month with an issued bulletin."""
    from hazards.models import Hazard
    from portal.supervision.models import SupervisionNotice
    from tasks.models import Milestone

    months: set[tuple[int, int]] = set()
    for model, name in (
        (Milestone, "due_on"),
        (SupervisionNotice, "issued_on"),
        (Hazard, "found_on"),
    ):
        queryset = restrict(model.objects.filter(**{f"{name}__lte": today}), user, "view")
        months.update((d.year, d.month) for d in queryset.dates(name, "month"))
    issued = {
        (b.year, b.month): b for b in restrict(Bulletin.objects.defer("snapshot"), user, "view")
    }
    months.update(issued)
    return [
        {"year": y, "month": m, "label": month_label(y, m), "bulletin": issued.get((y, m))}
        for y, m in sorted(months, reverse=True)[:limit]
    ]


# --- the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    key: str = ""
    numeric: bool = False  # every column after the first is a figure (centred)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    key: str = ""


@dataclass(frozen=True)
class BulletinDocument:
    """What a bulletin says, in the order the circulated document says it."""

    title: str
    number: str
    issuer: str
    period: str
    issued_on: str
    sections: list[Section]
    is_issued: bool


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _date(value: str | None) -> str:
    return chinese_date(datetime.date.fromisoformat(value)) if value else _("长期坚持")


NUMERALS = "一二三四五六七八九十"


def bulletin_document(
    content: dict,
    *,
    next_steps: str = "",
    number: str = "",
    issued_on: datetime.date | None = None,
    issuer: str | None = None,
) -> BulletinDocument:
    year, month = content["year"], content["month"]
    as_of = datetime.date.fromisoformat(content["as_of"])
    period = month_period(year, month)
    tasks, milestones = content.get("tasks") or {}, content.get("milestones") or {}
    directive = content.get("directive")
    sections: list[Section] = []

    # 总体进展
    if directive:
        total = tasks.get("total", 0)
        done = tasks.get("done", 0) + tasks.get("done_late", 0)
        name = f"《{directive['title']}》"
        if directive.get("doc_number"):
            name += f"（{directive['doc_number']}）"
        overview = [
            _(
                "截至%(date)s，%(directive)s确定的%(total)d项任务中，已完成%(done)d项（其中逾期完成"
                "%(done_late)d项），正常推进%(on_track)d项，即将到期%(due_soon)d项，已逾期%(overdue)d项，"
                "未开始%(not_started)d项，任务总体完成率%(rate)s。"
            )
            % {
                "date": chinese_date(as_of),
                "directive": name,
                "total": total,
                "done": done,
                "done_late": tasks.get("done_late", 0),
                "on_track": tasks.get("on_track", 0),
                "due_soon": tasks.get("due_soon", 0),
                "overdue": tasks.get("overdue", 0),
                "not_started": tasks.get("not_started", 0),
                "rate": _pct(done, total),
            },
            _(
                "本月到期节点%(due)d个，按时完成%(on_time)d个、逾期完成%(late)d个、尚未完成%(open)d个；"
                "本月共完成节点%(completed)d个。全部%(total)d个节点已完成%(all_done)d个，完成率%(rate)s。"
            )
            % {
                "due": milestones.get("due", 0),
                "on_time": milestones.get("due_on_time", 0),
                "late": milestones.get("due_late", 0),
                "open": milestones.get("due_open", 0),
                "completed": milestones.get("completed", 0),
                "total": milestones.get("total", 0),
                "all_done": milestones.get("done", 0),
                "rate": _pct(milestones.get("done", 0), milestones.get("total", 0)),
            },
        ]
        from tasks.choices import Light

        light_table = Table(
            key="lights",
            numeric=True,
            header=[_("任务状态"), _("任务数（项）"), _("占比")],
            rows=[
                [
                    str(light.label),
                    str(tasks.get(light.value, 0)),
                    _pct(tasks.get(light.value, 0), total),
                ]
                for light in (
                    Light.DONE,
                    Light.DONE_LATE,
                    Light.ON_TRACK,
                    Light.DUE_SOON,
                    Light.OVERDUE,
                    Light.NOT_STARTED,
                )
            ]
            + [[_("合计"), str(total), _pct(total, total)]],
        )
        sections.append(
            Section(
                key="overview", heading=_("总体进展"), paragraphs=overview, tables=[light_table]
            )
        )
    else:
        sections.append(
            Section(
                key="overview", heading=_("总体进展"), paragraphs=[_("暂无已导入的实施意见任务。")]
            )
        )

    # 已完成事项
    completed = content.get("completed", [])
    sections.append(
        Section(
            key="completed",
            heading=_("已完成事项"),
            paragraphs=[
                _("本月完成节点%(n)d个。") % {"n": len(completed)}
                if completed
                else _("本月没有完成的节点。"),
                *_more(len(completed)),
            ],
            tables=[
                Table(
                    key="completed",
                    header=[
                        _("序号"),
                        _("任务"),
                        _("节点内容"),
                        _("牵头单位"),
                        _("完成时限"),
                        _("完成日期"),
                    ],
                    rows=[
                        [
                            str(i),
                            row["task"],
                            row["text"],
                            row["lead_unit"],
                            _date(row["due_on"]),
                            _date(row["done_on"]),
                        ]
                        for i, row in enumerate(completed[:LIST_LIMIT], start=1)
                    ],
                )
            ]
            if completed
            else [],
        )
    )

    # 逾期事项
    overdue = content.get("overdue", [])
    units = Counter(row["lead_unit"] for row in overdue if row["lead_unit"])
    overdue_paragraphs = [
        _(
            "截至%(date)s，逾期未完成的节点%(n)d个，涉及牵头单位：%(units)s。请相关单位抓紧推进，按要求反馈督办单。"
        )
        % {
            "date": chinese_date(as_of),
            "n": len(overdue),
            "units": "、".join(f"{name}（{n}个）" for name, n in units.most_common()) or _("无"),
        }
        if overdue
        else _("截至%(date)s，没有逾期未完成的节点。") % {"date": chinese_date(as_of)},
        *_more(len(overdue)),
    ]
    sections.append(
        Section(
            key="overdue",
            heading=_("逾期事项"),
            paragraphs=overdue_paragraphs,
            tables=[
                Table(
                    key="overdue",
                    header=[
                        _("序号"),
                        _("任务"),
                        _("节点内容"),
                        _("完成时限"),
                        _("逾期天数"),
                        _("牵头单位"),
                        _("配合单位"),
                    ],
                    rows=[
                        [
                            str(i),
                            row["task"],
                            row["text"],
                            _date(row["due_on"]),
                            str(row["days"]),
                            row["lead_unit"],
                            "、".join(row["co_units"]),
                        ]
                        for i, row in enumerate(overdue[:LIST_LIMIT], start=1)
                    ],
                )
            ]
            if overdue
            else [],
        )
    )

    # 督办情况
    notices = content.get("notices") or {}
    sections.append(
        Section(
            key="notices",
            heading=_("督办情况"),
            paragraphs=[
                _("本月下发督办单%(issued)d份，办结%(closed)d份；截至%(date)s尚未办结%(open)d份。")
                % {
                    "date": chinese_date(as_of),
                    **{k: notices.get(k, 0) for k in ("issued", "closed", "open")},
                }
            ],
            tables=[
                Table(
                    key="notices",
                    numeric=True,
                    header=[_("责任单位"), _("本月下发"), _("本月办结"), _("尚未办结")],
                    rows=[
                        [row["unit"], str(row["issued"]), str(row["closed"]), str(row["open"])]
                        for row in notices["units"]
                    ],
                )
            ]
            if notices.get("units")
            else [],
        )
    )

    # 隐患整改
    hazards = content.get("hazards") or {}
    sections.append(
        Section(
            key="hazards",
            heading=_("隐患整改"),
            paragraphs=[
                _(
                    "本月排查发现隐患%(found)d条，其中重大隐患%(major)d条；销号%(closed)d条。整改时限在本月"
                    "（截至%(date)s）的隐患%(due)d条，按期整改%(in_time)d条，按期整改率%(rate)s；"
                    "逾期未整改%(overdue)d条。"
                )
                % {
                    "found": hazards.get("found", 0),
                    "major": hazards.get("found_major", 0),
                    "closed": hazards.get("closed", 0),
                    "date": chinese_date(as_of),
                    "due": hazards.get("due", 0),
                    "in_time": hazards.get("in_time", 0),
                    "rate": _pct(hazards.get("in_time", 0), hazards.get("due", 0)),
                    "overdue": hazards.get("overdue", 0),
                }
            ],
        )
    )

    # 考核排名
    ranking = content.get("ranking") or {"indicators": [], "rows": []}
    sections.append(
        Section(
            key="ranking",
            heading=_("考核排名"),
            paragraphs=[
                _("按本月考核得分排名如下（各项指标满分100分，无考核事项的记为“不适用”）。")
                if ranking["rows"]
                else _("本月没有可考核的事项。")
            ],
            tables=[
                Table(
                    key="ranking",
                    numeric=True,
                    header=[_("名次"), _("单位"), _("总分"), *ranking["indicators"]],
                    rows=[
                        [
                            str(row["rank"] or "—"),
                            row["unit"],
                            row["total"] or "—",
                            *[
                                score if score is not None else _("不适用")
                                for score in row["scores"]
                            ],
                        ]
                        for row in ranking["rows"]
                    ],
                )
            ]
            if ranking["rows"]
            else [],
        )
    )

    # 下步工作
    steps = [line.strip() for line in (next_steps or "").splitlines() if line.strip()]
    sections.append(
        Section(
            key="next-steps",
            heading=_("下步工作"),
            paragraphs=steps or [_("（由安委办签发时填写。）")],
        )
    )
    numbered = [
        Section(
            key=s.key,
            heading=f"{NUMERALS[i]}、{s.heading}",
            paragraphs=s.paragraphs,
            tables=s.tables,
        )
        for i, s in enumerate(sections)
    ]
    return BulletinDocument(
        title=content.get("title") or bulletin_title(""),
        number=number,
        issuer=issuer or issuer_name(),
        period=_("%(start)s至%(end)s")
        % {"start": chinese_date(period.start), "end": chinese_date(period.end)},
        issued_on=chinese_date(issued_on) if issued_on else "",
        sections=numbered,
        is_issued=bool(number),
    )


def _more(n: int) -> list[str]:
    if n <= LIST_LIMIT:
        return []
    return [
        _("下表列出前%(shown)d个，另有%(more)d个见系统任务清单。")
        % {"shown": LIST_LIMIT, "more": n - LIST_LIMIT}
    ]


def issued_document(bulletin: Bulletin) -> BulletinDocument:
    # The snapshot names its month; one without (a row made by hand) still shows its period.
    content = {
        "year": bulletin.year,
        "month": bulletin.month,
        "as_of": month_period(bulletin.year, bulletin.month).end.isoformat(),
        **(bulletin.snapshot or {}),
    }
    return bulletin_document(
        content,
        next_steps=bulletin.next_steps,
        number=bulletin.number,
        issued_on=timezone.localdate(bulletin.issued_at) if bulletin.issued_at else None,
    )


# --- Word -----------------------------------------------------------------------------------

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_filename(year: int, month: int, number: str = "") -> str:
    suffix = f"-{number}" if number else ""
    return f"月度通报-{year}-{month:02d}{suffix}.docx"


def bulletin_docx(document: BulletinDocument) -> bytes:
    """The bulletin as an A4 Word document: red title and issue number over a red rule,
    the period, then each section with its paragraphs and tables (仿宋 body)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    red = RGBColor(0xC0, 0x00, 0x00)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)

    def run(paragraph, text, *, size=15, bold=False, color=None, font=BODY_FONT):
        r = paragraph.add_run(text)
        r.font.size = Pt(size)
        r.font.bold = bold
        r.font.name = font
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if color is not None:
            r.font.color.rgb = color
        return r

    def paragraph(text="", *, align=None, indent=True, **style):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        elif indent:
            p.paragraph_format.first_line_indent = Pt(30)  # two characters
        if text:
            run(p, text, **style)
        return p

    paragraph(
        document.title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=22,
        bold=True,
        color=red,
        font=TITLE_FONT,
    )
    number = paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    run(number, document.number or _("（未签发）"))
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {
        "w:val": "single",
        "w:sz": "18",
        "w:space": "6",
        "w:color": "C00000",
    }.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    number._p.get_or_add_pPr().append(borders)
    paragraph(
        _("通报期间：%(period)s") % {"period": document.period},
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=14,
    )

    for part in document.sections:
        paragraph(part.heading, indent=False, size=16, bold=True, font=TITLE_FONT)
        for text in part.paragraphs:
            paragraph(text)
        for table in part.tables:
            rows = [table.header, *table.rows]
            grid = doc.add_table(rows=len(rows), cols=len(table.header))
            grid.style = "Table Grid"
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    cell_paragraph = grid.cell(r, c).paragraphs[0]
                    if r == 0 or (table.numeric and c > 0):
                        cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    run(
                        cell_paragraph,
                        value,
                        size=10.5 if len(table.header) < 7 else 9,
                        bold=r == 0,
                    )
            doc.add_paragraph()

    paragraph()
    paragraph(document.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if document.issued_on:
        paragraph(document.issued_on, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
