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

# key, Chinese name, type, meaning
FIELDS: list[tuple[str, str, str, str]] = [
    ("event_id", "事件标识", "string", "<医院代码>-AE-<系统编号>，同一事件始终相同（接收方按此去重/更新）"),
    ("institution", "医疗机构代码", "string", "本系统医疗机构代码"),
    ("institution_name", "医疗机构名称", "string", ""),
    ("department", "发生科室代码", "string", ""),
    ("department_name", "发生科室名称", "string", ""),
    ("event_type", "事件类型代码", "string", "GET /api/v1/event-types/ 的 code"),
    ("event_type_name", "事件类型名称", "string", ""),
    ("occurred_at", "发生时间", "date-time", "ISO 8601，东八区"),
    ("discovered_at", "发现时间", "date-time", "ISO 8601，东八区"),
    ("reported_at", "院内上报时间", "date-time", "ISO 8601，东八区"),
    ("severity_level", "伤害级别", "string", "A–I"),
    ("severity_class", "事件类别", "string", "I–IV（由伤害级别得出）"),
    ("safety_grade", "医疗质量安全事件等级", "string", "空、general（一般）、major（重大）、severe（特大）"),
    ("description", "事件经过", "string", ""),
    ("immediate_actions", "已采取的处置措施", "string", ""),
    ("patient_age", "患者年龄", "integer|null", "岁"),
    ("patient_sex", "患者性别", "string", "M 男、F 女、U 不详、空"),
    ("status", "处理状态", "string", "submitted、received、classified、analysed、feedback_given、improving、closed"),
    ("is_late", "是否迟报", "boolean", "超过院内上报时限"),
    ("authority_reported_at", "向卫生健康行政部门报告时间", "date-time|null", ""),
    ("root_causes", "根本原因", "string", "根因分析结论（未分析为空）"),
    ("improvement_actions", "改进措施数", "integer", ""),
    ("updated_at", "最后更新时间", "date-time", "ISO 8601，东八区"),
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
