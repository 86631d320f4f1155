from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adverse_events import charts, permissions, selectors, services
from adverse_events.forms import (
    ActionForm,
    ActionUpdateForm,
    AnalysisForm,
    ClassifyForm,
    ReceiptForm,
    ReportForm,
)
from adverse_events.models import AdverseEvent, EventAttachment, ImprovementAction
from adverse_events.workflow import LOOP, RECLASSIFIABLE, ActionStatus, Status
from qms.core.selectors import deadlines_for, history_for
from qms.uploads import download_response


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for field, errs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errs)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_events(request.user)
    status = request.GET.get("status", "")
    severity_class = request.GET.get("severity_class", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    if severity_class in ("I", "II", "III", "IV"):
        qs = qs.filter(severity_class=severity_class)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "adverse_events/list.html", {
        "page": page, "events": page.object_list, "statuses": Status.choices, "status": status,
        "severity_class": severity_class,
        "can_stats": bool(permissions.office_institution_ids(request.user)) or request.user.is_superuser,
    })


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                event = services.adverse_event_report(
                    reporter=request.user, department=d["department"], occurred_at=d["occurred_at"],
                    discovered_at=d["discovered_at"], event_type=d["event_type"], severity_level=d["severity_level"],
                    description=d["description"], immediate_actions=d["immediate_actions"], place=d["place"],
                    patient_age=d["patient_age"], patient_sex=d["patient_sex"],
                    patient_record_no=d["patient_record_no"], anonymous=d["anonymous"], attachments=d["attachments"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                # Rendered, not redirected: the receipt code must not pass through a URL, a session or a log.
                return render(request, "adverse_events/submitted.html", {"event": event}, status=201)
        return render(request, "adverse_events/form.html", {"form": form}, status=400)
    return render(request, "adverse_events/form.html", {"form": ReportForm(user=request.user)})


def receipt(request: HttpRequest) -> HttpResponse:
    """Status by receipt code, without signing in. POST keeps the code out of URLs and access logs."""
    event = None
    searched = False
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        searched = True
        event = selectors.event_by_receipt(services.normalise_receipt_code(form.cleaned_data["code"]))
    return render(request, "adverse_events/receipt.html", {
        "form": form, "event": event, "searched": searched, "loop": LOOP,
        "history": _public_history(event) if event else [],
    })


def _public_history(event: Any) -> list[dict]:
    """Status steps only: no names, no reasons (they could reveal who is involved)."""
    return [{"at": t.at, "status": Status(t.to_status).label} for t in history_for(event)
            if t.to_status != t.from_status and t.to_status in Status.values]


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_reports(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "adverse_events/my.html", {"page": page, "events": page.object_list})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(request.user, pk)
    user = request.user
    history = list(history_for(event))
    for h in history:
        h.to_label = Status(h.to_status).label if h.to_status in Status.values else h.to_status
    manage = permissions.can_manage(user, event)
    analyse = permissions.can_analyse(user, event)
    ctx = {
        "event": event, "history": history, "deadlines": list(deadlines_for(event)),
        "actions": list(event.actions.all()), "attachments": list(event.attachments.all()),
        "interviews": _interviews_with_links(request.user, event), "analysis": getattr(event, "analysis", None),
        "loop": LOOP, "manage": manage, "can_analyse": analyse,
        "can_withdraw": event.is_open and permissions.can_withdraw(user, event),
        "reclassify": event.status in RECLASSIFIABLE,
        "show_reporter": not event.anonymous and (manage or event.reporter_id == user.pk),
        "ActionStatus": ActionStatus, "Status": Status,
    }
    if manage and event.status in (Status.RECEIVED, *RECLASSIFIABLE):
        ctx["classify_form"] = ClassifyForm(initial={
            "event_type": event.event_type_id, "severity_level": event.severity_level,
            "safety_grade": event.safety_grade})
    if analyse and event.status == Status.CLASSIFIED:
        ctx["analysis_form"] = AnalysisForm()
    if analyse and event.status in (Status.CLASSIFIED, Status.ANALYSED, Status.FEEDBACK, Status.IMPROVING):
        ctx["action_form"] = ActionForm(institution=event.institution, department=event.department)
    ctx.update(getattr(request, "_ae_forms", {}))
    return render(request, "adverse_events/detail.html", ctx, status=getattr(request, "_ae_status", 200))


def _step_view(fn: Callable[[HttpRequest, Any], None], *, form_name: str | None = None) -> Callable:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        event = selectors.event_detail(request.user, pk)
        try:
            fn(request, event)
        except ValidationError as exc:
            request._ae_status = 400  # type: ignore[attr-defined]
            form = getattr(exc, "form", None)
            if form is not None and form_name:
                request._ae_forms = {form_name: form}  # type: ignore[attr-defined]
            for _field, errs in exc.message_dict.items():
                for e in errs:
                    messages.error(request, e)
            return event_detail(request, pk)
        except PermissionDenied:
            raise
        return redirect("adverse_events:detail", pk=pk)

    return view


def _bound(form: Any) -> dict:
    if not form.is_valid():
        exc = ValidationError(dict(form.errors.items()))
        exc.form = form  # type: ignore[attr-defined]
        raise exc
    return form.cleaned_data


def _receive(request: HttpRequest, event: Any) -> None:
    services.adverse_event_receive(event=event, actor=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("已受理。"))


def _classify(request: HttpRequest, event: Any) -> None:
    form = ClassifyForm(request.POST)
    d = _bound(form)
    try:
        services.adverse_event_classify(event=event, actor=request.user, severity_level=d["severity_level"],
                                        event_type=d["event_type"], safety_grade=d["safety_grade"] or "",
                                        reason=d["reason"])
    except ValidationError as exc:
        exc.form = form  # type: ignore[attr-defined]
        raise
    messages.success(request, _("分类定级已保存。"))


def _analyse(request: HttpRequest, event: Any) -> None:
    form = AnalysisForm(request.POST)
    d = _bound(form)
    services.adverse_event_analyse(event=event, actor=request.user, **d)
    messages.success(request, _("分析已保存。"))


def _feedback(request: HttpRequest, event: Any) -> None:
    services.adverse_event_give_feedback(event=event, actor=request.user, feedback=request.POST.get("feedback", ""))
    messages.success(request, _("已反馈。"))


def _improve(request: HttpRequest, event: Any) -> None:
    services.adverse_event_start_improvement(event=event, actor=request.user)


def _close(request: HttpRequest, event: Any) -> None:
    services.adverse_event_close(event=event, actor=request.user, summary=request.POST.get("summary", ""))
    messages.success(request, _("事件已闭环。"))


def _withdraw(request: HttpRequest, event: Any) -> None:
    services.adverse_event_withdraw(event=event, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("已撤回。"))


def _authority(request: HttpRequest, event: Any) -> None:
    raw = request.POST.get("reported_at", "")
    at = parse_datetime(raw) if raw else None
    if at is None:
        raise ValidationError({"reported_at": [_("请按“年-月-日 时:分”填写报告时间。")]})
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    services.adverse_event_report_to_authority(event=event, actor=request.user, reported_at=at,
                                               note=request.POST.get("note", ""))
    messages.success(request, _("报告时间已记录。"))


def _action_add(request: HttpRequest, event: Any) -> None:
    form = ActionForm(request.POST, institution=event.institution, department=event.department)
    d = _bound(form)
    services.action_add(event=event, actor=request.user, **d)
    messages.success(request, _("改进措施已添加。"))


def _attach(request: HttpRequest, event: Any) -> None:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": [_("请选择文件。")]})
    services.adverse_event_attach(event=event, actor=request.user, upload=upload)


event_receive = _step_view(_receive)
event_classify = _step_view(_classify, form_name="classify_form")
event_analyse = _step_view(_analyse, form_name="analysis_form")
event_feedback = _step_view(_feedback)
event_improve = _step_view(_improve)
event_close = _step_view(_close)
event_withdraw = _step_view(_withdraw)
event_authority = _step_view(_authority)
event_action_add = _step_view(_action_add, form_name="action_form")
event_attach = _step_view(_attach)


@login_required
@require_POST
def action_step(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    event = selectors.event_detail(request.user, pk)
    action = get_object_or_404(ImprovementAction.objects.select_related("event"), pk=action_id, event=event)
    try:
        if request.POST.get("verify"):
            services.action_verify(action=action, actor=request.user, verification=request.POST.get("verification", ""))
        else:
            form = ActionUpdateForm(request.POST)
            d = _bound(form)
            services.action_update(action=action, actor=request.user, status=d["status"], note=d["note"])
    except ValidationError as exc:
        for errs in exc.message_dict.values():
            for e in errs:
                messages.error(request, e)
    return redirect("adverse_events:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    event = selectors.event_detail(request.user, pk)
    attachment = get_object_or_404(EventAttachment, pk=attachment_id, event=event)
    return download_response(attachment.file, name=attachment.name, content_type=attachment.content_type)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    events = selectors.visible_events(request.user)
    stats = selectors.statistics(events, start=start, end=end)
    names = selectors.class_names()
    return render(request, "adverse_events/statistics.html", {
        "stats": stats, "year": year, "years": range(today.year, today.year - 5, -1),
        "class_rows": [(c, names.get(c, ""), n) for c, n in stats["by_class"]],
        "month_chart": charts.bar_chart([(_("%(m)s月") % {"m": m[5:]}, n) for m, n in stats["by_month"]],
                                        title=_("%(y)s 年各月上报例数") % {"y": year}, chart_id="chart-month"),
        "type_chart": charts.bar_chart([(_(r["event_type__name"]), r["n"]) for r in stats["by_type"]],
                                       title=_("按事件类型"), chart_id="chart-type", horizontal=True),
    })


def _interviews_with_links(user: Any, event: AdverseEvent) -> list:
    """The 约谈 this event triggered; each links to its page when the user may see it."""
    from interviews.selectors import visible_interviews

    rows = list(event.interviews.select_related("organiser"))
    seen = set(visible_interviews(user).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
    for r in rows:
        r.visible = r.pk in seen
    return rows
