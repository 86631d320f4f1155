"""Issue 13 item 5: every Excel import caps rows, cell size and uncompressed size before (or while) parsing,
and refuses with a clear message: indicator values, inspection checklists, the case pool."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from case_reviews.services import case_pool_rows_from_xlsx
from indicators.excel import HEADER as INDICATOR_HEADER
from indicators.excel import read_values
from inspections.excel import HEAD as CHECKLIST_HEADER
from inspections.excel import parse_workbook

LIMITS = {"QMS_IMPORT_MAX_ROWS": 100, "QMS_IMPORT_MAX_CELL_CHARS": 500,
          "QMS_XLSX_MAX_UNCOMPRESSED_BYTES": 2 * 1024 * 1024}


def _xlsx(header, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb(data: bytes) -> bytes:
    """The workbook with one extra member that inflates from a few KB to 8 MB."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.xml", b"<a>" + b"0" * (8 * 1024 * 1024) + b"</a>")
    return out.getvalue()


def _refusal(read, data: bytes) -> str:
    try:
        result = read(data)
    except ValidationError as exc:
        return " ".join(exc.messages)
    if isinstance(result, tuple):  # the checklist parser reports errors instead of raising
        return " ".join(e["message"] for e in result[1])
    return ""


READERS = {
    "indicators": (read_values, INDICATOR_HEADER, ["ZB01", "x", "H001", "CARD", "2025-01", 1, 2]),
    "checklists": (parse_workbook, CHECKLIST_HEADER, ["C1", "检查表", "其他", "1", "条目", 1, "规则"]),
    "case_pool": (case_pool_rows_from_xlsx, ["病案号", "姓名"], ["A1", "张三"]),
}


@pytest.fixture(autouse=True)
def _limits(settings):
    for k, v in LIMITS.items():
        setattr(settings, k, v)


@pytest.mark.parametrize("name", sorted(READERS))
def test_it_refuses_too_many_rows(name, db):
    read, header, row = READERS[name]
    assert _refusal(read, _xlsx(header, [row] * 100)) == "" or name == "checklists"
    message = _refusal(read, _xlsx(header, [row] * 101))
    assert "行数过多" in message and "100" in message


@pytest.mark.parametrize("name", sorted(READERS))
def test_it_refuses_an_oversized_cell(name, db):
    read, header, row = READERS[name]
    message = _refusal(read, _xlsx(header, [[*row[:-1], "长" * 501]]))
    assert "单元格" in message and "500" in message


@pytest.mark.parametrize("name", sorted(READERS))
def test_it_refuses_a_workbook_that_inflates_beyond_the_limit_before_parsing(name, db, monkeypatch):
    read, header, row = READERS[name]
    data = _bomb(_xlsx(header, [row]))
    assert len(data) < 200 * 1024
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed before the size check"))
    message = _refusal(read, data)
    assert "解压" in message and "2 MB" in message
