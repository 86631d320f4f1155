from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections import permissions, selectors, services
from inspections.excel import export_workbook
from inspections.forms import (
    ChecklistHeadForm,
    CompleteForm,
    ImportForm,
    InspectionForm,
    PlanForm,
    ReasonForm,
    RecordReviewForm,
    ResultForm,
    ThresholdForm,
    month_param,
)
from inspections.models import Checklist, ChecklistItem, InspectionPhoto, InspectionResult, Tier
from inspections.workflow import Status
from organizations.models import Department, Membership
from organizations.selectors import get_scope, visible_departments, visible_institutions
from qms import charts
from qms.core.selectors import history_for
from qms.uploads import JPEG, PNG, check_upload
from rectifications.models import Source
from rectifications.selectors import rectifications_for_source
from staff.models import Staff


def _errors_into(form: Any, exc: ValidationError) -> None:
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, errs in pairs:
        form.add_error(field if field in form.fields else None, errs)


def _institution(request: HttpRequest) -> Any:
    """The hospital a page is about: ?institution=CODE among those within reach, else the user's first."""
    qs = visible_institutions(request.user).order_by("code")
    code = request.GET.get("institution") or request.POST.get("institution")
    inst = qs.filter(code=code).first() if code else None
    if code and inst is None:
        raise Http404
    inst = inst or qs.first()
    if inst is None:
        raise Http404
    return inst


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _base(request: HttpRequest, inst: Any, **extra: Any) -> dict:
    return {"inst": inst, "institutions": visible_institutions(request.user).order_by("code"),
            "is_office": permissions.is_office(request.user, inst.pk), **extra}


# ---------------------------------------------------------------------------------------------- inspections
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    qs = selectors.visible_inspections(request.user).filter(institution=inst).order_by("-inspected_on", "-id")
    tier, status = request.GET.get("tier", ""), request.GET.get("status", "")
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/list.html", _base(
        request, inst, page=page, tier=tier, status=status, tiers=Tier.choices, statuses=Status.choices))


