import shutil
import subprocess

import pytest
from django.template import engines

from qms.pdf import render_pdf


def test_it_renders_chinese_text_that_can_be_extracted(tmp_path, settings):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    # A template string through the same base: the text must come back out of the PDF.
    (tmp_path / "doc.html").write_text(
        '{% extends "pdf/base.html" %}{% block body %}<h1>医疗质量安全约谈登记表</h1>'
        "<p>{{ text }}</p>{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    pdf = render_pdf("doc.html", {"text": "存在的主要问题：<script>alert(1)</script>"})
    assert pdf.startswith(b"%PDF")
    out = tmp_path / "out.pdf"
    out.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "医疗质量安全约谈登记表" in text
    assert "存在的主要问题：<script>alert(1)</script>" in text  # escaped, shown as text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
