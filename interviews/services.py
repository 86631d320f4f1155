"""Every write of the 约谈 workflow (Art. 43–53): one service per step, each checking its rule.

A refused step raises ValidationError (a 400 naming the rule and its article) or PermissionDenied (403 for
someone who sees the interview but may not take the step) before anything is written.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interviews import deadlines as dl
from interviews.models import HalfYearSummary, Interview, InterviewDocument, Participant, RectificationMeasure
from interviews.permissions import can_approve, is_organiser_side, is_subject_side
from interviews.workflow import (
    BEFORE_HELD,
    OPEN_STATUSES,
    STEPS,
    TRANSITIONS,
    Ground,
    ProblemScale,
    Status,
    Verification,
)
from organizations.models import Authority
from qms.core.services import deadline_close, deadline_open, transition_record
from qms.core.workflow import transition
from qms.pdf import checksum

HOLD_WORKDAYS = dl.HOLD_WORKDAYS

STEP_NAMES = {
    "approve": "批准", "investigate": "调查核实", "notify": "发送约谈通知", "explain": "提交书面说明",
    "hold": "记录约谈", "plan": "提交整改方案", "report": "提交整改报告", "verify": "核查整改",
    "press": "督促改正", "upward_report": "报市级", "circulate": "通报备案", "cancel": "撤销",
}
STEP_ARTICLES = {
    "approve": "第四十六条", "investigate": "第四十六条（一）", "notify": "第四十六条（二）", "explain": "第四十六条（二）",
    "hold": "第四十七条", "plan": "第四十九条", "report": "第五十条", "verify": "第五十条", "press": "第五十条",
    "upward_report": "第五十一条", "circulate": "第四十三条", "cancel": "第四十五条",
}


def _url(interview: Interview) -> str:
    return reverse("interviews:detail", args=[interview.pk])


def _check_step(interview: Interview, step: str) -> None:
    if interview.status not in STEPS[step][0]:
        raise ValidationError(
            _("约谈当前状态为“%(status)s”，不能%(step)s（约谈程序依次为：启动、批准、通知、约谈、整改、报告，%(article)s）")
            % {"status": interview.get_status_display(), "step": STEP_NAMES[step], "article": STEP_ARTICLES[step]}
        )


def _require_organiser(actor: Any, interview: Interview, step: str) -> None:
    if not is_organiser_side(actor, interview):
        raise PermissionDenied(
            _("只有组织约谈的%(who)s可以%(step)s。")
            % {"who": _("医疗机构") if interview.internal else _("卫生健康行政部门"), "step": STEP_NAMES[step]}
        )


def _require_subject(actor: Any, interview: Interview, step: str) -> None:
    if not is_subject_side(actor, interview):
        raise PermissionDenied(
            _("只有被约谈医疗机构的质控办、主要负责人或分管负责人可以%(step)s（第四十九条）。") % {"step": STEP_NAMES[step]}
        )


def _lock(interview: Interview) -> Interview:
    """Re-read the row under a lock: two officials pressing the same button must not both pass the check.

    Every step works on the instance returned here (not the caller's, possibly stale one) and saves only
    the fields it changes (update_fields), so two concurrent steps cannot overwrite each other's work.
    """
    locked = Interview.objects.select_for_update(of=("self",)).select_related("institution", "organiser").get(pk=interview.pk)
    locked._caller = interview if interview is not locked else None
    return locked


def _save(interview: Interview, *fields: str) -> None:
    """Save only the step's fields; the caller's instance then shows what was saved (it is not written)."""
    interview.save(update_fields=[*fields, "updated_at"])
    _sync(interview, *fields)


def _sync(interview: Interview, *fields: str) -> None:
    """The caller's instance shows what the step saved (through transition() or _save)."""
    caller = getattr(interview, "_caller", None)
    if caller is None:
        return
    for name in (*fields, "updated_at"):
        field = Interview._meta.get_field(name)
        assert isinstance(field, models.Field)  # a step saves the interview's own columns
        setattr(caller, field.attname, getattr(interview, field.attname))
        if field.is_relation:
            setattr(caller, name, getattr(interview, name))


def _rule(interview: Interview, name: str) -> str:
    """Art. 53: an internal 约谈's deadlines have their own rules, whose reminders stay inside the hospital."""
    return f"interview.internal.{name}" if interview.internal else f"interview.{name}"


def _check_reconciled(interview: Interview) -> None:
    if interview.reconcile_required and not interview.reconcile_decision:
        raise ValidationError(
            _("约谈依据的不良事件已被质控办定为G级以下，须先决定继续或撤销该约谈并写明理由（第四十五条（三））。")
        )


@transaction.atomic
def interview_trigger(
    *,
    institution: Any,
    ground: int,
    trigger_date: datetime.date,
    problems: str,
    actor: Any,
    adverse_events: Any = (),
    organiser: Any = None,
    internal: bool = False,
    department: Any = None,
    trigger_basis: str = "",
    trigger_provisional: bool = False,
) -> Interview:
    """Art. 45: one of the six grounds starts a 约谈 that must be held within 30 working days."""
    errors: dict[str, list[str]] = {}
    if ground not in Ground.values:
        errors["trigger_ground"] = [_("约谈情形须为第四十五条所列（一）至（六）之一。")]
    if not (problems or "").strip():
        errors["problems"] = [_("请填写存在的主要问题（第四十五条）。")]
    if trigger_date > timezone.localdate():
        errors["trigger_date"] = [_("启动日期不能晚于今天。")]
    if department is not None and department.institution_id != institution.pk:
        errors["department"] = [_("科室不属于该医疗机构。")]
    if errors:
        raise ValidationError(errors)
    if organiser is None and not internal:
        organiser = institution.authority
    hold = dl.hold_by(trigger_date)
    interview = Interview.objects.create(
        institution=institution,
        organiser=None if internal else organiser,
        internal=internal,
        department=department,
        trigger_ground=ground,
        trigger_date=trigger_date,
        problems=problems.strip(),
        status=Status.TRIGGERED,
        hold_by=hold.date,
        hold_by_confirmed=hold.confirmed,
        trigger_basis=trigger_basis[:300],
        trigger_provisional=trigger_provisional,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    deadline_open(
        obj=interview,
        rule=_rule(interview, "hold_by"),
        label=f"组织约谈：{institution.name}",
        article="第五十三条、第四十五条" if internal else "第四十五条",
        due_on=hold.date,
        confirmed=hold.confirmed,
        basis_date=trigger_date,
        workdays=HOLD_WORKDAYS,
        institution=institution,
        authority=interview.organiser,
        url=_url(interview),
    )
    transition(
        interview, None, table=TRANSITIONS, actor=actor, action="interview.triggered", created=True,
        data={"ground": ground, "hold_by": hold.date.isoformat(), "confirmed": hold.confirmed},
    )
    if adverse_events:
        interview.adverse_events.add(*adverse_events)
    from qms.notifications import moments

    moments.interview_triggered(interview)  # at once, not 25 working days later from the daily pass
    return interview


def own_trigger_blocked(interview: Interview, actor: Any) -> bool:
    """Who started a 约谈 does not approve it, unless they are the only one who may (the page says so)."""
    if interview.created_by_id is None or interview.created_by_id != getattr(actor, "pk", None):
        return False
    from qms.notifications.moments import interview_approvers

    return any(uid != actor.pk for uid in interview_approvers(interview))


@transaction.atomic
def interview_approve(*, interview: Interview, actor: Any, approved_on: datetime.date | None = None) -> Interview:
    """Art. 46: the authority's 负责人 (director or deputy director in charge) approves before anything is sent;
    a division head may lead the interview but not approve it. Internal (Art. 53): the principal or a deputy.

    The approval records its own date (default today), so a paper approval can be entered afterwards.
    """
    interview = _lock(interview)
    if not can_approve(actor, interview):
        raise PermissionDenied(
            _("约谈须经医疗机构主要负责人或分管负责人批准（第五十三条）。") if interview.internal
            else _("约谈须经本级卫生健康行政部门负责人（主任或分管副主任）批准，处（科）室负责人不能批准（第四十六条）。")
        )
    _check_step(interview, "approve")
    if own_trigger_blocked(interview, actor):
        raise PermissionDenied(_("您启动了本次约谈，须由本部门另一位负责人批准（第四十六条：启动与批准分离）。"))
    _check_reconciled(interview)
    today = timezone.localdate()
    approved_on = approved_on or today
    if approved_on > today:
        raise ValidationError({"approved_on": [_("批准日期不能晚于今天（第四十六条）。")]})
    if approved_on < interview.trigger_date:
        raise ValidationError(
            {"approved_on": [_("批准日期不能早于启动日期 %(d)s（第四十六条）。") % {"d": interview.trigger_date}]}
        )
    interview.approved_by = actor
    interview.approved_at = timezone.now()
    interview.approved_on = approved_on
    fields = ("approved_by", "approved_at", "approved_on")
    transition(interview, Status.APPROVED, table=TRANSITIONS, actor=actor, action="interview.approved",
               data={"approved_on": approved_on.isoformat()}, fields=fields)
    _sync(interview, "status", *fields)
    return interview


@transaction.atomic
def interview_investigate(
    *,
    interview: Interview,
    actor: Any,
    experts: str,
    findings: str,
    cause_analysis: str,
    proposals: str,
    investigated_on: datetime.date | None = None,
) -> Interview:
    """Art. 46 (一): after approval (批准后), experts investigate, analyse causes and propose improvements."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "investigate")
    _check_step(interview, "investigate")
    errors = {}
    if not (findings or "").strip():
        errors["findings"] = [_("请填写调查核实情况（第四十六条（一））。")]
    if not (cause_analysis or "").strip():
        errors["cause_analysis"] = [_("请填写归因分析（第四十六条（一））。")]
    if errors:
        raise ValidationError(errors)
    interview.investigation_experts = experts.strip()
    interview.investigation_findings = findings.strip()
    interview.cause_analysis = cause_analysis.strip()
    interview.improvement_proposals = (proposals or "").strip()
    interview.investigated_on = investigated_on or timezone.localdate()
    if interview.approved_on and interview.investigated_on < interview.approved_on:
        raise ValidationError({"investigated_on": [
            _("专家调查核实在批准之后进行（第四十六条（一））：调查日期不能早于批准日期 %(d)s。") % {"d": interview.approved_on}
        ]})
    _save(interview, "investigation_experts", "investigation_findings", "cause_analysis", "improvement_proposals",
          "investigated_on")
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.investigated", data={"step": "investigate"})
    return interview


@transaction.atomic
def interview_notify(
    *,
    interview: Interview,
    actor: Any,
    notified_on: datetime.date,
    scheduled_at: datetime.datetime,
    location: str,
    content: str,
) -> Interview:
    """Art. 46 (二): time, place and content reach the subject at least 3 working days before; Art. 45: by hold-by."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "notify")
    _check_step(interview, "notify")
    errors: dict[str, list[str]] = {}
    scheduled_on = timezone.localtime(scheduled_at).date() if timezone.is_aware(scheduled_at) else scheduled_at.date()
    earliest = dl.earliest_interview_date(notified_on)
    approved_on = interview.approved_on or (timezone.localdate(interview.approved_at) if interview.approved_at else None)
    if notified_on < interview.trigger_date:
        errors["notified_on"] = [_("通知日期不能早于启动日期 %(d)s。") % {"d": interview.trigger_date}]
    elif approved_on and notified_on < approved_on:
        errors["notified_on"] = [
            _("约谈经批准后方可通知（第四十六条）：通知日期不能早于批准日期 %(d)s。") % {"d": approved_on}
        ]
    elif notified_on > timezone.localdate():
        errors["notified_on"] = [_("通知送达日期不能晚于今天（第四十六条（二））。")]
    elif scheduled_on < earliest.date:
        errors["scheduled_at"] = [
            _("约谈通知须提前3个工作日送达（第四十六条（二））：%(n)s 送达的通知，约谈最早可安排在 %(e)s。")
            % {"n": notified_on, "e": earliest.date}
        ]
    if scheduled_on > interview.hold_by:
        errors.setdefault("scheduled_at", []).append(
            _("约谈须在启动后30个工作日内组织（第四十五条）：最迟 %(d)s。") % {"d": interview.hold_by}
        )
    if not (location or "").strip():
        errors["location"] = [_("请填写约谈地点（第四十六条（二））。")]
    if not (content or "").strip():
        errors["content"] = [_("请填写拟约谈的主要内容（第四十六条（二））。")]
    if errors:
        raise ValidationError(errors)
    renotice = interview.status == Status.NOTIFIED
    interview.notified_on = notified_on
    interview.scheduled_at = scheduled_at
    interview.location = location.strip()
    interview.notice_content = content.strip()
    interview.earliest_hold_on = earliest.date
    interview.earliest_hold_on_confirmed = earliest.confirmed
    data = {
        "notified_on": notified_on.isoformat(), "scheduled_at": scheduled_at.isoformat(), "location": interview.location,
        "earliest": earliest.date.isoformat(), "confirmed": earliest.confirmed,
    }
    fields = ("notified_on", "scheduled_at", "location", "notice_content", "earliest_hold_on",
              "earliest_hold_on_confirmed")
    if renotice:
        transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.renotified",
                   data={"step": "renotify", **data}, fields=fields)
    else:
        transition(interview, Status.NOTIFIED, table=TRANSITIONS, actor=actor, action="interview.notified",
                   data=data, fields=fields)
    _sync(interview, "status", *fields)
    return interview


def _clean_people(rows: Any, *, field: str, flag: str, minimum: int, need_lead: bool, lead_msg: str, count_msg: str) -> list[dict]:
    if not isinstance(rows, (list, tuple)):
        raise ValidationError({field: [_("须为人员列表。")]})
    people = []
    for row in rows:
        if not isinstance(row, dict) or not str(row.get("name", "")).strip():
            raise ValidationError({field: [_("每位人员须填写姓名。")]})
        people.append({"name": str(row["name"]).strip()[:50], "title": str(row.get("title", "")).strip()[:200],
                       "is_lead": bool(row.get(flag))})
    if len(people) < minimum:
        raise ValidationError({field: [count_msg]})
    if need_lead and not any(p["is_lead"] for p in people):
        raise ValidationError({field: [lead_msg]})
    return people


@transaction.atomic
def interview_hold(
    *,
    interview: Interview,
    actor: Any,
    held_at: datetime.datetime,
    interviewers: list[dict],
    interviewees: list[dict],
    record: str,
    problem_scale: str,
    rectification_deadline: datetime.date,
    record_introductions: str = "",
    record_reasons: str = "",
    record_explanation: str = "",
    record_requirements: str = "",
    form_signed: bool = False,
    form_unsigned_reason: str = "",
) -> Interview:
    """Art. 46 (三), 47, 53: who sat at the table, the five-part record, and the rectification deadline.

    Art. 47 (五): the form is signed by the interviewee. `form_signed` is recorded as given (default false,
    never assumed); when false the reason is required. A signed scan uploaded later records the signature.
    """
    interview = _lock(interview)
    _require_organiser(actor, interview, "hold")
    _check_step(interview, "hold")
    held_on = timezone.localtime(held_at).date() if timezone.is_aware(held_at) else held_at.date()
    errors: dict[str, list[str]] = {}

    def collect(fn: Any) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            for k, v in exc.message_dict.items():
                errors.setdefault(k, []).extend(v)
            return []

    if interview.internal:
        iv = collect(lambda: _clean_people(
            interviewers, field="interviewers", flag="is_head", minimum=2, need_lead=True,
            count_msg=_("约谈人不得少于2人（第五十三条）。"),
            lead_msg=_("约谈人中须有1人为医疗机构主要负责人或分管负责人（第五十三条）。"),
        ))
        ie = collect(lambda: _clean_people(
            interviewees, field="interviewees", flag="is_principal", minimum=1, need_lead=False,
            count_msg=_("请填写被约谈的责任科室负责人或当事人（第五十三条）。"), lead_msg="",
        ))
    else:
        iv = collect(lambda: _clean_people(
            interviewers, field="interviewers", flag="is_head", minimum=2, need_lead=True,
            count_msg=_("约谈人一般不少于2人（第四十六条（三））。"),
            lead_msg=_("约谈人中须有1人为卫生健康行政部门负责人或相关处（科）室主要负责人（第四十六条（三））。"),
        ))
        ie = collect(lambda: _clean_people(
            interviewees, field="interviewees", flag="is_principal", minimum=2, need_lead=True,
            count_msg=_("约谈对象一般不少于2人（第四十六条（三））。"),
            lead_msg=_("约谈对象中须有1人为医疗机构主要负责人或分管负责人（第四十六条（三））。"),
        ))
    if held_at > timezone.now():
        errors.setdefault("held_at", []).append(_("约谈尚未进行：实际约谈时间不能晚于当前时间。"))
    # Art. 46 (二): checked against the earliest date as the calendar stands now, not a stale stored copy.
    earliest = dl.earliest_interview_date(interview.notified_on) if interview.notified_on else None
    if earliest and held_on < earliest.date:
        errors.setdefault("held_at", []).append(
            _("约谈通知须提前3个工作日送达（第四十六条（二））：%(n)s 送达的通知，约谈最早可在 %(e)s 进行。")
            % {"n": interview.notified_on, "e": earliest.date}
        )
    if not form_signed and not (form_unsigned_reason or "").strip():
        errors.setdefault("form_unsigned_reason", []).append(
            _("登记表须由约谈对象签字（第四十七条（五））：未签字的，请写明原因。")
        )
    if held_on > interview.hold_by:
        errors.setdefault("held_at", []).append(
            _("约谈须在启动后30个工作日内组织（第四十五条）：最迟 %(d)s。") % {"d": interview.hold_by}
        )
    if not (record or "").strip() and not (record_reasons or "").strip():
        errors["record"] = [_("请填写约谈记录（第四十七条（五））。")]
    limit = None
    if problem_scale not in ProblemScale.values:
        errors["problem_scale"] = [_("问题性质须为一般问题（general）或重大问题（major）（第四十七条（四））。")]
    elif rectification_deadline is None:
        errors["rectification_deadline"] = [_("请明确整改期限（第四十七条（四））。")]
    else:
        limit = dl.rectification_limit(held_on, problem_scale)
        if rectification_deadline <= held_on:
            errors["rectification_deadline"] = [_("整改期限须晚于约谈日期 %(d)s（第四十七条（四））。") % {"d": held_on}]
        elif rectification_deadline > limit:
            months = dl.RECTIFICATION_MONTHS[problem_scale]
            kind = _("一般问题") if problem_scale == ProblemScale.GENERAL else _("重大问题")
            errors["rectification_deadline"] = [
                _("%(kind)s整改期限不超过%(m)d个月（第四十七条（四））：%(held)s 约谈，整改期限最迟 %(limit)s。")
                % {"kind": kind, "m": months, "held": held_on, "limit": limit}
            ]
    if errors:
        raise ValidationError(errors)
    assert limit is not None

    for side, people in ((Participant.Side.INTERVIEWER, iv), (Participant.Side.INTERVIEWEE, ie)):
        Participant.objects.bulk_create(
            [Participant(interview=interview, side=side, position=i, **p) for i, p in enumerate(people)]
        )
    interview.held_at = held_at
    interview.record = (record or "").strip()
    interview.record_introductions = record_introductions.strip() or "、".join(
        f"{p['name']}（{p['title']}）" if p["title"] else p["name"] for p in iv
    )
    interview.record_reasons = record_reasons.strip()
    interview.record_explanation = record_explanation.strip()
    interview.record_requirements = record_requirements.strip()
    interview.record_form_signed = bool(form_signed)
    interview.record_form_unsigned_reason = "" if form_signed else form_unsigned_reason.strip()
    interview.problem_scale = problem_scale
    interview.rectification_deadline = rectification_deadline
    interview.rectification_deadline_limit = limit
    report = dl.rectification_report_due(rectification_deadline)
    interview.rectification_report_due = report.date
    interview.rectification_report_due_confirmed = report.confirmed
    organiser = interview.organiser
    upward = dl.upward_report_due(held_on) if organiser and organiser.level == Authority.Level.COUNTY else None
    if upward:
        interview.upward_report_due = upward.date
        interview.upward_report_due_confirmed = upward.confirmed
    data = {
        "held_at": held_at.isoformat(), "problem_scale": problem_scale,
        "rectification_deadline": rectification_deadline.isoformat(), "limit": limit.isoformat(),
        "report_due": report.date.isoformat(), "report_due_confirmed": report.confirmed,
        "upward_report_due": upward.date.isoformat() if upward else None,
        "interviewers": [p["name"] for p in iv], "interviewees": [p["name"] for p in ie],
        "form_signed": bool(form_signed), "form_unsigned_reason": interview.record_form_unsigned_reason,
    }
    fields = ("held_at", "record", "record_introductions", "record_reasons", "record_explanation",
              "record_requirements", "record_form_signed", "record_form_unsigned_reason", "problem_scale",
              "rectification_deadline", "rectification_deadline_limit", "rectification_report_due",
              "rectification_report_due_confirmed", "upward_report_due", "upward_report_due_confirmed")
    transition(interview, Status.HELD, table=TRANSITIONS, actor=actor, action="interview.held", data=data, fields=fields)
    # Art. 49: rectification starts as soon as the interview ends.
    transition(interview, Status.RECTIFYING, table=TRANSITIONS, actor=actor, action="interview.rectification_started")
    _sync(interview, "status", *fields)

    deadline_close(obj=interview, rule=_rule(interview, "hold_by"))
    inst = interview.institution
    deadline_open(
        obj=interview, rule=_rule(interview, "rectification"), label=f"约谈整改期限：{inst.name}", article="第四十七条（四）",
        due_on=rectification_deadline, confirmed=True, basis_date=held_on, institution=inst, authority=organiser,
        url=_url(interview),
    )
    deadline_open(
        obj=interview, rule=_rule(interview, "report_due"), label=f"提交约谈整改报告：{inst.name}", article="第五十条",
        due_on=report.date, confirmed=report.confirmed, basis_date=rectification_deadline,
        workdays=dl.REPORT_WORKDAYS, institution=inst, authority=organiser, url=_url(interview),
    )
    if upward:
        deadline_open(
            obj=interview, rule="interview.upward_report", label=f"约谈情况报市级：{inst.name}", article="第五十一条",
            due_on=upward.date, confirmed=upward.confirmed, basis_date=held_on, workdays=dl.UPWARD_WORKDAYS,
            institution=inst, authority=organiser, url=_url(interview),
        )
    if organiser is not None:
        _ensure_half_year_summary(organiser, held_on)
    return interview


def _half_year_summary_ensure(city: Authority, year: int, half: int) -> HalfYearSummary:
    """Art. 51: a city authority owes the province a half-year report whether or not it held a 约谈."""
    summary, created = HalfYearSummary.objects.get_or_create(
        authority=city, year=year, half=half, defaults={"due_on": dl.half_year_due(year, half)}
    )
    if created:
        deadline_open(
            obj=summary, rule="interview.half_year_summary",
            label=f"{city.name}{year}年{'上' if half == 1 else '下'}半年约谈工作情况报省卫生健康委",
            article="第五十一条", due_on=summary.due_on, confirmed=True, authority=city,
            url=reverse("interviews:summary") + f"?year={year}&half={half}",
        )
    return summary


def _ensure_half_year_summary(organiser: Authority, held_on: datetime.date) -> HalfYearSummary | None:
    """Art. 51: the city whose area held a 约谈 owes the province a report for that half-year."""
    city = organiser if organiser.level == Authority.Level.CITY else organiser.parent
    if city is None or city.level != Authority.Level.CITY:
        return None
    return _half_year_summary_ensure(city, *dl.half_year_of(held_on))


@transaction.atomic
def half_year_summaries_ensure(*, today: datetime.date | None = None) -> int:
    """Art. 51: every city authority has its H1 (due 30 June) and H2 (due 31 December) obligation and its
    reminder, even in a half-year without any 约谈. Run by the daily deadline pass. Returns how many exist."""
    year, half = dl.half_year_of(today or timezone.localdate())
    cities = Authority.objects.filter(level=Authority.Level.CITY)
    return len([_half_year_summary_ensure(city, year, half) for city in cities])


@transaction.atomic
def interview_document_add(
    *, interview: Interview, actor: Any, kind: str, upload: Any, note: str = ""
) -> InterviewDocument:
    """Archive a file of the 约谈 (Art. 47 (五): 约谈资料应存档保管). Files are never replaced, only added."""
    from qms.uploads import check_upload

    subject_kinds = {InterviewDocument.Kind.EXPLANATION, InterviewDocument.Kind.PLAN, InterviewDocument.Kind.REPORT}
    if kind not in InterviewDocument.Kind.values:
        raise ValidationError({"kind": [_("未知的材料类别。")]})
    if kind == InterviewDocument.Kind.OTHER:
        if not (is_subject_side(actor, interview) or is_organiser_side(actor, interview)):
            raise PermissionDenied(_("您不能为该约谈上传材料。"))
    elif kind in subject_kinds:
        _require_subject(actor, interview, {"explanation": "explain", "plan": "plan", "report": "report"}[kind])
    elif kind in (InterviewDocument.Kind.RECORD, InterviewDocument.Kind.SIGNED_FORM):
        _require_organiser(actor, interview, "hold")
    else:
        _require_organiser(actor, interview, "investigate" if kind == "investigation" else "notify")
    if interview.status == Status.CANCELLED:
        raise ValidationError(_("约谈已撤销，不能再上传材料。"))
    checked = check_upload(upload, field="file")
    name = checked.name[:200]  # with the extension of the type read from the bytes (issue 13 item 9)
    doc = InterviewDocument(
        interview=interview, kind=kind, original_name=name, content_type=checked.content_type, size=checked.size,
        checksum=checksum(checked.data), uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.file.save(f"{interview.pk}-{kind}-{doc.checksum[:12]}{checked.extension}", ContentFile(checked.data),
                  save=False)
    doc.save()
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.document_uploaded",
               data={"step": f"upload:{kind}", "document": doc.pk, "name": name, "checksum": doc.checksum, "note": note})
    if kind == InterviewDocument.Kind.SIGNED_FORM:
        # Art. 47 (五): the interviewee's signature is on record once the signed form is archived.
        locked = _lock(interview)
        if not locked.held_at:
            raise ValidationError({"kind": [_("约谈进行后才能上传签字的登记表（第四十七条（五））。")]})
        locked.record_form_signed = True
        locked.record_form_unsigned_reason = ""
        _save(locked, "record_form_signed", "record_form_unsigned_reason")
        transition(locked, None, table=TRANSITIONS, actor=actor, action="interview.form_signed",
                   data={"step": "form_signed", "document": doc.pk})
    else:
        Interview.objects.filter(pk=interview.pk).update(updated_at=timezone.now())
    return doc


@transaction.atomic
def interview_plan(*, interview: Interview, actor: Any, measures: list[dict]) -> list[RectificationMeasure]:
    """Art. 49: the hospital's plan: measures, responsible departments, deadlines within the rectification period.

    A new plan supersedes the previous one; the old lines stay, marked superseded.
    """
    interview = _lock(interview)
    _require_subject(actor, interview, "plan")
    _check_step(interview, "plan")
    if not isinstance(measures, (list, tuple)) or not measures:
        raise ValidationError({"measures": [_("整改方案须至少包含一项整改措施（第四十九条）。")]})
    errors: list[str] = []
    rows = []
    for i, m in enumerate(measures, start=1):
        text = str(m.get("measure", "")).strip()
        dept = m.get("department")
        dept_name = str(m.get("department_name", "")).strip() or (dept.name if dept is not None else "")
        deadline = m.get("deadline")
        if dept is not None and dept.institution_id != interview.institution_id:
            errors.append(_("第%(i)d项：责任部门不属于本机构。") % {"i": i})
        if not text:
            errors.append(_("第%(i)d项：请填写整改措施（第四十九条）。") % {"i": i})
        if not dept_name:
            errors.append(_("第%(i)d项：请明确责任部门（第四十九条）。") % {"i": i})
        if not isinstance(deadline, datetime.date):
            errors.append(_("第%(i)d项：请明确整改时限（第四十九条）。") % {"i": i})
        elif interview.rectification_deadline and deadline > interview.rectification_deadline:
            errors.append(
                _("第%(i)d项：整改时限 %(d)s 晚于约谈确定的整改期限 %(r)s（第四十七条（四）、第四十九条）。")
                % {"i": i, "d": deadline, "r": interview.rectification_deadline}
            )
        if not isinstance(deadline, datetime.date):
            continue  # refused above: no line without its deadline
        rows.append(RectificationMeasure(
            interview=interview, measure=text, department=dept, department_name=dept_name[:100],
            responsible=str(m.get("responsible", "")).strip()[:50], deadline=deadline, position=i,
        ))
    if errors:
        raise ValidationError({"measures": errors})
    superseded = RectificationMeasure.objects.filter(interview=interview, superseded=False).update(superseded=True)
    created = RectificationMeasure.objects.bulk_create(rows)
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.plan_submitted",
               data={"step": "plan", "measures": len(rows), "superseded": superseded})
    Interview.objects.filter(pk=interview.pk).update(updated_at=timezone.now())
    return created


