from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qms.notifications import moments, selectors, services
from qms.notifications.models import PassRun


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.inbox_for(request.user, unread_only=unread_only), 30)
    page = paginator.get_page(request.GET.get("page"))
    for n in page.object_list:  # a message sent at a moment is shown in the reader's language
        n.display_title, n.display_body = moments.display(n)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "can_see_passes": selectors.can_see_passes(request.user)},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    if request.POST.get("open") and notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect(request.POST.get("next", "") if url_has_allowed_host_and_scheme(
        request.POST.get("next", ""), allowed_hosts={request.get_host()}) else reverse("notifications:inbox"))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    return redirect("notifications:inbox")


@login_required
@require_GET
def passes(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_passes(request.user):
        raise Http404
    runs = selectors.recent_pass_runs(request.user)
    sent = list(selectors.pass_notifications(request.user, runs[:3]))
    for n in sent:  # in the reader's language, as in the inbox
        n.display_title, n.display_body = moments.display(n)
    return render(
        request,
        "notifications/passes.html",
        {
            "runs": runs,
            "latest": runs[0] if runs else None,
            "sent": sent,
            "can_run": selectors.can_run_pass(request.user),
        },
    )


@login_required
@require_POST
def pass_run_now(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_passes(request.user):
        raise Http404
    if not selectors.can_run_pass(request.user):
        return HttpResponseForbidden(_("仅系统管理员可立即运行期限检查。"))
    kind = PassRun.Kind.HOURLY if request.POST.get("kind") == PassRun.Kind.HOURLY else PassRun.Kind.DAILY
    run = services.pass_run_request(user=request.user, kind=kind)
    messages.success(request, _("期限检查已提交（第 %(id)s 次），进度见下方。") % {"id": run.pk})
    return redirect(f"{reverse('notifications:passes')}?run={run.pk}")


@login_required
@require_GET
def pass_progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = selectors.pass_run_for(request.user, pk)
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "steps_done": run.steps_done,
            "steps_total": run.steps_total,
            "percent": run.progress_percent,
            "found": run.found,
            "notified": run.notified,
            "emailed": run.emailed,
            "finished": run.status in (PassRun.Status.DONE, PassRun.Status.FAILED),
            "error": run.error if selectors.can_run_pass(request.user) else "",
        }
    )
