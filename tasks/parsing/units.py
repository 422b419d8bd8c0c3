"""Responsible units: the directory of known names and the reading of ``(责任单位:…)``.

A task ends with its units, lead first: ``(责任单位:市自然资源和规划局、发改局、…等部门、单位)``.
Only the first name carries the city's prefix (市 or 县); the others inherit it (发改局 →
市发改局). Other cities write ``(牵头单位:…;配合单位:…)``. Names the directory does not know
are reported with the nearest known ones, never dropped.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .model import UnmatchedUnit

GROUP = "group"

_SPACES = re.compile(r"\s+")


def unit_key(name: str) -> str:
    """The form names are compared in (as responsibilities.selectors.normalize_unit_name)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


@dataclass(frozen=True)
class UnitEntry:
    """A known unit or group token: its canonical name, other spellings, and kind."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "bureau"
    short_name: str = ""


class UnitDirectory:
    """Names the parser may resolve to: canonical name, short name and aliases of each unit.

    The canonical name wins over a short name, a short name over an alias; a spelling two
    units share at the same rank matches nothing rather than a guess.
    """

    def __init__(self, entries: Iterable[UnitEntry | tuple]):
        self.entries: list[UnitEntry] = [
            entry
            if isinstance(entry, UnitEntry)
            else UnitEntry(entry[0], tuple(entry[1]), *entry[2:])
            for entry in entries
        ]
        ranked: list[dict[str, set[str]]] = [{}, {}, {}]
        for entry in self.entries:
            spellings = [(0, entry.name), (1, entry.short_name)] + [(2, a) for a in entry.aliases]
            for rank, spelling in spellings:
                key = unit_key(spelling)
                if key:
                    ranked[rank].setdefault(key, set()).add(entry.name)
        self._index: dict[str, str | None] = {}
        for table in reversed(ranked):
            for key, names in table.items():
                self._index[key] = next(iter(names)) if len(names) == 1 else None
        self._kinds = {entry.name: entry.kind for entry in self.entries}
        self._spellings = [key for key, name in self._index.items() if name]

    @classmethod
    def from_reference_files(cls, paths: Iterable[str | Path]) -> UnitDirectory:
        """Read ``fixtures/reference/units.json`` and ``unit_groups.json`` (no database needed).

        A file holds ``{"units": [...]}`` or ``{"groups": [...]}`` (or a bare list); each entry
        has ``name`` (or ``token``), optional ``short_name``, ``aliases`` and ``kind``. Entries
        of a groups file, or whose kind is missing there, are group tokens.
        """
        entries = []
        for path in paths:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            default_kind = "bureau"
            rows = data
            if isinstance(data, dict):
                if "groups" in data:
                    rows, default_kind = data["groups"], GROUP
                else:
                    rows = data.get("units", [])
            for row in rows:
                name = row.get("name") or row.get("token")
                if not name:
                    continue
                kind = GROUP if default_kind == GROUP else row.get("kind") or default_kind
                entries.append(
                    UnitEntry(
                        name=name,
                        aliases=tuple(row.get("aliases") or ()),
                        kind=kind,
                        short_name=row.get("short_name") or "",
                    )
                )
        return cls(entries)

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def match(self, name: str) -> str | None:
        """The canonical name ``name`` spells, or None."""
        return self._index.get(unit_key(name))

    def is_group(self, name: str) -> bool:
        return self._kinds.get(name) == GROUP

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The known units nearest to ``name``, best first (for an unmatched name)."""
        key = unit_key(name)
        if not key:
            return []
        scored = []
        for spelling in self._spellings:
            ratio = difflib.SequenceMatcher(None, key, spelling).ratio()
            overlap = len(set(key) & set(spelling)) / len(set(key))
            scored.append((max(ratio, overlap * 0.9), spelling))
        scored.sort(key=lambda pair: -pair[0])
        found: list[str] = []
        for score, spelling in scored:
            canonical = self._index[spelling]
            if score < 0.45 or len(found) >= limit:
                break
            if canonical not in found:
                found.append(canonical)
        return found


# ---------------------------------------------------------------- the (责任单位:…) clause

_LEAD_LABELS = "牵头单位|牵头部门|责任单位|责任部门|主责单位|主办单位"
_CO_LABELS = "配合单位|配合部门|协办单位|参与单位|协同单位"
_TIME_LABELS = "完成时限|时限要求|完成时间|时间节点|时间要求"
LABEL = re.compile(rf"({_LEAD_LABELS}|{_CO_LABELS}|{_TIME_LABELS})\s*:")
_OPEN_LABEL = re.compile(rf"\(\s*(?:{_LEAD_LABELS}|{_CO_LABELS})\s*:")
_LINE_LABEL = re.compile(rf"(?m)^\s*(?:{_LEAD_LABELS}|{_CO_LABELS})\s*:")
_TRAILING_ETC = re.compile(
    r"等(?:相关|有关|其他)?(?:部门|单位)(?:\s*[、和及与,]\s*(?:部门|单位))*(?:按职责分工负责)?\s*$"
)
_SEPARATOR = re.compile(r"[、,;/]+")
_LEFTOVER = {"部门", "单位", "相关部门", "有关部门", "相关单位", "有关单位"}
_NO_PREFIX_ENDINGS = ("公司", "集团", "银行", "医院", "学校", "大学", "成员单位")