@transaction.atomic
def interview_report(*, interview: Interview, actor: Any, text: str, submitted_on: datetime.date | None = None) -> Interview:
    """Art. 50: the written rectification report, due 5 working days after the rectification deadline.

    Lateness is judged on the day the report reached the authority (`submitted_on`, default today, never
    after today), not on the day it was typed in.
    """
    interview = _lock(interview)
    _require_subject(actor, interview, "report")
    if interview.status in (Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED):
        raise ValidationError(_("约谈尚未进行，不能提交整改报告（整改报告在约谈后提交，第五十条）。"))
    _check_step(interview, "report")
    if not RectificationMeasure.objects.filter(interview=interview, superseded=False).exists():
        raise ValidationError(_("请先提交整改方案，明确整改措施、责任部门和整改时限（第四十九条）。"))
    has_file = InterviewDocument.objects.filter(interview=interview, kind=InterviewDocument.Kind.REPORT).exists()
    if not (text or "").strip() and not has_file:
        raise ValidationError({"text": [_("请填写或上传书面整改报告（第五十条）。")]})
    now = timezone.now()
    today = timezone.localdate()
    submitted_on = submitted_on or today
    held_on = timezone.localtime(interview.held_at).date() if interview.held_at else interview.trigger_date
    if submitted_on > today:
        raise ValidationError({"submitted_on": [_("整改报告送达日期不能晚于今天（第五十条）。")]})
    if submitted_on < held_on:
        raise ValidationError({"submitted_on": [_("整改报告送达日期不能早于约谈日期 %(d)s（第五十条）。") % {"d": held_on}]})
    due = interview.rectification_report_due
    late = bool(due and submitted_on > due)
    interview.report_text = (text or "").strip()
    interview.report_submitted_at = now
    interview.report_submitted_on = submitted_on
    fields = ("report_text", "report_submitted_at", "report_submitted_on")
    transition(interview, Status.REPORT_SUBMITTED, table=TRANSITIONS, actor=actor, action="interview.report_submitted",
               data={"late": late, "due": str(due), "submitted_on": submitted_on.isoformat()}, fields=fields)
    _sync(interview, "status", *fields)
    at = timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(12))) if submitted_on != today else now
    deadline_close(obj=interview, rule=_rule(interview, "report_due"), at=at)
    deadline_close(obj=interview, rule=_rule(interview, "rectification"), at=at)
    return interview


