"""The CSP (script-src 'self') runs no inline script or handler: issue 19's pages must not rely on one (a
confirm() in onclick would silently never ask)."""
import re
from pathlib import Path

import pytest
from django.conf import settings

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("app", ["case_reviews", "safety_info"])
def test_it_has_no_inline_script_or_handler(app):
    files = sorted((Path(settings.BASE_DIR) / "templates" / app).glob("*.html"))
    assert files
    found = [(f.name, m.group(0)) for f in files for m in INLINE.finditer(f.read_text(encoding="utf-8"))]
    assert found == []
