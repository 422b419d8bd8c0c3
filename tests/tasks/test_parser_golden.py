"""The Shouguang directive, read by hand into golden/shouguang.json, is what the parser reads."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tasks.parsing import parse_directive, read_directive_file, to_contract_json
from tests.tasks.parser_support import SHOUGUANG, golden, reference_directory


@pytest.fixture(scope="module")
def shouguang():
    return parse_directive(read_directive_file(SHOUGUANG), units=reference_directory())


@pytest.fixture(scope="module")
def contract(shouguang):
    return to_contract_json(shouguang)


def test_shouguang_title_and_all_nine_parts_match_the_golden_file(contract):
    expected = golden()
    assert contract["title"] == expected["title"]
    assert contract["sections"] == expected["sections"]


@pytest.mark.parametrize("index", range(34), ids=[str(n) for n in range(1, 35)])
def test_shouguang_task_matches_the_golden_file(contract, index):
    assert contract["tasks"][index] == golden()["tasks"][index]


def test_shouguang_parse_equals_the_golden_file_exactly(contract):
    assert contract == golden()


def test_contract_json_has_exactly_the_documented_keys(contract):
    assert list(contract) == ["title", "sections", "tasks"]
    task = contract["tasks"][5]
    assert list(task) == ["number", "section", "title", "lead_unit", "units", "milestones"]
    assert list(task["milestones"][1]) == ["due", "recurrence", "target", "text"]
    assert list(task["milestones"][1]["target"]) == ["value", "unit", "subject", "comparator"]
    assert json.loads(json.dumps(contract, ensure_ascii=False)) == contract


def test_shouguang_header_gives_the_issue_date_and_the_implemented_documents(shouguang):
    assert shouguang.issued_on == date(2019, 4, 26)
    assert shouguang.doc_number is None  # 文号 is blank on the page
    assert [doc.doc_number for doc in shouguang.implements] == [
        "中办发〔2018〕1号",
        "鲁办发〔2018〕50号",
        "潍办发〔2019〕2号",
    ]
    assert (
        shouguang.implements[0].title == "中共中央办公厅 国务院办公厅关于推进城市安全发展的实施意见"
    )


def test_every_shouguang_unit_is_known_to_the_reference_data(shouguang):
    assert [(t.number, t.unmatched_units) for t in shouguang.tasks if t.unmatched_units] == []


def test_shouguang_slips_are_reported_for_the_preview(shouguang):
    warnings = "\n".join(shouguang.warnings)
    assert "任务5:标题后缺少句号" in warnings
    assert "“20196月底”缺少“年”,读作2019-06-30" in warnings
    assert "“综合行政执法局交通局”读作“市综合行政执法局、市交通局”" in warnings
    assert "中办发〔20181号" in warnings


def test_a_given_issue_date_moves_the_first_occurrence_of_recurring_milestones():
    parsed = parse_directive(
        read_directive_file(SHOUGUANG), units=reference_directory(), issued_on=date(2019, 5, 1)
    )
    by_number = {task.number: task for task in parsed.tasks}
    assert parsed.issued_on == date(2019, 5, 1)
    assert by_number["15"].milestones[0].due == date(2019, 11, 30)
    assert by_number["14"].milestones[0].due == date(2020, 3, 31)
    assert by_number["1"].milestones[0].due == date(2019, 12, 31)  # dates as written stay
