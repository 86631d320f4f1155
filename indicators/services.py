"""Writes of the indicators app: values (with revisions), the catalogue's versions, indicator 9 from the event
register, department monthly reports and their deadlines, and the staged Excel import."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.analysis import compute_rate
from indicators.models import ImportBatch, Indicator, IndicatorRevision, IndicatorValue, MonthlyReport
from indicators.workflow import EDITABLE_STATES, TRANSITIONS, ReportStatus
from organizations.models import Department, Institution
from qms.core.services import deadline_close, deadline_open, transition_record
from qms.core.workflow import TransitionNotAllowed, transition
from qms.workdays import nth_workday_of_month

EVENT_RATE_CODE = "ZB09"
DISCHARGES_CODE = "CY"
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


# ---------------------------------------------------------------------------------------------- periods
def parse_period(value: Any) -> dt.date:
    """'YYYY-MM' (or a date) → the first day of that month; a month in the future is refused."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        period = value.replace(day=1)
    else:
        m = PERIOD_RE.match(str(value or "").strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
            raise ValidationError({"period": [_("月份格式应为 YYYY-MM，例如 2025-03。")]})
        period = dt.date(int(m.group(1)), int(m.group(2)), 1)
    if period > timezone.localdate().replace(day=1):
        raise ValidationError({"period": [_("不能填报未来月份的数据（%(p)s）。") % {"p": f"{period:%Y-%m}"}]})
    return period


def add_months(period: dt.date, n: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------- values
@dataclass
class CleanValue:
    indicator: Indicator
    institution: Institution
    department: Department | None
    period: dt.date
    numerator: Decimal
    denominator: Decimal | None


def _number(raw: Any, field: str, label: str, errors: dict) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        errors.setdefault(field, []).append(_("%(l)s必须是数字。") % {"l": label})
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("%(l)s必须是数字。") % {"l": label})
        return None
    if not value.is_finite():
        errors.setdefault(field, []).append(_("%(l)s必须是数字。") % {"l": label})
        return None
    if value < 0:
        errors.setdefault(field, []).append(_("%(l)s不能为负数。") % {"l": label})
        return None
    if value != value.to_integral_value():
        errors.setdefault(field, []).append(_("%(l)s是例数，必须是整数。") % {"l": label})
        return None
    if value >= Decimal("1e12"):
        errors.setdefault(field, []).append(_("%(l)s超出范围。") % {"l": label})
        return None
    return value


def value_clean(
    *,
    indicator: Indicator | str | None,
    institution: Institution | str | None,
    department: Department | str | None,
    period: Any,
    numerator: Any,
    denominator: Any,
    allow_computed: bool = False,
) -> CleanValue:
    """Check one value against the rules of SPEC §6 / API.md; ValidationError with field → messages."""
    errors: dict[str, list[str]] = {}
    ind: Indicator | None = indicator if isinstance(indicator, Indicator) else None
    if ind is None:
        ind = Indicator.objects.filter(code=str(indicator or "").strip(), is_active=True).first()
        if ind is None:
            errors["indicator"] = [_("未知的指标编码：%(c)s。") % {"c": indicator or ""}]
    inst: Institution | None = institution if isinstance(institution, Institution) else None
    if inst is None:
        inst = Institution.objects.filter(code=str(institution or "").strip()).first()
        if inst is None:
            errors["institution"] = [_("未知的医疗机构代码：%(c)s。") % {"c": institution or ""}]
    dept: Department | None = department if isinstance(department, Department) else None
    if dept is None and department not in (None, ""):
        if inst is not None:
            dept = Department.objects.filter(institution=inst, code=str(department).strip()).first()
        if dept is None:
            errors["department"] = [_("未知的科室代码：%(c)s。") % {"c": department}]
    try:
        per = parse_period(period)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        per = None
    num = _number(numerator, "numerator", _("分子"), errors)
    if num is None and "numerator" not in errors:
        errors["numerator"] = [_("请填写分子。")]
    den = _number(denominator, "denominator", _("分母"), errors)
    if ind is not None:
        place = f"{ind.code} {_(ind.name)}"  # the name as the reader reads it (reference data, translated)
        if ind.source == Indicator.Source.COMPUTED and not allow_computed:
            errors.setdefault("indicator", []).append(
                _("%(p)s由系统根据不良事件登记和出院人次计算，不能直接填报；请填报出院人次（CY）。") % {"p": place}
            )
        if inst is not None and inst.grade_level not in ind.grade_list:
            errors.setdefault("indicator", []).append(
                _("%(p)s不适用于%(g)s医院（附件适用范围）。") % {"p": place, "g": inst.get_grade_level_display()}
            )
        if dept is not None and (not ind.department_level or ind.level == Indicator.Level.AUTHORITY):
            errors.setdefault("department", []).append(_("%(p)s按医疗机构统计，不分科室填报。") % {"p": place})
        if ind.kind == Indicator.Kind.COUNT:
            den = None
        elif "denominator" not in errors:
            if den is None:
                errors["denominator"] = [_("请填写分母。")]
            elif den == 0:
                errors["denominator"] = [_("分母不能为 0（%(p)s）。") % {"p": place}]
            elif num is not None and ind.kind == Indicator.Kind.PROPORTION and num > den:
                errors["numerator"] = [
                    _("%(p)s是比例指标，分子（%(n)s）不能大于分母（%(d)s）。")
                    % {"p": place, "n": _plain(num), "d": _plain(den)}
                ]
    if errors:
        raise ValidationError(errors)
    assert ind and inst and per and num is not None
    return CleanValue(ind, inst, dept, per, num, den)


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator | str | None,
    institution: Institution | str | None,
    period: Any,
    numerator: Any,
    denominator: Any = None,
    department: Department | str | None = None,
    source: str = IndicatorValue.Source.FORM,
    actor: Any = None,
    note: str = "",
    allow_computed: bool = False,
) -> IndicatorValue:
    """Store a value; a value already there for the same indicator, place and month becomes a revision."""
    clean = value_clean(
        indicator=indicator, institution=institution, department=department, period=period,
        numerator=numerator, denominator=denominator, allow_computed=allow_computed,
    )
    value = _store(clean, source=source, actor=actor, note=note)
    if clean.indicator.code == DISCHARGES_CODE:
        event_rate_recompute(institution=clean.institution, period=clean.period, department=clean.department)
    return value


