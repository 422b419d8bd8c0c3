"""The directive's shape: header fields, title, preamble, parts, sub-headings, numbered tasks.

Parts are ``一、总体要求`` (or ``第一部分:总体要求``); sub-headings ``(一)指导思想``; tasks
``1.科学制定规划。…``, numbered through the document (Shouguang 1–34) or again from 1 in each
part or sub-heading. A sub-heading that holds tasks becomes a section of its own, numbered
``二(一)``. A text with no numbered tasks but ``一是…二是…`` enumerations (an interpretation
such as Chengjiang's) has those read as its tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import parse_calendar_date
from .model import ImplementedDocument, Section
from .text import CN_DIGITS, cn_number

_CN = f"[{CN_DIGITS}]{{1,3}}"
_HEADING_AHEAD = rf"(?:{_CN}、|\(\s*{_CN}\s*\)|第{_CN}部分|\d{{1,3}}\s*[.、](?!\d))"
_SPLIT_BEFORE_HEADING = re.compile(rf"[ \t]+(?={_HEADING_AHEAD})")
_PART = re.compile(rf"^({_CN})\s*[、.]\s*(.*)$", re.S)
_PART_NTH = re.compile(rf"^第({_CN})部分\s*[:、.]?\s*(.*)$", re.S)
_SUB = re.compile(rf"^\(\s*({_CN})\s*\)\s*(.*)$", re.S)
_TASK = re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*(.*)$", re.S)
_ANNEX = re.compile(r"^附\s*件\s*\d*\s*(?::|$)")
_ENUMERATION = re.compile(rf"(?:^|(?<=[。;\s]))({_CN})是(?!否)")
_SIGNATURE_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_HEADER_LABEL = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff ]{0,10})\s*:\s*(.*)$")
_DOC_KINDS = (
    "意见|方案|通知|办法|规定|决定|规划|细则|计划|要点|措施|条例|纲要|制度|标准|意见稿|通告"
)
_TITLE_LINE = re.compile(rf"^《?([^。:,]{{4,80}}?(?:{_DOC_KINDS}))》?(?:\([^()]*\))?$")
_INTERPRETED = re.compile(rf"解读《([^《》]{{4,80}}?(?:{_DOC_KINDS}))》")
_IMPLEMENTED = re.compile(
    r"《([^《》]{4,160})》\s*\(\s*([\u4e00-\u9fff]{1,10}?)\s*([〔\[【(]?)\s*(\d{4})\s*([〕\]】)]?)"
    r"\s*(\d{1,4})\s*号\s*\)?"
)


@dataclass
class Container:
    """A part or sub-heading while reading; ``text`` is what is not inside a task."""

    number: str
    title: str
    scope: int
    text: list[str] = field(default_factory=list)
    tasks: list[RawTask] = field(default_factory=list)


@dataclass
class RawTask:
    number: str
    container: Container
    text: str
    enumerated: bool = False


@dataclass
class Layout:
    title: str
    doc_number: str | None
    issuer: str | None
    issued_on: date | None
    implements: list[ImplementedDocument]
    sections: list[Section]
    tasks: list[RawTask]
    warnings: list[str]


def read_layout(text: str) -> Layout:
    """Split a normalised directive into its header, preamble, sections and raw tasks."""
    warnings: list[str] = []
    lines = [line.strip() for line in _SPLIT_BEFORE_HEADING.sub("\n", text).split("\n")]
    before_parts: list[str] = []
    containers: list[Container] = []  # parts and sub-headings, in reading order
    part: Container | None = None
    current: Container | None = None
    task: RawTask | None = None
    scope, last_part = 0, 0
    for line in lines:
        if not line:
            continue
        heading = _PART_NTH.match(line) or _PART.match(line)
        if current is not None and (_ANNEX.match(line) or (heading and _ANNEX.match(heading[2]))):
            # Annexes (附件) close the directive: their own 一、/1. are not its parts or tasks.
            warnings.append(f"“{line[:20]}”起为附件,不读取其中的部分和任务")
            break
        if heading and cn_number(heading[1]):
            value = cn_number(heading[1])
            if value <= last_part:
                scope += 1  # numbering starts again: a second document inside the text
            last_part = value
            title, rest = _heading_title(heading[2])
            part = current = Container(heading[1], title, scope)
            containers.append(part)
            task = None
            if rest:
                current.text.append(rest)
            continue
        sub = _SUB.match(line)
        if sub and part is not None and cn_number(sub[1]):
            title, rest = _heading_title(sub[2])
            current = Container(f"{part.number}({sub[1]})", title, part.scope)
            containers.append(current)
            task = None
            if rest:
                current.text.append(rest)
            continue
        if current is not None and _SIGNATURE_DATE.fullmatch(line):
            # The date under the signature ends the body; the signing office above it goes too.
            if task is not None:
                head, _, last = task.text.rpartition("\n")
                if head and len(last) <= 30 and not re.search(r"[。;,)]", last):
                    task.text = head
            task = None
            continue
        numbered = _TASK.match(line)
        if numbered and current is not None:
            task = RawTask(numbered[1], current, numbered[2])
            current.tasks.append(task)
            continue
        if task is not None:
            task.text += "\n" + line
        elif current is not None:
            current.text.append(line)
        else:
            before_parts.append(line)

    header = _header_fields(before_parts)
    title, preamble = _title_and_preamble(before_parts, warnings)
    if not containers:
        containers = _without_parts(preamble, warnings)
    if not any(c.tasks for c in containers):
        _read_enumerations(containers, warnings)
    sections, tasks = _sections_and_tasks(containers, warnings)
    return Layout(
        title=title,
        doc_number=header.get("文号"),
        issuer=header.get("发布机构") or header.get("发文机关"),
        issued_on=_issued_on(header, lines),
        implements=_implemented(preamble, warnings),
        sections=sections,
        tasks=tasks,
        warnings=warnings,
    )


def _without_parts(preamble: str, warnings: list[str]) -> list[Container]:
    """A short directive with numbered tasks but no 一、 parts: one unnamed part (number "")."""
    whole = Container("", "", 0)
    task: RawTask | None = None
    for line in preamble.split("\n"):
        numbered = _TASK.match(line)
        if numbered:
            task = RawTask(numbered[1], whole, numbered[2])
            whole.tasks.append(task)
        elif task is not None and not _SIGNATURE_DATE.fullmatch(line):
            task.text += "\n" + line
    if whole.tasks:
        warnings.append("没有“一、”这样的部分,任务不分部分")
    return [whole]


def _heading_title(rest: str) -> tuple[str, str]:
    """A heading's title runs to its first 。 or space; the rest of the line is text."""
    match = re.search(r"。|\s+", rest)
    if not match:
        return rest.strip().rstrip(":"), ""
    return rest[: match.start()].strip().rstrip(":"), rest[match.end() :].strip()


