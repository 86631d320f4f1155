"""Evidence files: the type is judged by the content (magic bytes), not by the name (STYLE.md "Uploads")."""
from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def check_upload(upload: Any, *, field: str = "file") -> CheckedUpload:
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError({field: _("请选择要上传的文件。")})
    limit = settings.QMS_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: _("文件过大：不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: _("文件过大：不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}})
    if not data:
        raise ValidationError({field: _("文件为空。")})
    kind = sniff(data)
    if kind is None:
        raise ValidationError({field: _("只接受 PDF、PNG、JPEG、Word（docx）或 Excel（xlsx）文件。")})
    base = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "file"))[0][:100] or "file"
    return CheckedUpload(
        name=base + EXTENSIONS[kind], content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data
    )
