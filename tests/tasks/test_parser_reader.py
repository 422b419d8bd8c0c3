"""Directive files: plain text in the encodings offices use, Word .docx, and refusals."""

from __future__ import annotations

import docx
import pytest

from tasks.parsing import (
    DirectiveParseError,
    parse_directive,
    read_directive_file,
    to_contract_json,
)
from tests.tasks.parser_support import SHOUGUANG, golden, reference_directory

TEXT = SHOUGUANG.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_files_read_alike_in_every_encoding_offices_use(tmp_path, encoding):
    path = tmp_path / "directive.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_directive_file(path) == TEXT


def test_a_docx_directive_parses_like_its_text(tmp_path):
    document = docx.Document()
    for line in TEXT.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "directive.docx"
    document.save(path)
    parsed = parse_directive(read_directive_file(path), units=reference_directory())
    assert to_contract_json(parsed) == golden()


def test_a_docx_table_is_read_row_by_row_in_place(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、任务")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "1.做好工作。"
    table.rows[0].cells[1].text = "(责任单位:市住建局)"
    document.add_paragraph("二、保障")
    path = tmp_path / "table.docx"
    document.save(path)
    assert read_directive_file(path) == "一、任务\n1.做好工作。 (责任单位:市住建局)\n二、保障"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "文件为空"),
        ("blank.txt", b" \n\n", "文件为空"),
        ("scan.pdf", b"%PDF-1.7\n...", "PDF"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "旧版 Word"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "图片"),
        ("data.bin", bytes(range(256)) * 4, "二进制"),
        ("fake.docx", "一、任务\n1.做好工作。".encode(), "不是有效的 .docx"),
        ("latin.txt", bytes([0x81, 0x30, 0xFF, 0xFE, 0x20]) * 10, "编码"),
    ],
)
def test_files_that_are_not_directive_texts_are_refused_with_a_reason(
    tmp_path, name, content, reason
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DirectiveParseError) as refused:
        read_directive_file(path)
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(DirectiveParseError, match="文件不存在"):
        read_directive_file(tmp_path / "nowhere.txt")


def test_a_spreadsheet_posing_as_a_directive_is_refused(tmp_path):
    import openpyxl

    path = tmp_path / "ledger.xlsx"
    openpyxl.Workbook().save(path)
    disguised = tmp_path / "directive.txt"
    disguised.write_bytes(path.read_bytes())
    with pytest.raises(DirectiveParseError, match=r"不是有效的 \.docx"):
        read_directive_file(disguised)
