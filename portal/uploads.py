"""Uploaded files are checked by size and by what they really contain, never by their name.

``validate_upload`` reads the first bytes (and, for Office files, the zip's
``[Content_Types].xml``) and refuses anything that is not one of the allowed kinds, or whose
name claims another kind than its content: a program renamed ``报告.pdf`` is refused.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "pdf": gettext_lazy("PDF"),
    "image": gettext_lazy("图片"),
    "office": gettext_lazy("Office文档"),
}

# Extensions each kind may carry; content decides the kind, the name must agree with it.
EXTENSIONS = {
    "pdf": {".pdf"},
    "image": {".png", ".jpg", ".jpeg", ".gif", ".webp"},
    "office": {".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt"},
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_OOXML = "application/vnd.openxmlformats-officedocument."
# The main part's content type that marks each Office Open XML document (macro-free ones).
_OOXML_MAIN = {
    f"{_OOXML}wordprocessingml.document.main+xml": f"{_OOXML}wordprocessingml.document",
    f"{_OOXML}spreadsheetml.sheet.main+xml": f"{_OOXML}spreadsheetml.sheet",
    f"{_OOXML}presentationml.presentation.main+xml": f"{_OOXML}presentationml.presentation",
}
_CONTENT_TYPES_MAX = 256 * 1024  # a real [Content_Types].xml is a few kilobytes


@dataclass(frozen=True)
class UploadInfo:
    """What an accepted file turned out to be."""

    name: str
    size: int
    kind: str
    content_type: str


def validate_upload(
    file, *, kinds: tuple[str, ...] = ("pdf", "image", "office"), max_bytes: int | None = None
) -> UploadInfo:
    """Check ``file`` (an uploaded or any seekable Django File) and say what it is.

    Raises ValidationError naming the file when it is empty, too large, or not one of
    ``kinds`` by content. The file's position is left at the start.
    """
    unknown = set(kinds) - set(KIND_LABELS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    name = os.path.basename(getattr(file, "name", "") or "") or _("未命名文件")
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    size = _size(file)
    if size == 0:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("“%(name)s”大小为%(size)s，超过上限%(limit)s。")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    detected = _detect(file, name)
    extension = os.path.splitext(name)[1].lower()
    if detected is None or detected[0] not in kinds or extension not in EXTENSIONS[detected[0]]:
        raise ValidationError(
            _("“%(name)s”不是允许的文件类型（%(kinds)s）。")
            % {"name": name, "kinds": "、".join(str(KIND_LABELS[k]) for k in kinds)},
            code="file_type",
        )
    kind, content_type = detected
    return UploadInfo(name=name, size=size, kind=kind, content_type=content_type)


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    return size


def _detect(file, name: str) -> tuple[str, str] | None:
    """(kind, content type) from the content, or None when it is nothing allowed."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if isinstance(head, str):  # a text-mode file is not a document
        return None
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head.startswith(_OLE):
        # Legacy Word/Excel/PowerPoint share one container; the extension tells which.
        content_type = _OLE_TYPES.get(os.path.splitext(name)[1].lower())
        return ("office", content_type) if content_type else None
    if head.startswith(b"PK\x03\x04"):
        content_type = _ooxml_type(file)
        return ("office", content_type) if content_type else None
    return None


def _ooxml_type(file) -> str | None:
    """The document type named by the zip's [Content_Types].xml, or None."""
    try:
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            manifest = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    finally:
        file.seek(0)
    for main, content_type in _OOXML_MAIN.items():
        if f'ContentType="{main}"' in manifest or f"ContentType='{main}'" in manifest:
            return content_type
    return None