@transaction.atomic
def interview_verify(*, interview: Interview, actor: Any, note: str, conclusion: str = "") -> Interview:
    """Art. 50: the authority checks the rectification and closes the 约谈."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "verify")
    _check_step(interview, "verify")
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写整改落实情况核查意见（第五十条）。")]})
    interview.verification = Verification.VERIFIED
    interview.verification_note = note.strip()
    interview.verified_at = timezone.now()
    if conclusion.strip():
        interview.conclusion = conclusion.strip()
    fields = ("verification", "verification_note", "verified_at", "conclusion")
    transition(interview, Status.CLOSED, table=TRANSITIONS, actor=actor, action="interview.verified",
               data={"verification": "verified"}, fields=fields)
    _sync(interview, "status", *fields)
    return interview


@transaction.atomic
def interview_press(
    *, interview: Interview, actor: Any, note: str, new_deadline: datetime.date
) -> Interview:
    """Art. 50: rectification late or not in place → the authority presses for correction (督促改正)."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "press")
    _check_step(interview, "press")
    errors = {}
    if not (note or "").strip():
        errors["note"] = [_("请写明督促改正的具体要求（第五十条）。")]
    if new_deadline is None or new_deadline <= timezone.localdate():
        errors["new_deadline"] = [_("督促改正须明确晚于今天的整改期限（第五十条）。")]
    if errors:
        raise ValidationError(errors)
    interview.verification = Verification.PRESSED
    interview.verification_note = note.strip()
    interview.verified_at = timezone.now()
    interview.press_count += 1
    interview.rectification_deadline = new_deadline
    report = dl.rectification_report_due(new_deadline)
    interview.rectification_report_due = report.date
    interview.rectification_report_due_confirmed = report.confirmed
    interview.report_submitted_at = None
    interview.report_submitted_on = None
    fields = ("verification", "verification_note", "verified_at", "press_count", "rectification_deadline",
              "rectification_report_due", "rectification_report_due_confirmed", "report_submitted_at",
              "report_submitted_on")
    transition(interview, Status.RECTIFYING, table=TRANSITIONS, actor=actor, action="interview.pressed",
               reason=note.strip(), data={"pressed": interview.press_count, "new_deadline": new_deadline.isoformat()},
               fields=fields)
    _sync(interview, "status", *fields)
    inst = interview.institution
    deadline_open(
        obj=interview, rule=_rule(interview, "rectification"), label=f"督促改正期限：{inst.name}", article="第五十条",
        due_on=new_deadline, confirmed=True, institution=inst, authority=interview.organiser, url=_url(interview),
    )
    deadline_open(
        obj=interview, rule=_rule(interview, "report_due"), label=f"提交约谈整改报告：{inst.name}", article="第五十条",
        due_on=report.date, confirmed=report.confirmed, basis_date=new_deadline, workdays=dl.REPORT_WORKDAYS,
        institution=inst, authority=interview.organiser, url=_url(interview),
    )
    return interview


