"""The lock-out answer: the sign-in page's template for people, a JSON 429 for API clients."""
from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    context: dict[str, Any] = {"failure_limit": get_failure_limit(request, credentials),
                               "username": (credentials or {}).get("username", ""),
                               "cooloff_timedelta": cool_off}
    if request.path.startswith("/api/"):
        message = _("登录失败次数过多，账号已暂时锁定，请 %(m)s 分钟后再试。") % {"m": minutes}
        return JsonResponse({"non_field_errors": [message]}, status=429)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
