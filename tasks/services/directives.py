"""Importing a directive (实施意见): preview what the parser read, apply the office's fixes, save.

The parser (``tasks.parsing``) is pure; this module gives it the unit directory from the
database, turns its result into a preview the office can correct (a task title, an unknown
unit mapped to a known one or dropped, a milestone's date or target), and saves the directive
with its parts, tasks, assignments and milestones in one transaction, with history.

Who may import: the office (安委办) and admins. ``actor=None`` means a system import, made by
an operator on the server (``manage.py import_directive``, ``seed_demo``): those run with
shell access to the deployment and need no portal account. Pages and the API always pass
the signed-in user, never None.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.permissions import can, require, restrict
from responsibilities.models import OrgUnit, UnitGroup
from responsibilities.selectors import expand_unit_group

from ..models import Assignment, Directive, Milestone, Section, Task
from ..parsing import (
    DirectiveParseError,
    ParsedDirective,
    Target,
    UnitDirectory,
    UnitEntry,
    parse_directive,
    read_directive_file,
)
from ..parsing import Section as ParsedSection
from ..parsing.units import GROUP

UPLOAD_SUFFIXES = (".txt", ".docx")
_TASK_NUMBER_MAX = Task._meta.get_field("number").max_length


# --- the unit directory and the source hash --------------------------------------------------


def unit_directory() -> UnitDirectory:
    """Every active unit (name, short name, aliases, kind) and every group token (kind "group")."""
    entries = [
        UnitEntry(name=unit.name, aliases=tuple(unit.aliases or ()), kind=unit.kind,
                  short_name=unit.short_name)
        for unit in OrgUnit.objects.filter(is_active=True).only(
            "name", "short_name", "aliases", "kind"
        )
    ]  # fmt: skip
    entries += [
        UnitEntry(name=group.name, aliases=tuple(group.aliases or ()), kind=GROUP)
        for group in UnitGroup.objects.only("name", "aliases")
    ]
    return UnitDirectory(entries)


_BLANKS = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^\w.-]")


def directive_source_hash(text: str) -> str:
    """SHA-256 of the text with line endings and whitespace normalised.

    The same directive saved again by another editor (CRLF, a BOM, trailing spaces, blank
    lines) hashes alike, so a re-import is recognised.
    """
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    canonical = "\n".join(line for line in lines if line)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def may_import_directives(user) -> bool:
    """The office and admins import directives (the import pages ask this before any upload)."""
    return can(user, "add", Directive())


def _require_import(actor) -> None:
    if actor is None:  # a system import from the command line; see the module docstring
        return
    require(actor, "add", Directive())


def directive_text_from_upload(file) -> str:
    """The text of an uploaded .txt or .docx, checked for size and real content.

    Raises ValidationError on the ``file`` field with a one-line reason (an empty file, a
    binary or image file, a PDF or old .doc, a damaged .docx, a file that is too large).
    """
    name = Path(getattr(file, "name", "") or "").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise ValidationError(
            {"file": _("请上传 .txt 或 .docx 文件；“%(name)s”不是。") % {"name": name or "?"}}
        )
    limit = settings.UPLOAD_MAX_BYTES
    too_large = _("文件过大（上限%(mb)d MB）。") % {"mb": limit // (1024 * 1024)}
    if (getattr(file, "size", None) or 0) > limit:
        raise ValidationError({"file": too_large})
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": too_large})
    # read_directive_file reads paths (it tells .docx from text by content and name); the
    # copy keeps the uploaded name, which its messages quote.
    stem = _UNSAFE.sub("_", Path(name).stem)[:80] or "upload"
    with tempfile.TemporaryDirectory(prefix="directive-") as folder:
        path = Path(folder) / f"{stem}{Path(name).suffix.lower()}"
        path.write_bytes(content)
        try:
            return read_directive_file(path)
        except DirectiveParseError as error:
            raise ValidationError({"file": str(error)}) from None


# --- the office's corrections ----------------------------------------------------------------


@dataclass
class DirectiveCorrections:
    """The office's fixes from the preview, keyed by the task's number as the preview shows it.

    - ``titles``: task number → the corrected title;
    - ``units``: (task number, unit name as previewed) → the known unit (or group token) it
      means, or ``None`` to drop it from the task explicitly;
    - ``dues``: (task number, milestone index) → the due date (``None``: no date, 长期坚持);
    - ``target_values``: (task number, milestone index) → the target's value.
    """

    titles: dict[str, str] = field(default_factory=dict)
    units: dict[tuple[str, str], str | None] = field(default_factory=dict)
    dues: dict[tuple[str, int], date | None] = field(default_factory=dict)
    target_values: dict[tuple[str, int], Decimal] = field(default_factory=dict)


# --- the preview -----------------------------------------------------------------------------


@dataclass
class UnitLine:
    """One unit named in a task, in the order written (the first is the lead, 牵头)."""

    written: str  # the canonical name when the parser matched it, else as written
    matched: bool
    suggestions: list[str] = field(default_factory=list)
    unit_name: str | None = None  # what it resolves to, after the office's mapping
    dropped: bool = False
    is_group: bool = False
    group_size: int = 0  # for a group token: how many units it expands to

    @property
    def blocking(self) -> bool:
        """Unknown, and the office has neither mapped nor dropped it."""
        return self.unit_name is None and not self.dropped


@dataclass
class MilestoneLine:
    index: int
    due: date | None
    written_due: date | None
    recurrence_months: list[int]
    target: Target | None
    text: str

    @property
    def due_changed(self) -> bool:
        return self.due != self.written_due


@dataclass
class TaskLine:
    index: int
    number: str  # unique within the directive (a part's number is added where they repeat)
    section: str
    title: str
    written_title: str
    body: str
    units: list[UnitLine]
    milestones: list[MilestoneLine]

    @property
    def kept_units(self) -> list[UnitLine]:
        return [line for line in self.units if line.unit_name]

    @property
    def matched_units(self) -> list[UnitLine]:
        return [line for line in self.units if line.matched]

    @property
    def unmatched_units(self) -> list[UnitLine]:
        return [line for line in self.units if not line.matched]

    @property
    def lead(self) -> UnitLine | None:
        """The first unit kept (the office may drop the one written first, and then the next
        one leads); a group token first (安委会成员单位) means no single lead."""
        kept = self.kept_units
        return kept[0] if kept and not kept[0].is_group else None

    @property
    def blockers(self) -> list[str]:
        return [
            _("任务%(number)s：单位“%(name)s”不在单位名录中，请对应到已知单位或删除。")
            % {"number": self.number, "name": line.written}
            for line in self.units
            if line.blocking
        ]


@dataclass
class DirectivePreview:
    """What an import would save, before anything is saved."""

    parsed: ParsedDirective
    filename: str
    source_hash: str
    tasks: list[TaskLine]
    existing: Directive | None
    directory: UnitDirectory
    errors: list[str] = field(default_factory=list)  # corrections that name no known unit

    @property
    def warnings(self) -> list[str]:
        return self.parsed.warnings

    @property
    def exists(self) -> bool:
        return self.existing is not None

    @property
    def blockers(self) -> list[str]:
        return self.errors + [message for task in self.tasks for message in task.blockers]

    @property
    def parts(self) -> list[tuple[ParsedSection, list[TaskLine]]]:
        """The directive's parts in order, each with its tasks (parts without tasks too)."""
        parts = [(section, [t for t in self.tasks if t.section == section.number])
                 for section in self.parsed.sections]  # fmt: skip
        listed = {section.number for section in self.parsed.sections}
        stray = [t for t in self.tasks if t.section not in listed]
        if stray:
            parts.append((ParsedSection(number="", title=_("其他")), stray))
        return parts

    @property
    def unit_names(self) -> list[str]:
        """Known units an unmatched name may be mapped to (the directory's order)."""
        return [e.name for e in self.directory.entries if e.kind != GROUP]

    @property
    def group_names(self) -> list[str]:
        return [e.name for e in self.directory.entries if e.kind == GROUP]

    @property
    def unmatched_count(self) -> int:
        return sum(len(task.unmatched_units) for task in self.tasks)

    @property
    def milestone_count(self) -> int:
        return sum(len(task.milestones) for task in self.tasks)

    @property
    def target_count(self) -> int:
        return sum(1 for task in self.tasks for m in task.milestones if m.target)


