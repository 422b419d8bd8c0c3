"""风险白皮书 — an edition of the city's risk white paper as of a date.

Publishing freezes the register's figures as they stood at the end of that day (from the risk
points' history, so a paper for last year-end is right even after this year's changes): counts
by level × township and by category, the 重大 and 较大 points with their controls and the
people answerable for them, and each point's code, name and level so the next edition can say
what changed. One content, two renderings: ``whitepaper_document`` feeds both the A4 print page
and the Word file (``whitepaper_docx``), so what is printed and what is downloaded agree.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.permissions import require
from portal.supervision.documents import BODY_FONT, TITLE_FONT, chinese_date, issuer_name
from responsibilities.models import OrgUnit

from .choices import LEVEL_RANK, LEVEL_SHORT, ControlLevel, RiskCategory, RiskLevel
from .models import RiskPoint, WhitePaper

SNAPSHOT_VERSION = 1
NO_LEVEL = "none"  # a point not yet assessed
LEVEL_KEYS = [RiskLevel.RED.value, RiskLevel.ORANGE.value, RiskLevel.YELLOW.value]
LEVEL_KEYS += [RiskLevel.BLUE.value, NO_LEVEL]
MAJOR_LEVELS = (RiskLevel.RED.value, RiskLevel.ORANGE.value)
MEASURE_FIELDS = [
    ("engineering_measures", gettext_lazy("工程技术")),
    ("management_measures", gettext_lazy("管理")),
    ("training_measures", gettext_lazy("培训教育")),
    ("protective_measures", gettext_lazy("个体防护")),
    ("emergency_measures", gettext_lazy("应急处置")),
]
# The document lists at most this many changed points; the rest are counted.
CHANGE_LIST_LIMIT = 500


def level_key(level: str) -> str:
    return level or NO_LEVEL


def level_label(key: str) -> str:
    return _("未评估") if key == NO_LEVEL else str(RiskLevel(key).label)


def level_short(key: str) -> str:
    """重大 / 较大 / 一般 / 低, for narrow columns."""
    return _("未评估") if key == NO_LEVEL else str(LEVEL_SHORT[RiskLevel(key)])


def _rank(key: str) -> int:
    return len(LEVEL_RANK) if key == NO_LEVEL else LEVEL_RANK[RiskLevel(key)]


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def default_title(as_of: datetime.date) -> str:
    if (as_of.month, as_of.day) == (12, 31):
        return _("%(year)d年度城市安全风险白皮书") % {"year": as_of.year}
    return _("城市安全风险白皮书（截至%(date)s）") % {"date": chinese_date(as_of)}


# --- the snapshot ---------------------------------------------------------------------------


def _zero() -> dict[str, int]:
    return dict.fromkeys(LEVEL_KEYS, 0)


def whitepaper_snapshot(as_of: datetime.date) -> dict:
    """The register's figures at the end of ``as_of``: the points then in management (在管)."""
    points_then = RiskPoint.history.as_of(end_of_day(as_of)).filter(is_active=True)
    rows = points_then.order_by("code").values_list(
        "id", "code", "name", "level", "category", "township_id"
    )
    totals = _zero()
    by_township: dict[int, dict[str, int]] = {}
    by_category: dict[str, dict[str, int]] = {}
    points: dict[str, list[str]] = {}
    for _pk, code, name, level, category, township_id in rows:
        key = level_key(level)
        totals[key] += 1
        by_township.setdefault(township_id, _zero())[key] += 1
        by_category.setdefault(category, _zero())[key] += 1
        points[code] = [name, key]

    major_rows = list(
        points_then.filter(level__in=MAJOR_LEVELS)
        .order_by("code")
        .values(
            "code",
            "name",
            "level",
            "category",
            "township_id",
            "address",
            "responsible_unit_id",
            "responsible_person",
            "responsible_phone",
            "control_level",
            "review_due",
            *(name for name, _label in MEASURE_FIELDS),
        )
    )
    major_rows.sort(key=lambda row: (_rank(row["level"]), row["code"]))

    unit_ids = set(by_township) | {row["responsible_unit_id"] for row in major_rows}
    units = {
        pk: (name, sort_order)
        for pk, name, sort_order in OrgUnit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "name", "sort_order"
        )
    }
    # Every active township is listed, with zeros where it has no points.
    for pk, name, sort_order in OrgUnit.objects.filter(
        kind=OrgUnit.Kind.TOWNSHIP, is_active=True
    ).values_list("pk", "name", "sort_order"):
        units.setdefault(pk, (name, sort_order))
        by_township.setdefault(pk, _zero())
    townships = sorted(by_township.items(), key=lambda item: (units[item[0]][1], units[item[0]][0]))
    categories = [
        (value, by_category[value]) for value in RiskCategory.values if value in by_category
    ]

    return {
        "version": SNAPSHOT_VERSION,
        "as_of": as_of.isoformat(),
        "levels": LEVEL_KEYS,
        "totals": {**totals, "points": sum(totals.values())},
        "townships": [
            {"name": units[pk][0], "counts": counts, "total": sum(counts.values())}
            for pk, counts in townships
        ],
        "categories": [
            {"key": key, "counts": counts, "total": sum(counts.values())}
            for key, counts in categories
        ],
        "major": [
            {
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
                "category": row["category"],
                "township": units.get(row["township_id"], ("", 0))[0],
                "address": row["address"],
                "responsible_unit": units.get(row["responsible_unit_id"], ("", 0))[0],
                "responsible_person": row["responsible_person"],
                "responsible_phone": row["responsible_phone"],
                "control_level": row["control_level"],
                "review_due": row["review_due"].isoformat() if row["review_due"] else None,
                "measures": {name: row[name] for name, _label in MEASURE_FIELDS if row[name]},
            }
            for row in major_rows
        ],
        "points": points,
    }


