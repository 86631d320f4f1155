"""Scoped reads of meetings and action items, the compliance grid (Art. 12) and the bulletin's summary.

Who sees what: a hospital-wide user sees every body of their hospital; a department user sees their
department's body and the committee meetings of bodies they are a member of; an official reads the committee
meetings (not the departments' own) of the hospitals under their authority. Anything else is 404.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.utils import timezone

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
from committees.workflow import UNFINISHED, ActionStatus, MeetingStatus
from organizations.selectors import get_scope

HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.APPROVED)


def _body_q(user: Any, prefix: str = "") -> Q:
    scope = get_scope(user)
    if scope.superuser:
        return Q()
    p = prefix
    q = Q(**{f"{p}institution_id__in": scope.institution_ids})
    if scope.department_ids:
        q |= Q(**{f"{p}department_id__in": scope.department_ids})
    if scope.department_institution_ids:
        q |= Q(**{f"{p}institution_id__in": scope.department_institution_ids, f"{p}members": user})
    if scope.official_institution_ids:
        q |= Q(**{f"{p}institution_id__in": scope.official_institution_ids, f"{p}kind": MeetingBody.Kind.COMMITTEE})
    return q


def visible_bodies(user: Any) -> QuerySet[MeetingBody]:
    ids = MeetingBody.objects.filter(_body_q(user)).values("id")
    return MeetingBody.objects.filter(id__in=ids).select_related("institution", "department", "chair")


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    body_ids = MeetingBody.objects.filter(_body_q(user)).values("id")
    return Meeting.objects.filter(body_id__in=body_ids).select_related(
        "body", "institution", "department", "chair", "approved_by"
    )


def visible_action_items(user: Any) -> QuerySet[ActionItem]:
    scope = get_scope(user)
    body_ids = MeetingBody.objects.filter(_body_q(user)).values("id")
    q = Q(body_id__in=body_ids)
    if user.is_authenticated and not scope.superuser:
        # An owner and the owning department always see their items, whichever body set them.
        q |= Q(owner=user)
        if scope.department_ids:
            q |= Q(department_id__in=scope.department_ids)
    return ActionItem.objects.filter(q).select_related(
        "body", "institution", "department", "owner", "meeting", "decision", "verified_by"
    )


def visible_agenda_items(user: Any) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting__in=visible_meetings(user).values("id")).select_related(
        "meeting", "action_item"
    )


def visible_attendance(user: Any) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting__in=visible_meetings(user).values("id")).select_related("meeting", "user")


def visible_decisions(user: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting__in=visible_meetings(user).values("id")).select_related("meeting")


def meeting_detail(user: Any, pk: int) -> Meeting:
    from django.shortcuts import get_object_or_404

    qs = visible_meetings(user).prefetch_related(*_detail_prefetches())
    return get_object_or_404(qs, pk=pk)


def _detail_prefetches() -> list[Prefetch]:
    return [
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("action_item__owner", "action_item__department")),
        Prefetch("attendance", queryset=Attendance.objects.select_related("user").order_by("id")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.prefetch_related(
                Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "department"))
            ),
        ),
        Prefetch("minutes_versions", queryset=MinutesVersion.objects.select_related("approved_by")),
    ]


def meeting_detail_for_pdf(pk: int) -> Meeting:
    """Internal: the whole meeting for rendering its minutes; callers have scoped the meeting already."""
    return (
        Meeting.objects.select_related("body", "institution", "department", "chair", "approved_by")
        .prefetch_related(*_detail_prefetches())
        .get(pk=pk)
    )


def action_item_detail(user: Any, pk: int) -> ActionItem:
    from django.shortcuts import get_object_or_404

    qs = visible_action_items(user).prefetch_related(
        Prefetch("evidence", queryset=ActionEvidence.objects.select_related("uploaded_by")),
        Prefetch("agenda_appearances", queryset=AgendaItem.objects.select_related("meeting").order_by("meeting__starts_at")),
    )
    return get_object_or_404(qs, pk=pk)


def previous_meeting(body: MeetingBody, before: dt.datetime, exclude_id: int | None = None) -> Meeting | None:
    qs = Meeting.objects.filter(body=body, starts_at__lt=before).exclude(status=MeetingStatus.CANCELLED)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("-starts_at", "-id").first()


def unfinished_action_items(body: MeetingBody) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(body=body, status__in=UNFINISHED).select_related("owner", "department", "meeting")


def _had_quorum(row: Mapping[str, Any]) -> bool:
    """The quorum rule of quorum() over the grid's annotated counts (no query per meeting)."""
    present = row["n_present"] + (row["n_proxy"] if row["body__proxy_counts_for_quorum"] else 0)
    return row["n_members"] > 0 and present * 100 > row["body__quorum_percent"] * row["n_members"]


