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


# ---------------------------------------------------------------- Excel imports (issue 13 item 5)

def _import_limits() -> tuple[int, int, int]:
    return (int(getattr(settings, "QMS_IMPORT_MAX_ROWS", 5000)),
            int(getattr(settings, "QMS_IMPORT_MAX_CELL_CHARS", 2000)),
            int(getattr(settings, "QMS_XLSX_MAX_UNCOMPRESSED_BYTES", 20 * 1024 * 1024)))


def workbook_rows(data: bytes, *, field: str = "file", not_workbook: str = "") -> list[tuple]:
    """The first sheet's rows (header included) as tuples of values, with the caps of an import checked:
    the upload's size, then the uncompressed size of every zip member (read from the zip's directory,
    before anything is inflated or parsed), then, while reading, the number of rows and each cell's length.
    Any breach, or a file that is not a workbook, is a ValidationError on `field` with a clear message."""
    import openpyxl

    max_rows, max_cell, max_unzipped = _import_limits()
    refuse = not_workbook or _("上传的文件不是 Excel 工作簿（.xlsx）。")
    limit = int(getattr(settings, "QMS_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    if len(data) > limit:
        raise ValidationError({field: [_("文件过大（上限 %(n)s MB）。") % {"n": limit // (1024 * 1024)}]})
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError({field: [refuse]})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile:
        raise ValidationError({field: [refuse]}) from None
    if sum(m.file_size for m in members) > max_unzipped:
        raise ValidationError({field: [_("工作簿解压后超过 %(n)s MB，请拆分后分批导入。")
                                       % {"n": max_unzipped // (1024 * 1024)}]})
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise ValidationError({field: [refuse]})
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({field: [refuse]}) from None
    try:
        rows: list[tuple] = []
        for number, row in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
            if number > max_rows + 1:  # the header and max_rows rows
                raise ValidationError({field: [_("行数过多：一次最多导入 %(n)s 行，请拆分后分批导入。")
                                               % {"n": max_rows}]})
            for column, value in enumerate(row or ()):
                if isinstance(value, str) and len(value) > max_cell:
                    raise ValidationError({field: [_("第 %(r)s 行第 %(c)s 列的单元格超过 %(n)s 个字符。")
                                                   % {"r": number, "c": column + 1, "n": max_cell}]})
            rows.append(tuple(row or ()))
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a malformed sheet part
        raise ValidationError({field: [refuse]}) from None
    finally:
        wb.close()
    return rows