def whitepaper_changes(previous: dict, current: dict) -> dict:
    """What changed between two snapshots: points added and retired (销号 or removed), levels
    raised, lowered or given for the first time, and the count of each level before and after."""
    before, after = previous.get("points", {}), current.get("points", {})
    added, retired, raised, lowered, assessed = [], [], [], [], []
    for code in sorted(after.keys() - before.keys()):
        added.append({"code": code, "name": after[code][0], "level": after[code][1]})
    for code in sorted(before.keys() - after.keys()):
        retired.append({"code": code, "name": before[code][0], "level": before[code][1]})
    for code in sorted(after.keys() & before.keys()):
        old, new = before[code][1], after[code][1]
        if old == new:
            continue
        row = {"code": code, "name": after[code][0], "from": old, "to": new}
        if old == NO_LEVEL:
            assessed.append(row)
        elif _rank(new) < _rank(old):
            raised.append(row)
        else:
            lowered.append(row)
    old_totals, new_totals = previous.get("totals", {}), current.get("totals", {})
    levels = [
        {
            "level": key,
            "previous": old_totals.get(key, 0),
            "current": new_totals.get(key, 0),
            "delta": new_totals.get(key, 0) - old_totals.get(key, 0),
        }
        for key in [*LEVEL_KEYS, "points"]
    ]
    return {
        "added": added,
        "retired": retired,
        "raised": raised,
        "lowered": lowered,
        "assessed": assessed,
        "levels": levels,
    }


# --- publishing -----------------------------------------------------------------------------


@transaction.atomic
def whitepaper_publish(
    *, actor, as_of: datetime.date, title: str | None = None, foreword: str = ""
) -> WhitePaper:
    """Publish the edition as of ``as_of`` (office only): snapshot, previous edition, changes."""
    paper = WhitePaper(
        title=(title or "").strip() or default_title(as_of),
        as_of=as_of,
        foreword=(foreword or "").strip(),
        published_by=actor,
    )
    require(actor, "add", paper)
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("统计截止日期不能晚于今天。")})
    existing = WhitePaper.objects.filter(as_of=as_of).first()
    if existing is not None:
        raise ValidationError(
            {"as_of": _("截至该日期的白皮书已经编制：《%(title)s》。") % {"title": existing.title}}
        )
    paper.previous = WhitePaper.objects.filter(as_of__lt=as_of).order_by("-as_of").first()
    snapshot = whitepaper_snapshot(as_of)
    if paper.previous is not None:
        snapshot["previous"] = {
            "id": paper.previous.pk,
            "title": paper.previous.title,
            "as_of": paper.previous.as_of.isoformat(),
        }
        snapshot["changes"] = whitepaper_changes(paper.previous.snapshot, snapshot)
    else:
        snapshot["previous"] = None
        snapshot["changes"] = None
    paper.snapshot = snapshot
    paper.full_clean()
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError as exc:  # another office user published the same date just now
        raise ValidationError({"as_of": _("截至该日期的白皮书已经编制。")}) from exc
    return paper


# --- the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    foot: list[str] | None = None
    key: str = ""  # a stable name for the page's tests and styles
    numeric: bool = False  # every column after the first is a figure (centred)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    key: str = ""


@dataclass(frozen=True)
class WhitePaperDocument:
    """What an edition says, in the order the printed paper says it."""

    title: str
    issuer: str
    as_of: str
    published_on: str
    foreword: str
    sections: list[Section]


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}%" if total else "—"


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _counts_row(name: str, counts: dict, total: int) -> list[str]:
    return [name, *(str(counts.get(key, 0)) for key in LEVEL_KEYS), str(total)]


