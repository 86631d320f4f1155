"""Pages of the information register (Art. 38), the authority's overview (Art. 37, 40–42) and the export."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from case_reviews.permissions import office_institution_ids
from case_reviews.selectors import results_by_hospital_category, visible_reviews
from case_reviews.workflow import Category
from organizations.models import Department
from organizations.selectors import get_scope, visible_institutions
from qms.core.selectors import history_for
from safety_info import services
from safety_info.export import FIELDS, render_xlsx
from safety_info.forms import RecordForm, StepForm
from safety_info.models import EventExport
from safety_info.selectors import register_stats, upward_overview, visible_records
from safety_info.workflow import Kind, Status


def _apply_errors(form, exc: ValidationError) -> None:
    for field, errs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    qs = visible_records(request.user)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "safety_info/list.html", {
        "page": page, "stats": register_stats(qs), "kind": kind, "status": status, "kinds": Kind.choices,
        "statuses": Status.choices, "may_register": bool(office_institution_ids(request.user)),
        "is_official": get_scope(request.user).is_official,
    })


@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    from adverse_events.models import AdverseEvent

    ids = office_institution_ids(request.user)
    if not ids:
        raise PermissionDenied
    institutions = visible_institutions(request.user).filter(pk__in=ids)
    form = RecordForm(
        request.POST or None, initial={"received_on": timezone.localdate(), "institution": institutions.first()},
        institutions=institutions,
        departments=Department.objects.filter(institution__in=institutions, is_active=True).select_related("institution"),
        events=AdverseEvent.objects.filter(institution__in=institutions).select_related("department").order_by("-occurred_at")[:200]
        if request.method != "POST" else AdverseEvent.objects.filter(institution__in=institutions).select_related("department"),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = services.safety_record_register(
                actor=request.user, adverse_events=list(data.pop("adverse_events")), **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已登记：%(ref)s") % {"ref": record.reference})
            return redirect("safety_info:detail", pk=record.pk)
    return render(request, "safety_info/new.html", {"form": form}, status=400 if form.errors else 200)


STEPS: dict[str, tuple[str, str]] = {
    Status.RECEIVED: ("investigate", _("调查核实")),
    Status.INVESTIGATED: ("handle", _("处理")),
    Status.HANDLED: ("close", _("办结")),
}


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(visible_records(request.user).prefetch_related("adverse_events"), pk=pk)
    may_act = record.institution_id in office_institution_ids(request.user) or request.user.is_superuser
    step = STEPS.get(record.status)
    form = StepForm(request.POST or None)
    if request.method == "POST":
        if not may_act or step is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                if step[0] == "investigate":
                    services.safety_record_investigate(record=record, actor=request.user, investigation=d["text"], on=d["on"])
                elif step[0] == "handle":
                    services.safety_record_handle(record=record, actor=request.user, handling=d["text"], on=d["on"],
                                                  compensation=d["compensation"], hospital_paid=d["hospital_paid"],
                                                  resolution=d["resolution"])
                else:
                    services.safety_record_close(record=record, actor=request.user, outcome=d["text"], lessons=d["lessons"], on=d["on"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("safety_info:detail", pk=record.pk)
    from interviews.permissions import can_trigger

    offer = record.is_art45_ground1 and not record.interview_id
    return render(request, "safety_info/detail.html", {
        "r": record, "may_act": may_act, "step": step, "form": form, "history": history_for(record),
        "offer": offer, "may_trigger": offer and can_trigger(request.user, record.institution),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def record_interview(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(visible_records(request.user), pk=pk)
    try:
        interview = services.safety_record_interview_trigger(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("safety_info:detail", pk=record.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("safety_info:detail", pk=record.pk)
    messages.success(request, _("已依第四十五条（一）启动约谈，须经负责人批准（第四十六条）。"))
    return redirect("interviews:detail", pk=interview.pk)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not get_scope(request.user).is_official:
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = upward_overview(request.user, year=year)
    reviews = visible_reviews(request.user).filter(institution_id__in=[r["institution"].pk for r in rows])
    return render(request, "safety_info/overview.html", {
        "rows": rows, "year": year, "results": results_by_hospital_category(reviews),
        "categories": dict(Category.choices),
    })


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    ids = office_institution_ids(request.user)
    visible = visible_institutions(request.user)
    qs = EventExport.objects.filter(institution__in=visible).select_related("institution", "created_by")[:100]
    error = None
    if request.method == "POST":
        institution = visible.filter(pk__in=ids, pk=request.POST.get("institution") or 0).first()
        try:
            if institution is None:
                raise PermissionDenied
            period = dt.date.fromisoformat((request.POST.get("period") or "") + "-01")
            export, created = services.event_export_create(institution=institution, period=period, actor=request.user)
        except ValueError:
            error = _("期间格式应为 YYYY-MM。")
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, _("已导出第 %(n)d 次，共 %(c)d 件，新增或变更 %(new)d 件。") % {
                "n": export.revision, "c": export.event_count, "new": export.new_count} if created else
                _("自上次导出以来没有变化，未重复导出（第 %(n)d 次）。") % {"n": export.revision})
            return redirect("safety_info:exports")
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "safety_info/exports.html", {
        "exports": qs, "offices": visible.filter(pk__in=ids), "error": error, "last_month": last_month, "fields": FIELDS,
    }, status=400 if error else 200)


@login_required
def export_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    export = get_object_or_404(EventExport.objects.filter(institution__in=visible_institutions(request.user)), pk=pk)
    name = f"adverse-events-{export.institution.code}-{export.payload['period']}-r{export.revision}"
    if fmt == "json":
        response: HttpResponse = JsonResponse(export.payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(render_xlsx(export.payload),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
