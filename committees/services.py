"""Writes of the committee and department meetings (Art. 8–12; ZB 三(一)1–2; SPEC §3).

Every step checks who acts and the current state, runs in one transaction and writes a Transition row.
"""
from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import permissions
from committees.models import (
    ActionEvidence,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingBody,
    MinutesVersion,
)
from committees.selectors import previous_meeting, quorum, unfinished_action_items
from committees.workflow import (
    ACTION_TRANSITIONS,
    EDITABLE,
    MEETING_TRANSITIONS,
    ActionStatus,
    MeetingStatus,
)
from organizations.models import Department, Institution, Membership, QualityCommittee, QualityGroup
from qms.core.selectors import history_for
from qms.core.services import deadline_close, deadline_open, transition_record
from qms.core.workflow import transition
from qms.extensions import AGENDA_SOURCES
from qms.uploads import check_upload

logger = logging.getLogger(__name__)

ACTION_RULE = "action_item.due"


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "—"


# ---- who belongs to a hospital ------------------------------------------------------------------


def belongs_to(user: Any, institution: Institution) -> bool:
    """A person of the hospital: a post there, its principal or deputy, a department head or group member."""
    if user is None:
        return False
    if Membership.objects.filter(user=user, institution=institution, is_active=True).exists():
        return True
    if institution.principal_id == user.pk or institution.quality_person_id == user.pk:
        return True
    if institution.deputies.filter(pk=user.pk).exists():
        return True
    if Department.objects.filter(institution=institution, head=user).exists():
        return True
    return QualityGroup.objects.filter(department__institution=institution).filter(
        Q(leader=user) | Q(daily_contact=user) | Q(members=user)
    ).exists()


def _check_members(body: MeetingBody, users: Iterable[Any]) -> None:
    strangers = [_name(u) for u in users if not belongs_to(u, body.institution)]
    if strangers:
        raise ValidationError(
            {
                "members": _("%(names)s 不是%(inst)s的人员，不能作为%(body)s成员（第九条、第十一条：委员会和科室小组由本机构人员组成）。")
                % {"names": "、".join(strangers), "inst": body.institution.name, "body": body.name}
            }
        )


def _check_chair(body: MeetingBody, chair: Any, field: str = "chair") -> None:
    if chair is None:
        raise ValidationError({field: _("须指定会议主持人（第十二条）。")})
    if body.is_committee:
        principal = body.institution.principal
        if principal is None or chair.pk != principal.pk:
            raise ValidationError(
                {
                    field: _(
                        "医疗质量管理委员会主任由医院主要负责人担任，专题会议由主要负责人召开（第九条、第十二条）：主持人应为%(principal)s，不能是%(chair)s。"
                    )
                    % {"principal": _name(principal) if principal else _("（未登记主要负责人）"), "chair": _name(chair)}
                }
            )
    elif not belongs_to(chair, body.institution):
        raise ValidationError({field: _("主持人须为本院人员（第十二条）。")})
    else:
        # Art. 12 ¶2: the department (or functional department) head chairs, or the deputy the hospital names.
        dept = body.department
        allowed = {pk for pk in (dept.head_id if dept else None, body.deputy_chair_id) if pk}
        if chair.pk not in allowed:
            raise ValidationError(
                {
                    field: _(
                        "科室质量管理会议由科室主要负责人主持，或由医院指定的副职主持（第十二条第二款）：应为%(head)s%(deputy)s，不能是%(chair)s。"
                    )
                    % {
                        "head": _name(dept.head) if dept and dept.head_id else _("（未登记科室主要负责人）"),
                        "deputy": (_("或%(d)s") % {"d": _name(body.deputy_chair)}) if body.deputy_chair_id else "",
                        "chair": _name(chair),
                    }
                }
            )


# ---- bodies -------------------------------------------------------------------------------------


