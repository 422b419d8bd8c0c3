"""The directive parser: pure Python, no Django, so tests and dry runs need no database.

``parse_directive(text, units=UnitDirectory(...))`` reads a directive; ``to_contract_json``
gives the ``import_directive --json`` document; ``read_directive_file`` reads .txt and .docx.
"""

from .model import (
    DirectiveParseError,
    ImplementedDocument,
    Milestone,
    ParsedDirective,
    Section,
    Target,
    Task,
    UnmatchedUnit,
    to_contract_json,
)
from .parser import parse_directive
from .reader import read_directive_file
from .text import normalize_text
from .units import UnitDirectory, UnitEntry

__all__ = [
    "DirectiveParseError",
    "ImplementedDocument",
    "Milestone",
    "ParsedDirective",
    "Section",
    "Target",
    "Task",
    "UnitDirectory",
    "UnitEntry",
    "UnmatchedUnit",
    "normalize_text",
    "parse_directive",
    "read_directive_file",
    "to_contract_json",
]
