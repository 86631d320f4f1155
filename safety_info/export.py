"""The upward export of a period's adverse events (Art. 40–42): format `qms.adverse-events`, version 1.0.

No national field set is published for machine exchange with the 国家医疗质量（安全）不良事件管理平台, so this is
our own, documented in docs/safety-information-export.md from FIELDS below. Each event carries a stable
`event_id` (`<hospital code>-AE-<id>`): the receiving platform upserts by it, so sending an event again is
harmless. Never exported: the reporter (non-punitive, anonymous reporting, Art. 39), the receipt code (the
anonymous reporter's key) and the patient's record number.
"""
from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

# key, Chinese name, type, meaning (the names and meanings are in the catalogue for the page; the files stay Chinese)
FIELDS: list[tuple[str, str, str, str]] = [
    ("event_id", gettext_noop("事件标识"), "string", gettext_noop("<医院代码>-AE-<系统编号>，同一事件始终相同（接收方按此去重/更新）")),
    ("institution", gettext_noop("医疗机构代码"), "string", gettext_noop("本系统医疗机构代码")),
    ("institution_name", gettext_noop("医疗机构名称"), "string", ""),
    ("department", gettext_noop("发生科室代码"), "string", ""),
    ("department_name", gettext_noop("发生科室名称"), "string", ""),
    ("event_type", gettext_noop("事件类型代码"), "string", gettext_noop("GET /api/v1/event-types/ 的 code")),
    ("event_type_name", gettext_noop("事件类型名称"), "string", ""),
    ("occurred_at", gettext_noop("发生时间"), "date-time", gettext_noop("ISO 8601，东八区")),
    ("discovered_at", gettext_noop("发现时间"), "date-time", gettext_noop("ISO 8601，东八区")),
    ("reported_at", gettext_noop("院内上报时间"), "date-time", gettext_noop("ISO 8601，东八区")),
    ("severity_level", gettext_noop("伤害级别"), "string", gettext_noop("A–I")),
    ("severity_class", gettext_noop("事件类别"), "string", gettext_noop("I–IV（由伤害级别得出）")),
    ("safety_grade", gettext_noop("医疗质量安全事件等级"), "string", gettext_noop("空、general（一般）、major（重大）、severe（特大）")),
    ("description", gettext_noop("事件经过"), "string", ""),
    ("immediate_actions", gettext_noop("已采取的处置措施"), "string", ""),
    ("patient_age", gettext_noop("患者年龄"), "integer|null", gettext_noop("岁")),
    ("patient_sex", gettext_noop("患者性别"), "string", gettext_noop("M 男、F 女、U 不详、空")),
    ("status", gettext_noop("处理状态"), "string", gettext_noop("submitted、received、classified、analysed、feedback_given、improving、closed")),
    ("is_late", gettext_noop("是否迟报"), "boolean", gettext_noop("超过院内上报时限")),
    ("authority_reported_at", gettext_noop("向卫生健康行政部门报告时间"), "date-time|null", ""),
    ("root_causes", gettext_noop("根本原因"), "string", gettext_noop("根因分析结论（未分析为空）")),
    ("improvement_actions", gettext_noop("改进措施数"), "integer", ""),
    ("updated_at", gettext_noop("最后更新时间"), "date-time", gettext_noop("ISO 8601，东八区")),
]
KEYS = [f[0] for f in FIELDS]


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def event_item(event: Any) -> dict:
    analysis = getattr(event, "analysis", None) if hasattr(event, "analysis") else None
    return {
        "event_id": f"{event.institution.code}-AE-{event.pk}",
        "institution": event.institution.code,
        "institution_name": event.institution.name,
        "department": event.department.code,
        "department_name": event.department.name,
        "event_type": event.event_type.code,
        "event_type_name": event.event_type.name,
        "occurred_at": _iso(event.occurred_at),
        "discovered_at": _iso(event.discovered_at),
        "reported_at": _iso(event.reported_at),
        "severity_level": event.severity_level,
        "severity_class": event.severity_class,
        "safety_grade": event.safety_grade,
        "description": event.description,
        "immediate_actions": event.immediate_actions,
        "patient_age": event.patient_age,
        "patient_sex": event.patient_sex,
        "status": event.status,
        "is_late": event.is_late,
        "authority_reported_at": _iso(event.authority_reported_at),
        "root_causes": analysis.root_causes if analysis else "",
        "improvement_actions": len(event.actions.all()),
        "updated_at": _iso(event.updated_at),
    }


def item_digest(item: dict) -> str:
    return hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def render_xlsx(payload: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "events"
    ws.append(KEYS)
    ws.append([f[1] for f in FIELDS])
    for item in payload["events"]:
        ws.append([item.get(k) for k in KEYS])
    meta = wb.create_sheet("about")
    for k in ("format", "version", "institution", "period", "revision", "generated_at", "count"):
        meta.append([k, str(payload.get(k, ""))])
    fields = wb.create_sheet("fields")
    fields.append(["key", "名称", "type", "说明"])
    for f in FIELDS:
        fields.append(list(f))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
