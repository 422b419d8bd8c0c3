"""Reading a directive file: plain text (UTF-8, UTF-8 with BOM, GB18030) or Word .docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .model import DirectiveParseError
from .text import looks_binary

_REFUSED_SIGNATURES = {
    b"%PDF": "PDF 文件不能直接导入,请另存为 .txt 或 .docx",
    b"\xd0\xcf\x11\xe0": "旧版 Word(.doc)或 Excel 文件不能导入,请另存为 .docx 或 .txt",
    b"\x89PNG": "图片文件不是实施意见的文本",
    b"\xff\xd8\xff": "图片文件不是实施意见的文本",
}


def read_directive_file(path: str | Path) -> str:
    """The text of a directive file; DirectiveParseError with a one-line reason otherwise."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DirectiveParseError(f"文件不存在:{path}") from None
    except IsADirectoryError:
        raise DirectiveParseError(f"这是一个目录,不是文件:{path}") from None
    except OSError as error:
        raise DirectiveParseError(f"无法读取文件 {path}:{error.strerror}") from None
    if not data.strip():
        raise DirectiveParseError(f"文件为空:{path.name}")
    for signature, reason in _REFUSED_SIGNATURES.items():
        if data.startswith(signature):
            raise DirectiveParseError(f"{path.name}:{reason}")
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".docx":
        return _read_docx(path)
    text = _decode(data, path.name)
    if looks_binary(text):
        raise DirectiveParseError(f"{path.name}:含有控制字符,是二进制文件而不是文本")
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise DirectiveParseError(f"{name}:含有空字节,是二进制文件而不是文本")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DirectiveParseError(f"{name}:既不是 UTF-8 也不是 GB18030 编码的文本") from None


def _read_docx(path: Path) -> str:
    """Paragraphs and table rows in document order, one per line."""
    import docx  # python-docx; imported here so plain-text reading does not need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise DirectiveParseError(f"{path.name}:不是有效的 .docx 文件({error})") from None
    lines = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    if cell.text.strip() and cell.text.strip() not in cells:
                        cells.append(cell.text.strip())
                lines.append(" ".join(cells))
        else:
            lines.append(block.text)
    text = "\n".join(lines)
    if not text.strip():
        raise DirectiveParseError(f"{path.name}:文档没有文字")
    return text