def _read_enumerations(containers: list[Container], warnings: list[str]) -> None:
    """一是…二是… items as tasks, numbered by position within their part or sub-heading."""
    for container in containers:
        body = "\n".join(container.text)
        starts = list(_ENUMERATION.finditer(body))
        for index, match in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
            number = str(index + 1)
            if cn_number(match[1]) != index + 1:
                warnings.append(
                    f"{container.number}、{container.title}:“{match[1]}是”按顺序读作第{number}项"
                )
            item = body[match.end() : end].strip()
            item = item[1:] if item.startswith("要") else item
            container.tasks.append(RawTask(number, container, item, enumerated=True))
    if any(c.tasks for c in containers):
        warnings.append("没有编号的任务(1. 2. …),按“一是、二是…”读取任务")


def _sections_and_tasks(
    containers: list[Container], warnings: list[str]
) -> tuple[list[Section], list[RawTask]]:
    scopes_with_tasks = {c.scope for c in containers if c.tasks}
    dropped = [c for c in containers if c.scope not in scopes_with_tasks and "(" not in c.number]
    if scopes_with_tasks and dropped:
        titles = "、".join(f"{c.number}、{c.title}" for c in dropped)
        warnings.append(f"编号重新开始,前面没有任务的部分不作为本文件的部分:{titles}")
    kept = [c for c in containers if not scopes_with_tasks or c.scope in scopes_with_tasks]
    sections: list[Section] = []
    tasks: list[RawTask] = []
    seen: set[str] = set()
    for container in kept:
        is_sub = "(" in container.number
        if (is_sub and not container.tasks) or not container.number:
            tasks.extend(container.tasks)
            continue
        number = container.number
        if number in seen:
            suffix = 2
            while f"{number}-{suffix}" in seen:
                suffix += 1
            warnings.append(f"部分“{number}”重复出现,第二个记作“{number}-{suffix}”")
            number = container.number = f"{number}-{suffix}"
        seen.add(number)
        sections.append(Section(number, container.title))
        tasks.extend(container.tasks)
    _check_numbering(tasks, warnings)
    return sections, tasks