@transaction.atomic
def interview_upward_report(*, interview: Interview, actor: Any, reported_on: datetime.date) -> Interview:
    """Art. 51: a county reports each interview to the city within 10 working days after it."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "upward_report")
    if not interview.upward_report_due:
        raise ValidationError(_("只有县级卫生健康行政部门组织的约谈须报市级（第五十一条）。"))
    _check_step(interview, "upward_report")
    held_on = timezone.localtime(interview.held_at).date()
    if reported_on < held_on or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": [_("报送日期须在约谈之后、今天之前（第五十一条）。")]})
    interview.upward_reported_on = reported_on
    _save(interview, "upward_reported_on")
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.upward_reported",
               data={"step": "upward_report", "reported_on": reported_on.isoformat(),
                     "late": reported_on > interview.upward_report_due})
    deadline_close(obj=interview, rule="interview.upward_report")
    return interview


@transaction.atomic
def interview_circulate(
    *, interview: Interview, actor: Any, circulated_on: datetime.date, text: str, filed_on: datetime.date | None
) -> Interview:
    """Art. 43: serious consequences → 通报, and 备案 with the superior authority."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "circulate")
    _check_step(interview, "circulate")
    if not (text or "").strip():
        raise ValidationError({"text": [_("请填写通报内容（第四十三条）。")]})
    if not interview.internal and filed_on is None:
        raise ValidationError({"filed_on": [_("造成严重后果的，通报的同时须报上级卫生健康行政部门备案（第四十三条）。")]})
    interview.serious_consequences = True
    interview.circulated_on = circulated_on
    interview.circular_text = text.strip()
    interview.filed_on = filed_on
    _save(interview, "serious_consequences", "circulated_on", "circular_text", "filed_on")
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.circulated",
               data={"step": "circulate", "circulated_on": circulated_on.isoformat(),
                     "filed_on": filed_on.isoformat() if filed_on else None})
    return interview


