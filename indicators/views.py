"""Pages: dashboard with traffic lights and run charts, one indicator's chart page, value entry, Excel in and
out, department monthly reports and the quality office's grid. Every read is scoped (404 outside reach)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import excel, permissions, selectors, services
from indicators.analysis import compute_rate
from indicators.forms import ImportForm, ReportForm, ReturnForm, ValueForm
from indicators.models import ImportBatch, Indicator, IndicatorValue, Intervention, MonthlyReport
from indicators.spc import MIN_PHASE_POINTS
from indicators.workflow import BADGE, EDITABLE_STATES, ReportStatus
from organizations.models import Department, Institution
from organizations.selectors import get_scope, visible_departments, visible_institutions
from qms.core.selectors import history_for
from qms.templatetags.reference_i18n import translate


@dataclass
class Place:
    institution: Institution
    department: Department | None
    period: dt.date
    department_locked: bool  # a department user sees only their department

    @property
    def query(self) -> str:
        q = f"institution={self.institution.code}&period={self.period:%Y-%m}"
        return q + (f"&department={self.department.code}" if self.department else "")


def _default_period() -> dt.date:
    return services.add_months(timezone.localdate().replace(day=1), -1)


def _place(request: HttpRequest) -> Place:
    """Where the user looks: ?institution=CODE&department=CODE&period=YYYY-MM, defaults from their scope."""
    scope = get_scope(request.user)
    institutions = visible_institutions(request.user)
    code = request.GET.get("institution")
    institution: Institution | None
    if code:
        institution = get_object_or_404(institutions, code=code)
    else:
        institution = institutions.order_by("code").first()
        if institution is None:
            raise Http404
    try:
        period = services.parse_period(request.GET.get("period")) if request.GET.get("period") else _default_period()
    except ValidationError:
        period = _default_period()
    locked = not selectors.can_see_hospital_level(request.user, institution.pk)
    dept_code = request.GET.get("department")
    department = None
    if dept_code:
        department = get_object_or_404(visible_departments(request.user), institution=institution, code=dept_code)
    elif locked:
        department = (
            visible_departments(request.user).filter(institution=institution, id__in=scope.department_ids)
            .order_by("code").first()
        )
        if department is None:
            raise Http404
    return Place(institution, department, period, locked)


def _months(period: dt.date, n: int = 12) -> list[dt.date]:
    return [services.add_months(period, -i) for i in range(n - 1, -1, -1)]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    rows = selectors.month_table(
        institution_id=place.institution.pk, year=place.period.year, month=place.period.month,
        department_id=place.department.pk if place.department else None,
    )
    detail = reverse("indicators:indicator_detail", args=["CODE"]).replace("CODE/", "")
    for row in rows:
        row["svg"] = mark_safe(selectors.chart_svg(  # noqa: S308 - qms.charts escapes every text
            row, title=f"{row['code']} {translate(row['name'])}", unit=translate(row["unit"])))
        row["url"] = f"{detail}{row['code']}/?{place.query}"
    counts = {k: sum(1 for r in rows if r["light"] == k) for k in ("green", "amber", "red", "grey")}
    counts["unjudged"] = sum(1 for r in rows if r["light"] == "grey" and r["unjudged"])
    counts["nodata"] = counts["grey"] - counts["unjudged"]
    scope = get_scope(request.user)
    return render(request, "indicators/dashboard.html", {
        "place": place,
        "rows": rows,
        "counts": counts,
        "alerts": [r for r in rows if r["light"] in ("red", "amber")],
        "institutions": visible_institutions(request.user).order_by("code") if not place.department_locked else [],
        "departments": selectors.department_choices(request.user, place.institution),
        "authority_rows": selectors.authority_table(user=request.user, year=place.period.year,
                                                    month=place.period.month) if scope.is_official else [],
        "can_enter": permissions.can_enter_value(request.user, place.institution.pk,
                                                 place.department.pk if place.department else None),
        "is_quality_office": permissions.is_quality_office(request.user, place.institution.pk),
        "prev_period": services.add_months(place.period, -1),
        "next_period": services.add_months(place.period, 1) if place.period < _default_period() else None,
    })


def _department_total(indicator: Indicator, values: list, row: dict) -> dict:
    """The departments' rows summed, beside the hospital's own figure: they differ when the hospital's is
    entered for the whole hospital and not every department reports (issue 14: ZB03 rows that did not add
    up, with no word why)."""
    num: Decimal = sum((v.numerator or Decimal(0) for v in values), Decimal(0))
    den: Decimal | None = (sum((v.denominator or Decimal(0) for v in values), Decimal(0))
                           if indicator.kind != Indicator.Kind.COUNT else None)
    rate = compute_rate(num, den, indicator.factor, indicator.kind) if (den or indicator.kind == Indicator.Kind.COUNT) else None
    hospital_num, hospital_den = row.get("numerator"), row.get("denominator")
    differs = hospital_num is not None and (hospital_num != num or (den is not None and hospital_den != den))
    return {"numerator": num, "denominator": den, "rate": rate, "count": len(values), "differs": differs,
            "hospital_numerator": hospital_num, "hospital_denominator": hospital_den}


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    place = _place(request)
    indicator = get_object_or_404(Indicator.objects.filter(is_active=True), code=code)
    row = selectors.series(
        institution_id=place.institution.pk, indicator=indicator, year=place.period.year, month=place.period.month,
        department_id=place.department.pk if place.department else None,
    )
    items = selectors.interventions(institution_id=place.institution.pk, indicator=indicator,
                                    department_id=place.department.pk if place.department else None)
    if items:
        row = selectors.phased_row(row, items)
        svg = mark_safe(selectors.phased_svg(row, title=f"{indicator.code} {translate(indicator.name)}",  # noqa: S308
                                             unit=translate(indicator.unit)))
    else:
        svg = mark_safe(selectors.chart_svg(row, title=f"{indicator.code} {translate(indicator.name)}",  # noqa: S308
                                            unit=translate(indicator.unit)))
    by_department = []
    if place.department is None and indicator.department_level:
        by_department = selectors.department_values(
            institution_id=place.institution.pk, indicator=indicator, period=place.period,
            department_ids=visible_departments(request.user).filter(institution=place.institution).values("id"),
        )
    department_total = _department_total(indicator, by_department, row) if by_department else None
    shown = row["phased"] if items else row["chart"]
    points = list(zip(row["points"], shown.ucl, shown.lcl))
    return render(request, "indicators/indicator_detail.html", {
        "place": place,
        "indicator": indicator,
        "row": row,
        "svg": svg,
        "points": list(reversed(points)),
        "signals": {row["points"][i].label: r for i, r in shown.reasons.items()},
        "by_department": by_department,
        "department_total": department_total,
        "interventions": items,
        "phases": row["phased"].phases if items else [],
        "min_phase_points": MIN_PHASE_POINTS,
        "can_record_intervention": permissions.is_quality_office(request.user, place.institution.pk),
        "source_kinds": Intervention.SourceKind.choices,
        "revisions": selectors.revisions(
            institution_id=place.institution.pk, indicator=indicator,
            department_id=place.department.pk if place.department else None,
            since=services.add_months(place.period, -23),
        ),
    })


@login_required
def value_entry(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    departments = [d for d in selectors.department_choices(request.user, place.institution)
                   if permissions.can_enter_value(request.user, place.institution.pk, d.pk)]
    hospital_ok = permissions.can_enter_value(request.user, place.institution.pk, None)
    if not hospital_ok and not departments:
        raise PermissionDenied
    indicators = selectors.catalogue(include_counts=True).exclude(source=Indicator.Source.COMPUTED)
    form = ValueForm(request.POST or None, indicators=indicators, departments=departments,
                     initial={"period": f"{place.period:%Y-%m}",
                              "department": place.department.code if place.department else ""})
    if request.method == "POST" and form.is_valid():
        dept = form.cleaned_data["department"] or None
        dept_obj = next((d for d in departments if d.code == dept), None) if dept else None
        if (dept is None and not hospital_ok) or (dept and dept_obj is None):
            form.add_error("department", _("无权填报该层级的数据。"))
        else:
            try:
                value = services.indicator_value_record(
                    indicator=form.cleaned_data["indicator"], institution=place.institution, department=dept_obj,
                    period=form.cleaned_data["period"], numerator=form.cleaned_data["numerator"],
                    denominator=form.cleaned_data["denominator"], source=IndicatorValue.Source.FORM,
                    actor=request.user,
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(request, _("已保存：%(c)s %(p)s = %(r)s（第 %(n)s 版）") % {
                    "c": value.indicator.name, "p": value.period_label, "r": value.rate.normalize(), "n": value.revision})
                url = reverse("indicators:indicator_detail", args=[value.indicator.code])
                q = f"?institution={place.institution.code}&period={value.period_label}"
                return redirect(url + q + (f"&department={dept_obj.code}" if dept_obj else ""))
    return render(request, "indicators/value_form.html", {"form": form, "place": place})


# ------------------------------------------------------------------------------------------------ Excel
def _hospital_writer_place(request: HttpRequest) -> Place:
    place = _place(request)
    if not permissions.can_enter_value(request.user, place.institution.pk, None):
        raise PermissionDenied
    return place


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    inds = selectors.catalogue(include_counts=True).exclude(source=Indicator.Source.COMPUTED)
    applicable = [i for i in inds if place.institution.grade_level in i.grade_list]
    data = excel.template_workbook(indicators=applicable, institution_code=place.institution.code,
                                   department_codes=[], period=f"{place.period:%Y-%m}")
    return _xlsx(data, f"indicator-template-{place.institution.code}.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    place = _hospital_writer_place(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_stage(upload=form.cleaned_data["file"], actor=request.user,
                                          institution=place.institution)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    form.add_error("file", m)
        else:
            return redirect("indicators:import_batch", batch.pk)
    return render(request, "indicators/import_upload.html", {"form": form, "place": place})


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("institution"), pk=pk, created_by=request.user)
    return batch


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            services.import_discard(batch=batch, actor=request.user)
            messages.info(request, _("已放弃本次导入，未保存任何数据。"))
            return redirect("indicators:import_upload")
        try:
            n = services.import_confirm(batch=batch, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, _("已导入 %(n)s 行数据。") % {"n": n})
            return redirect(reverse("indicators:dashboard") + f"?institution={batch.institution.code}")
        batch.refresh_from_db()
    return render(request, "indicators/import_batch.html", {"batch": batch})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The values of one place for the 12 months ending at the period (or one indicator), as a workbook."""
    place = _place(request)
    qs = selectors.visible_values(request.user).filter(
        institution=place.institution, is_current=True,
        period__gte=services.add_months(place.period, -11), period__lte=place.period,
    )
    qs = qs.filter(department=place.department) if place.department else qs.filter(department__isnull=True)
    if request.GET.get("indicator"):
        qs = qs.filter(indicator__code=request.GET["indicator"])
    header = [_("指标编码"), _("指标名称"), _("机构代码"), _("科室代码"), _("月份"), _("分子"), _("分母"),
              _("指标值"), _("单位"), _("当时目标"), _("版本"), _("来源")]
    rows = [
        [v.indicator.code, v.indicator.name, v.institution.code, v.department.code if v.department else "",
         v.period_label, float(v.numerator), None if v.denominator is None else float(v.denominator),
         float(v.rate), v.indicator.unit, (v.target_snapshot or {}).get("label", ""), v.definition_version,
         v.get_source_display()]
        for v in qs.order_by("indicator__order", "period")
    ]
    data = excel.export_workbook(title=_("指标数据"), header=header, rows=rows)
    return _xlsx(data, f"indicators-{place.institution.code}-{place.period:%Y-%m}.xlsx")


