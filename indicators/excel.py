"""Excel in and out (openpyxl). The upload is checked by content (an XLSX is a zip holding xl/workbook.xml),
then by its header row; the rows are returned raw for the service to check one by one."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HEADER = ["指标编码", "指标名称", "机构代码", "科室代码", "月份(YYYY-MM)", "分子", "分母"]
KEYS = ["indicator", None, "institution", "department", "period", "numerator", "denominator"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_values(upload: Any) -> list[dict]:
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    from qms.uploads import workbook_rows

    rows = iter(workbook_rows(data, not_workbook=_("上传的文件不是 Excel 工作簿（.xlsx），请使用下载的模板。")))
    header = [_cell_text(c) for c in (next(rows, None) or [])]
    header = header[: len(HEADER)] + [""] * (len(HEADER) - len(header))
    wrong = [(i, want, got) for i, (want, got) in enumerate(zip(HEADER, header)) if want != got]
    if wrong:
        i, want, got = wrong[0]
        col = chr(ord("A") + i)
        raise ValidationError({"file": [
            _("第 1 行 %(col)s 列应为“%(want)s”，实际为“%(got)s”。请使用下载的模板。")
            % {"col": col, "want": want, "got": got or _("空")}
        ]})
    out = []
    for number, row in enumerate(rows, start=2):
        cells = list(row or ())[: len(HEADER)]
        if not any(c not in (None, "") for c in cells):
            continue
        cells += [None] * (len(HEADER) - len(cells))
        item: dict[str, Any] = {"row": number}
        for key, cell in zip(KEYS, cells):
            if key:
                item[key] = _cell_text(cell)
        out.append(item)
    return out


def _workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append(list(r))
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook(*, indicators: Iterable[Any], institution_code: str, department_codes: Sequence[str],
                      period: str) -> bytes:
    """One line per entered indicator at hospital level, ready to fill in."""
    rows = []
    for ind in indicators:
        rows.append([ind.code, ind.name, institution_code, "", period, None, None])
    data = _workbook(_("指标数据"), HEADER, rows, [10, 34, 10, 10, 14, 10, 10])
    return data


def export_workbook(*, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return _workbook(title, header, rows, [12, 34, 12, 14, 10, 10, 10, 12, 16, 10, 10, 10])