def _category_label(key: str) -> str:
    try:
        return str(RiskCategory(key).label)
    except ValueError:
        return key


def _control_label(key: str) -> str:
    try:
        return str(ControlLevel(key).label)
    except ValueError:
        return key


def _measures(measures: dict) -> str:
    labels = dict(MEASURE_FIELDS)
    return "；".join(f"{labels[name]}：{text}" for name, text in measures.items() if name in labels)


def whitepaper_document(paper: WhitePaper, *, issuer: str | None = None) -> WhitePaperDocument:
    snap = paper.snapshot or {}
    totals = snap.get("totals", {})
    total = totals.get("points", 0)
    level_header = [level_label(key) for key in LEVEL_KEYS]
    as_of = chinese_date(paper.as_of)

    overview = Section(
        key="overview",
        heading=_("一、总体情况"),
        paragraphs=[
            _(
                "截至%(date)s，全市在管风险点%(total)d处，其中重大风险%(red)d处、较大风险"
                "%(orange)d处、一般风险%(yellow)d处、低风险%(blue)d处，未评估%(none)d处。"
            )
            % {"date": as_of, "total": total, **{k: totals.get(k, 0) for k in LEVEL_KEYS}}
        ],
        tables=[
            Table(
                key="overview",
                numeric=True,
                header=[_("风险等级"), _("数量（处）"), _("占比")],
                rows=[
                    [level_label(key), str(totals.get(key, 0)), _share(totals.get(key, 0), total)]
                    for key in LEVEL_KEYS
                ],
                foot=[_("合计"), str(total), _share(total, total)],
            )
        ],
    )

    def counts_table(key: str, first: str, items: list[tuple[str, dict, int]]) -> Table:
        return Table(
            key=key,
            numeric=True,
            header=[first, *level_header, _("合计")],
            rows=[_counts_row(name, counts, n) for name, counts, n in items],
            foot=_counts_row(_("合计"), totals, total),
        )

    by_township = Section(
        key="townships",
        heading=_("二、按风险等级和镇街区分布"),
        tables=[
            counts_table(
                "townships",
                _("镇街区"),
                [(t["name"], t["counts"], t["total"]) for t in snap.get("townships", [])],
            )
        ],
    )
    by_category = Section(
        key="categories",
        heading=_("三、按风险类别分布"),
        tables=[
            counts_table(
                "categories",
                _("风险类别"),
                [
                    (_category_label(c["key"]), c["counts"], c["total"])
                    for c in snap.get("categories", [])
                ],
            )
        ],
    )

    major = snap.get("major", [])
    major_section = Section(
        key="major",
        heading=_("四、重大和较大风险点清单"),
        paragraphs=[
            _("重大风险点%(red)d处、较大风险点%(orange)d处，管控措施和责任人如下。")
            % {"red": totals.get("red", 0), "orange": totals.get("orange", 0)}
            if major
            else _("无重大和较大风险点。")
        ],
        tables=[
            Table(
                key="major",
                header=[
                    _("序号"),
                    _("编号"),
                    _("风险点名称"),
                    _("等级"),
                    _("镇街区"),
                    _("主要管控措施"),
                    _("管控层级"),
                    _("责任单位"),
                    _("责任人（电话）"),
                ],
                rows=[
                    [
                        str(i),
                        row["code"],
                        row["name"],
                        level_short(row["level"]),
                        row["township"],
                        _measures(row["measures"]),
                        _control_label(row["control_level"]),
                        row["responsible_unit"],
                        f"{row['responsible_person']}（{row['responsible_phone']}）"
                        if row["responsible_phone"]
                        else row["responsible_person"],
                    ]
                    for i, row in enumerate(major, start=1)
                ],
            )
        ]
        if major
        else [],
    )

    sections = [overview, by_township, by_category, major_section, _changes_section(snap)]
    return WhitePaperDocument(
        title=paper.title,
        issuer=issuer or issuer_name(),
        as_of=as_of,
        published_on=chinese_date(timezone.localdate(paper.created_at)) if paper.created_at else "",
        foreword=paper.foreword,
        sections=sections,
    )