def _department_members(dept: Department) -> list[Any]:
    people: list[Any] = []
    if dept.head_id:
        people.append(dept.head)
    group = QualityGroup.objects.filter(department=dept).prefetch_related("members", "controllers__user").first()
    if group is not None:
        for u in [group.leader, group.daily_contact, *group.members.all(), *(c.user for c in group.controllers.all())]:
            if u is not None and all(u.pk != p.pk for p in people):
                people.append(u)
    return people


@transaction.atomic
def body_ensure_for_institution(
    *, institution: Institution, actor: Any = None, active_from: dt.date | None = None
) -> list[MeetingBody]:
    """Create the meeting bodies a hospital must have; existing ones are left as the quality office set them.

    The committee comes from organizations.QualityCommittee with the principal as chair (Art. 9); every
    active department gets its own body: business departments meet as their quality group (Art. 11),
    functional departments as the department (Art. 12 ¶2).
    """
    bodies: list[MeetingBody] = []
    committee = QualityCommittee.objects.filter(institution=institution).prefetch_related("members").first()
    if committee is not None:
        body = MeetingBody.objects.filter(institution=institution, kind=MeetingBody.Kind.COMMITTEE).first()
        if body is None:
            body = MeetingBody.objects.create(
                institution=institution,
                kind=MeetingBody.Kind.COMMITTEE,
                committee=committee,
                name=committee.name,
                chair=institution.principal,
                active_from=active_from or timezone.localdate(),
            )
            members = list(committee.members.all())
            if institution.principal and all(m.pk != institution.principal_id for m in members):
                members.insert(0, institution.principal)
            body.members.set(members)
            transition_record(obj=body, from_status="", to_status="created", actor=actor, action="meeting_body.created")
        bodies.append(body)
    for dept in institution.departments.filter(is_active=True).select_related("head").order_by("kind", "code"):
        body = MeetingBody.objects.filter(department=dept).first()
        if body is None:
            is_business = dept.kind == Department.Kind.BUSINESS
            body = MeetingBody.objects.create(
                institution=institution,
                kind=MeetingBody.Kind.BUSINESS if is_business else MeetingBody.Kind.FUNCTIONAL,
                department=dept,
                name=f"{dept.name}医疗质量管理工作小组" if is_business else f"{dept.name}质量安全会议",
                chair=dept.head,
                active_from=active_from or timezone.localdate(),
            )
            body.members.set(_department_members(dept))
            transition_record(obj=body, from_status="", to_status="created", actor=actor, action="meeting_body.created")
        bodies.append(body)
    return bodies


@transaction.atomic
def body_update(
    *,
    body: MeetingBody,
    actor: Any,
    chair: Any = None,
    members: list[Any] | None = None,
    quarterly_plenary: bool | None = None,
    quorum_percent: int | None = None,
    deputy_chair: Any = False,
) -> MeetingBody:
    permissions.require(permissions.is_manager(actor, body.institution_id))
    changes: dict[str, Any] = {}
    if deputy_chair is not False and not body.is_committee:
        # Art. 12 ¶2: the deputy the hospital names to chair in the head's place (None clears it).
        if deputy_chair is not None and not belongs_to(deputy_chair, body.institution):
            raise ValidationError({"deputy_chair": _("指定主持的副职须为本院人员（第十二条第二款）。")})
        body.deputy_chair = deputy_chair
        changes["deputy_chair"] = deputy_chair.pk if deputy_chair is not None else None
    if chair is not None:
        _check_chair(body, chair)
        changes["chair"] = chair.pk
        body.chair = chair
    if members is not None:
        _check_members(body, members)
        changes["members"] = sorted(u.pk for u in members)
    if quorum_percent is not None:
        if not 1 <= quorum_percent <= 99:
            raise ValidationError({"quorum_percent": _("法定人数比例须在 1–99 之间。")})
        body.quorum_percent = quorum_percent
        changes["quorum_percent"] = quorum_percent
    if quarterly_plenary is not None:
        body.quarterly_plenary = quarterly_plenary
        changes["quarterly_plenary"] = quarterly_plenary
    body.save()
    if members is not None:
        body.members.set(members)
    transition_record(obj=body, from_status="", to_status="updated", actor=actor, action="meeting_body.updated", data=changes)
    return body


