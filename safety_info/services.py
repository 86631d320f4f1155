"""Writes of the information register (Art. 38) and of the upward export (Art. 40–42)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from case_reviews.permissions import office_institution_ids
from qms.core.workflow import transition
from safety_info.export import event_item, item_digest
from safety_info.models import EventExport, ExportedEvent, SafetyRecord
from safety_info.workflow import (
    TRANSITIONS,
    AccidentGrade,
    Channel,
    Instance,
    Kind,
    Resolution,
    Responsibility,
    Status,
)

PREFIX: dict[str, str] = {Kind.COMPLAINT: "TS", Kind.DISPUTE: "JF", Kind.MALPRACTICE: "SG", Kind.LAWSUIT: "SS"}
# The fields each kind has of its own, and those it cannot be registered without.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT: ("channel", "reply_due_on"),
    Kind.DISPUTE: ("claim_amount", "resolution"),
    Kind.MALPRACTICE: ("determined_by", "determined_on", "accident_grade", "responsibility"),
    Kind.LAWSUIT: ("court", "case_number", "instance", "cause", "claim_amount"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT: ("channel",),
    Kind.DISPUTE: (),
    Kind.MALPRACTICE: ("determined_by", "determined_on", "accident_grade", "responsibility"),
    Kind.LAWSUIT: ("court", "case_number"),
}
CHOICES: dict[str, list[Any]] = {"channel": Channel.values, "resolution": Resolution.values, "accident_grade": AccidentGrade.values,
           "responsibility": Responsibility.values, "instance": Instance.values}


def _require_office(actor: Any, institution_id: int) -> None:
    if not (actor.is_superuser or institution_id in office_institution_ids(actor)):
        raise PermissionDenied(_("只有本院质控办（或主要负责人、分管负责人）可以登记和处理医疗质量安全信息（第三十八条）。"))


def _kind_values(kind: str, values: dict, errors: dict) -> dict:
    out = {}
    for f in KIND_FIELDS.get(kind, ()):
        v = values.get(f)
        if v in (None, ""):
            if f in REQUIRED[kind]:
                errors[f] = [_("请填写此项。")]
            continue
        if f in CHOICES and v not in CHOICES[f]:
            errors[f] = [_("取值无效。")]
            continue
        if f in ("claim_amount",) and Decimal(str(v)) < 0:
            errors[f] = [_("金额不能为负数。")]
            continue
        out[f] = v
    if kind == Kind.MALPRACTICE and out.get("determined_on") and out["determined_on"] > timezone.localdate():
        errors["determined_on"] = [_("鉴定日期不能晚于今天。")]
    return out


def safety_record_register(
    *, institution: Any, kind: str, received_on: dt.date, department: Any, summary: str, actor: Any,
    adverse_events: Any = (), record_number: str = "", related: Any = None, **fields: Any,
) -> SafetyRecord:
    _require_office(actor, institution.pk)
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("类别须为医疗投诉、医疗纠纷、医疗事故或法院诉讼（第三十八条）。")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("受理日期不能晚于今天。")]
    if department is None or department.institution_id != institution.pk:
        errors["department"] = [_("科室不属于该医疗机构。")]
    if not (summary or "").strip():
        errors["summary"] = [_("请填写事由摘要。")]
    events = list(adverse_events or ())
    if any(e.institution_id != institution.pk for e in events):
        errors["adverse_events"] = [_("关联的不良事件须为本院事件。")]
    if related is not None and related.institution_id != institution.pk:
        errors["related"] = [_("关联登记须为本院登记。")]
    values = _kind_values(kind, fields, errors) if kind in Kind.values else {}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        year = received_on.year
        prefix = f"{PREFIX[kind]}-{institution.code}-{year}-"
        last = SafetyRecord.objects.select_for_update().filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
        seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        record = SafetyRecord.objects.create(
            institution=institution, department=department, kind=kind, reference=f"{prefix}{seq:04d}",
            received_on=received_on, summary=summary.strip(), record_number=(record_number or "").strip()[:40],
            related=related, created_by=actor, **values,
        )
        if events:
            record.adverse_events.set(events)
        transition(record, None, table=TRANSITIONS, actor=actor, action="safety_info.received",
                   data={"kind": kind, "reference": record.reference}, institution=institution)
    return record


def _lock(record: SafetyRecord) -> SafetyRecord:
    return SafetyRecord.objects.select_for_update().get(pk=record.pk)


def _text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("请填写%(what)s。") % {"what": what}]})
    return value


def _on(value: dt.date | None, record: SafetyRecord, field: str) -> dt.date:
    value = value or timezone.localdate()
    if value > timezone.localdate() or value < record.received_on:
        raise ValidationError({field: [_("日期须在受理日期与今天之间。")]})
    return value


def safety_record_investigate(*, record: SafetyRecord, actor: Any, investigation: str, on: dt.date | None = None,
                              **fields: Any) -> SafetyRecord:
    """调查核实: what was found; the kind's own details (e.g. a lawsuit's instance) may be completed here."""
    _require_office(actor, record.institution_id)
    text = _text(investigation, "investigation", _("调查核实情况"))
    with transaction.atomic():
        r = _lock(record)
        errors: dict = {}
        merged = {f: getattr(r, f) for f in KIND_FIELDS[r.kind]} | {k: v for k, v in fields.items() if v not in (None, "")}
        values = _kind_values(r.kind, merged, errors)
        if errors:
            raise ValidationError(errors)
        for k, v in values.items():
            setattr(r, k, v)
        r.investigation, r.investigated_on = text, _on(on, r, "investigated_on")
        transition(r, Status.INVESTIGATED, table=TRANSITIONS, actor=actor, action="safety_info.investigated",
                   fields=("investigation", "investigated_on", *values), institution=r.institution)
    return r


def safety_record_handle(*, record: SafetyRecord, actor: Any, handling: str, on: dt.date | None = None,
                         compensation: Decimal | None = None, hospital_paid: Decimal | None = None,
                         resolution: str = "") -> SafetyRecord:
    _require_office(actor, record.institution_id)
    text = _text(handling, "handling", _("处理情况"))
    errors: dict[str, list[str]] = {}
    for name, v in (("compensation", compensation), ("hospital_paid", hospital_paid)):
        if v is not None and v < 0:
            errors[name] = [_("金额不能为负数。")]
    if compensation is not None and hospital_paid is not None and hospital_paid > compensation:
        errors["hospital_paid"] = [_("医院承担金额不能超过赔偿总额。")]
    with transaction.atomic():
        r = _lock(record)
        if r.kind == Kind.DISPUTE:
            resolution = resolution or r.resolution
            if resolution not in Resolution.values:
                errors["resolution"] = [_("请选择纠纷的解决途径。")]
        if errors:
            raise ValidationError(errors)
        r.handling, r.handled_on = text, _on(on, r, "handled_on")
        r.compensation, r.hospital_paid = compensation, hospital_paid
        changed = ["handling", "handled_on", "compensation", "hospital_paid"]
        if r.kind == Kind.DISPUTE:
            r.resolution = resolution
            changed.append("resolution")
        transition(r, Status.HANDLED, table=TRANSITIONS, actor=actor, action="safety_info.handled",
                   fields=changed, data={"compensation": str(compensation) if compensation is not None else None},
                   institution=r.institution)
    return r


def safety_record_close(*, record: SafetyRecord, actor: Any, outcome: str, lessons: str,
                        on: dt.date | None = None) -> SafetyRecord:
    """办结: the outcome and the lessons learned close the loop (Art. 38 闭环管理)."""
    _require_office(actor, record.institution_id)
    outcome = _text(outcome, "outcome", _("处理结果"))
    lessons = _text(lessons, "lessons", _("经验教训与改进措施"))
    with transaction.atomic():
        r = _lock(record)
        r.outcome, r.lessons, r.closed_on = outcome, lessons, _on(on, r, "closed_on")
        transition(r, Status.CLOSED, table=TRANSITIONS, actor=actor, action="safety_info.closed",
                   fields=("outcome", "lessons", "closed_on"), institution=r.institution)
    return r


def safety_record_interview_trigger(*, record: SafetyRecord, actor: Any) -> Any:
    """Art. 45 (一): an 一级 medical accident with main responsibility or worse; the registering authority
    starts the 约谈 (its head approves, Art. 46)."""
    from interviews.permissions import can_trigger, organiser_for
    from interviews.services import interview_trigger

    with transaction.atomic():
        r = SafetyRecord.objects.select_for_update(of=("self",)).select_related("institution", "department").get(pk=record.pk)
        if not r.is_art45_ground1:
            raise ValidationError({"non_field_errors": [_("只有一级负主要责任以上的医疗事故属第四十五条（一）约谈情形。")]})
        if not can_trigger(actor, r.institution):
            raise PermissionDenied(_("只有负责该医疗机构登记、校验的卫生健康行政部门可以启动约谈（第四十四条）。"))
        if r.interview_id:
            raise ValidationError({"non_field_errors": [_("已依该医疗事故启动约谈。")]})
        problems = _("医疗事故（%(ref)s）：%(grade)s，医院承担%(resp)s。%(summary)s") % {
            "ref": r.reference, "grade": r.get_accident_grade_display(), "resp": r.get_responsibility_display(),
            "summary": r.summary}
        interview = interview_trigger(
            institution=r.institution, ground=1, trigger_date=timezone.localdate(), problems=problems, actor=actor,
            adverse_events=list(r.adverse_events.all()), organiser=organiser_for(actor, r.institution),
            department=r.department,
        )
        r.interview = interview
        transition(r, None, table=TRANSITIONS, actor=actor, action="safety_info.interview_triggered",
                   fields=("interview",), data={"interview": interview.pk, "ground": 1}, institution=r.institution)
    return interview


# ------------------------------------------------------------------------------------------------ export
def _period_events(institution: Any, period: dt.date) -> Any:
    from adverse_events.models import AdverseEvent
    from adverse_events.workflow import Status as EventStatus

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine((period + dt.timedelta(days=32)).replace(day=1), dt.time.min, tzinfo=tz)
    return (AdverseEvent.objects.filter(institution=institution, reported_at__gte=start, reported_at__lt=end)
            .exclude(status=EventStatus.WITHDRAWN)
            .select_related("institution", "department", "event_type", "analysis").prefetch_related("actions")
            .order_by("pk"))


def event_export_create(*, institution: Any, period: dt.date, actor: Any) -> tuple[EventExport, bool]:
    """Export the month's adverse events upward. Idempotent by event id: when nothing changed since the last
    export of the month, that export is returned again (created False) and nothing new is recorded."""
    _require_office(actor, institution.pk)
    period = period.replace(day=1)
    if period > timezone.localdate().replace(day=1):
        raise ValidationError({"period": [_("不能导出尚未开始的月份。")]})
    events = list(_period_events(institution, period))
    items = [event_item(e) for e in events]
    digests = [item_digest(i) for i in items]
    with transaction.atomic():
        last = EventExport.objects.select_for_update().filter(institution=institution, period=period).order_by("-revision").first()
        if last is not None:
            sent = dict(last.items.values_list("upstream_id", "sha256"))
            if sent == {i["event_id"]: d for i, d in zip(items, digests, strict=True)}:
                return last, False
        sent_before = dict(ExportedEvent.objects.filter(export__institution=institution, upstream_id__in=[
            i["event_id"] for i in items]).order_by("export__revision").values_list("upstream_id", "sha256"))
        revision = (last.revision + 1) if last else 1
        payload = {
            "format": EventExport.FORMAT, "version": EventExport.VERSION, "institution": institution.code,
            "period": period.strftime("%Y-%m"), "revision": revision, "generated_at": timezone.localtime().isoformat(),
            "count": len(items), "events": items,
        }
        export = EventExport.objects.create(
            institution=institution, period=period, revision=revision, event_count=len(items),
            new_count=sum(1 for i, d in zip(items, digests, strict=True) if sent_before.get(i["event_id"]) != d),
            sha256=hashlib.sha256(json.dumps(items, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
            payload=payload, created_by=actor,
        )
        ExportedEvent.objects.bulk_create([
            ExportedEvent(export=export, event=e, upstream_id=i["event_id"], sha256=d)
            for e, i, d in zip(events, items, digests, strict=True)
        ])
        from qms.core.services import transition_record

        transition_record(obj=export, from_status="", to_status="", actor=actor, action="safety_info.export_sent",
                          data={"period": payload["period"], "revision": revision, "count": len(items),
                                "new": export.new_count, "sha256": export.sha256}, institution=institution)
    return export, True
