"""Pages of the 约谈 workflow. Each step posts to one view that calls one service; a refused step re-renders
the page with what the user typed and the rule's message."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interviews import forms as f
from interviews import services
from interviews.models import HalfYearSummary, Interview, InterviewDocument
from interviews.permissions import (
    can_approve,
    can_trigger,
    is_organiser_side,
    is_subject_side,
    official_authority_ids,
    organiser_for,
    subject_institution_ids,
)
from interviews.selectors import (
    half_year_interviews,
    interview_detail_queryset,
    late_below,
    next_due,
    next_due_confirmed,
    overdue_q,
    visible_interviews,
)
from interviews.workflow import STEPS, Status
from organizations.models import Authority
from organizations.selectors import get_scope, visible_institutions
from qms.core.selectors import deadlines_for, history_for
from qms.uploads import download_response

SUBJECT_KINDS = ["explanation", "plan", "report", "other"]
ORGANISER_KINDS = ["investigation", "notice_proof", "record", "signed_form", "verification", "circular", "other"]


def _annotate(rows: list[Interview]) -> list[Interview]:
    today = timezone.localdate()
    for row in rows:
        row.next_label, row.next_date = next_due(row)
        row.next_confirmed = next_due_confirmed(row)
        row.late = row.overdue_reasons(today)
    return rows


@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    # The triggering events tell apart two cases of the same ground (event number and date).
    qs = visible_interviews(request.user).prefetch_related("adverse_events").order_by("-trigger_date", "-id")
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = qs.filter(overdue_q())
    elif status in Status.values:
        qs = qs.filter(status=status)
    rows = _annotate(list(qs[:200]))
    scope = get_scope(request.user)
    below = _annotate(list(late_below(request.user)[:100])) if scope.is_official else []
    may_trigger = scope.is_official or bool(subject_institution_ids(request.user))
    is_city = Authority.objects.filter(pk__in=official_authority_ids(request.user), level=Authority.Level.CITY).exists()
    return render(request, "interviews/list.html", {
        "rows": rows, "below": below, "status": status, "statuses": Status.choices, "may_trigger": may_trigger,
        "is_official": scope.is_official, "is_city": is_city,
    })


@login_required
def interview_create(request: HttpRequest) -> HttpResponse:
    own_hospitals = subject_institution_ids(request.user)
    scope = get_scope(request.user)
    candidates = visible_institutions(request.user).filter(
        pk__in=set(scope.official_institution_ids) | own_hospitals
    ).select_related("authority")
    # Only the hospitals this user may organise a 约谈 for (Art. 44), or hold an internal one at (Art. 53).
    allowed = [i.pk for i in candidates if i.pk in own_hospitals or can_trigger(request.user, i)]
    institutions = visible_institutions(request.user).filter(pk__in=allowed).order_by("code")
    if not institutions.exists() and not request.user.is_superuser:
        raise PermissionDenied
    form = f.TriggerForm(request.POST or None, institutions=institutions, allow_internal=bool(own_hospitals))
    if request.method == "POST" and form.is_valid():
        institution = form.cleaned_data["institution"]
        internal = bool(form.cleaned_data.get("internal")) or not scope.is_official
        if not can_trigger(request.user, institution, internal=internal):
            form.add_error("institution", _("只有负责该医疗机构登记、校验的卫生健康行政部门可以启动约谈（第四十四条）。"))
        else:
            try:
                interview = services.interview_trigger(
                    institution=institution, ground=form.cleaned_data["trigger_ground"],
                    trigger_date=form.cleaned_data["trigger_date"], problems=form.cleaned_data["problems"],
                    actor=request.user, internal=internal,
                    organiser=None if internal else organiser_for(request.user, institution),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("已启动约谈，须在 %(d)s 前组织约谈（第四十五条）。") % {"d": interview.hold_by})
                return redirect("interviews:detail", pk=interview.pk)
    return render(request, "interviews/create.html", {"form": form}, status=400 if form.errors else 200)


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            target = field if field in form.fields else None
            for msg in errs:
                form.add_error(target, msg)
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def _forms(request: HttpRequest, interview: Interview) -> dict[str, Any]:
    """The unbound forms of the steps this user may take now."""
    user = request.user
    org = is_organiser_side(user, interview)
    subj = is_subject_side(user, interview)
    st = interview.status
    out: dict[str, Any] = {}
    if org and st in STEPS["investigate"][0]:
        out["investigate"] = f.InvestigateForm(initial={
            "experts": interview.investigation_experts, "findings": interview.investigation_findings,
            "cause_analysis": interview.cause_analysis, "proposals": interview.improvement_proposals,
            "investigated_on": interview.investigated_on or timezone.localdate()})
    if org and st in STEPS["notify"][0]:
        out["notify"] = f.NotifyForm(initial={"notified_on": interview.notified_on or timezone.localdate(),
                                              "location": interview.location, "content": interview.notice_content or interview.problems,
                                              "scheduled_at": timezone.localtime(interview.scheduled_at) if interview.scheduled_at else None})
    if org and st in STEPS["hold"][0]:
        initial: dict[str, Any] = {"held_at": timezone.localtime(interview.scheduled_at) if interview.scheduled_at else None,
                   "record_reasons": interview.problems}
        inst = interview.institution
        if inst.principal is not None:
            initial.update({"ie_name_0": inst.principal.get_full_name(), "ie_title_0": _("院长"), "ie_principal_0": True})
        out["hold"] = f.HoldForm(initial=initial)
    if subj and st in STEPS["plan"][0]:
        out["plan"] = f.PlanForm(departments=interview.institution.departments.filter(is_active=True))
    if subj and st in STEPS["report"][0]:
        out["report"] = f.ReportForm()
    if org and st in STEPS["verify"][0]:
        out["verify"] = f.VerifyForm(initial={"conclusion": interview.conclusion})
    if org and st in STEPS["press"][0]:
        out["press"] = f.PressForm()
    if org and interview.upward_report_due and not interview.upward_reported_on and st in STEPS["upward_report"][0]:
        out["upward"] = f.UpwardForm(initial={"reported_on": timezone.localdate()})
    if org and st in STEPS["circulate"][0]:
        out["circulate"] = f.CirculateForm(initial={"circulated_on": interview.circulated_on or timezone.localdate(),
                                                    "text": interview.circular_text, "filed_on": interview.filed_on})
    if org and st not in (Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED, Status.CANCELLED):
        out["form"] = f.RegistrationForm(initial={
            "rectification_record": interview.rectification_record, "recorder": interview.rectification_recorder,
            "recorded_on": interview.rectification_recorded_on, "conclusion": interview.conclusion,
            "remarks": interview.remarks})
    if org and st in STEPS["cancel"][0]:
        out["cancel"] = f.CancelForm()
    if org and interview.reconcile_required and not interview.reconcile_decision and st in STEPS["cancel"][0]:
        out["reconcile"] = f.ReconcileForm()
    if st != Status.CANCELLED and (org or subj):
        kinds = sorted(set((ORGANISER_KINDS if org else []) + (SUBJECT_KINDS if subj else [])),
                       key=lambda k: InterviewDocument.Kind.values.index(k))
        out["documents"] = f.DocumentForm(kinds=kinds)
    return out


def _detail(request: HttpRequest, interview: Interview, bound: tuple[str, Any] | None = None, status: int = 200) -> HttpResponse:
    forms = _forms(request, interview)
    if bound is not None:
        forms[bound[0]] = bound[1]
    people = list(interview.participants.all())
    return render(request, "interviews/detail.html", {
        "interview": interview,
        "forms": forms,
        "open_step": bound[0] if bound else "",
        "interviewers": [p for p in people if p.side == "interviewer"],
        "interviewees": [p for p in people if p.side == "interviewee"],
        "measures": list(interview.measures.all()),
        "documents": list(interview.documents.all()),
        "deadlines": list(deadlines_for(interview).order_by("due_on", "id")),
        "history": _history(interview),
        "overdue": interview.overdue_reasons(),
        "next_due": next_due(interview),
        "next_due_confirmed": next_due_confirmed(interview),
        "may_approve": interview.status == Status.TRIGGERED and can_approve(request.user, interview)
        and not services.own_trigger_blocked(interview, request.user),
        "approve_own_trigger": interview.status == Status.TRIGGERED and interview.created_by_id == request.user.pk
        and can_approve(request.user, interview),
        "is_organiser": is_organiser_side(request.user, interview),
        "events": _events(interview, request.user),
        "today": timezone.localdate(),
    }, status=status)


STEP_LABELS = {"investigate": "专家调查分析", "renotify": "重新通知", "plan": "提交整改方案", "upward_report": "报市级",
               "circulate": "通报备案", "form": "更新登记表"}


def _history(interview: Interview) -> list:
    labels = dict(Status.choices)
    kinds = dict(InterviewDocument.Kind.choices)
    rows = list(history_for(interview))
    for t in rows:
        t.from_label = labels.get(t.from_status, t.from_status)
        t.to_label = labels.get(t.to_status, t.to_status)
        step = (t.data or {}).get("step", "")
        if step.startswith("upload:"):
            t.step_label = _("上传") + kinds.get(step[7:], "")
        else:  # rows written before actions were recorded carry only the step's name
            t.step_label = t.action_label if t.action else STEP_LABELS.get(step, step)
    return rows


def _events(interview: Interview, user: Any) -> list:
    """Linked events the viewer may see (issue 13 item 3): a link never opens an event to someone outside its reach."""
    from adverse_events.selectors import visible_events

    return list(visible_events(user).filter(pk__in=interview.adverse_events.values("pk"))
                .select_related("event_type", "department")[:20])


@login_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
    return _detail(request, interview)


def _h_approve(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_approve(interview=interview, actor=request.user, approved_on=form.cleaned_data.get("approved_on"))
    return _("已批准约谈（第四十六条）。")


def _h_reconcile(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_reconcile(interview=interview, actor=request.user, keep=d["decision"] == "keep", reason=d["reason"])
    return _("已记录对启动依据的决定（第四十五条）。")


def _h_investigate(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_investigate(interview=interview, actor=request.user, experts=d["experts"], findings=d["findings"],
                                   cause_analysis=d["cause_analysis"], proposals=d["proposals"],
                                   investigated_on=d["investigated_on"])
    return _("已记录专家调查核实与归因分析（第四十六条（一））。")


def _h_notify(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_notify(interview=interview, actor=request.user, notified_on=d["notified_on"],
                              scheduled_at=d["scheduled_at"], location=d["location"], content=d["content"])
    return _("已发送约谈通知。请上传通知送达凭证。")


def _h_hold(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_hold(
        interview=interview, actor=request.user, held_at=d["held_at"], interviewers=form.people("iv", "head"),
        interviewees=form.people("ie", "principal"), record=d["record"], problem_scale=d["problem_scale"],
        rectification_deadline=d["rectification_deadline"], record_reasons=d["record_reasons"],
        record_explanation=d["record_explanation"], record_requirements=d["record_requirements"],
        form_signed=d["form_signed"], form_unsigned_reason=d["form_unsigned_reason"])
    return _("已记录约谈，进入整改阶段。")


def _h_plan(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_plan(interview=interview, actor=request.user, measures=form.measures())
    return _("已提交整改方案（第四十九条）。")


def _h_report(request: HttpRequest, interview: Interview, form: Any) -> str:
    if form.cleaned_data.get("file"):
        services.interview_document_add(interview=interview, actor=request.user, kind="report",
                                        upload=form.cleaned_data["file"])
    services.interview_report(interview=interview, actor=request.user, text=form.cleaned_data["text"],
                              submitted_on=form.cleaned_data.get("submitted_on"))
    return _("已提交书面整改报告（第五十条）。")


def _h_documents(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_document_add(interview=interview, actor=request.user, kind=d["kind"], upload=d["file"], note=d["note"])
    return _("材料已存档。")


def _h_verify(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_verify(interview=interview, actor=request.user, note=form.cleaned_data["note"],
                              conclusion=form.cleaned_data["conclusion"])
    return _("已核查整改并办结约谈。")


def _h_press(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_press(interview=interview, actor=request.user, note=form.cleaned_data["note"],
                             new_deadline=form.cleaned_data["new_deadline"])
    return _("已督促改正（第五十条）。")


def _h_upward(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_upward_report(interview=interview, actor=request.user, reported_on=form.cleaned_data["reported_on"])
    return _("已记录报市级（第五十一条）。")


def _h_circulate(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_circulate(interview=interview, actor=request.user, circulated_on=d["circulated_on"],
                                 text=d["text"], filed_on=d["filed_on"])
    return _("已记录通报与备案（第四十三条）。")


def _h_form(request: HttpRequest, interview: Interview, form: Any) -> str:
    d = form.cleaned_data
    services.interview_form_update(interview=interview, actor=request.user, rectification_record=d["rectification_record"],
                                   recorder=d["recorder"], recorded_on=d["recorded_on"], conclusion=d["conclusion"],
                                   remarks=d["remarks"])
    return _("登记表已更新。")


def _h_cancel(request: HttpRequest, interview: Interview, form: Any) -> str:
    services.interview_cancel(interview=interview, actor=request.user, reason=form.cleaned_data["reason"])
    return _("约谈已撤销。")


def _bind(step: str, request: HttpRequest, interview: Interview) -> Any:
    data, files = request.POST, request.FILES
    if step == "plan":
        return f.PlanForm(data, departments=interview.institution.departments.filter(is_active=True))
    if step == "documents":
        kinds = (ORGANISER_KINDS if is_organiser_side(request.user, interview) else []) + (
            SUBJECT_KINDS if is_subject_side(request.user, interview) else [])
        return f.DocumentForm(data, files, kinds=kinds)
    classes = {"investigate": f.InvestigateForm, "notify": f.NotifyForm, "hold": f.HoldForm, "report": f.ReportForm,
               "verify": f.VerifyForm, "press": f.PressForm, "upward": f.UpwardForm, "circulate": f.CirculateForm,
               "form": f.RegistrationForm, "cancel": f.CancelForm, "approve": f.ApproveForm,
               "reconcile": f.ReconcileForm}
    return classes[step](data, files)


HANDLERS: dict[str, Callable[[HttpRequest, Interview, Any], str]] = {
    "approve": _h_approve, "investigate": _h_investigate, "notify": _h_notify, "hold": _h_hold, "plan": _h_plan,
    "report": _h_report, "documents": _h_documents, "verify": _h_verify, "press": _h_press, "upward": _h_upward,
    "circulate": _h_circulate, "form": _h_form, "cancel": _h_cancel, "reconcile": _h_reconcile,
}


@login_required
@require_POST
def interview_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in HANDLERS:
        raise Http404
    interview = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
    form = _bind(step, request, interview)
    if form is not None and not form.is_valid():
        return _detail(request, interview, (step, form), status=400)
    try:
        message = HANDLERS[step](request, interview, form)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行此操作。"))
        fresh = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
        return _detail(request, fresh, status=403)
    except ValidationError as exc:
        fresh = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
        if form is None:
            for msg in exc.messages:
                messages.error(request, msg)
            return _detail(request, fresh, status=400)
        _errors_to_form(form, exc)
        return _detail(request, fresh, (step, form), status=400)
    messages.success(request, message)
    return redirect("interviews:detail", pk=pk)


@login_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    interview = get_object_or_404(visible_interviews(request.user), pk=pk)
    doc = get_object_or_404(InterviewDocument, pk=doc_pk, interview=interview)
    return download_response(doc.file, name=doc.original_name, content_type=doc.content_type)


@login_required
def registration_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from interviews.pdf import render_registration_form_pdf

    interview = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
    response = HttpResponse(render_registration_form_pdf(interview), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="registration-form-{interview.reference}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _summary_authority(request: HttpRequest) -> Authority:
    """The city whose half-year report is shown: the user's own city, or (for the province) one chosen below."""
    own = official_authority_ids(request.user)
    scope = get_scope(request.user)
    cities = Authority.objects.filter(pk__in=scope.authority_ids, level=Authority.Level.CITY).order_by("code")
    code = request.GET.get("authority")
    if code:
        city = cities.filter(code=code).first()
        if city is None:
            raise Http404
        return city
    city = cities.filter(pk__in=own).first() or cities.first()
    if city is None:
        raise Http404
    return city