def _parse(text: str, directory: UnitDirectory) -> ParsedDirective:
    try:
        return parse_directive(text, units=directory)
    except DirectiveParseError as error:
        raise ValidationError(str(error), code="unreadable") from None


def _task_numbers(parsed: ParsedDirective) -> list[str]:
    """Task numbers as written; where they restart in each part, prefixed by the part's."""
    numbers = [task.number for task in parsed.tasks]
    if len(set(numbers)) < len(numbers):
        numbers = [f"{task.section}-{task.number}" for task in parsed.tasks]
    return [number[:_TASK_NUMBER_MAX] for number in numbers]


def _group_sizes() -> dict[str, int]:
    return {group.name: expand_unit_group(group).count() for group in UnitGroup.objects.all()}


def _build_preview(
    text: str, *, filename: str, corrections: DirectiveCorrections | None
) -> DirectivePreview:
    corrections = corrections or DirectiveCorrections()
    directory = unit_directory()
    parsed = _parse(text, directory)
    sizes = _group_sizes()
    errors: list[str] = []
    tasks = []
    for index, (task, number) in enumerate(zip(parsed.tasks, _task_numbers(parsed), strict=True)):
        unmatched = {u.name: u.suggestions for u in task.unmatched_units}
        units = []
        for name in task.units:
            line = UnitLine(written=name, matched=name not in unmatched)
            if line.matched:
                line.unit_name = name
            else:
                line.suggestions = unmatched[name]
                if (number, name) in corrections.units:
                    mapped = corrections.units[(number, name)]
                    if mapped is None:
                        line.dropped = True
                    elif directory.match(mapped):
                        line.unit_name = directory.match(mapped)
                    else:
                        errors.append(
                            _("任务%(number)s：“%(name)s”不是单位名录中的单位。")
                            % {"number": number, "name": mapped}
                        )
            if line.unit_name and directory.is_group(line.unit_name):
                line.is_group, line.group_size = True, sizes.get(line.unit_name, 0)
            units.append(line)
        milestones = []
        for m_index, milestone in enumerate(task.milestones):
            key = (number, m_index)
            target = milestone.target
            if target and key in corrections.target_values:
                target = replace(target, value=corrections.target_values[key])
            milestones.append(
                MilestoneLine(
                    index=m_index,
                    due=corrections.dues.get(key, milestone.due),
                    written_due=milestone.due,
                    recurrence_months=list((milestone.recurrence or {}).get("months", [])),
                    target=target,
                    text=milestone.text,
                )
            )
        title = (corrections.titles.get(number) or "").strip() or task.title
        tasks.append(
            TaskLine(index, number, task.section, title, task.title, task.body, units, milestones)
        )
    source_hash = directive_source_hash(text)
    return DirectivePreview(
        parsed=parsed,
        filename=filename,
        source_hash=source_hash,
        tasks=tasks,
        existing=Directive.objects.filter(source_hash=source_hash).first(),
        directory=directory,
        errors=errors,
    )