def _store(clean: CleanValue, *, source: str, actor: Any, note: str = "") -> IndicatorValue:
    ind = clean.indicator
    now = timezone.now()
    # Concurrent writers of one indicator, place and month: the second one's SELECT … FOR UPDATE below
    # re-checks the row the first one just superseded and finds no current row (READ COMMITTED does not
    # see the new one), then its insert breaks the "one current value" constraint. Serialise them on the
    # indicator row, which always exists.
    list(Indicator.objects.select_for_update().filter(pk=ind.pk).values_list("pk", flat=True))
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=ind, institution=clean.institution, department=clean.department, period=clean.period,
                is_current=True)
        .first()
    )
    revision = 1
    if current is not None:
        # Revisions of a slot are numbered 1, 2, … by this function alone and the current one is the last:
        # the next number is the current one's plus one (no count of the slot's rows, issue 16).
        revision = current.revision + 1
        current.is_current = False
        current.superseded_at = now
        current.save(update_fields=["is_current", "superseded_at", "updated_at"])
    return IndicatorValue.objects.create(
        indicator=ind,
        institution=clean.institution,
        department=clean.department,
        period=clean.period,
        numerator=clean.numerator,
        denominator=clean.denominator,
        rate=compute_rate(clean.numerator, clean.denominator, ind.factor, ind.kind),
        source=source,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        entered_at=now,
        revision=revision,
        is_current=True,
        definition_version=ind.version,
        target_snapshot=ind.target_for_grade(clean.institution.grade_level),
        factor=ind.factor,
        note=note[:200],
    )


