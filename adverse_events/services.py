"""Writes of the adverse-event closed loop (Art. 39: 主动报告、科学分类、重点分析、系统反馈、持续改进).

Anonymity (SPEC §4): for an anonymous report nothing written here carries the reporter: the event has no
reporter, its history rows have no actor, nothing is logged, and no notification is addressed to them.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adverse_events.models import (
    INTERVIEW_LEVELS,
    LEVELS,
    AdverseEvent,
    EventAnalysis,
    EventAttachment,
    EventType,
    ImprovementAction,
    SafetyGrade,
    SeverityLevel,
)
from adverse_events.permissions import can_analyse, can_manage, can_withdraw, can_work_action, require
from adverse_events.workflow import (
    ACTION_TRANSITIONS,
    ACTIONABLE,
    RECLASSIFIABLE,
    TRANSITIONS,
    ActionStatus,
    Status,
)
from organizations.models import Department
from organizations.selectors import get_scope
from qms import workdays
from qms.core.services import deadline_close, deadline_open, deadlines_create
from qms.core.workflow import transition
from qms.uploads import CheckedUpload, check_upload

# 卫医管发〔2011〕4号: the hospital reports a 医疗质量安全事件 to its authority within these times of discovery.
# The 12-hour and 2-hour limits are hour-exact; the 一般 event's "15日内" is counted in calendar days
# (authority_report_due), ending at the end of the 15th day (Asia/Shanghai).
AUTHORITY_REPORT_LIMITS = {
    SafetyGrade.GENERAL: dt.timedelta(days=15),
    SafetyGrade.MAJOR: dt.timedelta(hours=12),
    SafetyGrade.SEVERE: dt.timedelta(hours=2),
}
GENERAL_REPORT_DAYS = 15


def authority_report_due(discovered_at: dt.datetime, grade: str) -> dt.datetime:
    """When the report to the authority is due (卫医管发〔2011〕4号).

    一般: within 15 days — a period in days starts on the day after discovery (民法典第二百零一条: 开始的当日
    不计入) and ends at 24:00 of its last day (第二百零三条), local time; so the end of the 15th calendar day
    after the discovery date, not 15×24 hours. 重大 12 hours and 特大 2 hours stay hour-exact.
    """
    if grade == SafetyGrade.GENERAL:
        last_day = timezone.localtime(discovered_at).date() + dt.timedelta(days=GENERAL_REPORT_DAYS)
        return timezone.make_aware(dt.datetime.combine(last_day, dt.time.max))
    return discovered_at + AUTHORITY_REPORT_LIMITS[SafetyGrade(grade)]
# How far ahead of the server clock a reported time may be (clock skew of ward computers).
CLOCK_TOLERANCE = dt.timedelta(minutes=10)
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from a slip


def new_receipt_code() -> str:
    """80 random bits in four groups of four: unguessable, so the status page needs no sign-in."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def level_mapping() -> dict[str, Any]:
    """level code → SeverityClass, from the admin-editable table."""
    return {lv.code: lv.severity_class for lv in SeverityLevel.objects.select_related("severity_class")}


def reporter_institution_ids(user: Any) -> frozenset[int]:
    """The hospitals a user may report for: where they work (not where they inspect as an official)."""
    scope = get_scope(user)
    if scope.superuser:
        from organizations.models import Institution

        return frozenset(Institution.objects.values_list("id", flat=True))
    return scope.institution_ids | scope.department_institution_ids


def reporting_departments(user: Any) -> QuerySet[Department]:
    """The departments a user may report an event in: the active ones of their hospitals (the form's choices)."""
    return Department.objects.filter(
        institution_id__in=reporter_institution_ids(user), is_active=True
    ).select_related("institution")


def report_department(user: Any, code: str, *, institution_code: str = "") -> Department:
    """The department a report names by its code, among the reporter's hospitals: the one resolver of the
    API and FHIR. ValidationError names the field: another hospital's department, an unknown code, or a code
    two of the reporter's hospitals share (then the hospital's code is needed)."""
    qs = Department.objects.filter(code=code, is_active=True).select_related("institution")
    if institution_code:
        qs = qs.filter(institution__code=institution_code)
    candidates = list(qs)
    allowed = reporter_institution_ids(user)
    mine = [d for d in candidates if d.institution_id in allowed]
    if len(mine) == 1:
        return mine[0]
    if len(mine) > 1:
        raise ValidationError({"institution": [_("您在多家医疗机构任职，请同时填写医疗机构代码。")]})
    if candidates:
        raise ValidationError({"department": [_("该科室不属于您所在的医疗机构，请选择本院科室。")]})
    raise ValidationError({"department": [_("科室代码“%(code)s”不存在。") % {"code": code}]})


