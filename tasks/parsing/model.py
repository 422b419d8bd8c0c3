"""What the directive parser returns: plain dataclasses, no Django.

A directive (实施意见/实施方案) is read into its parts (一、…), numbered tasks, the units
responsible for each task and the milestones (deadlines and quantitative targets) written in
the task's text. ``to_contract_json`` turns the result into the ``import_directive --json``
shape fixed in DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class DirectiveParseError(ValueError):
    """The input is not a directive the parser can read; the message is one line for the user."""


@dataclass(frozen=True)
class Target:
    """A quantitative target: ``value`` ``unit`` of ``subject``, compared with ``comparator``.

    ``comparator`` is ">=", "<=" or "=". For a change (减少10%以上) the subject keeps the verb
    (作业人员减少), so the target reads "the reduction is at least 10%".
    """

    value: int | float
    unit: str
    subject: str
    comparator: str

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "unit": self.unit,
            "subject": self.subject,
            "comparator": self.comparator,
        }


@dataclass(frozen=True)
class Milestone:
    """One commitment in a task: a due date (or none: 长期坚持), a recurrence, a target.

    ``recurrence`` is None or ``{"freq": "yearly", "months": [4, 11]}``; ``due`` is then the
    first occurrence on or after the directive's date. ``text`` is the sentence as written.
    """

    due: date | None
    recurrence: dict | None
    target: Target | None
    text: str


@dataclass(frozen=True)
class UnmatchedUnit:
    """A unit name the directory does not know, kept as written, with the nearest known units."""

    name: str
    suggestions: list[str]


@dataclass(frozen=True)
class Section:
    """A part of the directive (一、总体要求), or a sub-heading holding tasks (number "二(一)")."""

    number: str
    title: str


@dataclass(frozen=True)
class ImplementedDocument:
    """A higher document the directive implements, named in its preamble (中办发〔2018〕1号)."""

    title: str
    doc_number: str | None


@dataclass
class Task:
    number: str
    section: str
    title: str
    body: str
    lead_unit: str | None = None
    units: list[str] = field(default_factory=list)
    unmatched_units: list[UnmatchedUnit] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class ParsedDirective:
    title: str
    doc_number: str | None
    issuer: str | None
    issued_on: date | None
    implements: list[ImplementedDocument]
    sections: list[Section]
    tasks: list[Task]
    warnings: list[str] = field(default_factory=list)


def to_contract_json(parsed: ParsedDirective) -> dict:
    """The ``import_directive --json`` document, exactly the shape DESIGN.md fixes."""
    return {
        "title": parsed.title,
        "sections": [{"number": s.number, "title": s.title} for s in parsed.sections],
        "tasks": [
            {
                "number": task.number,
                "section": task.section,
                "title": task.title,
                "lead_unit": task.lead_unit,
                "units": list(task.units),
                "milestones": [
                    {
                        "due": m.due.isoformat() if m.due else None,
                        "recurrence": (
                            {"freq": m.recurrence["freq"], "months": list(m.recurrence["months"])}
                            if m.recurrence
                            else None
                        ),
                        "target": m.target.as_dict() if m.target else None,
                        "text": m.text,
                    }
                    for m in task.milestones
                ],
            }
            for task in parsed.tasks
        ],
    }