def count_event_reports(*, institution_id: int, start: dt.date, end: dt.date, department_id: int | None) -> int | None:
    """Reports in the adverse-event register in [start, end), or None while the register's selector is missing."""
    try:
        from adverse_events.selectors import count_reports  # the events app owns the register
    except ImportError:
        return None
    return int(count_reports(institution_id=institution_id, start=start, end=end, department_id=department_id))


@transaction.atomic
def event_rate_recompute(
    *, institution: Institution, period: dt.date, department: Department | None = None
) -> IndicatorValue | None:
    """Indicator 9 = reported events × 100 / discharges (SPEC §6), from the register, never typed in.
    Writes a revision only when the count or the discharges changed."""
    indicator = Indicator.objects.filter(code=EVENT_RATE_CODE, is_active=True).first()
    if indicator is None or institution.grade_level not in indicator.grade_list:
        return None
    discharges = IndicatorValue.objects.filter(
        indicator__code=DISCHARGES_CODE, institution=institution, department=department, period=period,
        is_current=True,
    ).first()
    if discharges is None or not discharges.numerator:
        return None
    count = count_event_reports(
        institution_id=institution.pk, start=period, end=add_months(period, 1),
        department_id=department.pk if department else None,
    )
    if count is None:
        return None
    current = IndicatorValue.objects.filter(
        indicator=indicator, institution=institution, department=department, period=period, is_current=True
    ).first()
    if current is not None and current.numerator == count and current.denominator == discharges.numerator:
        return current
    clean = CleanValue(indicator, institution, department, period, Decimal(count), discharges.numerator)
    return _store(clean, source=IndicatorValue.Source.COMPUTED, actor=None, note=_("由不良事件登记计算"))


def computed_values_record(*, period: dt.date) -> int:
    """Store, for one month, every indicator an app computes from its records (qms.extensions
    INDICATOR_SOURCES), at each active hospital where the indicator applies and the source has a basis.
    A revision is written only when the figures changed. Returns how many values were written."""
    from qms.extensions import INDICATOR_SOURCES

    written = 0
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(INDICATOR_SOURCES), is_active=True)}
    for institution in Institution.objects.filter(is_active=True):
        for code, fn in INDICATOR_SOURCES.items():
            indicator = indicators.get(code)
            if indicator is None or institution.grade_level not in indicator.grade_list:
                continue
            figures = fn(institution=institution, department=None, period=period)
            if figures is None:
                continue
            numerator = Decimal(str(figures[0]))
            denominator = Decimal(str(figures[1])) if figures[1] is not None else None
            current = IndicatorValue.objects.filter(
                indicator=indicator, institution=institution, department=None, period=period, is_current=True
            ).first()
            if current is not None and current.numerator == numerator and current.denominator == denominator:
                continue
            clean = CleanValue(indicator, institution, None, period, numerator, denominator)
            _store(clean, source=IndicatorValue.Source.COMPUTED, actor=None, note=_("由系统数据计算"))
            written += 1
    return written


def event_rates_recompute_month(*, period: dt.date) -> int:
    """Recompute indicator 9 for every place that has discharges in the month (late reports change it)."""
    n = 0
    rows = IndicatorValue.objects.filter(
        indicator__code=DISCHARGES_CODE, period=period, is_current=True
    ).select_related("institution", "department")
    for row in rows:
        if event_rate_recompute(institution=row.institution, period=period, department=row.department):
            n += 1
    return n


# ---------------------------------------------------------------------------------------------- catalogue
@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: Any = None, reason: str = "", **changes: Any) -> Indicator:
    """Change a definition: a new version. Values keep the version and target they were entered under."""
    before = indicator.snapshot()
    for field, value in changes.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    if indicator.snapshot() == before:
        return indicator
    indicator.version = (IndicatorRevision.objects.filter(indicator=indicator).count() or indicator.version) + 1
    indicator.save()
    IndicatorRevision.objects.create(
        indicator=indicator, version=indicator.version, definition=indicator.snapshot(),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None, reason=reason,
    )
    return indicator