@dataclass
class Responsibility:
    """What a task's ``(责任单位:…)`` clause says, and where it sits in the task's text."""

    start: int
    end: int
    lead_names: list[str] = field(default_factory=list)
    co_names: list[str] = field(default_factory=list)
    time_limits: list[str] = field(default_factory=list)


def find_responsibility(text: str) -> Responsibility | None:
    """The trailing responsibility clause of a task, brackets optional (a ``)`` may be lost)."""
    opened = list(_OPEN_LABEL.finditer(text))
    if opened:
        start = opened[-1].start()
        end, closed = _closing(text, start + 1)
    else:
        line = list(_LINE_LABEL.finditer(text))
        labelled = list(LABEL.finditer(text))
        if line:
            start = line[0].start()
        elif labelled and labelled[0].group(1) not in _TIME_LABELS.split("|"):
            start = labelled[0].start()
        else:
            return None
        end, closed = _closing(text, start)
    clause = text[start : end - 1 if closed else end]
    found = Responsibility(start=start, end=end)
    labels = list(LABEL.finditer(clause))
    for index, label in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(clause)
        value = clause[label.end() : stop].strip(" ;,。\n")
        name = label.group(1)
        if re.fullmatch(_TIME_LABELS, name):
            if value:
                found.time_limits.append(value)
        elif re.fullmatch(_CO_LABELS, name):
            found.co_names.extend(split_unit_names(value))
        else:
            found.lead_names.extend(split_unit_names(value))
    return found


def _closing(text: str, position: int) -> tuple[int, bool]:
    """(end, closed): a clause running from ``position`` ends after the ``)`` that closes it
    (its ``(`` may be lost), passing over brackets inside names (各镇(街区)); else at the
    text's end, unclosed (Shouguang tasks 1 and 31)."""
    level = 0
    for index in range(position, len(text)):
        if text[index] == "(":
            level += 1
        elif text[index] == ")":
            level -= 1
            if level < 0:
                return index + 1, True
    return len(text), False


def split_unit_names(value: str) -> list[str]:
    """``市A局、B局等部门、单位`` → ["市A局", "B局"]: separators split, the trailing 等… goes."""
    value = value.strip().rstrip("。.")
    value = _TRAILING_ETC.sub("", value)
    names = []
    for raw in _SEPARATOR.split(value):
        name = _unbracketed(_SPACES.sub("", raw).strip("。.:"))  # a space in a name is a slip
        name = _TRAILING_ETC.sub("", name)
        if name and name not in _LEFTOVER and re.search(r"[\u4e00-\u9fff]", name):
            names.append(name)
    return names


def _unbracketed(name: str) -> str:
    """Drop brackets left over from the clause around a name, keep a name's own: 各镇(街区)."""
    while name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1]
    while name.startswith("(") and name.count("(") > name.count(")"):
        name = name[1:]
    if name.startswith("(") and name.endswith(")"):
        name = name[1:-1]
    return name


def shared_prefix(first_name: str) -> str:
    """The prefix the first name carries (市 or 县, 区), which the following names inherit."""
    if first_name.startswith("市场"):
        return ""
    return first_name[0] if first_name[:1] in ("市", "县", "区") else ""


@dataclass
class ResolvedUnits:
    units: list[str]
    unmatched: list[UnmatchedUnit]
    notes: list[str]


def resolve_units(names: list[str], directory: UnitDirectory) -> ResolvedUnits:
    """Canonical names in order, lead first; unknown names kept (with the prefix applied)."""
    prefix = shared_prefix(names[0]) if names else ""
    units: list[str] = []
    unmatched: list[UnmatchedUnit] = []
    notes: list[str] = []
    for name in names:
        known = _known(name, prefix, directory)
        if known:
            parts = [known]
        else:
            parts = _split_lost_comma(name, prefix, directory)
            if parts:
                notes.append(f"“{name}”读作“{'、'.join(parts)}”(缺少顿号)")
        if not parts:
            written = _with_prefix(name, prefix)
            parts = [written]
            if all(u.name != written for u in unmatched):
                unmatched.append(UnmatchedUnit(written, directory.suggest(written)))
        for part in parts:
            if part not in units:
                units.append(part)
    return ResolvedUnits(units, unmatched, notes)


def _known(name: str, prefix: str, directory: UnitDirectory) -> str | None:
    if prefix and not name.startswith("各"):
        found = directory.match(prefix + name)
        if found:
            return found
    return directory.match(name)


def _split_lost_comma(name: str, prefix: str, directory: UnitDirectory) -> list[str]:
    """``综合行政执法局交通局`` → two known units, when a 、 was lost between them."""
    for cut in range(2, len(name) - 1):
        left = _known(name[:cut], prefix, directory)
        if not left:
            continue
        right = _known(name[cut:], prefix, directory)
        rest = [right] if right else _split_lost_comma(name[cut:], prefix, directory)
        if rest:
            return [left, *rest]
    return []


def _with_prefix(name: str, prefix: str) -> str:
    """An unknown name as the directive means it: the shared prefix applied where it belongs."""
    if not prefix or name.startswith(("各", "全", "安委会")) or name.endswith(_NO_PREFIX_ENDINGS):
        return name
    carries = name.startswith(("市", "县", "区")) and not name.startswith("市场")
    if carries or name.startswith(("市市场", "团")) or "市委" in name or "县委" in name:
        return name
    return prefix + name