def quorum(meeting: Meeting) -> dict:
    """Members present against the body's rule: more than quorum_percent % of the members (default half)."""
    rows = list(meeting.attendance.all())
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for row in rows:
        counts[row.status] += 1
    members = len(rows)
    present = counts[Attendance.Status.PRESENT]
    if meeting.body.proxy_counts_for_quorum:
        present += counts[Attendance.Status.PROXY]
    percent = meeting.body.quorum_percent
    # strictly more than percent% of the members: present * 100 > percent * members
    needed = (percent * members) // 100 + 1 if members else 1
    return {
        "members": members,
        "present": present,
        "counts": counts,
        "percent": percent,
        "needed": needed,
        "met": members > 0 and present * 100 > percent * members,
    }


def my_action_items(user: Any) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(owner=user, status__in=UNFINISHED)
        .select_related("department", "meeting", "body")
        .order_by("due_on", "id")
    )


def items_to_verify(user: Any) -> QuerySet[ActionItem]:
    from committees.permissions import MANAGER_ROLES
    from organizations.models import Membership

    inst_ids = Membership.objects.filter(user=user, is_active=True, role__in=MANAGER_ROLES).values("institution_id")
    return (
        ActionItem.objects.filter(institution_id__in=inst_ids, status=ActionStatus.DONE)
        .exclude(owner=user)
        .select_related("department", "owner", "meeting")
        .order_by("done_at", "id")
    )


# ---- compliance (Art. 12: the committee and every department meet every month) -----------------