def _event_url(event: AdverseEvent) -> str:
    return reverse("adverse_events:detail", args=[event.pk])


def _lock(event: AdverseEvent) -> AdverseEvent:
    return AdverseEvent.objects.select_for_update(of=("self",)).select_related("institution__authority", "department",
                                                                     "event_type").get(pk=event.pk)


# ---------------------------------------------------------------- reporting (主动报告)


def validate_report(
    *,
    institution_ids: frozenset[int],
    department: Department | None,
    occurred_at: dt.datetime | None,
    discovered_at: dt.datetime | None,
    severity_level: str | None,
    patient_age: int | None,
    now: dt.datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if department is not None and department.institution_id not in institution_ids:
        errors.setdefault("department", []).append(_("该科室不属于您所在的医疗机构，请选择本院科室。"))
    if severity_level is not None and severity_level not in LEVELS:
        errors.setdefault("severity_level", []).append(
            _("伤害级别“%(level)s”不存在，请选择 A–I 级。") % {"level": severity_level})
    if occurred_at and occurred_at > now + CLOCK_TOLERANCE:
        errors.setdefault("occurred_at", []).append(_("发生时间不能晚于当前时间。"))
    if discovered_at and discovered_at > now + CLOCK_TOLERANCE:
        errors.setdefault("discovered_at", []).append(_("发现时间不能晚于当前时间。"))
    if occurred_at and discovered_at and discovered_at < occurred_at:
        errors.setdefault("discovered_at", []).append(_("发现时间早于发生时间，请核对两个时间。"))
    if patient_age is not None and not 0 <= patient_age <= 130:
        errors.setdefault("patient_age", []).append(_("患者年龄应在 0–130 岁之间。"))
    return errors


@transaction.atomic
def adverse_event_report(
    *,
    reporter: Any,
    department: Department,
    occurred_at: dt.datetime,
    discovered_at: dt.datetime,
    event_type: EventType,
    severity_level: str,
    description: str,
    immediate_actions: str = "",
    place: str = "",
    patient_age: int | None = None,
    patient_sex: str = "",
    patient_record_no: str = "",
    anonymous: bool = False,
    attachments: Iterable[Any] = (),
) -> AdverseEvent:
    """File a report. Late reports are marked late, never refused (SPEC §4.1)."""
    now = timezone.now()
    errors = validate_report(
        institution_ids=reporter_institution_ids(reporter), department=department, occurred_at=occurred_at,
        discovered_at=discovered_at, severity_level=severity_level, patient_age=patient_age, now=now,
    )
    if not description or not description.strip():
        errors.setdefault("description", []).append(_("请填写事件经过。"))
    if not event_type.is_active:
        errors.setdefault("event_type", []).append(_("该事件类型已停用。"))
    checked = []
    for upload in attachments:
        try:
            checked.append(check_upload(upload, field="attachments"))
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    severity_class = level_mapping()[severity_level]
    due_at = discovered_at + dt.timedelta(hours=severity_class.report_within_hours)
    event = AdverseEvent.objects.create(
        # the instance, not its id: the department was read with its hospital, so nothing below reads it again
        institution=department.institution,
        department=department,
        place=place,
        occurred_at=occurred_at,
        discovered_at=discovered_at,
        # Anonymous: to the minute, so the stored and answered time cannot be matched to a sign-in or a request
        # log line to the second (issue 13 item 1).
        reported_at=now.replace(second=0, microsecond=0) if anonymous else now,
        event_type=event_type,
        reported_level=severity_level,
        severity_level=severity_level,
        severity_class=severity_class.code,
        description=description,
        immediate_actions=immediate_actions,
        patient_age=patient_age,
        patient_sex=patient_sex or "",
        patient_record_no=patient_record_no,
        anonymous=anonymous,
        reporter=None if anonymous else reporter,
        receipt_code=new_receipt_code(),
        report_due_at=due_at,
        is_late=now > due_at,
    )
    for upload in checked:
        _store_attachment(event, upload)
    actor = None if anonymous else reporter
    transition(
        event, None, table=TRANSITIONS, actor=actor, action="event.reported", created=True,
        data={"level": severity_level, "class": severity_class.code, "late": event.is_late,
              "anonymous": anonymous},
    )
    url = _event_url(event)
    receive_by = workdays.add_workdays(timezone.localdate(now), 1)  # one computation for the date and its state
    # A new event has no deadline rows yet: both are written by one INSERT (issue 16). The hospital's own time
    # limit for reporting is recorded as met (or met late) at the moment of the report, the receipt is open.
    deadlines_create(obj=event, rows=[
        {"rule": "event.report_internal", "label": _("不良事件院内上报"), "article": _("院内制度（规范第三十八条）"),
         "due_at": due_at, "department": department, "url": url, "done_at": now},
        {"rule": "event.receive", "label": _("受理不良事件报告 %(no)s") % {"no": event.number},
         "article": _("院内制度（第三十九条）"), "due_on": receive_by.date, "basis_date": timezone.localdate(now),
         "workdays": 1, "confirmed": receive_by.confirmed, "department": department, "url": url},
    ])
    # What the answer says (interview_triggered) is known here: no second look at the event's interviews.
    event.interview_triggered = _escalate(event, new=True)
    from qms.notifications import moments

    moments.event_reported(event)
    return event


def _store_attachment(event: AdverseEvent, checked: CheckedUpload) -> EventAttachment:
    # The name carries the extension of the type read from the bytes (issue 13 item 9).
    attachment = EventAttachment(event=event, name=checked.name[:200], content_type=checked.content_type,
                                 size=checked.size, sha256=checked.sha256)
    attachment.file.save("upload", checked.content(), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def adverse_event_attach(*, event: AdverseEvent, actor: Any, upload: Any) -> EventAttachment:
    event = _lock(event)
    require(can_manage(actor, event) or can_analyse(actor, event)
            or (event.reporter_id is not None and event.reporter_id == actor.pk))
    attachment = _store_attachment(event, check_upload(upload, field="file"))
    transition(event, None, table=TRANSITIONS, actor=actor, action="event.attachment_added",
               data={"attachment": attachment.pk})
    return attachment


# ---------------------------------------------------------------- escalation (Art. 45)


def interview_ground(event: AdverseEvent) -> int | None:
    """Art. 45 (二) 重特大医疗质量安全事件 → 2; (三) II 类（G、H 级）及以上 → 3; otherwise none."""
    if event.safety_grade in (SafetyGrade.MAJOR, SafetyGrade.SEVERE):
        return 2
    if event.severity_level in INTERVIEW_LEVELS:
        return 3
    return None


def _trigger_basis(event: AdverseEvent, on: dt.date, classified: bool) -> str:
    if classified:
        return _("不良事件 %(no)s 于 %(d)s 经质控办分类定级为 %(cls)s 类 %(level)s 级，自该日起算") % {
            "no": event.number, "d": on.isoformat(), "cls": event.severity_class, "level": event.severity_level}
    return _("不良事件 %(no)s 于 %(d)s 上报，按上报人初判 %(level)s 级起算（待质控办分类定级核对）") % {
        "no": event.number, "d": on.isoformat(), "level": event.reported_level}


def _reconcile_interviews(event: AdverseEvent, old_level: str) -> None:
    """Art. 45 (三): an interview opened on the reporter's first guess follows the quality office's
    classification: confirmed at G or above, its hold-by counts from the classification; below G, the
    organiser is told at once and decides (interviews.services.interview_event_downgraded)."""
    from interviews.services import interview_event_downgraded, interview_trigger_rebase

    today = timezone.localdate()
    for interview in event.interviews.all():
        if not interview.trigger_provisional:
            continue
        if interview_ground(event) is None:
            note = _(
                "触发本约谈的不良事件 %(no)s 上报人初判为 %(old)s 级，质控办于 %(d)s 分类定级为 %(cls)s 类 %(level)s 级，"
                "已不属于第四十五条（三）所列II类（G、H级）及以上不良事件。"
            ) % {"no": event.number, "old": old_level, "d": today.isoformat(), "cls": event.severity_class,
                 "level": event.severity_level}
            interview_event_downgraded(interview=interview, event=event, note=note)
        else:
            interview_trigger_rebase(interview=interview, trigger_date=today,
                                     basis=_trigger_basis(event, today, classified=True))


def _escalate(event: AdverseEvent, *, classified: bool = False, new: bool = False) -> bool:
    """Open the 约谈 trigger once per event. Returns whether the event now has one. A new event (just reported)
    has no interview yet: nothing to look up."""
    ground = interview_ground(event)
    if ground is None:
        return False if new else event.interviews.exists()
    if not new and event.interviews.exists():
        return True
    from interviews.services import interview_trigger

    article = _("第四十五条（二）") if ground == 2 else _("第四十五条（三）")
    problems = _(
        "%(hospital)s%(dept)s发生%(what)s（%(type)s，%(cls)s 类 %(level)s 级，编号 %(no)s，%(date)s 发现），"
        "依据%(article)s应在 30 个工作日内组织约谈。"
    ) % {
        "hospital": event.institution.name, "dept": event.department.name,
        "what": SafetyGrade(event.safety_grade).label if ground == 2 else _("医疗质量（安全）不良事件"),
        "type": event.event_type.name, "cls": event.severity_class, "level": event.severity_level,
        "no": event.number, "date": timezone.localtime(event.discovered_at).strftime("%Y-%m-%d"),
        "article": article,
    }
    today = timezone.localdate()
    interview = interview_trigger(
        institution=event.institution, ground=ground, trigger_date=today, problems=problems,
        actor=None, adverse_events=[event], trigger_basis=_trigger_basis(event, today, classified),
        trigger_provisional=not classified,
    )
    event.interviews.add(interview)
    transition(
        event, None, table=TRANSITIONS, actor=None, action="event.interview_triggered",
        reason=str(article), data={"interview": interview.pk, "ground": ground},
    )
    return True


# ---------------------------------------------------------------- the loop


@transaction.atomic
def adverse_event_receive(*, event: AdverseEvent, actor: Any, note: str = "") -> AdverseEvent:
    event = _lock(event)
    require(can_manage(actor, event))
    transition(event, Status.RECEIVED, table=TRANSITIONS, actor=actor, action="event.received", reason=note)
    deadline_close(obj=event, rule="event.receive")
    return event


@transaction.atomic
def adverse_event_classify(
    *,
    event: AdverseEvent,
    actor: Any,
    severity_level: str,
    event_type: EventType | None = None,
    safety_grade: str = "",
    reason: str = "",
) -> AdverseEvent:
    """Confirm type, level and class (科学分类); on a classified event this is a reclassification, which keeps
    the old values in the history and needs a reason."""
    event = _lock(event)
    require(can_manage(actor, event))
    errors: dict[str, list[str]] = {}
    if severity_level not in LEVELS:
        errors["severity_level"] = [_("伤害级别“%(level)s”不存在，请选择 A–I 级。") % {"level": severity_level}]
    if safety_grade not in SafetyGrade.values:
        errors["safety_grade"] = [_("医疗质量安全事件等级“%(g)s”不存在。") % {"g": safety_grade}]
    reclassify = event.status in RECLASSIFIABLE
    if not reclassify and event.status != Status.RECEIVED:
        errors["status"] = [_("当前状态“%(s)s”不能分类定级。") % {"s": Status(event.status).label}]
    if reclassify and not (reason or "").strip():
        errors["reason"] = [_("重新分类须填写原因（原分类将保留在记录中，第三十九条“科学分类”）。")]
    elif not reclassify and severity_level != event.reported_level and not (reason or "").strip():
        # Changing the reporter's level (E to G as much as G to E) is a reclassification too (Art. 39).
        errors["reason"] = [
            _("分类定级与上报人初判的 %(old)s 级不同，须填写重新分类原因（第三十九条“科学分类”）。")
            % {"old": event.reported_level}
        ]
    if errors:
        raise ValidationError(errors)
    severity_class = level_mapping()[severity_level]
    event_type = event_type or event.event_type
    old = {"type": event.event_type.code, "level": event.severity_level, "class": event.severity_class,
           "safety_grade": event.safety_grade}
    new = {"type": event_type.code, "level": severity_level, "class": severity_class.code,
           "safety_grade": safety_grade}
    if reclassify and old == new:
        raise ValidationError({"severity_level": [_("分类未改变。")]})
    old_grade = event.safety_grade
    event.event_type = event_type
    event.severity_level = severity_level
    event.severity_class = severity_class.code
    event.safety_grade = safety_grade
    now = timezone.now()
    if not reclassify:
        event.classified_at = now
    fields = ("event_type", "severity_level", "severity_class", "safety_grade", "classified_at")
    if reclassify:
        transition(event, None, table=TRANSITIONS, actor=actor, action="event.reclassified", fields=fields,
                   reason=reason, data={"reclassified": True, "old": old, "new": new})
    else:
        transition(event, Status.CLASSIFIED, table=TRANSITIONS, actor=actor, action="event.classified",
                   fields=fields, reason=reason, data={"old": old, "new": new})
    url = _event_url(event)
    if severity_class.analysis_required and not hasattr(event, "analysis"):
        if severity_class.analysis_workdays:
            result = workdays.add_workdays(timezone.localdate(now), severity_class.analysis_workdays)
            deadline_open(
                obj=event, rule="event.analysis", label=_("不良事件 %(no)s 根因分析") % {"no": event.number},
                article=_("第三十九条“重点分析”；院内制度"), due_on=result.date, confirmed=result.confirmed,
                basis_date=timezone.localdate(now), workdays=severity_class.analysis_workdays,
                institution=event.institution, department=event.department, url=url,
            )
    elif not severity_class.analysis_required:
        deadline_close(obj=event, rule="event.analysis")
    if safety_grade != old_grade:
        _open_authority_report(event, actor=actor)
    _escalate(event, classified=True)
    if old["level"] != severity_level or not reclassify:
        _reconcile_interviews(event, old_level=old["level"] if reclassify else event.reported_level)
    return event


def _open_authority_report(event: AdverseEvent, *, actor: Any) -> None:
    if not event.safety_grade:
        event.authority_report_due_at = None
        event.save(update_fields=["authority_report_due_at", "updated_at"])
        deadline_close(obj=event, rule="event.report_authority")
        return
    due = authority_report_due(event.discovered_at, event.safety_grade)
    event.authority_report_due_at = due
    event.save(update_fields=["authority_report_due_at", "updated_at"])
    if event.authority_reported_at is None:
        deadline_open(
            obj=event, rule="event.report_authority",
            label=_("向%(authority)s报告%(grade)s %(no)s") % {
                "authority": event.institution.authority.name, "grade": SafetyGrade(event.safety_grade).label,
                "no": event.number},
            article=_("卫医管发〔2011〕4号"), due_at=due, institution=event.institution,
            authority=event.institution.authority, url=_event_url(event),
        )


@transaction.atomic
def adverse_event_report_to_authority(
    *, event: AdverseEvent, actor: Any, reported_at: dt.datetime, note: str = ""
) -> AdverseEvent:
    """Record the hospital's report of a 医疗质量安全事件 to its registering authority."""
    event = _lock(event)
    require(can_manage(actor, event))
    if not event.safety_grade:
        raise ValidationError({"safety_grade": [_("该事件未认定为医疗质量安全事件，无须向卫生健康行政部门报告。")]})
    if reported_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError({"reported_at": [_("报告时间不能晚于当前时间。")]})
    if reported_at < event.discovered_at:
        raise ValidationError({"reported_at": [_("报告时间不能早于事件发现时间。")]})
    event.authority_reported_at = reported_at
    event.authority_report_note = note
    late = event.authority_report_due_at is not None and reported_at > event.authority_report_due_at
    transition(event, None, table=TRANSITIONS, actor=actor, action="event.reported_to_authority",
               fields=("authority_reported_at", "authority_report_note"), reason=note,
               data={"authority_reported_at": reported_at.isoformat(), "late": late})
    deadline_close(obj=event, rule="event.report_authority", at=reported_at)
    return event


@transaction.atomic
def adverse_event_analyse(
    *,
    event: AdverseEvent,
    actor: Any,
    method: str,
    contributing_factors: str,
    root_causes: str,
    conclusion: str = "",
) -> EventAnalysis:
    """重点分析: contributing factors, root causes and the method; required for class I and II."""
    event = _lock(event)
    require(can_analyse(actor, event))
    errors: dict[str, list[str]] = {}
    if method not in EventAnalysis.Method.values:
        errors["method"] = [_("请选择分析方法（鱼骨图、5-Why、RCA 等）。")]
    if not (contributing_factors or "").strip():
        errors["contributing_factors"] = [_("请填写促成因素。")]
    if not (root_causes or "").strip():
        errors["root_causes"] = [_("请填写根本原因。")]
    if event.status != Status.CLASSIFIED:
        errors["status"] = [_("事件分类定级后方可分析（当前状态：%(s)s）。") % {"s": Status(event.status).label}]
    if errors:
        raise ValidationError(errors)
    analysis = EventAnalysis.objects.create(
        event=event, method=method, contributing_factors=contributing_factors, root_causes=root_causes,
        conclusion=conclusion, analysed_by=actor, analysed_at=timezone.now(),
    )
    transition(event, Status.ANALYSED, table=TRANSITIONS, actor=actor, action="event.analysed", data={"method": method})
    deadline_close(obj=event, rule="event.analysis")
    return analysis


@transaction.atomic
def adverse_event_give_feedback(*, event: AdverseEvent, actor: Any, feedback: str) -> AdverseEvent:
    """系统反馈 to the reporter (on "my reports" or the receipt page) and the department."""
    event = _lock(event)
    require(can_manage(actor, event))
    if not (feedback or "").strip():
        raise ValidationError({"feedback": [_("请填写反馈意见。")]})
    if event.status == Status.CLASSIFIED:
        mapping = level_mapping()
        if mapping[event.severity_level].analysis_required:
            raise ValidationError({"status": [_(
                "%(cls)s 类事件须先完成根因分析（促成因素、根本原因、分析方法），不能跳过"
                "（第三十九条“重点分析”；院内制度）。") % {"cls": event.severity_class}]})
    event.feedback = feedback
    event.feedback_at = timezone.now()
    transition(event, Status.FEEDBACK, table=TRANSITIONS, actor=actor, action="event.feedback_given",
               fields=("feedback", "feedback_at"), reason=feedback)
    from qms.notifications import moments

    moments.event_feedback(event)
    return event


@transaction.atomic
def adverse_event_start_improvement(*, event: AdverseEvent, actor: Any) -> AdverseEvent:
    event = _lock(event)
    require(can_manage(actor, event) or can_analyse(actor, event))
    if not event.actions.exclude(status=ActionStatus.CANCELLED).exists():
        raise ValidationError({"actions": [_("请先制定至少一项改进措施。")]})
    transition(event, Status.IMPROVING, table=TRANSITIONS, actor=actor, action="event.improvement_started")
    return event


@transaction.atomic
def adverse_event_close(*, event: AdverseEvent, actor: Any, summary: str = "") -> AdverseEvent:
    """Closed only when every improvement action is verified (持续改进)."""
    event = _lock(event)
    require(can_manage(actor, event))
    actions = list(event.actions.all())
    live = [a for a in actions if a.status != ActionStatus.CANCELLED]
    unverified = [a for a in live if a.status != ActionStatus.VERIFIED]
    if unverified:
        raise ValidationError({"actions": [_("尚有 %(n)d 项改进措施未经验证，不能结案。") % {"n": len(unverified)}]})
    if not live and level_mapping()[event.severity_level].analysis_required:
        raise ValidationError({"actions": [_("%(cls)s 类事件须有经验证的改进措施方可结案。") % {
            "cls": event.severity_class}]})
    transition(event, Status.CLOSED, table=TRANSITIONS, actor=actor, action="event.closed", reason=summary)
    deadline_close(obj=event)
    return event


@transaction.atomic
def adverse_event_withdraw(*, event: AdverseEvent, actor: Any, reason: str) -> AdverseEvent:
    """An event filed in error is withdrawn with a reason, never deleted."""
    event = _lock(event)
    require(can_withdraw(actor, event))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("撤回须填写原因。")]})
    event.withdrawn_reason = reason
    transition(event, Status.WITHDRAWN, table=TRANSITIONS, actor=actor, action="event.withdrawn",
               fields=("withdrawn_reason",), reason=reason)
    deadline_close(obj=event)
    return event