# ---- planning and the draft agenda --------------------------------------------------------------


def agenda_until(day: dt.date) -> dt.date:
    """The end of the month after the meeting's: what falls due before the next monthly meeting and a bit."""
    y, m = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _carry_over_detail(item: ActionItem, today: dt.date) -> str:
    overdue = item.is_overdue(today)
    return _("责任：%(dept)s %(owner)s；期限：%(due)s；状态：%(status)s%(late)s；提出会议：%(meeting)s") % {
        "dept": item.department.name,
        "owner": _name(item.owner),
        "due": item.due_on.isoformat(),
        "status": item.get_status_display(),
        "late": _("（已逾期）") if overdue else "",
        "meeting": item.meeting.title,
    }


def _build_agenda(meeting: Meeting, actor: Any, sources: bool = True) -> None:
    today = timezone.localdate()
    order = 0
    for item in unfinished_action_items(meeting.body).order_by("due_on", "id"):
        order += 10
        AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            kind=AgendaItem.Kind.CARRY_OVER,
            source_kind="action_item",
            title=_("【遗留】%(title)s") % {"title": item.title},
            detail=_carry_over_detail(item, today),
            url=reverse("committees:action_item_detail", args=[item.pk]),
            action_item=item,
        )
        transition(
            item, None, table=ACTION_TRANSITIONS, actor=actor, action="action_item.carried_over", reason=meeting.title,
            data={"carried_to_meeting": meeting.pk, "overdue": item.is_overdue(today)},
        )
    since = meeting.previous.starts_at if meeting.previous else None
    for source in list(AGENDA_SOURCES) if sources else []:
        try:
            entries = source(
                institution=meeting.institution, department=meeting.department, since=since, until=meeting.agenda_until
            ) or []
        except Exception:  # noqa: BLE001
            # Another app's source failing must not stop a meeting from being planned; the quality office
            # edits the draft anyway.
            logger.exception("agenda source %r failed", source)
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("title"):
                continue
            order += 10
            AgendaItem.objects.create(
                meeting=meeting,
                order=order,
                kind=AgendaItem.Kind.SOURCE,
                source_kind=str(entry.get("kind", ""))[:40],
                title=str(entry["title"])[:300],
                detail=str(entry.get("detail", "")),
                url=str(entry.get("url", ""))[:300],
            )


def _default_title(body: MeetingBody, day: dt.date, kind: str) -> str:
    # The title is stored and printed in the minutes: Chinese, named after the type the user chose.
    labels: dict[str, str] = {Meeting.Kind.MONTHLY: "月度例会" if body.is_committee else "质量安全例会",
              Meeting.Kind.PLENARY: "季度全体会议", Meeting.Kind.SPECIAL: "专题会议"}
    return f"{body.name}{day.year}年{day.month}月{labels.get(kind, '月度例会')}"