# ------------------------------------------------------------------------------------------------ reports
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The quality office's departments × months grid; a department user's own reports."""
    place = _place(request)
    periods = _months(place.period, 6)
    grid = selectors.report_grid(user=request.user, institution=place.institution, periods=periods)
    return render(request, "indicators/report_grid.html", {
        "place": place, "periods": periods, "grid": grid, "badge": BADGE, "today": timezone.localdate(),
        "institutions": visible_institutions(request.user).order_by("code") if not place.department_locked else [],
    })


def _report_for(request: HttpRequest, institution: str, department: str, period: str, *, create: bool = False) -> MonthlyReport:
    """The month's report, or an unsaved "not started" one: a GET never writes (the scheduled task opens every
    department's report on the first working day; a department saving early opens its own)."""
    inst = get_object_or_404(visible_institutions(request.user), code=institution)
    dept = get_object_or_404(visible_departments(request.user), institution=inst, code=department)
    try:
        per = services.parse_period(period)
    except ValidationError:
        raise Http404 from None
    report = MonthlyReport.objects.filter(department=dept, period=per).select_related("institution", "department").first()
    if report is None:
        if not create or not permissions.can_edit_report(request.user, MonthlyReport(institution=inst, department=dept)):
            # nothing to see yet; only the department may start its report
            return MonthlyReport(institution=inst, department=dept, period=per, status=ReportStatus.NOT_STARTED,
                                 due_on=services.report_due(inst, per)[0])
        report = services.monthly_report_open(department=dept, period=per)
        report = MonthlyReport.objects.select_related("institution", "department").get(pk=report.pk)
    return report