# ---------------------------------------------------------------- improvement actions (持续改进)


@transaction.atomic
def action_add(
    *,
    event: AdverseEvent,
    actor: Any,
    description: str,
    owner_department: Department,
    owner: Any,
    due_on: dt.date,
) -> ImprovementAction:
    event = _lock(event)
    require(can_analyse(actor, event))
    errors: dict[str, list[str]] = {}
    if event.status not in ACTIONABLE:
        errors["status"] = [_("事件分类定级后方可制定改进措施。")]
    if not (description or "").strip():
        errors["description"] = [_("请填写改进措施。")]
    if owner_department.institution_id != event.institution_id:
        errors["owner_department"] = [_("责任科室须为本院科室。")]
    if due_on < timezone.localdate():
        errors["due_on"] = [_("完成期限不能早于今天。")]
    if errors:
        raise ValidationError(errors)
    action = ImprovementAction.objects.create(event=event, description=description,
                                              owner_department=owner_department, owner=owner, due_on=due_on)
    transition(event, None, table=TRANSITIONS, actor=actor, action="event.action_added",
               data={"action": action.pk, "due_on": due_on.isoformat()})
    transition(action, None, table=ACTION_TRANSITIONS, actor=actor, action="event_action.opened", created=True,
               institution=event.institution)
    deadline_open(obj=action, rule="event.action_due",
                  label=_("不良事件 %(no)s 改进措施：%(d)s") % {"no": event.number, "d": description[:30]},
                  article=_("第三十九条“持续改进”"), due_on=due_on, institution=event.institution,
                  department=owner_department, responsible=owner, url=_event_url(event))
    return action