@transaction.atomic
def meeting_plan(
    *,
    body: MeetingBody,
    actor: Any,
    starts_at: dt.datetime,
    place: str,
    chair: Any = None,
    kind: str = Meeting.Kind.MONTHLY,
    title: str = "",
    sources: bool = True,
) -> Meeting:
    """Plan a meeting and build its draft agenda. sources=False leaves out the other apps' agenda sources:
    only for back-filling past meetings, since the sources describe the present."""
    permissions.require(permissions.can_manage_body(actor, body))
    chair = chair or body.chair or (body.institution.principal if body.is_committee else None)
    _check_chair(body, chair)
    if not place or not place.strip():
        raise ValidationError({"place": _("请填写会议地点。")})
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("会议类型无效。")})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    day = timezone.localtime(starts_at).date()
    meeting = Meeting.objects.create(
        body=body,
        institution=body.institution,
        department=body.department,
        kind=kind,
        title=(title or "").strip() or _default_title(body, day, kind),
        starts_at=starts_at,
        place=place.strip(),
        chair=chair,
        previous=previous_meeting(body, starts_at),
        agenda_until=agenda_until(day),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    members = list(body.members.all())
    Attendance.objects.bulk_create([Attendance(meeting=meeting, user=u) for u in members])
    _build_agenda(meeting, actor, sources=sources)
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.planned", created=True)
    return meeting


def _require_editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.APPROVED:
        raise ValidationError(
            {
                "non_field_errors": _(
                    "会议纪要已于%(at)s批准并存档（第%(v)s版），不能直接修改；如需更正，请由质控办发起更正，更正后生成新版本，原版本保留（第十二条专题会议纪要）。"
                )
                % {"at": timezone.localtime(meeting.approved_at).strftime("%Y-%m-%d %H:%M"), "v": meeting.minutes_version}
            }
        )
    if meeting.status not in EDITABLE:
        raise ValidationError({"non_field_errors": _("会议已取消，不能修改。")})


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body__institution", "institution").get(pk=meeting.pk)


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: Any,
    starts_at: dt.datetime | None = None,
    place: str | None = None,
    chair: Any = None,
    title: str | None = None,
    summary: str | None = None,
) -> Meeting:
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    changes: dict[str, Any] = {}
    if chair is not None and chair.pk != meeting.chair_id:
        _check_chair(meeting.body, chair)
        meeting.chair = chair
        changes["chair"] = chair.pk
    if starts_at is not None:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if meeting.status != MeetingStatus.PLANNED and starts_at > timezone.now():
            raise ValidationError({"starts_at": _("会议已召开，会议时间不能晚于现在。")})
        meeting.starts_at = starts_at
        changes["starts_at"] = starts_at.isoformat()
    if place is not None:
        if not place.strip():
            raise ValidationError({"place": _("请填写会议地点。")})
        meeting.place = place.strip()
        changes["place"] = meeting.place
    if title is not None and title.strip():
        meeting.title = title.strip()
        changes["title"] = meeting.title
    if summary is not None:
        meeting.summary = summary
        changes["summary"] = True
    meeting.save()
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.updated", data=changes)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: Any, reason: str) -> Meeting:
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    if MeetingStatus.CANCELLED not in MEETING_TRANSITIONS[meeting.status]:
        raise ValidationError({"non_field_errors": _("只有尚未召开的会议可以取消。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    transition(meeting, MeetingStatus.CANCELLED, table=MEETING_TRANSITIONS, actor=actor, action="meeting.cancelled",
               reason=reason)
    return meeting


# ---- agenda ---------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor: Any, title: str, detail: str = "", order: int | None = None) -> AgendaItem:
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    if not title or not title.strip():
        raise ValidationError({"title": _("请填写议题。")})
    if order is None:
        order = (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 10
    item = AgendaItem.objects.create(meeting=meeting, order=order, title=title.strip()[:300], detail=detail)
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.agenda_item_added",
               data={"agenda_item": item.pk})
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    actor: Any,
    title: str | None = None,
    detail: str | None = None,
    minutes: str | None = None,
    order: int | None = None,
) -> AgendaItem:
    meeting = _lock(item.meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("请填写议题。")})
        item.title = title.strip()[:300]
    if detail is not None:
        item.detail = detail
    if minutes is not None:
        item.minutes = minutes
    if order is not None:
        item.order = order
    item.save()
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Any) -> None:
    """Only a draft agenda loses items: once the meeting is held the agenda is part of the record."""
    meeting = _lock(item.meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"non_field_errors": _("会议已召开，议程不能删除，只能补充会议记录。")})
    if item.decisions.exists():
        raise ValidationError({"non_field_errors": _("该议题已有决议，不能删除。")})
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.agenda_item_removed",
               reason=item.title, data={"agenda_item": item.pk})
    item.delete()


