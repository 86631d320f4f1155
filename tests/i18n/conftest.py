"""The English catalogue is compiled by `make messages`; a bare `pytest` run compiles it here if stale."""
import os
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
        # Two xdist workers may both compile: each writes its own file and swaps it in atomically.
        tmp = mo.with_name(f"django.{os.getpid()}.mo.tmp")
        subprocess.run(["msgfmt", "--check-format", "-o", str(tmp), str(PO)], check=True)
        os.replace(tmp, mo)
        from django.utils.translation import trans_real

        # A catalogue loaded before the compile would be stale for the rest of the process.
        trans_real._translations = {}
        trans_real._default = None
        for name in ("translation_catalog_exists", "check_for_language", "get_languages",
                     "_get_supported_language_variant", "get_supported_language_variant"):
            cached = getattr(trans_real, name, None)
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()
    yield