def _month_start(year: int, month: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, 1))


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def compliance_grid_span(
    *, institution_id: int, first: tuple[int, int], last: tuple[int, int], today: dt.date | None = None
) -> dict:
    """Bodies × calendar months (local time, Asia/Shanghai) from first to last (year, month), both included.

    Cell status: "ok" (a meeting held), "missing" (a past or current month with none held: a gap once the
    month is over), "open" (the current month, none held yet), "future", "na" (before the body existed).
    """
    today = today or timezone.localdate()
    months = _months(first, last)
    if not months:
        return {"months": [], "rows": [], "gaps": 0}
    start = _month_start(*months[0])
    ly, lm = months[-1]
    end = _month_start(ly + 1, 1) if lm == 12 else _month_start(ly, lm + 1)
    bodies = list(
        MeetingBody.objects.filter(institution_id=institution_id, is_active=True)
        .select_related("department", "chair")
        .annotate(committee_first=Case(When(kind=MeetingBody.Kind.COMMITTEE, then=0), default=1))
        .order_by("committee_first", "department__kind", "department__code", "id")
    )
    meetings = (
        Meeting.objects.filter(
            institution_id=institution_id, status__in=HELD_STATUSES, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(
            n_members=Count("attendance"),
            n_present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
            n_proxy=Count("attendance", filter=Q(attendance__status=Attendance.Status.PROXY)),
        )
        .values("id", "body_id", "starts_at", "kind", "status", "n_members", "n_present", "n_proxy",
                "body__quorum_percent", "body__proxy_counts_for_quorum")
    )
    held: dict[tuple[int, int, int], list[Mapping[str, Any]]] = {}
    for row in meetings:
        local = timezone.localtime(row["starts_at"])
        held.setdefault((row["body_id"], local.year, local.month), []).append(row)
    current = (today.year, today.month)
    rows = []
    gaps = 0
    for body in bodies:
        cells = []
        active = (body.active_from.year, body.active_from.month)
        for y, m in months:
            found = held.get((body.pk, y, m), [])
            quorate = [x for x in found if _had_quorum(x)]
            if quorate:
                status = "ok"
            elif found and (y, m) < current:
                # Art. 12: a meeting without its quorum does not meet the month's duty.
                status = "no_quorum"
                gaps += 1
            elif found:
                status = "no_quorum_open"
            elif (y, m) < active:
                status = "na"
            elif (y, m) > current:
                status = "future"
            elif (y, m) == current:
                status = "open"
            else:
                status = "missing"
                gaps += 1
            plenary = any(x["kind"] == Meeting.Kind.PLENARY for x in found)
            cells.append(
                {
                    "year": y,
                    "month": m,
                    "status": status,
                    "held": len(found),
                    "plenary": plenary,
                    "meeting_ids": [x["id"] for x in found],
                }
            )
        rows.append(
            {
                "body_id": body.pk,
                "body": body,
                "name": body.name,
                "kind": body.kind,
                "department_code": body.department.code if body.department is not None else None,
                "cells": cells,
                "missing": sum(1 for c in cells if c["status"] in ("missing", "no_quorum")),
            }
        )
    return {"months": [dt.date(y, m, 1) for y, m in months], "rows": rows, "gaps": gaps}


def compliance_grid(
    *, institution_id: int, year: int, month_from: int = 1, month_to: int = 12, today: dt.date | None = None
) -> dict:
    """The grid for months month_from..month_to of one year (see compliance_grid_span to cross a year)."""
    return compliance_grid_span(
        institution_id=institution_id, first=(year, month_from), last=(year, month_to), today=today
    )


def monthly_summary(*, institution_id: int, year: int, month: int, today: dt.date | None = None) -> dict:
    """What the bulletin reports for one month: meetings held and missing per body, decisions, action items."""
    today = today or timezone.localdate()
    start = _month_start(year, month)
    end = _month_start(year + 1, 1) if month == 12 else _month_start(year, month + 1)
    last_day = (end - dt.timedelta(days=1)).date()
    grid = compliance_grid_span(institution_id=institution_id, first=(year, month), last=(year, month), today=today)
    bodies = [
        {
            "body_id": row["body_id"],
            "name": row["name"],
            "kind": row["kind"],
            "department_code": row["department_code"],
            "held": row["cells"][0]["held"],
            "status": row["cells"][0]["status"],
            "missing": row["cells"][0]["status"] == "missing",
        }
        for row in grid["rows"]
    ]
    meetings = list(
        Meeting.objects.filter(
            institution_id=institution_id, status__in=HELD_STATUSES, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("body")
        .order_by("starts_at")
    )
    decisions = list(
        Decision.objects.filter(meeting__in=[m.pk for m in meetings])
        .select_related("meeting")
        .annotate(n_items=Count("action_items"))
        .order_by("meeting__starts_at", "order", "id")
    )
    items = ActionItem.objects.filter(institution_id=institution_id)
    # "Overdue" is measured at the month's end, or today for the month in progress.
    at = min(today, last_day)
    at_end = timezone.make_aware(dt.datetime.combine(at + dt.timedelta(days=1), dt.time()))
    return {
        "institution_id": institution_id,
        "year": year,
        "month": month,
        "bodies": bodies,
        "meetings_held": len(meetings),
        "bodies_missing": [b["name"] for b in bodies if b["missing"]],
        "meetings": [
            {
                "id": m.pk,
                "body": m.body.name,
                "title": m.title,
                "starts_at": m.starts_at,
                "status": m.status,
            }
            for m in meetings
        ],
        "decisions": [
            {"meeting_id": d.meeting_id, "meeting": d.meeting.title, "text": d.text, "action_items": d.n_items}
            for d in decisions
        ],
        "action_items": {
            "opened": items.filter(meeting__starts_at__gte=start, meeting__starts_at__lt=end).count(),
            "done": items.filter(done_at__gte=start, done_at__lt=end).count(),
            "closed": items.filter(verified_at__gte=start, verified_at__lt=end).count(),
            "overdue": items.filter(meeting__starts_at__lt=end, due_on__lt=at)
            .exclude(status=ActionStatus.CANCELLED)
            .filter(Q(done_at__isnull=True) | Q(done_at__gte=at_end))
            .count(),
            "open_total": items.filter(status=ActionStatus.OPEN).count(),
        },
    }



def institution_people(institution: Any) -> QuerySet:
    """Everyone who belongs to a hospital: a post there, its principal and deputies, heads and group members."""
    from django.contrib.auth import get_user_model

    from organizations.models import Department

    heads = Department.objects.filter(institution=institution, head__isnull=False).values("head_id")
    deputies = institution.deputies.through.objects.filter(institution_id=institution.pk).values("user_id")
    q = (
        Q(memberships__institution=institution, memberships__is_active=True)
        | Q(pk__in=heads)
        | Q(pk__in=deputies)
        | Q(quality_groups__department__institution=institution)
    )
    if institution.principal_id:
        q |= Q(pk=institution.principal_id)
    ids = get_user_model().objects.filter(q).values("pk")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")


# Accounts that stand for a post rather than a person (the demo's "心血管内科质控联络员") are named after it.
PLACEHOLDER_SUFFIXES = ("质控联络员", "病历质控员", "院感质控员", "患者安全质控员", "质控员")


def institution_persons(institution: Any, *, department: Any = None) -> QuerySet:
    """The people a picker offers (主持人, 责任人, 成员): active persons of the hospital — no system account
    (HIS), no account standing for a post — the given department's own people first, then by name."""
    from django.db.models import Case, IntegerField, Value, When

    from organizations.models import Department, Membership

    people = institution_people(institution).filter(is_active=True).exclude(
        memberships__role=Membership.Role.HIS, memberships__is_active=True)
    for suffix in PLACEHOLDER_SUFFIXES:
        people = people.exclude(first_name__endswith=suffix, last_name="")
    if department is None:
        return people.order_by("last_name", "first_name", "username")
    own = Q(memberships__department=department, memberships__is_active=True) | Q(
        pk__in=Department.objects.filter(pk=getattr(department, "pk", department)).values("head_id"))
    ids = set(people.filter(own).values_list("pk", flat=True))
    return people.annotate(own_department=Case(When(pk__in=ids, then=Value(0)), default=Value(1),
                                               output_field=IntegerField())).order_by(
        "own_department", "last_name", "first_name", "username")
