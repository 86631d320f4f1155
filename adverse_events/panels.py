from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from adverse_events.selectors import visible_events
from adverse_events.workflow import Status


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The home page's block: the report button for everyone, the events awaiting receipt for the office."""
    user = request.user
    if not user.is_authenticated:
        return None
    from adverse_events.services import reporter_institution_ids

    waiting = list(visible_events(user).filter(status=Status.SUBMITTED).order_by("reported_at")[:5])
    return {"template": "adverse_events/panel.html", "waiting": waiting,
            "can_report": bool(reporter_institution_ids(user))}