@transaction.atomic
def action_update(*, action: ImprovementAction, actor: Any, status: str, note: str = "") -> ImprovementAction:
    action = ImprovementAction.objects.select_for_update(of=("self",)).select_related("event").get(pk=action.pk)
    require(can_work_action(actor, action))
    if status == ActionStatus.VERIFIED:
        raise ValidationError({"status": [_("验证须由质控办办理。")]})
    if status not in ActionStatus.values or status not in ACTION_TRANSITIONS.get(action.status, frozenset()):
        raise ValidationError({"status": [_("改进措施不能从“%(a)s”转为“%(b)s”。") % {
            "a": ActionStatus(action.status).label, "b": status}]})
    if status == ActionStatus.CANCELLED and not note.strip():
        raise ValidationError({"note": [_("取消改进措施须填写原因。")]})
    if note:
        action.completion_note = note
    transition(action, status, table=ACTION_TRANSITIONS, actor=actor, action=f"event_action.{status}",
               fields=("completion_note",), reason=note, institution=action.event.institution)
    if status == ActionStatus.CANCELLED:
        deadline_close(obj=action)
    return action


@transaction.atomic
def action_verify(*, action: ImprovementAction, actor: Any, verification: str) -> ImprovementAction:
    action = ImprovementAction.objects.select_for_update(of=("self",)).select_related("event").get(pk=action.pk)
    require(can_manage(actor, action.event))
    if action.status != ActionStatus.DONE:
        raise ValidationError({"status": [_("改进措施完成后方可验证。")]})
    if not (verification or "").strip():
        raise ValidationError({"verification": [_("请填写验证意见。")]})
    from committees.services import marked_done_by

    if marked_done_by(action) == actor.pk:
        raise ValidationError({"non_field_errors": [_("标记完成的人不能再核实同一整改事项，请由另一人核实。")]})
    action.verification = verification
    action.verified_by = actor
    action.verified_at = timezone.now()
    transition(action, ActionStatus.VERIFIED, table=ACTION_TRANSITIONS, actor=actor, action="event_action.verified",
               fields=("verification", "verified_by", "verified_at"), reason=verification,
               institution=action.event.institution)
    deadline_close(obj=action)
    return action
