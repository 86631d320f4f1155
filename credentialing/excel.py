"""Excel export of grant lists (openpyxl)."""
from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

HEAD = ["科室", "工号", "姓名", "职称", "授权项目", "类别", "状态", "起始日", "截止日", "动态评估截止日", "限定范围", "状态原因"]


def privileges_xlsx(rows: Iterable, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "授权名册"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEAD)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for p in rows:
        ws.append([
            p.staff.department.name if p.staff.department_id else "", p.staff.code, p.staff.name,
            p.staff.get_title_display(), p.item.name, p.item.get_category_display(), p.get_status_display(),
            p.valid_from, p.valid_until, p.review_due_on, p.restriction, p.status_reason,
        ])
    for col, width in zip("ABCDEFGHIJKL", (14, 8, 8, 6, 30, 10, 8, 12, 12, 14, 20, 30), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
