"""The one upload check (issue 15 item 3): the type is read from the content (magic bytes), never from the
name or the browser; the size is limited; the stored name carries the extension of the detected type (a
"report.html" that is a PDF is kept and served as "report.pdf", issue 13 item 9); downloads are attachments
with nosniff. Files a rolled-back or killed write left behind are swept by `sweep_orphan_files` (item 10).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the uploader's base name + the extension of the detected type
    content_type: str
    size: int
    sha256: str
    data: bytes

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    def content(self) -> ContentFile:
        return ContentFile(self.data, name=self.name)


def sniff(data: bytes) -> str | None:
    """The content type of an accepted file, judged by its bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def safe_name(original: str, content_type: str, fallback: str = "file") -> str:
    base = os.path.splitext(os.path.basename(str(original or "").replace("\\", "/")))[0].strip()[:100]
    return (base or fallback) + EXTENSIONS[content_type]


def _display(upload: Any) -> str:
    return os.path.basename(str(getattr(upload, "name", "") or "").replace("\\", "/"))[:100]


def check_upload(upload: Any, *, field: str = "file") -> CheckedUpload:
    """A CheckedUpload, or a ValidationError {field: [message]} naming the rule that was broken."""
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError({field: [_("请选择要上传的文件。")]})
    limit = settings.QMS_UPLOAD_MAX_BYTES
    too_big = _("文件“%(name)s”过大：单个文件不能超过 %(mb)s MB。") % {
        "name": _display(upload), "mb": limit // (1024 * 1024)}
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: [too_big]})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: [too_big]})
    if not data:
        raise ValidationError({field: [_("文件为空。")]})
    kind = sniff(data)
    if kind is None:
        raise ValidationError({field: [_("文件“%(name)s”的类型不被接受：只接受 PDF、PNG、JPEG、Word（docx）或 Excel（xlsx）"
                                         "文件（按文件内容识别）。") % {"name": _display(upload)}]})
    return CheckedUpload(name=safe_name(getattr(upload, "name", ""), kind), content_type=kind, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), data=data)


def download_response(fieldfile: Any, *, name: str, content_type: str) -> FileResponse:
    """A stored file as an attachment, its name with the extension of its (sniffed) type, and nosniff."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if content_type in EXTENSIONS:
        name = safe_name(name, content_type)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- orphan files (issue 13 item 10)

ORPHAN_GRACE = dt.timedelta(hours=1)  # a file this young may belong to a transaction still running


def _file_fields() -> list[tuple[Any, str]]:
    from django.apps import apps
    from django.db import models

    return [(m, f.name) for m in apps.get_models() for f in m._meta.concrete_fields if isinstance(f, models.FileField)]


def sweep_orphan_files(*, now: dt.datetime | None = None) -> list[str]:
    """Delete files under MEDIA_ROOT that no row references and that are older than ORPHAN_GRACE: what a
    rolled-back transaction or a worker killed between the file write and the commit left behind. Returns the
    removed names (relative to MEDIA_ROOT)."""
    from django.core.files.storage import default_storage

    now = now or timezone.now()
    referenced: set[str] = set()
    for model, field in _file_fields():
        referenced |= {n for n in model._base_manager.exclude(**{field: ""}).values_list(field, flat=True) if n}
    root = str(settings.MEDIA_ROOT)
    removed: list[str] = []
    if not os.path.isdir(root):
        return removed
    cutoff = (now - ORPHAN_GRACE).timestamp()
    for directory, _dirs, files in os.walk(root):
        for filename in files:
            path = os.path.join(directory, filename)
            name = os.path.relpath(path, root).replace(os.sep, "/")
            if name in referenced or name.startswith(("exports/", "tmp/")):
                continue
            try:
                if os.path.getmtime(path) > cutoff:
                    continue
            except FileNotFoundError:
                continue
            default_storage.delete(name)
            removed.append(name)
    return sorted(removed)
