from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core.selectors import history_for
from qms.uploads import check_upload, download_response
from rectifications import permissions, services
from rectifications.forms import CancelForm, EvidenceForm, ReopenForm, ReportForm, VerifyForm
from rectifications.models import Source
from rectifications.selectors import visible_rectifications
from rectifications.workflow import OPEN_STATUSES, Status


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    qs = visible_rectifications(request.user).order_by("due_on", "id")
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    source = request.GET.get("source", "")
    if source in Source.values:
        qs = qs.filter(source_kind=source)
    institution = request.GET.get("institution", "")[:20]
    if institution:  # the authority overview links here per hospital (issue 21); within the caller's reach only
        qs = qs.filter(institution__code=institution)
    today = timezone.localdate()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    overdue = {r.pk for r in page if r.status in OPEN_STATUSES and r.due_on < today}
    return render(request, "rectifications/list.html", {
        "page": page, "overdue": overdue, "status": status, "statuses": Status.choices, "source": source, "sources": Source.choices,
        "institution": institution,
    })


def _context(request: HttpRequest, r: Any, **forms: Any) -> dict:
    user = request.user
    is_open = r.status in OPEN_STATUSES
    return {
        "r": r,
        "overdue": is_open and r.due_on < timezone.localdate(),
        "history": history_for(r),
        "can_report": is_open and r.status != Status.REPORTED and permissions.can_report(user, r),
        "can_upload": is_open and permissions.can_report(user, r),
        "can_verify": r.status == Status.REPORTED and permissions.can_verify(user, r)
        and r.reported_by_id != user.pk,
        "report_form": forms.get("report_form") or ReportForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "can_cancel": is_open and permissions.can_verify(user, r),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
    }


def _get(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(visible_rectifications(request.user), pk=pk)


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "rectifications/detail.html", _context(request, _get(request, pk)))


def _step(request: HttpRequest, pk: int, form_name: str, form: Any, call: Any, ok: str) -> HttpResponse:
    r = _get(request, pk)
    if form.is_valid():
        try:
            call(r, form.cleaned_data)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有权限执行此操作。"))
            return render(request, "rectifications/detail.html", _context(request, _get(request, pk), **{form_name: form}), status=403)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, ok)
            return redirect("rectifications:detail", pk)
    return render(request, "rectifications/detail.html", _context(request, _get(request, pk), **{form_name: form}), status=400)


@login_required
@require_POST
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "report_form", ReportForm(request.POST),
                 lambda r, d: services.rectification_report(rectification=r, actor=request.user, text=d["text"]),
                 _("已报告整改情况，等待确认。"))


@login_required
@require_POST
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "verify_form", VerifyForm(request.POST),
                 lambda r, d: services.rectification_verify(rectification=r, actor=request.user, text=d["text"]),
                 _("已确认整改有效。"))


@login_required
@require_POST
def rectification_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "reopen_form", ReopenForm(request.POST),
                 lambda r, d: services.rectification_reopen(rectification=r, actor=request.user, text=d["text"], due_on=d["due_on"]),
                 _("已退回重新整改。"))


@login_required
@require_POST
def rectification_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "cancel_form", CancelForm(request.POST),
                 lambda r, d: services.rectification_cancel(rectification=r, actor=request.user, reason=d["reason"]),
                 _("已撤销该整改要求，记录保留。"))


@login_required
@require_POST
def rectification_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    def call(r: Any, d: dict) -> None:
        checked = check_upload(d["file"])
        services.rectification_evidence_add(
            rectification=r, actor=request.user, name=checked.name, content_type=checked.content_type,
            data=checked.data, note=d["note"],
        )
    return _step(request, pk, "evidence_form", EvidenceForm(request.POST, request.FILES), call, _("佐证材料已上传。"))


@login_required
def rectification_evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    r = _get(request, pk)
    evidence = r.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return download_response(evidence.file, name=evidence.name, content_type=evidence.content_type)
