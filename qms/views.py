import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults

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
    for _key, panel in HOME_PANELS:
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


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An API client gets JSON in the API's error shape; a body past DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return JsonResponse({"non_field_errors": [_("请求体过大（不得超过 %(size)s）。") % {"size": limit}]}, status=413)
    return JsonResponse({"non_field_errors": [_("请求无效。")]}, status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": _("未找到。")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": _("服务器内部错误，未保存任何内容，请稍后重试。")}, status=500)
