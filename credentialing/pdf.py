"""The personal technical archive as PDF (规范第十七条: 纳入个人专业技术档案), through the one PDF pipeline."""
from __future__ import annotations

from typing import Any

from credentialing.selectors import archive
from qms.pdf import render_pdf


def render_archive_pdf(staff: Any) -> bytes:
    return render_pdf("pdf/credentialing/archive.html", archive(staff=staff))
