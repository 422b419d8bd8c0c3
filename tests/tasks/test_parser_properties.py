"""Noise never crashes the parser and never makes it invent a unit (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.parsing import (
    DirectiveParseError,
    normalize_text,
    parse_directive,
    read_directive_file,
    to_contract_json,
)
from tests.tasks.parser_support import SHOUGUANG, golden, reference_directory

TEXT = read_directive_file(SHOUGUANG)
HALF_TO_FULL = {"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "%": "％", ".": "．"}
FULL_TO_HALF = {full: half for half, full in HALF_TO_FULL.items()}
SWAPPABLE = [i for i, ch in enumerate(TEXT) if ch in HALF_TO_FULL]
BRACKETS = [i for i, ch in enumerate(TEXT) if ch in "()"]
YEARS = [m.start() + 4 for m in re.finditer(r"\d{4}年", TEXT)]
NOISE_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

edits = st.lists(
    st.tuples(
        st.sampled_from(["space", "ideographic space", "swap", "drop bracket", "drop 年"]),
        st.floats(min_value=0, max_value=1, exclude_max=True),
    ),
    max_size=40,
)


def apply_noise(text: str, noise: list[tuple[str, float]]) -> str:
    """Edits at positions drawn as fractions; deletions and swaps hit the characters they name."""
    chars = list(text)
    inserts: dict[int, str] = {}
    for kind, where in noise:
        if kind in ("space", "ideographic space"):
            inserts[int(where * len(chars))] = " " if kind == "space" else "\u3000"
        elif kind == "swap":
            index = SWAPPABLE[int(where * len(SWAPPABLE))]
            chars[index] = HALF_TO_FULL.get(chars[index]) or FULL_TO_HALF.get(chars[index], "")
        elif kind == "drop bracket":
            chars[BRACKETS[int(where * len(BRACKETS))]] = ""
        else:
            chars[YEARS[int(where * len(YEARS))]] = ""
    return "".join(inserts.get(i, "") + ch for i, ch in enumerate(chars))


def assert_no_invented_units(parsed, text: str) -> None:
    """Every unit is a directory name, or reported unmatched and written in the input."""
    directory = reference_directory()
    known = set(directory.names)
    flat = re.sub(r"\s+", "", normalize_text(text))
    for task in parsed.tasks:
        unmatched = {unit.name for unit in task.unmatched_units}
        for unit in task.units:
            assert unit in known or unit in unmatched, unit
            if unit not in known:
                # as written, or as written with the shared prefix (市/县) applied
                assert unit in flat or unit[1:] in flat, unit
        assert task.lead_unit == (task.units[0] if task.units else None)


@NOISE_SETTINGS
@given(edits)
def test_noise_never_crashes_the_parser_nor_invents_units(noise):
    noisy = apply_noise(TEXT, noise)
    parsed = parse_directive(noisy, units=reference_directory())
    assert parsed.tasks
    assert_no_invented_units(parsed, noisy)
    to_contract_json(parsed)


@NOISE_SETTINGS
@given(st.lists(st.sampled_from(SWAPPABLE), max_size=60))
def test_full_width_half_width_swaps_change_nothing(positions):
    chars = list(TEXT)
    for index in positions:
        chars[index] = HALF_TO_FULL[TEXT[index]]
    parsed = parse_directive("".join(chars), units=reference_directory())
    assert to_contract_json(parsed) == golden()


def test_month_deadlines_read_the_same_with_or_without_their_year_character():
    with_year = re.sub(r"(20\d{2})(\d{1,2}月底)", r"\1年\2", TEXT)
    without_year = re.sub(r"(20\d{2})年(\d{1,2}月底)", r"\1\2", TEXT)
    assert with_year != without_year

    def dues(text):
        parsed = parse_directive(text, units=reference_directory())
        return [[m.due for m in task.milestones] for task in parsed.tasks]

    assert dues(with_year) == dues(without_year) == dues(TEXT)


fragments = st.sampled_from(
    [
        "一、总体要求\n",
        "(一)指导思想。",
        "\n1.",
        "\n12.",
        "科学制定规划。",
        "(责任单位:",
        "(牵头单位:",
        ";配合单位:",
        "市住建局、",
        "发改局",
        "综合行政执法局交通局",
        "各镇街区",
        "等部门、单位)",
        ")",
        "2019年底前",
        "20196月底前",
        "每年4月和11月",
        "848个",
        "90%以上",
        "。",
        ",",
        " ",
        "\n",
    ]
)


@NOISE_SETTINGS
@given(st.lists(st.one_of(fragments, st.text(max_size=8)), max_size=40))
def test_arbitrary_text_is_parsed_or_refused_cleanly(pieces):
    text = "".join(pieces)
    try:
        parsed = parse_directive(text, units=reference_directory())
    except DirectiveParseError as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    assert parsed.tasks
    assert_no_invented_units(parsed, text)
    to_contract_json(parsed)