# ---------------------------------------------------------------------------------------------- reports
def report_due(institution: Institution, period: dt.date) -> tuple[dt.date, bool]:
    """The hospital's n-th working day of the month after the report's month (SPEC §6, default the 5th)."""
    nxt = add_months(period, 1)
    result = nth_workday_of_month(nxt.year, nxt.month, institution.monthly_report_due_workday or 5)
    return result.date, result.confirmed


@transaction.atomic
def monthly_report_dates_recompute(*, year: int, reason: str = "", actor: Any = None) -> int:
    """The calendar hook (qms.extensions.CALENDAR_HOOKS): an open report's due date, the n-th working day of
    the next month, follows a schedule change of its year, with its confirmed flag; its Deadline row too.
    Each move is logged. Returns how many reports moved."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from indicators.models import OPEN_STATES
    from qms.core.models import Deadline

    moved = 0
    ct = ContentType.objects.get_for_model(MonthlyReport)
    rows = (
        MonthlyReport.objects.select_for_update(of=("self",)).select_related("institution")
        .filter(status__in=OPEN_STATES).filter(Q(due_on__year=year) | Q(due_confirmed=False))
    )
    for report in rows:
        due_on, confirmed = report_due(report.institution, report.period)
        if (due_on, confirmed) == (report.due_on, report.due_confirmed):
            continue
        old = report.due_on
        report.due_on, report.due_confirmed = due_on, confirmed
        report.save(update_fields=["due_on", "due_confirmed", "updated_at"])
        Deadline.objects.filter(content_type=ct, object_id=report.pk, rule="monthly_report.due", done_at__isnull=True).update(
            due_on=due_on, confirmed=confirmed, updated_at=timezone.now())
        transition_record(obj=report, from_status=report.status, to_status=report.status, actor=actor,
                          reason=reason or _("节假日安排变更后重新计算"),
                          data={"step": "calendar", "due_on": {"old": str(old), "new": due_on.isoformat(),
                                                               "confirmed": confirmed}})
        moved += 1
    return moved


def _report_url(report: MonthlyReport) -> str:
    return reverse(
        "indicators:report_detail", args=[report.institution.code, report.department.code, report.period_label]
    )


def monthly_report_open(*, department: Department, period: dt.date) -> MonthlyReport:
    """The report of a department for a month, created (not started) with its deadline if missing."""
    existing = MonthlyReport.objects.filter(department=department, period=period).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        institution = department.institution
        due_on, confirmed = report_due(institution, period)
        report, created = MonthlyReport.objects.get_or_create(
            department=department, period=period,
            defaults={"institution": institution, "due_on": due_on, "due_confirmed": confirmed},
        )
        if created:
            report.department = department
            deadline_open(
                obj=report, rule="monthly_report.due",
                label=_("%(d)s %(p)s 月度质控报告") % {"d": department.name, "p": report.period_label},
                article=_("科室月度质控报告（淄卫发〔2024〕3号 三（一）2；本院规定第%(n)s个工作日）")
                % {"n": institution.monthly_report_due_workday},
                due_on=due_on, confirmed=confirmed, institution=institution, department=department,
                responsible=department.head, url=_report_url(report),
            )
        return report


def monthly_reports_open_for_month(*, institution: Institution, period: dt.date) -> int:
    """Open the month's report for every active business department (each has a quality group, Art. 11)."""
    n = 0
    for dept in Department.objects.filter(institution=institution, kind="business", is_active=True).select_related(
        "institution", "head"
    ):
        if not MonthlyReport.objects.filter(department=dept, period=period).exists():
            monthly_report_open(department=dept, period=period)
            n += 1
    return n


def _transition(report: MonthlyReport, to: str | None, actor: Any, action: str, *, fields: tuple[str, ...] = (),
                reason: str = "", data: dict | None = None) -> None:
    try:
        transition(report, to, table=TRANSITIONS, actor=actor, action=action, reason=reason, data=data,
                   fields=fields, institution=report.institution)
    except TransitionNotAllowed:
        raise ValidationError(
            {"non_field_errors": [_("报告当前状态为“%(s)s”，不能执行该操作。") % {"s": report.get_status_display()}]}
        ) from None