@transaction.atomic
def interview_form_update(
    *, interview: Interview, actor: Any, rectification_record: str, recorder: str,
    recorded_on: datetime.date | None, conclusion: str, remarks: str,
) -> Interview:
    """The 登记表's later rows: 整改落实情况记录 (记录人, 时间), 结论意见, 备注."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "verify")
    if interview.status in (Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED, Status.CANCELLED):
        raise ValidationError(_("约谈进行后才能填写整改落实情况和结论意见（第四十七条（五））。"))
    interview.rectification_record = rectification_record.strip()
    interview.rectification_recorder = recorder.strip()[:100]
    interview.rectification_recorded_on = recorded_on
    interview.conclusion = conclusion.strip()
    interview.remarks = remarks.strip()
    _save(interview, "rectification_record", "rectification_recorder", "rectification_recorded_on", "conclusion",
          "remarks")
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.form_updated", data={"step": "form"})
    return interview


@transaction.atomic
def interview_cancel(*, interview: Interview, actor: Any, reason: str) -> Interview:
    """A 约谈 not yet held may be withdrawn, with its reason; nothing is deleted."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "cancel")
    _check_step(interview, "cancel")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("撤销约谈须写明原因。")]})
    interview.cancel_reason = reason.strip()
    fields = ["status", "cancel_reason"]
    if interview.reconcile_required and not interview.reconcile_decision:
        interview.reconcile_decision = "cancelled"
        interview.reconcile_reason = reason.strip()
        fields += ["reconcile_decision", "reconcile_reason"]
    transition(interview, Status.CANCELLED, table=TRANSITIONS, actor=actor, action="interview.cancelled",
               reason=reason.strip(), fields=[f for f in fields if f != "status"])
    _sync(interview, *fields)
    deadline_close(obj=interview)
    return interview