def _report_indicators(report: MonthlyReport) -> list[Indicator]:
    return [
        i for i in selectors.catalogue(include_counts=True)
        if i.department_level and i.level == Indicator.Level.HOSPITAL and i.source != Indicator.Source.COMPUTED
        and report.institution.grade_level in i.grade_list
    ]


@login_required
def report_detail(request: HttpRequest, institution: str, department: str, period: str) -> HttpResponse:
    report = _report_for(request, institution, department, period, create=request.method == "POST")
    can_edit = report.status in EDITABLE_STATES and permissions.can_edit_report(request.user, report)
    can_review = bool(report.pk) and report.status in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED) and (
        permissions.can_review_report(request.user, report))
    indicators = _report_indicators(report)
    current = {}
    if report.pk:
        current = {
            v.indicator.code: v
            for v in IndicatorValue.objects.filter(department=report.department, period=report.period,
                                                   is_current=True).select_related("indicator", "entered_by")
        }
    initial_values = {c: (v.numerator.normalize(), v.denominator.normalize() if v.denominator is not None else None)
                      for c, v in current.items()}
    form = ReportForm(
        request.POST if (request.method == "POST" and can_edit) else None,
        indicators=indicators, initial_values=initial_values,
        initial={"self_check": report.self_check, "problems": report.problems, "measures": report.measures},
    )
    return_form = ReturnForm(request.POST if (request.method == "POST" and can_review
                                              and request.POST.get("action") == "return") else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                if not can_edit:
                    raise PermissionDenied
                if form.is_valid():
                    services.monthly_report_save(
                        report=report, actor=request.user, self_check=form.cleaned_data["self_check"],
                        problems=form.cleaned_data["problems"], measures=form.cleaned_data["measures"],
                        values=form.values(),
                    )
                    if action == "submit":
                        services.monthly_report_submit(report=report, actor=request.user)
                        messages.success(request, _("月度质控报告已报送。"))
                    else:
                        messages.success(request, _("草稿已保存。"))
                    return redirect(request.path)
            elif action in ("accept", "return"):
                if not can_review:
                    raise PermissionDenied
                if action == "accept":
                    services.monthly_report_accept(report=report, actor=request.user)
                    messages.success(request, _("报告已通过。"))
                    return redirect(request.path)
                if return_form.is_valid():
                    services.monthly_report_return(report=report, actor=request.user,
                                                   reason=return_form.cleaned_data["reason"])
                    messages.warning(request, _("报告已退回科室。"))
                    return redirect(request.path)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    if field.startswith("value_"):
                        code = field[len("value_"):]
                        target = f"num_{code}" if f"num_{code}" in form.fields else None
                        form.add_error(target, m)
                    elif field == "reason":
                        return_form.add_error("reason", m)
                    else:
                        form.add_error(None, m)
    return render(request, "indicators/report_detail.html", {
        "report": report, "form": form, "return_form": return_form, "can_edit": can_edit,
        "can_review": can_review, "current": current, "badge": BADGE.get(report.status, "secondary"),
        "history": history_for(report).select_related("actor") if report.pk else [],
        "overdue": report.pk and report.is_overdue(timezone.localdate()),
        "rows": [{**r, "value": current.get(r["indicator"].code)} for r in form.value_rows()],
    })


@login_required
@require_POST
def recompute_event_rate(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    if not permissions.is_quality_office(request.user, place.institution.pk):
        raise PermissionDenied
    value = services.event_rate_recompute(institution=place.institution, period=place.period,
                                          department=place.department)
    if value is None:
        messages.warning(request, _("无法计算：缺少出院人次，或不良事件登记尚不可用。"))
    else:
        messages.success(request, _("已根据不良事件登记重新计算：%(r)s") % {"r": value.rate.normalize()})
    return redirect(reverse("indicators:dashboard") + "?" + place.query)


# -------------------------------------------------------------------------------------------- issue 21
def _period_param(request: HttpRequest) -> dt.date:
    try:
        return services.parse_period(request.GET.get("period")) if request.GET.get("period") else _default_period()
    except ValidationError:
        return _default_period()


TABLE_PAGE = 50


def _funnel_svg(result: dict, href: str, unit: str, title: str) -> str:
    from indicators import spc
    from qms.charts import funnel_plot

    rows = [r for r in result["rows"] if r["rate"] is not None and r["denominator"]]
    if not rows or result["pooled"] is None:
        return funnel_plot([], [], None, title=title, unit=unit)
    ind = result["indicator"]
    n_max = max(float(r["denominator"]) for r in rows)
    curve = spc.funnel_curve(ind.kind, result["pooled"], ind.factor, n_max * 1.2)
    points = [(r["name"], r["denominator"], r["rate"], r["signal"] or "within", href.replace("CODE", r["code"]))
              for r in rows]
    return funnel_plot(points, curve, result["pooled"], title=title, unit=unit)


@login_required
def comparison(request: HttpRequest, code: str) -> HttpResponse:
    """Every hospital under the authority (or a hospital's departments, ?institution=), with the funnel plot."""
    from indicators.comparison import comparison_for, reach_authorities

    indicator = get_object_or_404(Indicator.objects.filter(is_active=True), code=code)
    period = _period_param(request)
    institution = request.GET.get("institution") or None
    result = comparison_for(request.user, indicator, period, authority=request.GET.get("authority") or None,
                            institution=institution)
    if result is None:
        raise Http404
    detail = reverse("indicators:indicator_detail", args=[indicator.code])
    if result["level"] == "department":
        href = f"{detail}?institution={result['institution'].code}&department=CODE&period={period:%Y-%m}"
    else:
        href = f"{detail}?institution=CODE&period={period:%Y-%m}"
    svg = mark_safe(_funnel_svg(result, href, translate(indicator.unit),  # noqa: S308
                                f"{indicator.code} {translate(indicator.name)}"))
    # the table is paged (the funnel shows every unit; the API lists them all): units beyond the 99.8 % limits
    # first, then by rank
    ordered = sorted(result["rows"], key=lambda r: (r["signal"] not in ("above", "below"), r["rank"] is None,
                                                    r["rank"] or 0, r["code"]))
    pages = max(1, -(-len(ordered) // TABLE_PAGE))
    try:
        page_no = min(max(1, int(request.GET.get("page") or 1)), pages)
    except ValueError:
        page_no = 1
    shown = ordered[(page_no - 1) * TABLE_PAGE: page_no * TABLE_PAGE]
    for r in shown:
        r["url"] = href.replace("CODE", r["code"])
    base_query = f"period={period:%Y-%m}" + (f"&institution={institution}" if institution else "")
    if result["level"] == "hospital":
        base_query += f"&authority={result['authority'].code}"
    return render(request, "indicators/comparison.html", {
        "table": shown,
        "page": page_no,
        "pages": pages,
        "base_query": base_query,
        "indicator": indicator,
        "period": period,
        "result": result,
        "svg": svg,
        "authorities": reach_authorities(request.user) if result["level"] == "hospital" else [],
        "indicators": [i for i in selectors.catalogue() if i.kind != Indicator.Kind.COUNT],
        "institution": institution,
    })


@login_required
def authority_overview(request: HttpRequest) -> HttpResponse:
    """The authority's home across all its hospitals (Art. 33–35 监测评估)."""
    from indicators.comparison import overview, reach_authorities
    from organizations.models import Authority

    mine = reach_authorities(request.user)
    if not mine:
        raise Http404
    code = request.GET.get("authority")
    authority: Authority = next((a for a in mine if a.code == code), None) if code else mine[0]  # type: ignore[assignment]
    if authority is None:
        raise Http404
    try:
        page_no = int(request.GET.get("page") or 1)
    except ValueError:
        page_no = 1
    data = overview(authority=authority, period=_period_param(request), today=timezone.localdate(), page=page_no)
    # the grid's cells as markup built here: 50 × 29 template nodes would cost more than the whole query work
    from html import escape

    marks = {
        "green": f'<td class="grid-cell" data-light="green"><span class="ind-light ind-green" title="{escape(_("达标"))}">●</span></td>',
        "red": f'<td class="grid-cell" data-light="red"><span class="ind-light ind-red" title="{escape(_("未达标"))}">●</span></td>',
        "grey": f'<td class="grid-cell" data-light="grey"><span class="ind-light ind-grey" title="{escape(_("无法判断"))}">○</span></td>',
        "none": '<td class="grid-cell" data-light="none"><span class="text-muted">—</span></td>',
    }
    for r in data["grid"]:
        r["cells_html"] = mark_safe("".join(marks[c] if c else '<td class="grid-cell"></td>'  # noqa: S308
                                            for c in r["cells"]))
    return render(request, "indicators/authority_overview.html", {**data, "authorities": mine})


@login_required
@require_POST
def intervention_add(request: HttpRequest, code: str) -> HttpResponse:
    """The quality office records an improvement action on the indicator; the chart splits at its date."""
    place = _place(request)
    indicator = get_object_or_404(Indicator.objects.filter(is_active=True), code=code)
    if not permissions.is_quality_office(request.user, place.institution.pk):
        raise PermissionDenied
    raw_date = request.POST.get("implemented_on") or ""
    try:
        implemented_on = dt.date.fromisoformat(raw_date)
    except ValueError:
        implemented_on = None
    try:
        source_id = int(request.POST["source_id"]) if request.POST.get("source_id") else None
    except ValueError:
        source_id = None
    try:
        services.intervention_record(
            indicator=indicator, institution=place.institution, department=place.department,
            implemented_on=implemented_on, title=request.POST.get("title", ""),  # type: ignore[arg-type]
            source_kind=request.POST.get("source_kind") or "other", source_id=source_id,
            source_url=request.POST.get("source_url", "")[:300], actor=request.user,
        )
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("已记录改进措施，趋势图按实施日期分期。"))
    return redirect(f"{reverse('indicators:indicator_detail', args=[indicator.code])}?{place.query}")


@login_required
def authority_report_pdf(request: HttpRequest) -> HttpResponse:
    """The evaluation report for a month as a PDF (Art. 34 定期发布评估结果)."""
    from indicators.comparison import GRID_PAGE, overview, reach_authorities
    from qms.pdf import render_pdf

    mine = reach_authorities(request.user)
    code = request.GET.get("authority")
    authority = next((a for a in mine if a.code == code), None) if code else (mine[0] if mine else None)
    if authority is None:
        raise Http404
    period = _period_param(request)
    data = overview(authority=authority, period=period, today=timezone.localdate())
    data["worst"] = [r for r in data["grid"] if r["missed"]][:GRID_PAGE]
    data["judged"] = data["met"] + data["missed"]
    data["generated_at"] = timezone.localtime()
    pdf = render_pdf("pdf/indicators/evaluation_report.html", data)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{authority.code}-{period:%Y-%m}.pdf"'
    return response
