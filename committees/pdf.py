"""The minutes of a meeting as an A4 PDF (SPEC §3: minutes approved by the chair and exported as PDF)."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from committees.models import Meeting
from committees.selectors import quorum
from qms.pdf import render_pdf


def render_minutes_pdf(meeting: Meeting, *, quorum_info: dict | None = None) -> bytes:
    """meeting comes from selectors.meeting_detail / meeting_detail_for_pdf (everything prefetched)."""
    q = quorum_info or quorum(meeting)
    attendance = list(meeting.attendance.all())
    by_status: dict[str, list[Any]] = {}
    for a in attendance:
        by_status.setdefault(a.status, []).append(a)
    from committees.models import Attendance

    order = [Attendance.Status.PRESENT, Attendance.Status.PROXY, Attendance.Status.EXCUSED, Attendance.Status.ABSENT]
    groups = [{"label": s.label, "rows": by_status.get(s.value, [])} for s in order]
    action_items = [a for d in meeting.decisions.all() for a in d.action_items.all()]
    return render_pdf(
        "pdf/committees/minutes.html",
        {
            "meeting": meeting,
            "starts_local": timezone.localtime(meeting.starts_at),
            "approved_local": timezone.localtime(meeting.approved_at) if meeting.approved_at else None,
            "q": q,
            "attendance": attendance,
            "by_status": by_status,
            "groups": groups,
            "action_items": action_items,
            "today": timezone.localdate(),
        },
    )
