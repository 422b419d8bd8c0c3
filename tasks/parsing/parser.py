"""``parse_directive``: a directive's text in, its parts, tasks, units and milestones out."""

from __future__ import annotations

import re
from datetime import date

from .dates import find_dates, is_open_ended
from .model import DirectiveParseError, Milestone, ParsedDirective, Task
from .structure import RawTask, read_layout
from .targets import find_targets
from .text import looks_binary, normalize_text, sentences
from .units import UnitDirectory, find_responsibility, resolve_units

_TITLE_LIMIT = 40
# Words that open a task's body; used to find where a title ends when its 。 was lost.
_BODY_OPENERS = (
    "积极", "认真", "严格", "全面", "进一步", "切实", "大力", "深入", "坚持", "充分", "着力",
    "不断", "扎实", "依法", "按照", "根据", "围绕", "结合", "督促", "鼓励", "支持",
)  # fmt: skip
_OPEN_ENDED_SENTENCE = re.compile(
    r"(?:该项工作|此项工作|本项工作)?要?(?:长期坚持|长期推进|持续推进|常态化推进)"
)


def parse_directive(
    text: str, *, units: UnitDirectory, issued_on: date | None = None
) -> ParsedDirective:
    """Read a directive. ``issued_on`` overrides the date found in the text (发文日期).

    Raises DirectiveParseError (one line) for an empty text, a binary one, or a text with no
    numbered tasks.
    """
    if not isinstance(text, str):
        raise DirectiveParseError("输入不是文本")
    if looks_binary(text):
        raise DirectiveParseError("文件含有控制字符,是二进制文件而不是实施意见的文本")
    text = normalize_text(text)
    if not text.strip():
        raise DirectiveParseError("文本为空")
    layout = read_layout(text)
    if not layout.tasks:
        raise DirectiveParseError("没有找到编号的任务(如“1.科学制定规划。”),不是可导入的实施意见")
    warnings = list(layout.warnings)
    issued = issued_on or layout.issued_on
    if issued is None:
        warnings.append("没有找到发文日期:按月重复的任务无法算出首个到期日")
    tasks = [_task(raw, units, issued, warnings) for raw in layout.tasks]
    return ParsedDirective(
        title=layout.title,
        doc_number=layout.doc_number,
        issuer=layout.issuer,
        issued_on=issued,
        implements=layout.implements,
        sections=layout.sections,
        tasks=tasks,
        warnings=warnings,
    )


def _task(raw: RawTask, directory: UnitDirectory, issued: date | None, warnings) -> Task:
    label = f"任务{raw.container.number}-{raw.number}" if raw.enumerated else f"任务{raw.number}"
    text = raw.text.strip()
    responsibility = find_responsibility(text)
    if responsibility:
        text = (text[: responsibility.start] + text[responsibility.end :]).strip()
    title, body, guessed = split_title(text)
    if guessed:
        warnings.append(f"{label}:标题后缺少句号,标题读作“{title}”")
    task = Task(number=raw.number, section=raw.container.number, title=title, body=body)
    if responsibility:
        resolved = resolve_units(responsibility.lead_names + responsibility.co_names, directory)
        task.units = resolved.units
        task.lead_unit = resolved.units[0] if resolved.units else None
        task.unmatched_units = resolved.unmatched
        warnings.extend(f"{label}:{note}" for note in resolved.notes)
        for unknown in resolved.unmatched:
            hint = "、".join(unknown.suggestions) or "无"
            warnings.append(f"{label}:单位“{unknown.name}”不在单位名录中(相近:{hint})")
    task.milestones = _milestones(text, issued, label, warnings)
    if responsibility:
        written = {(m.due, str(m.recurrence)) for m in task.milestones}
        for limit in responsibility.time_limits:
            for milestone in _milestones(limit, issued, label, warnings, open_ended=True):
                # 完成时限 repeating a deadline the body already gives adds nothing.
                if (
                    milestone.due is None
                    or (milestone.due, str(milestone.recurrence)) not in written
                ):
                    task.milestones.append(milestone)
    return task


def split_title(text: str) -> tuple[str, str, bool]:
    """(title, body, guessed): the title is the words before the first 。.

    When the first sentence is too long or has a comma, the title's 。 was lost (Shouguang
    task 5): the title ends where the body's opening word starts, else at the first comma.
    """
    stop = text.find("。")
    first = text if stop < 0 else text[:stop]
    if len(first) <= _TITLE_LIMIT and not re.search(r"[,;:]", first):
        return first.strip(), "" if stop < 0 else text[stop + 1 :].strip(), False
    clause = re.split(r"[,;:]", first, maxsplit=1)[0]
    cuts = [clause.find(word, 4) for word in _BODY_OPENERS]
    cuts = [cut for cut in cuts if cut > 0]
    end = min(cuts) if cuts else len(clause)
    return clause[:end].strip(), text[end:].strip(), True


def _milestones(text, issued, label, warnings, open_ended=False) -> list[Milestone]:
    """One milestone per deadline in a sentence, each with the target that follows it."""
    found: list[Milestone] = []
    for _offset, sentence in sentences(text):
        dates = find_dates(sentence, issued_on=issued)
        skip = [(d.start, d.end) for d in dates]
        targets = find_targets(sentence, skip=skip, committed=bool(dates))
        warnings.extend(f"{label}:{d.note}" for d in dates if d.note)
        if not dates:
            found.extend(Milestone(None, None, t.target, sentence) for t in targets)
            if not targets and (open_ended and is_open_ended(sentence)):
                found.append(Milestone(None, None, None, sentence))
            elif not targets and _OPEN_ENDED_SENTENCE.fullmatch(sentence):
                found.append(Milestone(None, None, None, sentence))
            continue
        for index, mention in enumerate(dates):
            until = dates[index + 1].start if index + 1 < len(dates) else len(sentence)
            since = 0 if index == 0 else mention.start
            mine = [t.target for t in targets if since <= t.start < until]
            for target in mine or [None]:
                found.append(Milestone(mention.due, mention.recurrence, target, sentence))
    return found
