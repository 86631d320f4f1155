"""Attachment checks: the type is read from the content (magic bytes), never from the name or the browser."""
from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ACCEPTED = "PDF、PNG、JPEG、DOCX、XLSX"


def sniff(head: bytes, fileobj) -> str | None:  # noqa: ANN001
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        fileobj.seek(0)
        try:
            names = zipfile.ZipFile(io.BytesIO(fileobj.read())).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def check_upload(upload) -> tuple[str, str]:  # noqa: ANN001
    """(content type, sha256) of an acceptable upload; a ValidationError naming the rule otherwise."""
    limit = settings.QMS_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("附件“%(name)s”过大（%(size).1f MB），单个附件不能超过 %(limit).0f MB。"),
            params={"name": upload.name, "size": upload.size / 1048576, "limit": limit / 1048576},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff(head, upload)
    if content_type is None:
        raise ValidationError(
            _("附件“%(name)s”的文件类型不被接受，仅接受 %(types)s。"),
            params={"name": upload.name, "types": ACCEPTED},
            code="bad_type",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
