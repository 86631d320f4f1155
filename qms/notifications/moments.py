"""Notices at the moment they matter: sent at once by the service that makes the change, exactly once.

The daily pass (deadline_pass.py) reminds of deadlines; these tell people the moment something needs them:
a 约谈 triggered (the organiser's officials; its 负责人 that it waits for approval), a class I or II event
reported (the quality office), minutes waiting for approval (the chair, for the committee the principal),
an action item assigned (its owner), feedback given (the named reporter), a monthly report returned (the
department head). Each call writes inbox rows and e-mails through the outbox (services.notify) inside the
caller's transaction; the unique claim (object, rule, recipient, period_key) makes it exactly once.

Texts are stored in Chinese (the product's language, that of the e-mails); the inbox shows each in the
reader's language through ``MOMENTS`` (rule -> msgids), formatted again from the stored parameters.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from qms.notifications.models import Notification
from qms.notifications.services import notify

# rule -> (title msgid, body msgid). Parameters are named; the inbox re-renders them in English.
MOMENTS: dict[str, tuple[str, str | None]] = {
    "interview.triggered": (
        gettext_noop("【约谈】%(institution)s：约谈已启动"),
        gettext_noop("%(institution)s 因第四十五条（%(ground)s）启动约谈，须在 %(hold_by)s 前组织约谈（第四十五条，30个工作日）。"),
    ),
    "interview.awaiting_approval": (
        gettext_noop("【待审批】%(institution)s 约谈待您批准"),
        gettext_noop("%(institution)s 的约谈已启动，约谈须经本级卫生健康行政部门负责人批准后方可通知（第四十六条）。"),
    ),
    "event.serious_reported": (
        gettext_noop("【%(cls)s类事件】%(number)s %(department)s"),
        gettext_noop("%(department)s 上报 %(cls)s 类不良事件 %(number)s（%(event_type)s），请立即受理并按规定时限处置（第三十九条）。"),
    ),
    "minutes.awaiting_approval": (
        gettext_noop("【待批准】会议纪要：%(meeting)s"),
        gettext_noop("%(meeting)s 已召开，会议纪要待您批准（第十二条）。"),
    ),
    "action.assigned": (
        gettext_noop("【整改事项】%(title)s"),
        gettext_noop("您被指定为整改事项“%(title)s”的责任人，完成期限 %(due_on)s（%(meeting)s）。"),
    ),
    "event.feedback": (
        gettext_noop("【反馈】您上报的事件 %(number)s 已反馈"),
        gettext_noop("质控办对您上报的不良事件 %(number)s 给出了反馈：%(feedback)s"),
    ),
    "monthly_report.returned": (
        gettext_noop("【退回】%(department)s %(period)s 月度质控报告"),
        gettext_noop("%(department)s %(period)s 月度质控报告被退回，原因：%(reason)s。请修改后重新报送。"),
    ),
    # Sent by the rectification and quality-control-centre services through notify() (their own article);
    # a body of None is what a person wrote (params["body"]), shown as written.
    "rectification.opened": (gettext_noop("新的整改要求：%(problem)s"), gettext_noop("来源：%(source)s。整改期限：%(due)s。")),
    "rectification.reported": (gettext_noop("整改情况待确认：%(problem)s"), None),
    "rectification.reopened": (gettext_noop("整改无效，请重新整改：%(problem)s"), None),
    "qc_centre.visit_report": (gettext_noop("%(centre)s质控报告：请抓好整改落实并书面报送整改情况"), None),
    "qc_centre.card": (gettext_noop("%(centre)s %(year)s年度考核不合格：%(card)s"), gettext_noop("%(grounds)s")),
}

# The stored article of each moment (shown beside the message, translated like every reference text).
ARTICLES = {
    "interview.triggered": gettext_noop("第四十五条"),
    "interview.awaiting_approval": gettext_noop("第四十六条"),
    "event.serious_reported": gettext_noop("第三十九条"),
    "minutes.awaiting_approval": gettext_noop("第十二条"),
    "action.assigned": gettext_noop("第十二条（委员会决议落实）"),
    "event.feedback": gettext_noop("第三十九条"),
    "monthly_report.returned": gettext_noop("院内制度"),
}


def texts(rule: str, params: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(title, body, stored parameters) of a moment, in Chinese (stored and e-mailed so; the inbox formats
    them again in the reader's language). A list parameter is a list of reference texts, joined with ；."""
    title_id, body_id = MOMENTS[rule]
    with translation.override(settings.LANGUAGE_CODE):  # lazy labels (a choice's) come out in Chinese too
        clean: dict[str, Any] = {k: [str(x) for x in v] if isinstance(v, (list, tuple)) else "" if v is None
                                 else str(v) for k, v in params.items()}
        flat = {k: "；".join(v) if isinstance(v, list) else v for k, v in clean.items()}
        title = translation.gettext(title_id) % flat
        body = translation.gettext(body_id) % flat if body_id else str(flat.get("body", ""))
    return title, body, clean


