"""The English catalogue is compiled by `make messages`; a bare `pytest` run compiles it here if stale."""
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session", autouse=True)
def _compiled_english_catalogue():
    mo = PO.with_suffix(".mo")
    if PO.exists() and shutil.which("msgfmt") and (not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(PO)], check=True)
        from django.utils.translation import trans_real

        # A catalogue loaded before the compile would be stale for the rest of the process.
        trans_real._translations = {}
        trans_real._default = None
        trans_real.check_for_language.cache_clear()
        trans_real.get_languages.cache_clear()
        trans_real.get_supported_language_variant.cache_clear()
    yield