def directive_preview(
    *, actor, text: str, filename: str = "", corrections: DirectiveCorrections | None = None
) -> DirectivePreview:
    """Read ``text`` as a directive and show what an import would save; saves nothing.

    Raises ValidationError (one line) when the text is not a directive the parser can read,
    PermissionDenied unless ``actor`` is the office or an admin.
    """
    _require_import(actor)
    preview = _build_preview(text, filename=filename, corrections=corrections)
    if actor is not None and preview.existing is not None:
        visible = restrict(Directive.objects.filter(pk=preview.existing.pk), actor)
        preview.existing = visible.first()
    return preview


# --- the import ------------------------------------------------------------------------------


def _stamp(obj, actor):
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor


def _save(obj, actor, where: str = ""):
    """Validate and save with history; a message names the task it is about."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError([f"{where}{message}" for message in error.messages]) from None
    _stamp(obj, actor)
    obj.save()
    return obj


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        number = None
    if number is None or number < 0:
        raise ValidationError(where + _("目标值“%(value)s”无效。") % {"value": value})
    return number


@transaction.atomic
def directive_import(
    *,
    actor,
    text: str,
    corrections: DirectiveCorrections | None = None,
    is_demo: bool = False,
    shift_days: int = 0,
) -> Directive:
    """Save a directive with its parts, tasks, assignments and milestones, dates as written.

    Idempotent: a text already imported (same source hash) returns that directive and
    creates nothing. A unit the directory does not know must be mapped or dropped in
    ``corrections``, else ValidationError names the task and the unit and nothing is saved.
    Group tokens (各镇街区, 安委会成员单位) become one co-unit assignment per member, skipping
    units the task already names. ``shift_days`` moves the issue date and every due date
    (the demo's copy reads as issued recently).
    """
    _require_import(actor)
    source_hash = directive_source_hash(text)
    existing = Directive.objects.filter(source_hash=source_hash).first()
    if existing is not None:
        return existing
    preview = _build_preview(text, filename="", corrections=corrections)
    if preview.blockers:
        raise ValidationError(preview.blockers)
    shift = timedelta(days=shift_days)
    parsed = preview.parsed
    directive = Directive(
        title=parsed.title,
        doc_number=parsed.doc_number or "",
        issuer=parsed.issuer or "",
        issued_on=parsed.issued_on + shift if parsed.issued_on else None,
        implements=[
            {"title": doc.title, "doc_number": doc.doc_number} for doc in parsed.implements
        ],
        source_text=text,
        source_hash=source_hash,
        is_demo=is_demo,
        imported_by=actor,
    )
    try:
        with transaction.atomic():
            _save(directive, actor)
    except ValidationError as error:
        if Directive.objects.filter(source_hash=source_hash).exists():
            return Directive.objects.get(source_hash=source_hash)
        raise error
    except IntegrityError:  # imported by someone else a moment ago
        return Directive.objects.get(source_hash=source_hash)
    sections = _save_sections(directive, parsed, preview.tasks, actor)
    units = {unit.name: unit for unit in OrgUnit.objects.filter(is_active=True)}
    groups = {group.name: group for group in UnitGroup.objects.all()}
    for line in preview.tasks:
        _save_task(directive, sections[line.section], line, units, groups, shift, actor)
    return directive


def _save_sections(directive, parsed, tasks: list[TaskLine], actor) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    titles = [(s.number, s.title) for s in parsed.sections]
    # A task under a part the parser did not list still needs its part.
    titles += [(t.section, t.section) for t in tasks if t.section not in dict(titles)]
    for order, (number, title) in enumerate(titles):
        if number not in sections:
            section = Section(directive=directive, number=number, title=title, order=order)
            sections[number] = _save(section, actor)
    return sections


def _save_task(directive, section, line: TaskLine, units, groups, shift, actor) -> Task:
    lead = units[line.lead.unit_name] if line.lead else None
    where = _("任务%(number)s：") % {"number": line.number}
    task = _save(
        Task(
            directive=directive,
            section=section,
            number=line.number,
            order=line.index,
            title=line.title,
            body=line.body,
            lead_unit=lead,
        ),
        actor,
        where,
    )
    assigned: set[int] = set()

    def assign(unit, role, via_group=None):
        if unit.pk in assigned:
            return
        assigned.add(unit.pk)
        assignment = Assignment(
            task=task, unit=unit, role=role, via_group=via_group, order=len(assigned)
        )
        _save(assignment, actor, where)

    kept = line.kept_units
    # Named units first, so a unit both named and in a group is assigned as named.
    for unit_line in kept:
        if not unit_line.is_group:
            role = Assignment.Role.LEAD if unit_line is line.lead else Assignment.Role.CO
            assign(units[unit_line.unit_name], role)
    for unit_line in kept:
        if unit_line.is_group:
            group = groups[unit_line.unit_name]
            for member in expand_unit_group(group):
                assign(member, Assignment.Role.CO, via_group=group)
    for milestone in line.milestones:
        target = milestone.target
        _save(
            Milestone(
                task=task,
                text=milestone.text,
                due_on=milestone.due + shift if milestone.due else None,
                recurrence_months=milestone.recurrence_months,
                target_value=_decimal(target.value, where) if target else None,
                target_unit=target.unit if target else "",
                target_subject=target.subject if target else "",
                target_comparator=target.comparator if target else "",
                order=milestone.index,
            ),
            actor,
            where,
        )
    return task


__all__ = [
    "DirectiveCorrections",
    "DirectivePreview",
    "directive_import",
    "directive_preview",
    "directive_source_hash",
    "directive_text_from_upload",
    "may_import_directives",
    "unit_directory",
]