def _send(rule: str, *, recipients: Any, obj: Any, url: str, params: dict[str, Any], period_key: str = "once",
          institution: Any = None, urgent: bool = False) -> int:
    title, body, clean = texts(rule, params)
    with translation.override(settings.LANGUAGE_CODE):  # stored and e-mailed in Chinese
        article = translation.gettext(ARTICLES[rule])
    return notify(
        recipients=recipients, rule=rule, article=article, subject=title, body=body, obj=obj, url=url,
        period_key=period_key, institution=institution,
        stage=Notification.Stage.ESCALATED if urgent else Notification.Stage.INFO,
        params=clean,
    )


# Parameters that hold reference data (a choice's label, a rule's name) rather than what people typed: shown
# through the catalogue like every reference text (an unknown text comes back unchanged).
REFERENCE_PARAMS = frozenset({"ground", "event_type", "source", "card", "problem_kind"})


def display(notification: Notification) -> tuple[str, str]:
    """(title, body) in the active language: re-rendered from the parameters when the rule is a moment or
    the message is a deadline reminder of the daily pass."""
    from qms.templatetags.reference_i18n import translate

    params = notification.params or {}
    if params.get("kind") == "deadline":
        return _deadline_display(notification, params)
    spec = MOMENTS.get(notification.rule)
    if spec is None or not params:
        return notification.title, notification.body
    values = {k: translation.gettext("；").join(translate(x) for x in v) if isinstance(v, list)
              else translate(v) if k in REFERENCE_PARAMS else v for k, v in params.items()}
    try:
        title = translation.gettext(spec[0]) % values
        body = translation.gettext(spec[1]) % values if spec[1] else notification.body
    except (KeyError, TypeError, ValueError):
        return notification.title, notification.body
    return title, body


def _deadline_display(notification: Notification, params: dict[str, Any]) -> tuple[str, str]:
    """A reminder of the daily pass in the reader's language (stored in Chinese, the pass's language)."""
    from django.utils.formats import date_format

    from qms.notifications.deadline_pass import (
        DEADLINE_TEXTS,
        LATE_UNITS,
        STAGE_WORDS,
        TITLE_TEXT,
        UNCONFIRMED_TEXT,
    )
    from qms.templatetags.reference_i18n import translate

    if translation.get_language() == settings.LANGUAGE_CODE:
        return notification.title, notification.body
    gettext = translation.gettext
    try:
        due = str(params["due"])
        if "T" in due:
            date = date_format(timezone.localtime(dt.datetime.fromisoformat(due)), "DATETIME_FORMAT")
        else:
            date = date_format(dt.date.fromisoformat(due), "DATE_FORMAT")
        values = {
            "label": translate(params["label"]), "name": translate(params["name"]),
            "article": translate(params["article"]), "date": date,
            "unconfirmed": gettext(UNCONFIRMED_TEXT) if params.get("unconfirmed") else "",
            "late": gettext(LATE_UNITS[params.get("late_unit", "d")]) % {"n": params.get("late", 0)},
            "why": translate(params.get("why") or ""), "esc_article": translate(params.get("esc_article") or ""),
        }
        title = gettext(TITLE_TEXT) % {"stage": gettext(STAGE_WORDS[notification.stage]), "label": values["label"]}
        body = gettext(DEADLINE_TEXTS[params["text"]]) % values
    except (KeyError, TypeError, ValueError):
        return notification.title, notification.body
    return title, body


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


# ---- who -------------------------------------------------------------------------------------------------


