"""Pages of the 质控中心 (济南市市级医疗质量控制中心管理办法（试行）): the authority's and the centre's work."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import Authority, Institution
from organizations.selectors import get_scope
from qc_centres import permissions, services
from qc_centres.forms import (
    ActivityForm,
    AnnualReportForm,
    ApplicationForm,
    AssessmentForm,
    CentreForm,
    ConsentForm,
    ExpertForm,
    MaterialForm,
    ReasonForm,
    ReplyForm,
    TaskDoneForm,
    VisitForm,
)
from qc_centres.models import Expert, ExportConsent, HostApplication, PlanTask, QcCentre
from qc_centres.selectors import (
    centre_data,
    committee_counts,
    coverage,
    director_vacant_since,
    in_scope_institutions,
    visible_centres,
    visible_visits,
)
from qc_centres.workflow import HANDOVER_ITEMS, Ground, HandoverStatus
from qms.core.selectors import deadlines_for, history_for


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for field, errs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


def _centre(request: HttpRequest, pk: int) -> QcCentre:
    return get_object_or_404(visible_centres(request.user), pk=pk)


def _base(request: HttpRequest, centre: QcCentre, tab: str) -> dict:
    return {"c": centre, "tab": tab, "may_manage": permissions.can_manage(request.user, centre),
            "may_run": permissions.can_run(request.user, centre)}


def _render(request: HttpRequest, template: str, ctx: dict, forms: tuple = ()) -> HttpResponse:
    status = 400 if any(f is not None and f.is_bound and f.errors for f in forms) else 200
    return render(request, template, ctx, status=status)


@login_required
def centre_list(request: HttpRequest) -> HttpResponse:
    centres = visible_centres(request.user)
    return render(request, "qc_centres/list.html", {
        "centres": centres, "may_create": bool(permissions.official_authority_ids(request.user)) or request.user.is_superuser,
        "may_apply": bool(get_scope(request.user).institution_ids),
    })


def _manager_authorities(request: HttpRequest) -> Any:
    if request.user.is_superuser:
        return Authority.objects.all()
    return Authority.objects.filter(pk__in=permissions.official_authority_ids(request.user))


@login_required
def centre_new(request: HttpRequest) -> HttpResponse:
    authorities = _manager_authorities(request)
    if not authorities.exists():
        raise PermissionDenied
    form = CentreForm(request.POST or None, authorities=authorities,
                      institutions=Institution.objects.filter(is_active=True).order_by("code"),
                      initial={"term_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            centre = services.centre_create(
                authority=d["authority"], specialty=d["specialty"], name=d["name"], kind=d["kind"],
                host_institution=d["host_institution"], term_start=d["term_start"], actor=request.user,
                scope_department_names=[n.strip() for n in d["scope_department_names"].replace("，", ",").split(",")])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已设置质控中心。"))
            return redirect("qc_centres:detail", pk=centre.pk)
    return _render(request, "qc_centres/new.html", {"form": form}, (form,))


@login_required
def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "overview")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "renew":
                services.centre_renew_term(centre=centre, actor=request.user)
            elif action == "dissolve":
                services.centre_dissolve(centre=centre, actor=request.user, reason=request.POST.get("reason", ""))
            elif action == "handover":
                handover = getattr(centre, "handover_in", None)
                if handover is None:
                    raise PermissionDenied
                services.handover_complete(handover=handover, actor=request.user, items=request.POST.getlist("items"))
            else:
                raise PermissionDenied
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("已保存。"))
        return redirect("qc_centres:detail", pk=centre.pk)
    handover = getattr(centre, "handover_in", None)
    outgoing = centre.handovers_out.select_related("to_centre", "to_centre__host_institution").first()
    may_hand_over = any(
        h is not None and h.status == HandoverStatus.OPEN and (
            permissions.can_manage(request.user, h.to_centre) or permissions.is_centre_staff(request.user, h.from_centre))
        for h in (handover, outgoing))
    ctx.update({
        "counts": committee_counts(centre), "vacant_since": director_vacant_since(centre),
        "deadlines": deadlines_for(centre), "history": history_for(centre), "handover": handover, "outgoing": outgoing,
        "handover_items": HANDOVER_ITEMS.items(), "may_hand_over": may_hand_over,
        "assessments": centre.assessments.all(), "staff": centre.staff.filter(is_active=True).select_related("user"),
    })
    return render(request, "qc_centres/detail.html", ctx)


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "committee")
    may_edit = ctx["may_run"] or (ctx["may_manage"] and centre.status == "active")
    form = ExpertForm(request.POST if request.POST.get("action") == "add" else None)
    reason_form = ReasonForm(request.POST if request.POST.get("action") in ("leave", "remove") else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.committee_publish(centre=centre, actor=request.user)
                messages.success(request, _("专家委员会已公布。"))
                return redirect("qc_centres:committee", pk=centre.pk)
            if action == "add" and form.is_valid():
                services.expert_add(centre=centre, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已增加。"))
                return redirect("qc_centres:committee", pk=centre.pk)
            if action in ("leave", "remove") and reason_form.is_valid():
                expert = get_object_or_404(Expert, pk=reason_form.cleaned_data["expert"], centre=centre)
                if action == "leave":
                    services.expert_leave(expert=expert, actor=request.user, reason=reason_form.cleaned_data["reason"])
                else:
                    services.expert_remove(expert=expert, actor=request.user, ground=reason_form.cleaned_data["ground"],
                                           reason=reason_form.cleaned_data["reason"])
                messages.success(request, _("已保存。"))
                return redirect("qc_centres:committee", pk=centre.pk)
            if action not in ("add", "leave", "remove"):
                raise PermissionDenied
        except ValidationError as exc:
            target = form if action == "add" else reason_form if action in ("leave", "remove") else None
            if target is None:
                for m in exc.messages:
                    messages.error(request, m)
                return redirect("qc_centres:committee", pk=centre.pk)
            _apply_errors(target, exc)
    experts = centre.experts.order_by("status", "role", "id")
    ctx.update({"experts": experts, "form": form, "reason_form": reason_form, "may_edit": may_edit,
                "refusals": services.committee_refusals(list(experts.filter(status="active"))),
                "counts": committee_counts(centre)})
    return _render(request, "qc_centres/committee.html", ctx, (form, reason_form))


@login_required
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "cycle")
    action = request.POST.get("action")
    today = timezone.localdate()
    report_form = AnnualReportForm(request.POST if action == "report" else None, initial={"year": today.year})
    task_form = TaskDoneForm(request.POST if action == "task" else None)
    activity_form = ActivityForm(request.POST if action == "activity" else None, initial={"held_on": today})
    if request.method == "POST":
        if not ctx["may_run"]:
            raise PermissionDenied
        try:
            if action == "report" and report_form.is_valid():
                d = report_form.cleaned_data
                services.annual_report_submit(centre=centre, year=d["year"], summary=d["summary"], plan=d["plan"],
                                              tasks=d["tasks"], actor=request.user)
                messages.success(request, _("已报送。"))
                return redirect("qc_centres:cycle", pk=centre.pk)
            if action == "task" and task_form.is_valid():
                task = get_object_or_404(PlanTask, pk=task_form.cleaned_data["task"], centre=centre)
                services.task_complete(task=task, actor=request.user, note=task_form.cleaned_data["note"])
                messages.success(request, _("已保存。"))
                return redirect("qc_centres:cycle", pk=centre.pk)
            if action == "activity" and activity_form.is_valid():
                d = dict(activity_form.cleaned_data)
                d["attendees"] = [a.strip() for a in d["attendees"].replace("，", ",").replace("、", ",").split(",")]
                services.activity_record(centre=centre, actor=request.user, **d)
                messages.success(request, _("已登记。"))
                return redirect("qc_centres:cycle", pk=centre.pk)
        except ValidationError as exc:
            _apply_errors({"report": report_form, "task": task_form, "activity": activity_form}[action or "report"], exc)
    year = today.year
    activities = centre.activities.all()
    ctx.update({
        "reports": centre.annual_reports.all(), "tasks": centre.tasks.all(), "activities": activities,
        "report_form": report_form, "task_form": task_form, "activity_form": activity_form, "year": year,
        "trainings": activities.filter(kind="training", held_on__year=year).count(),
        "meetings": activities.filter(kind="committee_meeting", held_on__year=year).count(),
        "county_meetings": activities.filter(kind="county_meeting", held_on__year=year).count(),
    })
    return _render(request, "qc_centres/cycle.html", ctx, (report_form, task_form, activity_form))


@login_required
def visits(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "visits")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    form = VisitForm(request.POST or None, institutions=in_scope_institutions(centre), initial={"visited_on": today})
    if request.method == "POST":
        if not ctx["may_run"]:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            findings = [{"problem": d["problem"], "due_on": d["due_on"]}] if d["problem"] else []
            try:
                visit = services.visit_record(
                    centre=centre, institution=d["institution"], actor=request.user, visited_on=d["visited_on"],
                    report=d["report"], conclusion=d["conclusion"], findings=findings,
                    reported_to_authority_on=d["reported_to_authority_on"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已出具质控报告。"))
                return redirect("qc_centres:visit", pk=visit.pk)
    grid = coverage(centre, year)
    ctx.update({"grid": grid, "year": year, "owed": sum(1 for r in grid if r["owed"]), "form": form,
                "visit_list": visible_visits(request.user).filter(centre=centre)[:100]})
    return _render(request, "qc_centres/visits.html", ctx, (form,))


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from rectifications.selectors import rectifications_for_source, visible_rectifications

    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    may_reply = permissions.can_answer_visit(request.user, visit)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not may_reply:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.visit_reply(visit=visit, actor=request.user, text=form.cleaned_data["text"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已书面报送整改情况。"))
                return redirect("qc_centres:visit", pk=visit.pk)
    rect_ids = visible_rectifications(request.user).values("pk")
    from interviews.permissions import can_trigger

    return _render(request, "qc_centres/visit.html", {
        "v": visit, "form": form, "may_reply": may_reply,
        "rectifications": rectifications_for_source(source_kind="qc_visit", source_id=visit.pk).filter(pk__in=rect_ids),
        "may_interview": can_trigger(request.user, visit.institution), "history": history_for(visit),
    }, (form,))


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "assessment")
    today = timezone.localdate()
    form = AssessmentForm(request.POST or None, initial={"year": today.year - 1 if today.month < 7 else today.year})
    if request.method == "POST":
        if not ctx["may_manage"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                a = services.assessment_record(centre=centre, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已考核：%(card)s") % {"card": a.get_card_display()})
                return redirect("qc_centres:assessment", pk=centre.pk)
    years = sorted({centre.term_start.year, *range(centre.term_start.year, today.year + 1)}, reverse=True)
    detected = [{"year": y, "grounds": [Ground(g).label for g in services.detected_grounds(centre, y)]} for y in years]
    ctx.update({"form": form, "assessments": centre.assessments.all(), "detected": detected,
                "bars": centre.bars.all()})
    return _render(request, "qc_centres/assessment.html", ctx, (form,))


@login_required
def data(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    ctx = _base(request, centre, "data")
    if not (permissions.is_centre_staff(request.user, centre) or ctx["may_manage"]):
        raise PermissionDenied
    consent_form = ConsentForm(request.POST or None)
    if request.method == "POST":
        if not ctx["may_manage"]:
            raise PermissionDenied
        if consent_form.is_valid():
            try:
                services.export_consent_grant(centre=centre, actor=request.user, **consent_form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(consent_form, exc)
            else:
                messages.success(request, _("已记录同意。"))
                return redirect("qc_centres:data", pk=centre.pk)
    d = centre_data(centre)
    ctx.update({"values": d["indicator_values"][:200], "inspections": d["inspections"][:100],
                "reviews": d["reviews"][:100], "consent_form": consent_form,
                "consents": centre.export_consents.filter(valid_until__gte=timezone.localdate()),
                "exports": centre.exports.select_related("actor", "consent")[:50]})
    return _render(request, "qc_centres/data.html", ctx, (consent_form,))


@login_required
@require_POST
def data_export(request: HttpRequest, pk: int) -> HttpResponse:
    centre = _centre(request, pk)
    consent = None
    if request.POST.get("consent"):
        consent = ExportConsent.objects.filter(centre=centre, pk=request.POST["consent"]).first()
    recipient = request.POST.get("recipient", "") or (consent.recipient if consent else "")
    try:
        log, body = services.data_export(centre=centre, actor=request.user, recipient=recipient, consent=consent)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("qc_centres:data", pk=centre.pk)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qc-centre-{centre.pk}-export-{log.pk}.csv"'
    return response


# ------------------------------------------------------------------------------------------------ applications


def _visible_applications(request: HttpRequest) -> Any:
    scope = get_scope(request.user)
    qs = HostApplication.objects.select_related("authority", "applicant", "applicant__authority")
    if scope.superuser:
        return qs
    return qs.filter(Q(authority_id__in=scope.authority_ids) | Q(applicant_id__in=scope.institution_ids)
                     | Q(applicant__authority_id__in=scope.authority_ids))


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    return render(request, "qc_centres/applications.html", {
        "applications": _visible_applications(request), "may_apply": bool(get_scope(request.user).institution_ids)})


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    institutions = Institution.objects.filter(pk__in=scope.institution_ids)
    if not institutions.exists() and not scope.superuser:
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, institutions=institutions if not scope.superuser else Institution.objects.all(),
                           authorities=Authority.objects.filter(level__in=["city", "county"]))
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已提交申请。"))
            return redirect("qc_centres:application", pk=app.pk)
    return _render(request, "qc_centres/application_new.html", {"form": form}, (form,))


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from qms.uploads import check_upload

    app = get_object_or_404(_visible_applications(request), pk=pk)
    material_form = MaterialForm(request.POST or None, request.FILES or None) if request.POST.get("action") == "material" else MaterialForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "material":
                if material_form.is_valid():
                    services.application_material_add(application=app, actor=request.user,
                                                      kind=material_form.cleaned_data["kind"],
                                                      checked=check_upload(request.FILES.get("file")))
                    messages.success(request, _("已上传。"))
                    return redirect("qc_centres:application", pk=app.pk)
            elif action == "county_review":
                services.application_county_review(application=app, actor=request.user, note=request.POST.get("note", ""))
                return redirect("qc_centres:application", pk=app.pk)
            elif action in ("approve", "reject"):
                app = services.application_decide(application=app, actor=request.user, approve=action == "approve",
                                                  note=request.POST.get("note", ""),
                                                  scope_department_names=[app.specialty])
                return redirect("qc_centres:application", pk=app.pk)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            if action == "material":
                _apply_errors(material_form, exc)
            else:
                for m in exc.messages:
                    messages.error(request, m)
                return redirect("qc_centres:application", pk=app.pk)
    return _render(request, "qc_centres/application.html", {
        "a": app, "materials": app.materials.all(), "material_form": material_form,
        "may_upload": permissions.can_apply(request.user, app.applicant),
        "may_county_review": app.needs_county_review and permissions.is_manager(request.user, app.applicant.authority_id),
        "may_decide": permissions.is_manager(request.user, app.authority_id), "history": history_for(app),
    }, (material_form,))
