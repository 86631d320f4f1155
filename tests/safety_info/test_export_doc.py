"""docs/safety-information-export.md is the format an upper platform is built against: it must say what the
code sends (the field table, format and version), or this fails."""
import hashlib
import json
import re
from pathlib import Path

from safety_info.export import FIELDS, item_digest
from safety_info.models import EventExport

DOC = Path(__file__).resolve().parents[2] / "docs" / "safety-information-export.md"


def _table_rows() -> list[tuple[str, str, str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Fields", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in text.splitlines():
        m = re.match(r"^\| `([a-z_]+)` \| (.*?) \| (.*?) \| (.*?) \|$", line)
        if m:
            rows.append((m[1], m[2], m[3].replace("\\|", "|"), m[4]))
    return rows


def test_it_documents_every_exported_field_in_order_with_its_name_and_type():
    assert _table_rows() == [tuple(f) for f in FIELDS]


def test_it_documents_the_format_and_version_the_code_sends():
    text = DOC.read_text(encoding="utf-8")
    assert f"`{EventExport.FORMAT}`, version {EventExport.VERSION}" in text.splitlines()[0]
    assert f'"format": "{EventExport.FORMAT}"' in text and f'"version": "{EventExport.VERSION}"' in text


def test_it_documents_the_digest_as_the_code_computes_it():
    item = {"event_id": "H001-AE-1", "description": "给药错误", "patient_age": None}
    documented = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert item_digest(item) == documented
    assert "json.dumps(item, sort_keys=True, ensure_ascii=False)" in DOC.read_text(encoding="utf-8")