@transaction.atomic
def monthly_report_save(
    *,
    report: MonthlyReport,
    actor: Any,
    self_check: str,
    problems: str,
    measures: str,
    values: dict[str, tuple[Any, Any]] | None = None,
) -> MonthlyReport:
    """Save the department's draft: text and its indicator values (each value a revision if changed)."""
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("institution", "department").get(pk=report.pk)
    if report.status not in EDITABLE_STATES:
        raise ValidationError({"non_field_errors": [_("报告已报送，不能再修改。")]})
    errors: dict[str, list[str]] = {}
    cleaned: list[CleanValue] = []
    for code, (num, den) in (values or {}).items():
        if (num in (None, "")) and (den in (None, "")):
            continue
        try:
            cleaned.append(value_clean(indicator=code, institution=report.institution, department=report.department,
                                       period=report.period, numerator=num, denominator=den))
        except ValidationError as exc:
            errors[f"value_{code}"] = [m for ms in exc.message_dict.values() for m in ms]
    if errors:
        raise ValidationError(errors)
    current = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(department=report.department, period=report.period, is_current=True)
    }
    for c in cleaned:
        old = current.get(c.indicator.pk)
        if old is not None and old.numerator == c.numerator and old.denominator == c.denominator:
            continue
        _store(c, source=IndicatorValue.Source.REPORT, actor=actor)
        if c.indicator.code == DISCHARGES_CODE:
            event_rate_recompute(institution=report.institution, period=report.period, department=report.department)
    report.self_check, report.problems, report.measures = self_check, problems, measures
    text_fields = ("self_check", "problems", "measures")
    if report.status == ReportStatus.NOT_STARTED:
        _transition(report, ReportStatus.DRAFT, actor, "monthly_report.started", fields=text_fields)
    else:
        report.save(update_fields=[*text_fields, "updated_at"])
    return report


@transaction.atomic
def monthly_report_submit(*, report: MonthlyReport, actor: Any) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("institution", "department").get(pk=report.pk)
    if not (report.self_check.strip() and report.problems.strip() and report.measures.strip()):
        raise ValidationError({"non_field_errors": [_("报送前请填写自查情况、存在问题和改进措施。")]})
    to = ReportStatus.RESUBMITTED if report.status == ReportStatus.RETURNED else ReportStatus.SUBMITTED
    now = timezone.now()
    late = timezone.localdate(now) > report.due_on
    report.submitted_at, report.submitted_by = now, actor
    if to == ReportStatus.SUBMITTED:
        report.late = late  # late-ness is judged on the first submission against the due date
    _transition(report, to, actor, f"monthly_report.{to}", fields=("submitted_at", "submitted_by", "late"),
                data={"late": late})
    deadline_close(obj=report, rule="monthly_report.due", at=now)
    return report


@transaction.atomic
def monthly_report_return(*, report: MonthlyReport, actor: Any, reason: str) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("institution", "department").get(pk=report.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("退回时必须说明原因。")]})
    report.return_reason = reason.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    _transition(report, ReportStatus.RETURNED, actor, "monthly_report.returned", reason=reason.strip(),
                fields=("return_reason", "reviewed_at", "reviewed_by"))
    from qms.notifications import moments

    moments.monthly_report_returned(report, stamp=report.reviewed_at)
    return report


@transaction.atomic
def monthly_report_accept(*, report: MonthlyReport, actor: Any) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update(of=("self",)).select_related("institution", "department").get(pk=report.pk)
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    _transition(report, ReportStatus.ACCEPTED, actor, "monthly_report.accepted", fields=("reviewed_at", "reviewed_by"))
    return report


