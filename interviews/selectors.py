"""Scoped reads of 约谈: every page, API view, PDF and export goes through visible_interviews."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from interviews.deadlines import half_year_bounds
from interviews.models import Interview, Participant, RectificationMeasure
from interviews.permissions import subject_institution_ids
from interviews.workflow import BEFORE_HELD, Status
from organizations.models import Authority
from organizations.selectors import get_scope


def visible_interviews(user: Any) -> QuerySet[Interview]:
    qs = Interview.objects.select_related("institution", "institution__authority", "organiser", "department")
    scope = get_scope(user)
    if scope.superuser:
        return qs
    # scope.authority_ids is the user's authorities and all below them: an interview organised by any of
    # them is seen by its organiser and by every level above it (Art. 51, 52).
    q = Q(organiser_id__in=scope.authority_ids) | Q(institution_id__in=subject_institution_ids(user))
    return qs.filter(q)


def interview_detail_queryset(user: Any) -> QuerySet[Interview]:
    return visible_interviews(user).select_related("approved_by", "created_by").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.order_by("side", "position", "id")),
        Prefetch("measures", queryset=RectificationMeasure.objects.filter(superseded=False).select_related("department")),
        "documents",
    )


def overdue_q(today: dt.date | None = None) -> Q:
    """The late ones (the overdue states): not held by hold-by, no report by its due date, county report late."""
    today = today or timezone.localdate()
    return (
        Q(status__in=BEFORE_HELD, hold_by__lt=today)
        | Q(status=Status.RECTIFYING, rectification_report_due__lt=today)
        | Q(upward_report_due__lt=today, upward_reported_on__isnull=True, status__in=[
            Status.RECTIFYING, Status.REPORT_SUBMITTED, Status.CLOSED])
    )


def next_due(interview: Interview) -> tuple[str, dt.date | None]:
    """The next date the law sets for this 约谈, from its stored dates."""
    s = interview.status
    if s in BEFORE_HELD:
        return "约谈", interview.hold_by
    if s == Status.RECTIFYING:
        if interview.upward_report_due and not interview.upward_reported_on and (
            not interview.rectification_report_due or interview.upward_report_due < interview.rectification_report_due
        ):
            return "向市级报告", interview.upward_report_due
        return "整改报告", interview.rectification_report_due
    if interview.upward_report_due and not interview.upward_reported_on and s != Status.CANCELLED:
        return "向市级报告", interview.upward_report_due
    return "", None


def next_due_confirmed(interview: Interview) -> bool:
    """Whether next_due's date is computed over a confirmed calendar (shown with its mark, SPEC §8)."""
    label, day = next_due(interview)
    if day is None:
        return True
    flags = {
        "约谈": interview.hold_by_confirmed,
        "向市级报告": interview.upward_report_due_confirmed,
        "整改报告": interview.rectification_report_due_confirmed,
    }
    return flags.get(label, True)


def late_below(user: Any) -> QuerySet[Interview]:
    """Art. 52: the late interviews of the authorities below the user's own (county for a city, both for the province)."""
    from interviews.permissions import official_authority_ids

    own = official_authority_ids(user)
    below = set(get_scope(user).authority_ids) - own
    return visible_interviews(user).filter(organiser_id__in=below).filter(overdue_q())


def half_year_interviews(authority: Authority, year: int, half: int) -> QuerySet[Interview]:
    """The area's 约谈 held (or triggered and not yet held) in one half-year, for the city's report (Art. 51)."""
    start, end = half_year_bounds(year, half)
    area = [authority.pk, *Authority.objects.filter(parent=authority).values_list("pk", flat=True)]
    return (
        Interview.objects.filter(organiser_id__in=area)
        .filter(Q(held_at__date__range=(start, end)) | Q(held_at__isnull=True, trigger_date__range=(start, end)))
        .select_related("institution", "organiser")
        .order_by("trigger_date", "id")
    )
