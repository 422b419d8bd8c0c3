"""Uploads are judged by size and by content (magic bytes), never by the name alone."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from portal.uploads import validate_upload

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name, data):
    return SimpleUploadedFile(name, data)


def docx_bytes():
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("电动车停车棚建设进展")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "停车棚"
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(content_types: str | None, extra=("word/document.xml",)):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_types is not None:
            archive.writestr("[Content_Types].xml", content_types)
        for name in extra:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PPTX_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/ppt/presentation.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
    "</Types>"
)
DOCM_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("整改报告.pdf", PDF, "application/pdf"),
        ("现场照片.PNG", PNG, "image/png"),
        ("现场照片.jpg", JPEG, "image/jpeg"),
        ("现场照片.jpeg", JPEG, "image/jpeg"),
        ("动图.gif", GIF, "image/gif"),
        ("照片.webp", WEBP, "image/webp"),
        ("legacy.doc", OLE, "application/msword"),
        ("legacy.xls", OLE, "application/vnd.ms-excel"),
    ],
)
def test_allowed_files_are_accepted_by_content(name, data, content_type):
    info = validate_upload(upload(name, data))
    assert info.content_type == content_type
    assert info.size == len(data)


def test_word_and_excel_files_are_recognised_from_their_content_types_manifest():
    assert validate_upload(upload("进展.docx", docx_bytes())).content_type.endswith(
        "wordprocessingml.document"
    )
    assert validate_upload(upload("台账.xlsx", xlsx_bytes())).content_type.endswith(
        "spreadsheetml.sheet"
    )
    assert validate_upload(upload("汇报.pptx", zip_bytes(PPTX_TYPES))).kind == "office"


def test_a_program_is_refused_with_a_message_naming_it():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("x.exe", EXE))
    assert exc.value.messages == ["“x.exe”不是允许的文件类型（PDF、图片、Office文档）。"]


def test_a_file_renamed_to_pdf_that_is_not_a_pdf_is_refused():
    with pytest.raises(ValidationError, match=r"“报告\.pdf”不是允许的文件类型"):
        validate_upload(upload("报告.pdf", EXE))
    with pytest.raises(ValidationError, match=r"“报告\.pdf”不是允许的文件类型"):
        validate_upload(upload("报告.pdf", "这只是一段文字".encode()))


def test_a_real_pdf_named_as_a_program_is_refused():
    with pytest.raises(ValidationError, match=r"“报告\.exe”"):
        validate_upload(upload("报告.exe", PDF))


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes(None),  # a plain zip archive
        zip_bytes(DOCM_TYPES),  # a macro-enabled document
        b"PK\x03\x04" + b"\x00" * 40,  # a broken zip
    ],
    ids=["plain-zip", "macro-docm", "broken-zip"],
)
def test_zip_files_that_are_not_office_documents_are_refused(data):
    with pytest.raises(ValidationError, match="不是允许的文件类型"):
        validate_upload(upload("进展.docx", data))


def test_legacy_office_container_needs_an_office_extension():
    with pytest.raises(ValidationError):
        validate_upload(upload("setup.msi", OLE))


def test_only_the_kinds_asked_for_are_allowed():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("照片.png", PNG), kinds=("pdf",))
    assert exc.value.messages == ["“照片.png”不是允许的文件类型（PDF）。"]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("大文件.pdf", PDF + b"0" * 2000))
    assert exc.value.code == "too_large"
    assert "“大文件.pdf”" in exc.value.messages[0]
    assert "超过上限" in exc.value.messages[0]
    assert validate_upload(upload("小文件.pdf", PDF)).kind == "pdf"


def test_an_explicit_limit_overrides_the_setting():
    with pytest.raises(ValidationError, match="超过上限"):
        validate_upload(upload("x.pdf", PDF), max_bytes=10)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match=r"“空\.pdf”是空文件"):
        validate_upload(upload("空.pdf", b""))


def test_the_file_is_left_at_its_start():
    file = upload("进展.docx", docx_bytes())
    validate_upload(file)
    assert file.read(2) == b"PK"
