"""Checks on uploaded 约谈 materials: type by content, never by name, and size."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"PK\x03\x04", "application/zip", ".zip"),
]
OOXML = {
    b"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    b"xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def sniff(upload: Any, field: str = "file") -> tuple[str, str]:
    """(content type, extension) of an accepted upload, or a ValidationError on field."""
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationError({field: [_("文件为空。")]})
    if size > settings.QMS_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {field: [_("文件不能超过 %(mb)d MB。") % {"mb": settings.QMS_UPLOAD_MAX_BYTES // (1024 * 1024)}]}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            if content_type == "application/zip":
                import zipfile

                try:
                    names = zipfile.ZipFile(upload).namelist()
                except zipfile.BadZipFile:
                    break
                finally:
                    upload.seek(0)
                for prefix, (ooxml_type, ooxml_ext) in OOXML.items():
                    if any(n.encode().startswith(prefix) for n in names):
                        return ooxml_type, ooxml_ext
                break
            return content_type, ext
    raise ValidationError({field: [_("只接受 PDF、PNG、JPEG、DOCX 或 XLSX 文件（按文件内容识别）。")]})