@transaction.atomic
def minutes_record(*, meeting: Meeting, actor: Any, minutes: dict[int, str], summary: str | None = None) -> Meeting:
    """Minutes per agenda item (and an overall summary)."""
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    items = {i.pk: i for i in meeting.agenda_items.all()}
    unknown = [k for k in minutes if k not in items]
    if unknown:
        raise ValidationError({"minutes": _("议题 %(ids)s 不属于本次会议。") % {"ids": ", ".join(map(str, unknown))}})
    for pk, text in minutes.items():
        if items[pk].minutes != text:
            items[pk].minutes = text
            items[pk].save(update_fields=["minutes", "updated_at"])
    if summary is not None:
        meeting.summary = summary
        meeting.save(update_fields=["summary", "updated_at"])
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.minutes_recorded",
               data={"items": sorted(minutes)})
    return meeting


# ---- attendance and holding -----------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor: Any, entries: list[dict]) -> list[Attendance]:
    """entries: [{"user": user id, "status": present|absent|excused|proxy, "proxy_name": str, "note": str}]."""
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    rows: dict[Any, Attendance] = {a.user_id: a for a in meeting.attendance.select_related("user")}
    errors: list[str] = []
    changed = []
    for entry in entries:
        uid = entry.get("user")
        row = rows.get(uid)
        if row is None:
            errors.append(_("用户 %(id)s 不是本会议的成员（请先在会议主体中加入本院人员）。") % {"id": uid})
            continue
        status = entry.get("status", row.status)
        if status not in Attendance.Status.values:
            errors.append(_("%(name)s：出席情况无效。") % {"name": _name(row.user)})
            continue
        proxy_name = (entry.get("proxy_name") or "").strip()
        if status == Attendance.Status.PROXY and not proxy_name:
            errors.append(_("%(name)s：委托出席须填写受托人。") % {"name": _name(row.user)})
            continue
        row.status = status
        row.proxy_name = proxy_name if status == Attendance.Status.PROXY else ""
        row.note = (entry.get("note") or "")[:200]
        changed.append(row)
    if errors:
        raise ValidationError({"attendance": errors})
    for row in changed:
        row.save(update_fields=["status", "proxy_name", "note", "updated_at"])
    meeting.save(update_fields=["updated_at"])
    q = quorum(Meeting.objects.prefetch_related("attendance").select_related("body").get(pk=meeting.pk))
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.attendance_recorded",
               data={"present": q["present"], "members": q["members"]})
    return changed


@transaction.atomic
def meeting_hold(*, meeting: Meeting, actor: Any) -> Meeting:
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"non_field_errors": _("只有已计划的会议可以确认召开。")})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"starts_at": _("会议时间尚未到，不能确认召开。")})
    meeting.held_at = timezone.now()
    transition(meeting, MeetingStatus.HELD, table=MEETING_TRANSITIONS, actor=actor, action="meeting.held",
               fields=("held_at",))
    from qms.notifications import moments

    moments.minutes_awaiting_approval(meeting)
    return meeting


# ---- decisions and action items -------------------------------------------------------------------


