"""Home panel: a department head's (or controller's) monthly report due; the quality office's reports to review."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from indicators.models import MonthlyReport
from indicators.workflow import OPEN_STATES, ReportStatus
from organizations.models import Membership


def monthly_report_panel(request: Any) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    rows = list(
        Membership.objects.filter(user=user, is_active=True, institution__isnull=False).values_list(
            "role", "institution_id", "department_id"
        )
    )
    dept_ids = [d for role, _i, d in rows if d and role in (Membership.Role.DEPARTMENT_HEAD, Membership.Role.CONTROLLER)]
    qc_insts = [i for role, i, _d in rows if role == Membership.Role.QUALITY_OFFICE]
    if not dept_ids and not qc_insts:
        return None
    today = timezone.localdate()
    own = list(
        MonthlyReport.objects.filter(department_id__in=dept_ids, status__in=OPEN_STATES)
        .select_related("institution", "department").order_by("period")[:6]
    )
    for r in own:
        r.overdue = today > r.due_on
    review = list(
        MonthlyReport.objects.filter(
            institution_id__in=qc_insts, status__in=[ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED]
        ).select_related("institution", "department").order_by("period", "department__code")[:10]
    )
    if not own and not review:
        return None
    return {"template": "indicators/home_panel.html", "own": own, "review": review}
