"""Shared inputs for the directive parser tests: the seed texts and unit directories."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from tasks.parsing import UnitDirectory, UnitEntry

REPO = Path(__file__).resolve().parents[2]
DIRECTIVES = REPO / "fixtures" / "directives"
SHOUGUANG = DIRECTIVES / "shouguang-urban-safety-directive-2019.txt"
CHENGJIANG = DIRECTIVES / "chengjiang-urban-safety-plan-interpretation-2020.txt"
GOLDEN = Path(__file__).resolve().parent / "golden" / "shouguang.json"
REFERENCE_FILES = [
    REPO / "fixtures" / "reference" / "units.json",
    REPO / "fixtures" / "reference" / "unit_groups.json",
]


@functools.cache
def reference_directory() -> UnitDirectory:
    """Shouguang's units and group tokens, read from the reference files (no database)."""
    return UnitDirectory.from_reference_files(REFERENCE_FILES)


def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def county_directory(*, with_township_group: bool = True) -> UnitDirectory:
    """A small county's directory for the other documents' shapes."""
    entries = [
        UnitEntry("县应急管理局", ("应急管理局", "县应急局", "应急局"), "bureau"),
        UnitEntry("县自然资源局", ("自然资源局",), "bureau"),
        UnitEntry("县发改局", ("发改局", "县发展和改革局"), "bureau"),
        UnitEntry("县住建局", ("住建局",), "bureau"),
        UnitEntry("县工信局", ("工信局",), "bureau"),
        UnitEntry("县城市管理局", ("城市管理局",), "bureau"),
        UnitEntry("县消防救援大队", ("消防救援大队",), "bureau"),
    ]
    if with_township_group:
        entries.append(UnitEntry("各乡镇人民政府", ("各乡镇",), "group"))
    return UnitDirectory(entries)