# ---------------------------------------------------------------------------------------------- Excel
@transaction.atomic
def import_stage(*, upload: Any, actor: Any, institution: Institution) -> ImportBatch:
    """Check every row; keep the good ones staged until confirmed. A bad file raises before anything is kept."""
    from indicators.excel import read_values

    rows = read_values(upload)  # ValidationError for a non-workbook or a wrong header
    from indicators.permissions import can_enter_value

    good: list[dict] = []
    bad: list[dict] = []
    for r in rows:
        try:
            if r["institution"] and r["institution"] != institution.code:
                raise ValidationError({"institution": [_("只能导入本机构（%(c)s）的数据。") % {"c": institution.code}]})
            clean = value_clean(indicator=r["indicator"], institution=institution, department=r["department"] or None,
                                period=r["period"], numerator=r["numerator"], denominator=r["denominator"])
            if not can_enter_value(actor, institution.pk, clean.department.pk if clean.department else None):
                raise ValidationError({"department": [_("无权填报该科室的数据。")]})
        except ValidationError as exc:
            bad.append({"row": r["row"], "message": "；".join(m for ms in exc.message_dict.values() for m in ms)})
            continue
        good.append({
            "row": r["row"], "indicator": clean.indicator.code, "name": clean.indicator.name,
            "department": clean.department.code if clean.department else "",
            "department_name": clean.department.name if clean.department else "",
            "period": f"{clean.period:%Y-%m}", "numerator": str(clean.numerator),
            "denominator": None if clean.denominator is None else str(clean.denominator),
            "rate": str(compute_rate(clean.numerator, clean.denominator, clean.indicator.factor, clean.indicator.kind)),
        })
    if not good and not bad:
        raise ValidationError({"file": [_("工作簿中没有数据行。")]})
    return ImportBatch.objects.create(
        institution=institution, filename=str(getattr(upload, "name", ""))[:200], rows=good, errors=bad,
        created_by=actor,
    )


@transaction.atomic
def import_confirm(*, batch: ImportBatch, actor: Any) -> int:
    """Write every staged row, or none: any row failing now rolls the whole import back."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.STAGED:
        raise ValidationError({"non_field_errors": [_("该批次已处理。")]})
    institution = batch.institution
    for r in batch.rows:
        try:
            indicator_value_record(
                indicator=r["indicator"], institution=institution, department=r["department"] or None,
                period=r["period"], numerator=r["numerator"], denominator=r["denominator"],
                source=IndicatorValue.Source.EXCEL, actor=actor, note=batch.filename,
            )
        except ValidationError as exc:
            msg = "；".join(m for ms in exc.message_dict.values() for m in ms)
            raise ValidationError({"non_field_errors": [_("第 %(r)s 行：%(m)s（未导入任何数据）") % {"r": r["row"], "m": msg}]}) from exc
    batch.status = ImportBatch.Status.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.save()
    return len(batch.rows)


def import_discard(*, batch: ImportBatch, actor: Any) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.STAGED).update(
        status=ImportBatch.Status.DISCARDED, updated_at=timezone.now()
    )


# -------------------------------------------------------------------------------------------- issue 21
def intervention_record(
    *, indicator: Indicator | str, institution: Institution, implemented_on: dt.date, title: str, actor: Any,
    department: Department | None = None, source_kind: str = "other", source_id: int | None = None,
    source_url: str = "",
) -> Any:
    """Record an improvement action that aims to move an indicator; the chart is split at its date."""
    from indicators.models import Intervention

    ind = indicator if isinstance(indicator, Indicator) else Indicator.objects.filter(code=indicator).first()
    errors: dict[str, list[str]] = {}
    if ind is None:
        errors["indicator"] = [_("指标不存在。")]
    if not (title or "").strip():
        errors["title"] = [_("请填写改进措施。")]
    if implemented_on is None:
        errors["implemented_on"] = [_("请填写实施日期。")]
    elif implemented_on > timezone.localdate():
        errors["implemented_on"] = [_("实施日期不能晚于今天。")]
    if source_kind not in Intervention.SourceKind.values:
        errors["source_kind"] = [_("来源无效。")]
    if errors or ind is None:
        raise ValidationError(errors)
    return Intervention.objects.create(
        indicator=ind, institution=institution, department=department, title=title.strip(),
        implemented_on=implemented_on, source_kind=source_kind, source_id=source_id, source_url=source_url,
        recorded_by=actor,
    )
