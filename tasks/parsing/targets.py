"""Quantitative targets in a task's text: how many of what, and which way the bar points.

``补建848个市政消火栓`` → 848 个 市政消火栓 >=; ``设置率均达到90%以上`` → 90 % …设置率 >=;
``建成居民小区电动车停车棚470个`` → 470 个 居民小区电动车停车棚 >=; ``50家以上标杆企业`` →
50 家 标杆企业 >=; ``作业人员减少10%以上`` → 10 % 作业人员减少 >=; ``不低于…日均5天用气量的
应急储气能力`` → 5 天 应急储气能力 >=. A number a directive commits to build or reach is a floor
(>=) unless the text sets a ceiling (以下, 不超过, 控制在).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Target

_UNITS = (
    "万平方米|平方米|平方公里|立方米|公里|千米|米|万元|亿元|元|人次|万人|人|名|个|家|座|处|条|所|"
    "台|辆|艘|架|支|项|套|户|栋|幢|吨|张|块|部|批|场|起|次|天|小时|倍|%"
)
_QUANTITY = re.compile(rf"(?<![\d.第])(\d+(?:\.\d+)?)\s*({_UNITS})")
_CLAUSE_BREAK = re.compile(r"[,;:。!?]")
_AFTER_BOUND = re.compile(r"^\s*(?:及以上|以上|以下|以内|左右)")
_FLOOR = ("不低于", "不少于", "至少", "达到", "超过", "高于", "提高到", "提升到", "增加到", "以上")
_CEILING = ("不超过", "不高于", "低于", "控制在", "降低到", "降至", "减少到", "以下", "以内")
_EXACT = ("等于", "保持在")
_LEADING = re.compile(r"^(?:确保|力争|争取|要|到|在|于|前|底前|以前|之前|共|累计)+")
_LEADING_VERB = re.compile(
    r"^(?:建成|补建|新建|建设|完成|培育|创建|配备|实现|打造|形成|建立|新增|改造|整治|安装|开展)"
)
_COMMITMENT = re.compile(
    r"建成|补建|新建|建设|完成|培育|创建|配备|达到|实现|减少|增加|提高|提升|降低|形成|打造|"
    r"建立|新增|改造|整治|安装|覆盖|不低于|不少于|至少|超过|不超过|不高于|控制在|降至"
)
_TRAILING_VERB = re.compile(
    r"(?:均|全部|都|总数|数量)?(?:达到|不低于|不少于|至少|超过|提高到|提升到|增加到|降低到|"
    r"控制在|降至|为|在|达)$"
)


@dataclass(frozen=True)
class TargetMention:
    start: int
    end: int
    target: Target


def find_targets(
    text: str, *, skip: list[tuple[int, int]] = (), committed: bool = False
) -> list[TargetMention]:
    """Quantities with a counting unit in ``text``, outside the spans in ``skip`` (dates).

    A quantity is a target when the sentence has a deadline (``committed``), a bound
    (以上, 不低于) or a verb of building or reaching before it; "实行24小时值班" is not one.
    """
    found = []
    for match in _QUANTITY.finditer(text):
        if any(not (match.end() <= a or match.start() >= b) for a, b in skip):
            continue
        if text[match.end() : match.end() + 1] in ("年", "月", "日", "号"):
            continue
        clause_start = _clause_start(text, match.start())
        clause_end = _clause_end(text, match.end())
        # The subject starts after any date inside the clause (确保2019年底前信号灯…).
        for _start, b in skip:
            if clause_start <= b <= match.start():
                clause_start = max(clause_start, b)
        before = text[clause_start : match.start()]
        after = text[match.end() : clause_end]
        bound = _AFTER_BOUND.match(after)
        if not (committed or bound or _COMMITMENT.search(before)):
            continue
        after_bound = after[bound.end() :] if bound else after
        value_text = match[1]
        value = float(value_text) if "." in value_text else int(value_text)
        target = Target(
            value=value,
            unit=match[2],
            subject=_subject(before, after_bound),
            comparator=_comparator(before, bound[0].strip() if bound else ""),
        )
        found.append(TargetMention(match.start(), match.end(), target))
    return found


def _clause_start(text: str, position: int) -> int:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0


def _clause_end(text: str, position: int) -> int:
    match = _CLAUSE_BREAK.search(text, position)
    return match.start() if match else len(text)


def _comparator(before: str, bound: str) -> str:
    if bound in ("以下", "以内"):
        return "<="
    if bound in ("以上", "及以上"):
        return ">="
    # The word nearest the number decides; 不低于 beats the 低于 inside it.
    ends = {
        word: before.rfind(word) + len(word)
        for word in (*_FLOOR, *_CEILING, *_EXACT)
        if word in before
    }
    if not ends:
        return ">="
    word = max(ends, key=lambda w: (ends[w], len(w)))
    if word in _FLOOR:
        return ">="
    return "<=" if word in _CEILING else "="


def _subject(before: str, after: str) -> str:
    """What the number counts: the noun after it (…的 trimmed), else the clause before it."""
    after = after.strip()
    if after:
        subject = after.rsplit("的", 1)[-1] if "的" in after else after
        return subject.strip().rstrip("等")
    subject = before.strip()
    previous = None
    while previous != subject:
        previous = subject
        subject = _LEADING.sub("", subject).strip()
        subject = _TRAILING_VERB.sub("", subject).strip()
        stripped = _LEADING_VERB.sub("", subject).strip()
        subject = stripped if len(stripped) >= 2 else subject  # 安装率 is not 安装 + 率
    return subject
