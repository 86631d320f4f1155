"""What the 约谈 app contributes to shared pages: nav item, home panel, agenda source."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interviews.workflow import Status


def nav_visible(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    from interviews.permissions import subject_institution_ids
    from organizations.selectors import get_scope

    return user.is_superuser or get_scope(user).is_official or bool(subject_institution_ids(user))


def agenda_items(*, institution: Any, department: Any, since: Any, until: dt.date) -> list[dict]:
    """约谈 rectification deadlines and report dues of the hospital falling before `until` (Art. 47, 50):
    the committee hears them at its next meeting. A department's group gets only its own internal ones."""
    from interviews.models import Interview
    from interviews.templatetags.legal_dates import mark

    if institution is None:
        return []
    qs = Interview.objects.filter(institution=institution, status=Status.RECTIFYING).filter(
        Q(rectification_deadline__lte=until) | Q(rectification_report_due__lte=until)
    )
    if department is not None:
        qs = qs.filter(department=department)
    out = []
    for i in qs.select_related("organiser").order_by("rectification_deadline", "id")[:20]:
        who = i.organiser.name if i.organiser else _("本院内部约谈")
        out.append({
            "kind": "interview",
            "title": _("约谈整改：%(who)s %(ref)s") % {"who": who, "ref": i.reference},
            "detail": _("整改期限 %(d)s，书面整改报告须于 %(r)s 前提交（第四十七条、第五十条）")
            % {"d": i.rectification_deadline, "r": mark(i.rectification_report_due, i.rectification_report_due_confirmed)},
            "url": reverse("interviews:detail", args=[i.pk]),
        })
    return out


def home_panel(request: Any) -> dict | None:
    from interviews.selectors import next_due, next_due_confirmed, overdue_q, visible_interviews
    from interviews.workflow import OPEN_STATUSES

    if not nav_visible(request.user):
        return None
    qs = visible_interviews(request.user).filter(status__in=OPEN_STATUSES).order_by("hold_by", "id")
    rows = list(qs[:8])
    if not rows:
        return None
    today = timezone.localdate()
    for r in rows:
        r.next_label, r.next_date = next_due(r)
        r.next_confirmed = next_due_confirmed(r)
        r.late = r.overdue_reasons(today)
    return {
        "template": "interviews/home_panel.html",
        "rows": rows,
        "late_count": visible_interviews(request.user).filter(overdue_q(today)).count(),
    }


def open_counts(*, institution_ids) -> dict[int, int]:
    """Open 约谈 by authorities, per hospital: the authority overview's column (issue 21). One query."""
    from django.db.models import Count

    from interviews.models import Interview
    from interviews.workflow import OPEN_STATUSES

    rows = (
        Interview.objects.filter(institution_id__in=institution_ids, internal=False, status__in=OPEN_STATUSES)
        .values("institution_id").annotate(n=Count("id")).order_by()
    )
    return {r["institution_id"]: r["n"] for r in rows}
