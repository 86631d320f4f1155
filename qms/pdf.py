"""The one PDF pipeline (DESIGN "Documents"): a template from templates/pdf/ rendered by WeasyPrint.

Every document extends templates/pdf/base.html, which carries the print stylesheet: A4, Noto Sans CJK SC,
running header, page numbers. Images and stylesheets are resolved from the static folders only: a
document never fetches anything over the network.
"""
from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _static_fetcher(url: str, *args: Any, **kwargs: Any) -> dict:
    from weasyprint.urls import default_url_fetcher

    prefix = "static:"
    if url.startswith(prefix) or url.startswith(settings.STATIC_URL):
        name = url[len(prefix):] if url.startswith(prefix) else url[len(settings.STATIC_URL):]
        path = finders.find(name)
        if not path:
            raise ValueError(f"static file not found: {name}")
        data = Path(path).read_bytes()
        return {"string": data, "mime_type": mimetypes.guess_type(path)[0] or "application/octet-stream"}
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDFs fetch nothing from outside: {url}")


def render_document(template: str, context: dict[str, Any]) -> Any:
    """The laid-out document (weasyprint.Document): its .pages can be counted before writing the PDF."""
    from django.utils import translation
    from weasyprint import HTML

    # Documents are archived for the regulator in Chinese, whatever language the requesting user reads.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html, base_url="static:", url_fetcher=_static_fetcher).render()


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return render_document(template, context).write_pdf()


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