@login_required
def half_year_summary(request: HttpRequest) -> HttpResponse:
    """Art. 51: the city's half-year report of its area's 约谈 to the province, as a page, PDF or spreadsheet."""
    city = _summary_authority(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        half = int(request.GET.get("half") or (1 if today.month <= 6 else 2))
        if half not in (1, 2) or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise Http404 from None
    rows = _annotate(list(half_year_interviews(city, year, half)))
    from interviews.deadlines import half_year_due

    summary = HalfYearSummary.objects.filter(authority=city, year=year, half=half).first()
    ctx = {
        "city": city, "year": year, "half": half, "rows": rows, "summary": summary, "due_on": half_year_due(year, half),
        "counts": _summary_counts(rows), "may_submit": city.pk in official_authority_ids(request.user),
        "cities": Authority.objects.filter(pk__in=get_scope(request.user).authority_ids, level=Authority.Level.CITY),
        "generated_at": timezone.localtime(),
    }
    fmt = request.GET.get("format")
    if fmt == "pdf":
        from qms.pdf import render_pdf

        data = render_pdf("pdf/interviews/half_year_summary.html", ctx)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="interview-summary-{city.code}-{year}H{half}.pdf"'
        return response
    if fmt == "xlsx":
        return _summary_xlsx(ctx)
    if request.method == "POST" and ctx["may_submit"]:
        form = f.SummarySubmitForm(request.POST)
        if form.is_valid():
            if summary is None:
                from interviews.deadlines import half_year_due as due

                summary, _created = HalfYearSummary.objects.get_or_create(
                    authority=city, year=year, half=half, defaults={"due_on": due(year, half)})
            try:
                services.half_year_summary_submit(summary=summary, actor=request.user,
                                                  submitted_on=form.cleaned_data["submitted_on"], note=form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("已记录报送省卫生健康委（第五十一条）。"))
                return redirect(f"{request.path}?authority={city.code}&year={year}&half={half}")
        ctx["submit_form"] = form
    else:
        ctx["submit_form"] = f.SummarySubmitForm(initial={"submitted_on": today})
    return render(request, "interviews/summary.html", ctx)


def _summary_counts(rows: list[Interview]) -> dict[str, int]:
    return {
        "total": len(rows),
        "held": sum(1 for r in rows if r.held_at),
        "closed": sum(1 for r in rows if r.status == Status.CLOSED),
        "late": sum(1 for r in rows if r.late),
        "county": sum(1 for r in rows if r.organiser and r.organiser.level == Authority.Level.COUNTY),
    }


def _summary_xlsx(ctx: dict) -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{ctx['year']}年{'上' if ctx['half'] == 1 else '下'}半年"
    ws.append([f"{ctx['city'].name}{ws.title}约谈工作开展情况（第五十一条）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["编号", "医疗机构", "组织约谈", "约谈情形", "启动日期", "约谈时间", "状态", "整改期限", "整改报告截止", "逾期"])
    for c in ws[2]:
        c.font = Font(bold=True)
    for r in ctx["rows"]:
        ws.append([
            r.reference, r.institution.name, r.organiser.name if r.organiser else "", r.get_trigger_ground_display(),
            r.trigger_date, timezone.localtime(r.held_at).strftime("%Y-%m-%d %H:%M") if r.held_at else "",
            r.get_status_display(), r.rectification_deadline, r.rectification_report_due, "；".join(r.late),
        ])
    for col, width in zip("ABCDEFGHIJ", (14, 26, 22, 40, 12, 18, 14, 12, 14, 30), strict=True):
        ws.column_dimensions[col].width = width
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="interview-summary-{ctx["city"].code}-{ctx["year"]}H{ctx["half"]}.xlsx"'
    return response