@transaction.atomic
def half_year_summary_submit(*, summary: HalfYearSummary, actor: Any, submitted_on: datetime.date, note: str = "") -> HalfYearSummary:
    """Art. 51: the city's report of its area's 约谈 to the province."""
    from interviews.permissions import official_authority_ids

    if not actor.is_superuser and summary.authority_id not in official_authority_ids(actor):
        raise PermissionDenied(_("只有市级卫生健康行政部门可以报送本行政区域约谈工作情况（第五十一条）。"))
    if submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": [_("报送日期不能晚于今天。")]})
    from interviews.selectors import half_year_interviews

    summary.submitted_on = submitted_on
    summary.submitted_by = actor
    summary.note = note.strip()
    # An empty half-year is reported as such (Art. 51 asks for the report either way).
    summary.empty = not half_year_interviews(summary.authority, summary.year, summary.half).exists()
    summary.save(update_fields=["submitted_on", "submitted_by", "note", "empty", "updated_at"])
    transition_record(obj=summary, from_status="due", to_status="submitted", actor=actor,
                      action="half_year_summary.submitted", data={"submitted_on": submitted_on.isoformat(), "late": submitted_on > summary.due_on,
                            "empty": summary.empty})
    deadline_close(obj=summary, rule="interview.half_year_summary")
    return summary


