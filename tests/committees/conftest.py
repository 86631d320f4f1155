import datetime as dt

import pytest
from django.utils import timezone

from committees import services
from committees.models import Attendance, MeetingBody


def at(y, m, d, h=14, mi=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


@pytest.fixture
def bodies(demo):
    """The meeting bodies of H001 and H002, created by the service (as seed_demo does)."""
    for code in ("H001", "H002"):
        services.body_ensure_for_institution(institution=demo.institutions[code], active_from=dt.date(2025, 1, 1))
    return demo


@pytest.fixture
def committee(bodies):
    return MeetingBody.objects.get(institution=bodies.institutions["H001"], kind="committee")


@pytest.fixture
def card_body(bodies):
    return MeetingBody.objects.get(department=bodies.dept("H001", "CARD"))


@pytest.fixture
def make_meeting(personas):
    """make_meeting(body, when, present=all|n, held=True) -> a meeting planned by the quality office."""

    def make(body, when, *, present=None, held=True, actor=None):
        actor = actor or (personas["qc_office"] if body.institution.code == "H001" else personas["qc_office_h002"])
        meeting = services.meeting_plan(body=body, actor=actor, starts_at=when, place="第一会议室")
        rows = list(meeting.attendance.order_by("id"))
        n = len(rows) if present is None else present
        services.attendance_record(
            meeting=meeting, actor=actor,
            entries=[{"user": r.user_id, "status": Attendance.Status.PRESENT if i < n else Attendance.Status.ABSENT}
                     for i, r in enumerate(rows)],
        )
        if held:
            services.meeting_hold(meeting=meeting, actor=actor)
        meeting.refresh_from_db()
        return meeting

    return make


@pytest.fixture
def add_item(personas, bodies):
    """add_item(meeting, due_on, owner="head_cardiology", dept="CARD") -> an action item from a new decision."""

    def add(meeting, due_on, owner="head_cardiology", dept="CARD", title="整改：病历24小时完成率"):
        actor = personas["qc_office"]
        decision = services.decision_add(meeting=meeting, actor=actor, text="会议决议")
        return services.action_item_create(
            decision=decision, actor=actor, department=bodies.dept("H001", dept), owner=personas[owner],
            title=title, due_on=due_on,
        )

    return add