def _officials(authority_id: int | None, *, heads_only: bool = False) -> list[int]:
    from organizations.models import Membership

    if not authority_id:
        return []
    qs = Membership.objects.filter(role=Membership.Role.OFFICIAL, authority_id=authority_id, is_active=True,
                                   user__is_active=True)
    if heads_only:
        qs = qs.filter(is_leader=True)  # the authority's 负责人 approves (Art. 46), not a division head
    return sorted(set(qs.values_list("user_id", flat=True)))


def _quality_office(institution_id: int) -> list[int]:
    from organizations.models import Membership

    return sorted(set(Membership.objects.filter(role=Membership.Role.QUALITY_OFFICE, institution_id=institution_id,
                                                is_active=True, user__is_active=True).values_list("user_id", flat=True)))


def interview_approvers(interview: Any) -> list[int]:
    """Who may approve (Art. 46: the authority's 负责人; internal, Art. 53: the principal or a deputy)."""
    from organizations.models import Membership

    if interview.internal:
        inst = interview.institution
        ids = set(Membership.objects.filter(
            institution_id=inst.pk, is_active=True, role__in=[Membership.Role.PRINCIPAL, Membership.Role.DEPUTY]
        ).values_list("user_id", flat=True))
        if inst.principal_id:
            ids.add(inst.principal_id)
        return sorted(ids)
    return _officials(interview.organiser_id, heads_only=True)


# ---- the moments -------------------------------------------------------------------------------------------


def interview_triggered(interview: Any) -> int:
    url = reverse("interviews:detail", args=[interview.pk])
    params = {"institution": interview.institution.name, "ground": interview.get_trigger_ground_display(),
              "hold_by": _date(interview.hold_by)}
    officials = (_quality_office(interview.institution_id) if interview.internal
                 else _officials(interview.organiser_id))
    n = _send("interview.triggered", recipients=officials, obj=interview, url=url, params=params,
              institution=interview.institution)
    return n + _send("interview.awaiting_approval", recipients=interview_approvers(interview), obj=interview,
                     url=url, params=params, institution=interview.institution)


def event_reported(event: Any) -> int:
    """Class I and II events to the quality office at once; a class I event as urgent (it escalates to the top
    of the inbox and its e-mail is sent at once, the fastest channel the product has)."""
    if event.severity_class not in {"I", "II"}:
        return 0
    params = {"cls": event.severity_class, "number": event.number, "department": event.department.name,
              "event_type": event.event_type.name}
    return _send("event.serious_reported", recipients=_quality_office(event.institution_id), obj=event,
                 url=reverse("adverse_events:detail", args=[event.pk]), params=params,
                 institution=event.institution, urgent=event.severity_class == "I")


def minutes_awaiting_approval(meeting: Any) -> int:
    approver = meeting.chair_id or (meeting.institution.principal_id if meeting.body.is_committee else None)
    return _send("minutes.awaiting_approval", recipients=[approver], obj=meeting,
                 url=reverse("committees:meeting_detail", args=[meeting.pk]), params={"meeting": meeting.title},
                 period_key=f"v{meeting.minutes_version + 1}", institution=meeting.institution)


def action_assigned(item: Any) -> int:
    params = {"title": item.title, "due_on": _date(item.due_on), "meeting": item.meeting.title}
    return _send("action.assigned", recipients=[item.owner_id], obj=item,
                 url=reverse("committees:action_item_detail", args=[item.pk]), params=params,
                 period_key=f"owner:{item.owner_id}", institution=item.institution)


def event_feedback(event: Any) -> int:
    """The named reporter is told in the inbox; an anonymous reporter reads it on the receipt page."""
    if event.anonymous or not event.reporter_id:
        return 0
    params = {"number": event.number, "feedback": event.feedback}
    stamp = timezone.localtime(event.feedback_at).strftime("%Y%m%d%H%M%S") if event.feedback_at else "once"
    return _send("event.feedback", recipients=[event.reporter_id], obj=event,
                 url=reverse("adverse_events:detail", args=[event.pk]), params=params, period_key=stamp,
                 institution=event.institution)


def monthly_report_returned(report: Any, stamp: dt.datetime) -> int:
    dept = report.department
    params = {"department": dept.name, "period": report.period.strftime("%Y-%m"), "reason": report.return_reason}
    return _send("monthly_report.returned", recipients=[dept.head_id], obj=report,
                 url=reverse("indicators:report_detail", args=[report.institution.code, dept.code,
                                                               report.period.strftime("%Y-%m")]),
                 params=params, period_key=f"return:{stamp.isoformat()}", institution=report.institution)
