"""Checklists to and from Excel (openpyxl). One sheet, one row per item; a checklist's rows share its code.

Columns: 检查表编码 | 检查表名称 | 核心制度或领域 | 条目编码 | 检查内容 | 分值 | 扣分标准
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEAD = ["检查表编码", "检查表名称", "核心制度或领域", "条目编码", "检查内容", "分值", "扣分标准"]
MAX_ROWS = 5000


def export_workbook(checklists: Iterable[Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "检查表"
    ws.append(HEAD)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in checklists:
        for item in c.current.items.all():
            ws.append([c.code, c.name, c.area_label, item.code, item.text, float(item.points), item.rule])
    for col, width in zip("ABCDEFG", (14, 24, 18, 10, 60, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def parse_workbook(data: bytes) -> tuple[list[dict], list[dict]]:
    """-> (checklists [{code, name, area, row, items}], errors [{row, message}]). Never raises on bad input."""
    from django.core.exceptions import ValidationError as Refused

    from qms.uploads import workbook_rows

    try:
        rows = iter(workbook_rows(data, not_workbook=_("无法读取该文件：请上传 Excel（.xlsx）文件。")))
    except Refused as exc:  # the caps of every import (issue 13 item 5), or not a workbook
        return [], [{"row": 0, "message": m} for m in exc.messages]
    head = [_text(v) for v in next(rows, [])]
    if head[: len(HEAD)] != HEAD:
        return [], [{"row": 1, "message": _("第 1 行应为表头：%(head)s。") % {"head": " | ".join(HEAD)}}]
    checklists: dict[str, dict] = {}
    errors: list[dict] = []
    for n, raw in enumerate(rows, start=2):
        if n > MAX_ROWS:
            errors.append({"row": n, "message": _("行数过多：一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}})
            break
        values = [_text(v) for v in (list(raw) + [None] * 7)[:7]]
        if not any(values):
            continue
        code, name, area, item_code, text, points, rule = values
        if not code:
            errors.append({"row": n, "message": _("缺少检查表编码。")})
            continue
        c = checklists.setdefault(code, {"code": code, "name": name, "area": area, "row": n, "items": []})
        if name and c["name"] and name != c["name"]:
            errors.append({"row": n, "message": _("检查表 %(code)s 的名称与第 %(first)s 行不一致。") % {"code": code, "first": c["row"]}})
        c["name"] = c["name"] or name
        c["area"] = c["area"] or area
        c["items"].append({"code": item_code, "text": text, "points": points, "rule": rule, "row": n})
    # clean_items names items by their position in the checklist; name the sheet row instead.
    from django.core.exceptions import ValidationError

    from inspections.services import clean_items

    good = []
    for c in checklists.values():
        bad = False
        for i, item in enumerate(c["items"]):
            try:
                clean_items([item])
            except ValidationError as exc:
                bad = True
                msg = exc.message_dict["items"][0].split("：", 1)[-1]
                errors.append({"row": item["row"], "message": f"{c['code']} {item['code'] or ''}：{msg}".replace("  ", " ")})
            if item["code"] and any(o["code"] == item["code"] for o in c["items"][:i]):
                bad = True
                errors.append({"row": item["row"], "message": _("%(c)s：条目编码 %(i)s 重复。") % {"c": c["code"], "i": item["code"]}})
        if not bad:
            good.append(c)
    return (good if not errors else list(checklists.values())), errors