def _start_choices(request: HttpRequest, inst: Any) -> tuple[Any, Any]:
    checklists = selectors.visible_checklists(request.user).filter(institution=inst, is_active=True, for_records=False).order_by("code")
    departments = visible_departments(request.user).filter(institution=inst, kind=Department.Kind.BUSINESS, is_active=True).order_by("code")
    if not permissions.is_office(request.user, inst.pk):
        assert request.user.is_authenticated  # the views calling this are login_required
        departments = departments.filter(pk__in=Membership.objects.filter(
            user=request.user, is_active=True, role__in=permissions.GROUP_ROLES).values("department_id"))
    return checklists, departments


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    checklists, departments = _start_choices(request, inst)
    initial = {k: request.GET[k] for k in ("checklist", "department", "kind", "tier") if k in request.GET}
    form = InspectionForm(request.POST or None, checklists=checklists, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            insp = services.inspection_create(
                institution=inst, checklist=d["checklist"], department=d["department"], kind=d["kind"], tier=d["tier"],
                inspected_on=d["inspected_on"], actor=request.user)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("inspections:enter", insp.pk)
    return render(request, "inspections/new.html", _base(request, inst, form=form), status=400 if form.errors else 200)


def _get(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.visible_inspections(request.user), pk=pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int, complete_form: Any = None, status: int = 200) -> HttpResponse:
    insp = _get(request, pk)
    results = {r.item_id: r for r in insp.results.prefetch_related("photos").select_related("rectification")}
    items = list(insp.version.items.all())
    for item in items:
        item.result = results.get(item.pk)
    return render(request, "inspections/detail.html", {
        "insp": insp, "items": items, "entered": len(results), "history": history_for(insp),
        "can_enter": insp.status == Status.OPEN and permissions.can_enter(request.user, insp),
        "complete_form": complete_form or CompleteForm(initial={"due_on": timezone.localdate() + dt.timedelta(days=30)}),
        "cancel_form": ReasonForm(), "comparison": selectors.comparison_for(insp),
        "rectifications": rectifications_for_source(source_kind=Source.INSPECTION, source_id=insp.pk),
        "deducted": sum((r.deducted for r in results.values()), Decimal(0)),
    }, status=status)


@login_required
def inspection_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """One item per screen (a phone at the bedside): deduction, finding, sampled record numbers, a photo."""
    insp = _get(request, pk)
    if insp.status != Status.OPEN or not permissions.can_enter(request.user, insp):
        return redirect("inspections:detail", pk)
    items = list(insp.version.items.all())
    try:
        n = min(max(int(request.GET.get("n", request.POST.get("n", "1"))), 1), len(items))
    except ValueError:
        n = 1
    item = items[n - 1]
    result = InspectionResult.objects.filter(inspection=insp, item=item).prefetch_related("photos").first()
    initial = {"deducted": result.deducted, "finding": result.finding, "cases": "\n".join(result.cases)} if result else {}
    form = ResultForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            photo = check_upload(d["photo"], field="photo") if d.get("photo") else None
            if photo is not None and photo.content_type not in (JPEG, PNG):
                raise ValidationError({"photo": [_("照片须为 JPEG 或 PNG 图片。")]})
            insp = services.inspection_results_record(inspection=insp, actor=request.user, results=[{
                "item": item.code, "deducted": d["deducted"], "finding": d["finding"], "cases": d["cases"]}])
            if photo is not None:
                services.inspection_photo_add(result=InspectionResult.objects.get(inspection=insp, item=item), actor=request.user,
                                              name=photo.name, content_type=photo.content_type, data=photo.data)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            msgs = exc.message_dict
            for field, errs in msgs.items():
                form.add_error("photo" if field == "photo" else ("deducted" if field == "results" and "扣" in "".join(errs) and "问题" not in "".join(errs) else ("finding" if field == "results" else None)), errs)
        else:
            if request.POST.get("go") == "prev" and n > 1:
                return redirect(reverse("inspections:enter", args=[pk]) + f"?n={n - 1}")
            if n < len(items) and request.POST.get("go") != "done":
                return redirect(reverse("inspections:enter", args=[pk]) + f"?n={n + 1}")
            return redirect("inspections:detail", pk)
    entered = set(InspectionResult.objects.filter(inspection=insp).values_list("item_id", flat=True))
    return render(request, "inspections/enter.html", {
        "insp": insp, "item": item, "n": n, "count": len(items), "form": form, "result": result,
        "steps": [(i, it, it.pk in entered) for i, it in enumerate(items, start=1)],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def inspection_complete(request: HttpRequest, pk: int) -> HttpResponse:
    insp = _get(request, pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_complete(inspection=insp, actor=request.user, due_on=form.cleaned_data["due_on"],
                                         summary=form.cleaned_data["summary"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("检查已完成，扣分项已转为整改。"))
            return redirect("inspections:detail", pk)
    return inspection_detail(request, pk, complete_form=form, status=400)


@login_required
@require_POST
def inspection_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    insp = _get(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": [_("请填写撤销原因。")]})
        services.inspection_cancel(inspection=insp, actor=request.user, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("检查已撤销。"))
    return redirect("inspections:detail", pk)


@login_required
def photo_download(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    insp = _get(request, pk)
    photo = get_object_or_404(InspectionPhoto, pk=photo_id, result__inspection=insp)
    response = FileResponse(photo.file.open("rb"), filename=photo.name, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------- checklists
@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    qs = selectors.visible_checklists(request.user).filter(institution=inst).order_by("code")
    return render(request, "inspections/checklists.html", _base(
        request, inst, checklists=qs, import_form=ImportForm(), core_systems=selectors.core_systems()))


ROWS_EXTRA = 3


def _posted_items(post: Any) -> list[dict]:
    items = []
    for n in range(1, 201):
        if f"code_{n}" not in post:
            break
        row = {k: post.get(f"{k}_{n}", "").strip() for k in ("code", "text", "points", "rule")}
        if any(row.values()):
            items.append(row)
    return items


def _item_rows(items: list[dict]) -> list[dict]:
    return items + [{"code": "", "text": "", "points": "", "rule": ""}] * ROWS_EXTRA


@login_required
def checklist_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New checklist, or a new version of one: items edited in a table (code, text, points, deduction rule)."""
    if pk is None:
        inst = _institution(request)
        checklist = None
    else:
        checklist = get_object_or_404(selectors.visible_checklists(request.user), pk=pk)
        inst = checklist.institution
    if not permissions.can_manage_checklists(request.user, inst.pk):
        raise PermissionDenied
    if checklist is not None:
        head = ChecklistHeadForm(request.POST or None, initial={
            "code": checklist.code, "name": checklist.name, "area": checklist.area, "core_system": checklist.core_system,
            "for_records": checklist.for_records})
        head.fields["code"].disabled = True
        for f in ("area", "core_system", "for_records"):
            head.fields[f].disabled = True
        current = [{"code": i.code, "text": i.text, "points": i.points.normalize(), "rule": i.rule} for i in (checklist.current.items.all() if checklist.current is not None else [])]
    else:
        head = ChecklistHeadForm(request.POST or None)
        current = []
    items = _posted_items(request.POST) if request.method == "POST" else current
    item_errors: list[str] = []
    if request.method == "POST" and head.is_valid():
        d = head.cleaned_data
        try:
            if checklist is None:
                checklist = services.checklist_create(
                    institution=inst, code=d["code"], name=d["name"], items=items, actor=request.user,
                    core_system=d["core_system"], area=d["area"], for_records=d["for_records"])
            else:
                services.checklist_revise(checklist=checklist, items=items, actor=request.user, name=d["name"],
                                          note=request.POST.get("note", ""))
        except ValidationError as exc:
            item_errors = exc.message_dict.pop("items", []) if hasattr(exc, "error_dict") else exc.messages
            for field, errs in (exc.message_dict.items() if hasattr(exc, "error_dict") else []):
                if field != "items":
                    head.add_error(field if field in head.fields else None, errs)
        else:
            messages.success(request, _("检查表已保存。"))
            return redirect("inspections:checklist_detail", checklist.pk)
    bad = bool(head.errors or item_errors)
    return render(request, "inspections/checklist_edit.html", _base(
        request, inst, checklist=checklist, head=head, rows=_item_rows(items), item_errors=item_errors),
        status=400 if bad else 200)


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_object_or_404(selectors.visible_checklists(request.user), pk=pk)
    versions = checklist.versions.prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order"))).order_by("-number")
    return render(request, "inspections/checklist_detail.html", _base(
        request, checklist.institution, checklist=checklist, versions=versions, history=history_for(checklist)))


@login_required
def checklist_export(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        checklist = get_object_or_404(selectors.visible_checklists(request.user), pk=pk)
        qs: list[Checklist] | QuerySet[Checklist] = [checklist]
        name = f"checklist-{checklist.code}.xlsx"
    else:
        inst = _institution(request)
        qs = selectors.visible_checklists(request.user).filter(institution=inst, is_active=True).prefetch_related("current__items").order_by("code")
        name = f"checklists-{inst.code}.xlsx"
    response = HttpResponse(export_workbook(qs), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def checklist_import(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    if not permissions.can_manage_checklists(request.user, inst.pk):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = check_upload(form.cleaned_data["file"])
            outcome = services.checklists_import(institution=inst, data=upload.data, actor=request.user)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            if not outcome["errors"]:
                messages.success(request, _("导入完成：新建 %(c)s 个，修订 %(r)s 个，未变化 %(u)s 个。") % {
                    "c": len(outcome["created"]), "r": len(outcome["revised"]), "u": len(outcome["unchanged"])})
                return redirect(reverse("inspections:checklists") + f"?institution={inst.code}")
    bad = bool(form.errors or (outcome and outcome["errors"]))
    return render(request, "inspections/checklist_import.html", _base(request, inst, form=form, outcome=outcome),
                  status=400 if bad else 200)


# ---------------------------------------------------------------------------------------------- plan
def _plan_form(request: HttpRequest, inst: Any, data: Any = None) -> PlanForm:
    User = get_user_model()
    users = User.objects.filter(
        pk__in=Membership.objects.filter(institution=inst, is_active=True).values("user_id")).order_by("username")
    return PlanForm(
        data, checklists=selectors.visible_checklists(request.user).filter(institution=inst, is_active=True, for_records=False).order_by("code"),
        departments=Department.objects.filter(institution=inst, kind=Department.Kind.BUSINESS, is_active=True).order_by("code"),
        functional=Department.objects.filter(institution=inst, kind=Department.Kind.FUNCTIONAL, is_active=True).order_by("code"),
        users=users, initial={"month": timezone.localdate().month},
    )


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    year = _year(request)
    form = _plan_form(request, inst, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.plan_add(institution=inst, year=year, month=d["month"], checklist=d["checklist"],
                                     departments=d["departments"], kind=d["kind"], tier=d["tier"], actor=request.user,
                                     inspector=d["inspector"], inspecting_department=d["inspecting_department"], due_on=d["due_on"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已列入计划：%(n)s 项。") % {"n": len(made)})
            return redirect(reverse("inspections:plan") + f"?institution={inst.code}&year={year}")
    today = timezone.localdate()
    rows = list(selectors.visible_planned(request.user).filter(institution=inst, year=year, cancelled=False).order_by("month", "due_on", "checklist__code", "department__code"))
    months: dict[int, list] = {}
    for r in rows:
        r.state = ("done" if r.inspection is not None and r.inspection.status == Status.COMPLETED else
                   "overdue" if r.due_on < today else "in_progress" if r.inspection_id else "planned")
        months.setdefault(r.month, []).append(r)
    return render(request, "inspections/plan.html", _base(
        request, inst, year=year, months=sorted(months.items()), form=form, cancel_form=ReasonForm(),
        total=len(rows), done=sum(1 for r in rows if r.state == "done"), overdue=sum(1 for r in rows if r.state == "overdue")),
        status=400 if form.errors else 200)


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    planned = get_object_or_404(selectors.visible_planned(request.user), pk=pk)
    try:
        services.plan_cancel(planned=planned, actor=request.user, reason=request.POST.get("reason", ""))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已取消该计划检查。"))
    return redirect(reverse("inspections:plan") + f"?institution={planned.institution.code}&year={planned.year}")


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    year = _year(request)
    data = selectors.coverage(user=request.user, institution=inst, year=year)
    return render(request, "inspections/coverage.html", _base(request, inst, year=year, **data))


# ---------------------------------------------------------------------------------------------- analysis
@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    year = _year(request)
    since, until = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    try:
        month = int(request.GET.get("month", "0"))
    except ValueError:
        month = 0
    if 1 <= month <= 12:
        since = dt.date(year, month, 1)
        until = (since + dt.timedelta(days=32)).replace(day=1)
    else:
        month = 0
    items = selectors.pareto_items(institution=inst, since=since, until=until)
    systems = selectors.pareto_core_systems(institution=inst, since=since, until=until)
    labels = [f"{m}月" for m in range(1, 13)]
    dept_trend = selectors.trends(institution=inst, year=year, by="department")
    cs_trend = selectors.trends(institution=inst, year=year, by="core_system")
    trend_charts = [(name, mark_safe(charts.run_chart(list(zip(labels, s, strict=True)), title=name, unit="%")))
                    for name, s in list(dept_trend.items())[:12]]
    cs_charts = [(name, mark_safe(charts.run_chart(list(zip(labels, s, strict=True)), title=name, unit="%")))
                 for name, s in list(cs_trend.items())[:12]]
    return render(request, "inspections/analysis.html", _base(
        request, inst, year=year, month=month, months=range(1, 13), items=items, systems=systems,
        pareto_items_svg=mark_safe(charts.pareto_chart([f"{i['code']}" for i in items], [i["points"] for i in items], title=_("扣分条目帕累托图"))),
        pareto_systems_svg=mark_safe(charts.pareto_chart([s["label"] for s in systems], [s["points"] for s in systems], title=_("核心制度扣分帕累托图"))),
        trend_charts=trend_charts, cs_charts=cs_charts,
        failing=selectors.most_failing(institution=inst, since=since, until=until),
        gaps=selectors.self_check_gaps(institution=inst, year=year, month=month or None),
        repeats=selectors.repeat_findings(institution=inst, since=since, until=until)[:30],
    ))


@login_required
def oversight(request: HttpRequest) -> HttpResponse:
    """The authority's view: hospitals that do not rectify what their checks found (第四十五条（五）)."""
    scope = get_scope(request.user)
    if not (scope.is_official or scope.superuser):
        raise Http404
    return render(request, "inspections/oversight.html", {"rows": selectors.oversight(user=request.user)})


# ---------------------------------------------------------------------------------------------- record reviews
@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    qs = selectors.visible_record_reviews(request.user).filter(institution=inst).order_by("-reviewed_on", "-id")
    grade = request.GET.get("grade", "")
    if grade in ("A", "B", "C"):
        qs = qs.filter(grade=grade)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    departments = visible_departments(request.user).filter(institution=inst, kind=Department.Kind.BUSINESS).order_by("code")
    form = RecordReviewForm(departments=departments)
    return render(request, "inspections/records.html", _base(
        request, inst, page=page, grade=grade, form=form, thresholds=services.thresholds_for(inst),
        threshold_form=ThresholdForm(initial=dict(zip(("grade_a_min", "grade_b_min"), services.thresholds_for(inst), strict=True)))))


@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    departments = visible_departments(request.user).filter(institution=inst, kind=Department.Kind.BUSINESS).order_by("code")
    form = RecordReviewForm(request.POST or None, departments=departments)
    checklist = selectors.visible_checklists(request.user).filter(institution=inst, for_records=True, is_active=True).first()
    items = list(checklist.current.items.all()) if checklist and checklist.current is not None else []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        deductions = []
        for item in items:
            raw = request.POST.get(f"d_{item.code}", "").strip()
            if raw and raw not in ("0", "0.0"):
                deductions.append({"item": item.code, "deducted": raw, "finding": request.POST.get(f"f_{item.code}", "")})
        physician = Staff.objects.filter(institution=inst, code=d["physician"].strip()).select_related("department").first()
        try:
            if physician is None:
                raise ValidationError({"physician": [_("本院没有工号为 %(c)s 的人员。") % {"c": d["physician"]}]})
            review = services.record_review_create(
                institution=inst, department=d["department"], record_number=d["record_number"], physician=physician,
                discharged_on=d["discharged_on"], kind=d["kind"], score=d["score"], deductions=deductions,
                defects=d["defects"], note=d["note"], actor=request.user, checklist=checklist)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已保存：%(g)s（%(s)s 分）。") % {"g": review.get_grade_display(), "s": review.score})
            return redirect("inspections:record_detail", review.pk)
    for item in items:
        item.posted = request.POST.get(f"d_{item.code}", "")
        item.posted_finding = request.POST.get(f"f_{item.code}", "")
    return render(request, "inspections/record_new.html", _base(request, inst, form=form, items=items, checklist=checklist),
                  status=400 if form.errors else 200)


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.visible_record_reviews(request.user), pk=pk)
    return render(request, "inspections/record_detail.html", {
        "review": review, "deductions": review.deductions.select_related("item"), "history": history_for(review)})


@login_required
def record_stats(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    period = month_param(request.GET.get("period"))
    start = period
    end = (start + dt.timedelta(days=32)).replace(day=1)
    qs = selectors.visible_record_reviews(request.user).filter(institution=inst, reviewed_on__gte=start, reviewed_on__lt=end)
    return render(request, "inspections/record_stats.html", _base(
        request, inst, period=period, figures=selectors.record_figures(qs),
        physicians=selectors.record_stats(user=request.user, institution=inst, period=period, by="physician"),
        departments=selectors.record_stats(user=request.user, institution=inst, period=period, by="department")))


@login_required
@require_POST
def record_thresholds(request: HttpRequest) -> HttpResponse:
    inst = _institution(request)
    form = ThresholdForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写 1–100 之间的分数。"))
        services.grade_thresholds_set(institution=inst, actor=request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("病历等级标准已保存（此后的评价按新标准评定）。"))
    return redirect(reverse("inspections:records") + f"?institution={inst.code}")