@transaction.atomic
def interview_reconcile(*, interview: Interview, actor: Any, keep: bool, reason: str) -> Interview:
    """Art. 45 (三): the event that opened this 约谈 on the reporter's level was classified below G; the
    organiser decides to keep it (another ground still holds) or cancel it, with a reason either way."""
    interview = _lock(interview)
    _require_organiser(actor, interview, "cancel")
    if not interview.reconcile_required or interview.reconcile_decision:
        raise ValidationError(_("该约谈没有待核对的启动依据（第四十五条（三））。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明继续或撤销约谈的理由（第四十五条）。")]})
    if not keep:
        return interview_cancel(interview=interview, actor=actor, reason=reason)
    interview.reconcile_decision = "kept"
    interview.reconcile_reason = reason.strip()
    _save(interview, "reconcile_decision", "reconcile_reason")
    transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.kept",
               data={"step": "reconcile", "decision": "kept"}, reason=reason.strip())
    return interview


@transaction.atomic
def interview_trigger_rebase(*, interview: Interview, trigger_date: datetime.date, basis: str) -> Interview:
    """Art. 45 (三): an event-triggered 约谈 opened on the reporter's level, confirmed by the quality office's
    classification, counts its 30 working days from that classification; the move is logged."""
    interview = _lock(interview)
    if not interview.trigger_provisional:
        return interview
    interview.trigger_provisional = False
    interview.trigger_basis = basis[:300]
    fields = ["trigger_provisional", "trigger_basis"]
    if interview.status == Status.TRIGGERED and trigger_date != interview.trigger_date:
        old, old_hold = interview.trigger_date, interview.hold_by
        hold = dl.hold_by(trigger_date)
        interview.trigger_date, interview.hold_by, interview.hold_by_confirmed = trigger_date, hold.date, hold.confirmed
        fields += ["trigger_date", "hold_by", "hold_by_confirmed"]
        deadline_open(
            obj=interview, rule=_rule(interview, "hold_by"), label=f"组织约谈：{interview.institution.name}",
            article="第四十五条", due_on=hold.date, confirmed=hold.confirmed, basis_date=trigger_date,
            workdays=HOLD_WORKDAYS, institution=interview.institution, authority=interview.organiser,
            url=_url(interview),
        )
        transition(interview, None, table=TRANSITIONS, actor=None, action="interview.trigger_rebased", data={
            "step": "trigger_rebased",
            "old_trigger_date": old.isoformat(), "trigger_date": trigger_date.isoformat(),
            "old_hold_by": old_hold.isoformat(), "hold_by": hold.date.isoformat(), "confirmed": hold.confirmed,
        }, reason=basis)
    _save(interview, *fields)
    return interview