def _changes_section(snap: dict) -> Section:
    heading = _("五、与上一版相比的变化")
    changes, previous = snap.get("changes"), snap.get("previous")
    if not changes or not previous:
        return Section(key="changes", heading=heading, paragraphs=[_("本版为首版，无上一版可比。")])
    kinds = [
        ("added", _("新增")),
        ("retired", _("销号或移出")),
        ("raised", _("等级上升")),
        ("lowered", _("等级下降")),
        ("assessed", _("首次评估")),
    ]
    summary = _(
        "与上一版《%(title)s》（截至%(date)s）相比：新增风险点%(added)d处，销号或移出%(retired)d处，"
        "等级上升%(raised)d处，等级下降%(lowered)d处，首次评估%(assessed)d处。"
    ) % {
        "title": previous["title"],
        "date": chinese_date(datetime.date.fromisoformat(previous["as_of"])),
        **{kind: len(changes[kind]) for kind, _label in kinds},
    }
    deltas = Table(
        key="level-deltas",
        numeric=True,
        header=[_("风险等级"), _("上一版（处）"), _("本版（处）"), _("增减")],
        rows=[
            [
                _("合计") if row["level"] == "points" else level_label(row["level"]),
                str(row["previous"]),
                str(row["current"]),
                _signed(row["delta"]),
            ]
            for row in changes["levels"]
        ],
    )
    listed = []
    for kind, label in kinds:
        for row in changes[kind]:
            if kind in ("added", "retired"):
                before = "" if kind == "added" else level_short(row["level"])
                after = level_short(row["level"]) if kind == "added" else ""
            else:
                before, after = level_short(row["from"]), level_short(row["to"])
            listed.append([label, row["code"], row["name"], before, after])
    paragraphs = [summary]
    if len(listed) > CHANGE_LIST_LIMIT:
        paragraphs.append(
            _("下表列出前%(shown)d处，另有%(more)d处变化见系统风险清单。")
            % {"shown": CHANGE_LIST_LIMIT, "more": len(listed) - CHANGE_LIST_LIMIT}
        )
    tables = [deltas]
    if listed:
        tables.append(
            Table(
                key="changed-points",
                header=[_("变化"), _("编号"), _("风险点名称"), _("原等级"), _("现等级")],
                rows=listed[:CHANGE_LIST_LIMIT],
            )
        )
    return Section(key="changes", heading=heading, paragraphs=paragraphs, tables=tables)


# --- Word -----------------------------------------------------------------------------------


def docx_filename(paper: WhitePaper) -> str:
    return f"风险白皮书-{paper.as_of.isoformat()}.docx"


def whitepaper_docx(document: WhitePaperDocument) -> bytes:
    """The edition as an A4 Word document: title page lines, then each section with its
    paragraphs and tables (grid style, 五号 text in tables)."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.0)

    def run(paragraph, text, *, size=14, bold=False, font=BODY_FONT):
        r = paragraph.add_run(text)
        r.font.size = Pt(size)
        r.font.bold = bold
        r.font.name = font
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return r

    def cell_style_named(name, size):
        # One paragraph style per table text size: fonts set once, not on each of many cells.
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.font.name = BODY_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        style.paragraph_format.space_after = Pt(0)
        return style

    cells = cell_style_named("Chengan Table", 10.5)
    wide_cells = cell_style_named("Chengan Wide Table", 9)

    def paragraph(text="", *, align=None, indent=True, **style):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        elif indent:
            p.paragraph_format.first_line_indent = Pt(28)  # two characters
        if text:
            run(p, text, **style)
        return p

    paragraph(document.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=22, bold=True, font=TITLE_FONT)
    paragraph(
        _("统计截止日期：%(date)s") % {"date": document.as_of}, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(
        f"{document.issuer}　{document.published_on}", align=WD_ALIGN_PARAGRAPH.CENTER, size=12
    )
    if document.foreword:
        for line in document.foreword.splitlines():
            if line.strip():
                paragraph(line.strip())

    for part in document.sections:
        paragraph(part.heading, indent=False, size=16, bold=True, font=TITLE_FONT)
        for text in part.paragraphs:
            paragraph(text)
        for table in part.tables:
            cell_style = wide_cells if len(table.header) >= 8 else cells
            rows = [table.header, *table.rows, *([table.foot] if table.foot else [])]
            grid = doc.add_table(rows=0, cols=len(table.header))
            grid.style = "Table Grid"
            for r, values in enumerate(rows):
                bold = r == 0 or (table.foot is not None and r == len(rows) - 1)
                # add_row().cells once per row: grid.cell(r, c) walks the whole table each call
                for c, (cell, value) in enumerate(zip(grid.add_row().cells, values, strict=True)):
                    cell_paragraph = cell.paragraphs[0]
                    # the style's id straight into the XML: ``paragraph.style = ...`` searches
                    # every style for the default on each call
                    cell_paragraph._p.style = cell_style.style_id
                    if r == 0 or (table.numeric and c > 0):
                        cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    cell_paragraph.add_run(value).bold = bold or None
            doc.add_paragraph()

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