def _check_numbering(tasks: list[RawTask], warnings: list[str]) -> None:
    previous: RawTask | None = None
    keys: set[tuple[str, str]] = set()
    for task in tasks:
        key = (task.container.number, task.number)
        if key in keys:
            warnings.append(f"{task.container.number}部分的任务{task.number}编号重复")
        keys.add(key)
        if previous is not None and not task.enumerated:
            expected = int(previous.number) + 1
            restarted = task.number == "1" and task.container is not previous.container
            if int(task.number) != expected and not restarted:
                warnings.append(f"任务编号不连续:{previous.number}之后是{task.number}")
        previous = task


def _header_fields(lines: list[str]) -> dict[str, str]:
    """The publishing page's label/value pairs (发文日期, 发布机构, 文号); a value may sit on the
    line after its label."""
    fields: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _HEADER_LABEL.match(line)
        if not match:
            continue
        label = re.sub(r"\s+", "", match[1])
        value = match[2].strip()
        if not value and index + 1 < len(lines) and not _HEADER_LABEL.match(lines[index + 1]):
            value = lines[index + 1].strip()
        if value and label not in fields:
            fields[label] = value
    if "文号" in fields and not re.search(r"\d+\s*号", fields["文号"]):
        del fields["文号"]
    return fields


def _issued_on(header: dict[str, str], lines: list[str]) -> date | None:
    for label in ("发文日期", "成文日期", "印发日期", "发布日期"):
        if label in header and (found := parse_calendar_date(header[label])):
            return found
    # A signed directive ends with its date on a line of its own.
    for line in reversed([line for line in lines if line][-3:]):
        if _SIGNATURE_DATE.fullmatch(line):
            return parse_calendar_date(line)
    return None


def _title_and_preamble(lines: list[str], warnings: list[str]) -> tuple[str, str]:
    """The directive's own title (not the web page's heading) and the text after it."""
    for index in range(len(lines) - 1, -1, -1):
        match = _TITLE_LINE.match(lines[index])
        if match and not _HEADER_LABEL.match(lines[index]):
            return match[1].strip(), "\n".join(lines[index + 1 :])
    preamble = "\n".join(lines)
    interpreted = _INTERPRETED.search(preamble)
    if interpreted:
        return interpreted[1], preamble
    named = re.search(rf"《([^《》]{{4,80}}?(?:{_DOC_KINDS}))》", preamble)
    if named:
        warnings.append(f"没有单独成行的标题,取正文提到的《{named[1]}》")
        return named[1], preamble
    first = lines[0][:60] if lines else ""
    warnings.append("没有找到文件标题")
    return first, preamble


def _implemented(preamble: str, warnings: list[str]) -> list[ImplementedDocument]:
    """《上级文件》(中办发〔2018〕1号) in the preamble; a lost 〔 or 〕 is restored."""
    found = []
    for match in _IMPLEMENTED.finditer(preamble):
        number = f"{match[2]}〔{match[4]}〕{match[6]}号"
        if not match[3] or not match[5]:
            raw = match.group(0).split("(", 1)[1].rstrip(")").strip()
            warnings.append(f"文号“{raw}”缺少括号,读作{number}")
        found.append(ImplementedDocument(match[1].strip(), number))
    return found