def interview_event_downgraded(*, interview: Interview, event: Any, note: str) -> None:
    """Called (in the classification's transaction) when the event that triggered this 约谈 on the reporter's
    level is classified below G: the interview shows the mismatch, its 存在的主要问题 no longer says G级,
    and the organiser's officials are told at once."""
    from qms.notifications.services import notify

    interview = _lock(interview)
    if interview.status not in (Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED) or interview.reconcile_required:
        return
    old_problems = interview.problems
    interview.reconcile_required = True
    interview.reconcile_note = note
    interview.trigger_provisional = False
    # The 存在的主要问题 now says what the classification found; the first text stays in the history.
    interview.problems = note[:5000]
    _save(interview, "reconcile_required", "reconcile_note", "trigger_provisional", "problems")
    transition(interview, None, table=TRANSITIONS, actor=None, action="interview.event_downgraded",
               data={"step": "event_downgraded", "event": event.pk, "old_problems": old_problems}, reason=note)
    from organizations.models import Membership

    if interview.internal:
        recipients = Membership.objects.filter(
            institution=interview.institution, is_active=True,
            role__in=[Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY],
        ).values_list("user_id", flat=True)
    else:
        recipients = Membership.objects.filter(
            authority=interview.organiser, role=Membership.Role.OFFICIAL, is_active=True
        ).values_list("user_id", flat=True)
    notify(
        recipients=list(recipients), rule="interview.event_downgraded", article="第四十五条（三）",
        subject=_("约谈启动依据变化：%(ref)s") % {"ref": interview.reference},
        body=note + _("请决定继续约谈或撤销，并写明理由（第四十五条）。"),
        obj=interview, url=_url(interview), period_key=f"event:{event.pk}",
    )


INTERVIEW_DATES = (
    # (date field, confirmed field, statuses in which it is still open, how it is computed)
    ("hold_by", "hold_by_confirmed", BEFORE_HELD, lambda i: dl.hold_by(i.trigger_date)),
    ("earliest_hold_on", "earliest_hold_on_confirmed", frozenset({Status.NOTIFIED}),
     lambda i: dl.earliest_interview_date(i.notified_on) if i.notified_on else None),
    ("rectification_report_due", "rectification_report_due_confirmed", frozenset({Status.RECTIFYING}),
     lambda i: dl.rectification_report_due(i.rectification_deadline) if i.rectification_deadline else None),
    ("upward_report_due", "upward_report_due_confirmed", OPEN_STATUSES | {Status.CLOSED},
     lambda i: dl.upward_report_due(timezone.localtime(i.held_at).date())
     if i.upward_report_due and i.held_at and not i.upward_reported_on else None),
)


@transaction.atomic
def interview_dates_recompute(*, year: int | None = None, reason: str = "", actor: Any = None) -> int:
    """The calendar hook: recompute every stored legal date of the open interviews that a schedule change
    moves (hold-by Art. 45, earliest interview date Art. 46 (二), report due Art. 50, upward report Art. 51),
    with its confirmed flag, and log each move. Returns how many interviews changed."""
    changed = 0
    qs = Interview.objects.select_for_update(of=("self",)).filter(status__in=OPEN_STATUSES | {Status.CLOSED})
    if year is not None:
        first = datetime.date(year, 1, 1)
        qs = qs.filter(trigger_date__lte=datetime.date(year, 12, 31)).filter(
            models.Q(hold_by__gte=first) | models.Q(rectification_report_due__gte=first)
            | models.Q(upward_report_due__gte=first) | models.Q(earliest_hold_on__gte=first)
            | models.Q(hold_by_confirmed=False) | models.Q(rectification_report_due_confirmed=False)
            | models.Q(upward_report_due_confirmed=False) | models.Q(earliest_hold_on_confirmed=False)
        )
    for interview in qs:
        fields, moves = [], {}
        for date_field, flag_field, statuses, compute in INTERVIEW_DATES:
            if interview.status not in statuses:
                continue
            result = compute(interview)
            if result is None:
                continue
            old = getattr(interview, date_field)
            if (old, getattr(interview, flag_field)) != (result.date, result.confirmed):
                setattr(interview, date_field, result.date)
                setattr(interview, flag_field, result.confirmed)
                fields += [date_field, flag_field]
                moves[date_field] = {"old": str(old), "new": result.date.isoformat(), "confirmed": result.confirmed}
        if fields:
            _save(interview, *fields)
            transition(interview, None, table=TRANSITIONS, actor=actor, action="interview.dates_recomputed",
                       data={"step": "calendar", **moves}, reason=reason or _("节假日安排变更后重新计算"))
            changed += 1
    return changed


def interview_dates_resync(*, year: int | None = None, **_kwargs: Any) -> int:
    """The older name of interview_dates_recompute."""
    return interview_dates_recompute(year=year, **_kwargs)
