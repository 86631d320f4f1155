import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from organizations.selectors import get_scope, user_roles_display, visible_authorities, visible_institutions
from qms import workdays
from qms.core.selectors import visible_deadlines
from qms.extensions import HOME_PANELS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    horizon = workdays.add_workdays(today, settings.QMS_DUE_SOON_WORKDAYS).date
    scope = get_scope(request.user)
    deadlines = visible_deadlines(request.user).filter(due_on__lte=horizon)
    if scope.is_official and not scope.superuser:
        # The authority's own work (its interviews, the reports hospitals owe it), not each hospital's
        # internal receipts and department reports, which the hospital's own people follow.
        deadlines = deadlines.filter(Q(authority_id__in=scope.authority_ids) | Q(responsible=request.user))
    due = list(deadlines.order_by("due_on")[:50])
    for d in due:
        d.overdue = d.due_on is not None and d.due_on < today
    panels = []
    for _, panel in HOME_PANELS:
        block = panel(request)
        if block:
            panels.append(block)
    return render(
        request,
        "home.html",
        {
            "roles": user_roles_display(request.user),
            "institutions": visible_institutions(request.user)[:20] if not scope.is_official else [],
            "authorities": visible_authorities(request.user).filter(id__in=scope.authority_ids)[:10]
            if scope.is_official
            else [],
            "due": due,
            "today": today,
            "horizon": horizon,
            "panels": panels,
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "time": dt.datetime.now(dt.UTC).isoformat()})