@transaction.atomic
def decision_add(*, meeting: Meeting, actor: Any, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    if not text or not text.strip():
        raise ValidationError({"text": _("请填写决议内容。")})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("议题不属于本次会议。")})
    order = (meeting.decisions.aggregate(m=Max("order"))["m"] or 0) + 1
    decision = Decision.objects.create(meeting=meeting, agenda_item=agenda_item, order=order, text=text.strip())
    transition(meeting, None, table=MEETING_TRANSITIONS, actor=actor, action="meeting.decision_made",
               data={"decision": decision.pk})
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, actor: Any, text: str) -> Decision:
    meeting = _lock(decision.meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    if not text or not text.strip():
        raise ValidationError({"text": _("请填写决议内容。")})
    decision.text = text.strip()
    decision.save(update_fields=["text", "updated_at"])
    return decision


def _validate_action_terms(meeting: Meeting, department: Department | None, owner: Any, due_on: dt.date | None, title: str) -> None:
    errors: dict[str, str] = {}
    if not title or not title.strip():
        errors["title"] = _("请填写整改事项。")
    if department is None:
        errors["department"] = _("整改事项须指定责任科室（第八条：院、科两级责任制）。")
    elif department.institution_id != meeting.institution_id:
        errors["department"] = _("责任科室须为本院（%(inst)s）的科室（第八条）。") % {"inst": meeting.institution.name}
    if owner is None:
        errors["owner"] = _("整改事项须指定责任人（第八条：院、科两级责任制）。")
    elif not belongs_to(owner, meeting.institution):
        errors["owner"] = _("责任人%(name)s不是本院（%(inst)s）人员（第八条）。") % {"name": _name(owner), "inst": meeting.institution.name}
    if due_on is None:
        errors["due_on"] = _("请填写完成期限。")
    elif due_on < meeting.local_date:
        errors["due_on"] = _("完成期限（%(due)s）不能早于会议日期（%(day)s）（第十二条：会议研究部署的整改须在会后落实）。") % {
            "due": due_on.isoformat(),
            "day": meeting.local_date.isoformat(),
        }
    if errors:
        raise ValidationError(errors)


def _open_deadline(item: ActionItem) -> None:
    deadline_open(
        obj=item,
        rule=ACTION_RULE,
        label=_("整改事项：%(t)s") % {"t": item.title},
        article=_("第十二条（委员会决议落实）"),
        due_on=item.due_on,
        institution=item.institution,
        department=item.department,
        responsible=item.owner,
        url=reverse("committees:action_item_detail", args=[item.pk]),
    )


@transaction.atomic
def action_item_create(
    *,
    decision: Decision,
    actor: Any,
    department: Department | None,
    owner: Any,
    title: str,
    due_on: dt.date | None,
    description: str = "",
) -> ActionItem:
    meeting = _lock(decision.meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    _validate_action_terms(meeting, department, owner, due_on, title)
    assert department is not None and due_on is not None  # refused above otherwise
    item = ActionItem.objects.create(
        decision=decision,
        meeting=meeting,
        body=meeting.body,
        institution=meeting.institution,
        department=department,
        owner=owner,
        title=title.strip()[:300],
        description=description,
        due_on=due_on,
    )
    transition(item, None, table=ACTION_TRANSITIONS, actor=actor, action="action_item.opened", created=True,
               data={"meeting": meeting.pk})
    _open_deadline(item)
    from qms.notifications import moments

    moments.action_assigned(item)
    return item


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    actor: Any,
    department: Department | None = None,
    owner: Any = None,
    title: str | None = None,
    due_on: dt.date | None = None,
    description: str | None = None,
) -> ActionItem:
    """The terms of an item are part of its meeting's minutes: they change only while those are editable."""
    meeting = _lock(item.meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    _require_editable(meeting)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    new_dept = department if department is not None else item.department
    new_owner = owner if owner is not None else item.owner
    new_due = due_on if due_on is not None else item.due_on
    new_title = title if title is not None else item.title
    _validate_action_terms(meeting, new_dept, new_owner, new_due, new_title)
    item.department, item.owner, item.due_on, item.title = new_dept, new_owner, new_due, new_title.strip()[:300]
    if description is not None:
        item.description = description
    item.save()
    if item.status == ActionStatus.OPEN:
        _open_deadline(item)
    transition(item, None, table=ACTION_TRANSITIONS, actor=actor, action="action_item.updated")
    from qms.notifications import moments

    moments.action_assigned(item)  # a new owner is told; the same owner is not told twice (claim per owner)
    return item


@transaction.atomic
def action_evidence_add(*, item: ActionItem, actor: Any, upload: Any) -> ActionEvidence:
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("body").get(pk=item.pk)
    permissions.require(permissions.can_mark_done(actor, item))
    if item.status in {ActionStatus.VERIFIED, ActionStatus.CANCELLED}:
        raise ValidationError({"file": _("整改事项已核实或撤销，不能再上传材料。")})
    checked = check_upload(upload, field="file")
    evidence = ActionEvidence(
        action_item=item,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(checked.name, ContentFile(checked.data), save=False)
    evidence.save()
    transition(item, None, table=ACTION_TRANSITIONS, actor=actor, action="action_item.evidence_added",
               data={"evidence": evidence.pk, "sha256": checked.sha256})
    return evidence


@transaction.atomic
def action_item_mark_done(*, item: ActionItem, actor: Any, evidence_text: str, files: Iterable[Any] = ()) -> ActionItem:
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("body").get(pk=item.pk)
    permissions.require(permissions.can_mark_done(actor, item))
    if ActionStatus.DONE not in ACTION_TRANSITIONS[item.status]:
        raise ValidationError({"non_field_errors": _("当前状态（%(s)s）不能标记为完成。") % {"s": item.get_status_display()}})
    files = list(files)
    if not (evidence_text or "").strip() and not files and not item.evidence.exists():
        raise ValidationError({"evidence_text": _("请填写落实情况或上传佐证材料。")})
    for f in files:
        action_evidence_add(item=item, actor=actor, upload=f)
    item.evidence_text = (evidence_text or "").strip()
    item.done_at = timezone.now()
    transition(item, ActionStatus.DONE, table=ACTION_TRANSITIONS, actor=actor, action="action_item.done",
               fields=("evidence_text", "done_at"), data={"late": item.due_on < timezone.localdate()})
    deadline_close(obj=item, rule=ACTION_RULE)
    return item


def marked_done_by(obj: Any) -> int | None:
    """Who last marked the item (or an event's improvement action) done, from its transition log."""
    last = history_for(obj).filter(to_status="done").order_by("-at", "-id").first()
    return last.actor_id if last is not None else None


@transaction.atomic
def action_item_verify(*, item: ActionItem, actor: Any, note: str = "") -> ActionItem:
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("body").get(pk=item.pk)
    permissions.require(permissions.can_verify(actor, item), _("责任人不能核实自己的整改事项；核实由质控办或科室负责人进行。"))
    if ActionStatus.VERIFIED not in ACTION_TRANSITIONS[item.status]:
        raise ValidationError({"non_field_errors": _("只有已完成的整改事项可以核实。")})
    if marked_done_by(item) == actor.pk:
        raise ValidationError({"non_field_errors": [_("标记完成的人不能再核实同一整改事项，请由另一人核实。")]})
    item.verified_at = timezone.now()
    item.verified_by = actor
    transition(item, ActionStatus.VERIFIED, table=ACTION_TRANSITIONS, actor=actor, action="action_item.verified",
               fields=("verified_at", "verified_by"), reason=note)
    return item


@transaction.atomic
def action_item_return(*, item: ActionItem, actor: Any, reason: str) -> ActionItem:
    """Verification finds the work not done: the item is open again and its deadline with it."""
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("body", "institution", "department", "owner").get(pk=item.pk)
    permissions.require(permissions.can_verify(actor, item))
    if item.status != ActionStatus.DONE:
        raise ValidationError({"non_field_errors": _("只有已完成待核实的整改事项可以退回。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    item.done_at = None
    transition(item, ActionStatus.OPEN, table=ACTION_TRANSITIONS, actor=actor, action="action_item.returned",
               fields=("done_at",), reason=reason)
    _open_deadline(item)
    return item


# ---- approval, frozen minutes and corrections -----------------------------------------------------


def _snapshot(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "chair": _name(meeting.chair),
        "summary": meeting.summary,
        "attendance": [
            {"user": a.user_id, "name": _name(a.user), "status": a.status, "proxy_name": a.proxy_name}
            for a in meeting.attendance.all()
        ],
        "agenda": [
            {"id": i.pk, "title": i.title, "detail": i.detail, "minutes": i.minutes} for i in meeting.agenda_items.all()
        ],
        "decisions": [
            {
                "id": d.pk,
                "text": d.text,
                "action_items": [
                    {"id": a.pk, "title": a.title, "department": a.department.name, "owner": _name(a.owner), "due_on": a.due_on.isoformat()}
                    for a in d.action_items.all()
                ],
            }
            for d in meeting.decisions.all()
        ],
    }


@transaction.atomic
def meeting_approve(*, meeting: Meeting, actor: Any) -> MinutesVersion:
    """The chair approves the minutes (SPEC §3): only with a quorum, and the approved text is frozen as a PDF."""
    from committees.pdf import render_minutes_pdf
    from committees.selectors import meeting_detail_for_pdf
    from qms.pdf import checksum

    meeting = _lock(meeting)
    if meeting.status == MeetingStatus.APPROVED:
        _require_editable(meeting)
    permissions.require(permissions.can_approve(actor, meeting), _("会议纪要由会议主持人批准。"))
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError({"non_field_errors": _("会议尚未确认召开，不能批准纪要。")})
    full = meeting_detail_for_pdf(meeting.pk)
    q = quorum(full)
    if not q["met"]:
        raise ValidationError(
            {
                "non_field_errors": _(
                    "出席 %(present)s 人 / 成员 %(members)s 人，未超过成员的 %(percent)s%%（至少须 %(needed)s 人出席），不足法定人数，不能批准会议纪要（第十二条专题会议；会议规则）。"
                )
                % q
            }
        )
    chair_error = _check_committee_chair_now(full)
    if chair_error:
        raise ValidationError({"chair": chair_error})
    now = timezone.now()
    version = meeting.minutes_version + 1
    meeting.minutes_version = version
    meeting.approved_at = now
    meeting.approved_by = actor
    full.status, full.minutes_version, full.approved_at, full.approved_by = MeetingStatus.APPROVED, version, now, actor
    pdf = render_minutes_pdf(full, quorum_info=q)
    last = meeting.minutes_versions.order_by("-version").first()
    correction = _pending_correction_reason(meeting) if last is not None else ""
    mv = MinutesVersion(
        meeting=meeting,
        version=version,
        checksum=checksum(pdf),
        snapshot=_snapshot(full),
        approved_by=actor,
        approved_at=now,
        correction_reason=correction or "",
    )
    mv.pdf.save(f"v{version}.pdf", ContentFile(pdf), save=False)
    mv.save()
    transition(
        meeting, MeetingStatus.APPROVED, table=MEETING_TRANSITIONS, actor=actor, action="meeting.approved",
        fields=("minutes_version", "approved_at", "approved_by"),
        data={"version": version, "checksum": mv.checksum, "present": q["present"], "members": q["members"]},
    )
    return mv


def _check_committee_chair_now(meeting: Meeting) -> str:
    if meeting.body.is_committee and meeting.chair_id != meeting.institution.principal_id:
        return _("医疗质量管理委员会专题会议须由医院主要负责人主持（第九条、第十二条）。")
    return ""


def _pending_correction_reason(meeting: Meeting) -> str:
    from qms.core.selectors import history_for

    last = history_for(meeting).filter(from_status=MeetingStatus.APPROVED, to_status=MeetingStatus.HELD).last()
    return last.reason if last else ""


@transaction.atomic
def meeting_correction_open(*, meeting: Meeting, actor: Any, reason: str) -> Meeting:
    """A correction re-opens approved minutes; the approved version stays stored and the next one is added."""
    meeting = _lock(meeting)
    permissions.require(permissions.can_manage_meeting(actor, meeting))
    if meeting.status != MeetingStatus.APPROVED:
        raise ValidationError({"non_field_errors": _("只有已批准的会议纪要需要发起更正。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写更正原因。")})
    transition(meeting, MeetingStatus.HELD, table=MEETING_TRANSITIONS, actor=actor, action="meeting.correction_opened",
               reason=reason.strip())
    return meeting
