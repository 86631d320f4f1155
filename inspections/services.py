"""Writes of supervision: checklists (versioned), the plan, inspections and their results, record reviews.

Every write runs in a transaction and leaves a Transition row (`qms.core.workflow.transition`); findings end
in the one rectification loop (`rectifications.services.rectification_open`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import permissions
from inspections.models import (
    Area,
    Checklist,
    ChecklistItem,
    ChecklistVersion,
    CoreSystem,
    Defect,
    Grade,
    GradeThresholds,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    Kind,
    PlannedCheck,
    RecordDeduction,
    RecordReview,
    ReviewKind,
    Tier,
)
from inspections.workflow import TRANSITIONS, Status
from qms.core.services import deadline_close, deadline_open, transition_record
from qms.core.workflow import transition
from rectifications.models import Source
from rectifications.services import rectification_open

PLANNED_RULE = "inspection.planned"
# seeds/004: checks are "有计划、有记录、有分析、有反馈、有整改措施、有实际效果", monthly.
PLAN_ARTICLE = "有计划、有记录、有分析、有反馈、有整改措施、有实际效果（医院质量管理方案，seeds/004）；院科两级常态化核心制度落实监管（淄博方案二（二）4）"
# The Zibo appendix gives no default thresholds; the defaults (≥ 90 甲, ≥ 75 乙) apply where a
# hospital has entered none.
DEFAULT_A, DEFAULT_B = Decimal(90), Decimal(75)
# A record defect's rectification: the regulations name no period; the system gives 30 days.
RECORD_RECTIFY_DAYS = 30
POINTS_MAX = Decimal(1000)
ONE_DP = Decimal("0.1")


# ----------------------------------------------------------------------------------------------- helpers
def decimal_or_error(value: Any, field: str, label: str, errors: dict) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.setdefault(field, []).append(_("%(label)s必须是数字。") % {"label": label})
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("%(label)s必须是数字。") % {"label": label})
        return None
    if not d.is_finite():
        errors.setdefault(field, []).append(_("%(label)s必须是数字。") % {"label": label})
        return None
    return d


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_items(items: Any) -> list[dict]:
    """Checklist items as [{code, text, points, rule}]: every problem named by its row (第 n 条)."""
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": [_("检查表至少要有一个条目。")]})
    errors: list[str] = []
    out: list[dict] = []
    seen: set[str] = set()
    for n, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            errors.append(_("第 %(n)s 条：格式不正确。") % {"n": n})
            continue
        code = str(raw.get("code") or "").strip()
        text = str(raw.get("text") or "").strip()
        rule = str(raw.get("rule") or "").strip()
        row_errors: dict = {}
        points = decimal_or_error(raw.get("points"), "points", _("分值"), row_errors)
        problems = list(row_errors.get("points", []))
        if not code:
            problems.append(_("缺少条目编码"))
        elif len(code) > 32:
            problems.append(_("条目编码不能超过 32 个字符"))
        elif code in seen:
            problems.append(_("条目编码 %(code)s 重复") % {"code": code})
        if not text:
            problems.append(_("缺少检查内容"))
        if points is None and not problems:
            problems.append(_("缺少分值"))
        elif points is not None and (points <= 0 or points > POINTS_MAX):
            problems.append(_("分值必须大于 0 且不超过 %(max)s") % {"max": POINTS_MAX})
        elif points is not None and points != points.quantize(ONE_DP):
            problems.append(_("分值最多一位小数"))
        if len(rule) > 300:
            problems.append(_("扣分标准不能超过 300 个字符"))
        if problems:
            errors.append(_("第 %(n)s 条：%(problems)s。") % {"n": n, "problems": "；".join(str(p) for p in problems)})
            continue
        seen.add(code)
        out.append({"code": code, "text": text, "points": points, "rule": rule})
    if errors:
        raise ValidationError({"items": errors})
    return out


def _write_version(checklist: Checklist, items: list[dict], actor: Any, note: str) -> ChecklistVersion:
    number = (checklist.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=number, note=note[:200], created_by=_actor(actor),
        total_points=sum((i["points"] for i in items), Decimal(0)),
    )
    ChecklistItem.objects.bulk_create([
        ChecklistItem(version=version, code=i["code"], text=i["text"], points=i["points"], rule=i["rule"], order=n)
        for n, i in enumerate(items, start=1)
    ])
    checklist.current = version
    return version


# ---------------------------------------------------------------------------------------------- checklists
def checklist_create(
    *, institution: Any, code: str, name: str, items: Any, actor: Any, core_system: CoreSystem | None = None,
    area: str = "", for_records: bool = False, note: str = "",
) -> Checklist:
    if actor is not None and not permissions.can_manage_checklists(actor, institution.pk):
        raise PermissionDenied(_("只有医院质控办可以维护检查表。"))
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict = {}
    if not code:
        errors["code"] = [_("请填写检查表编码。")]
    elif len(code) > 32:
        errors["code"] = [_("编码不能超过 32 个字符。")]
    elif Checklist.objects.filter(institution=institution, code=code).exists():
        errors["code"] = [_("本院已有编码为 %(code)s 的检查表；修订请在该检查表中保存新版本。") % {"code": code}]
    if not name:
        errors["name"] = [_("请填写检查表名称。")]
    area = area or (Area.CORE_SYSTEM if core_system else Area.OTHER)
    if area not in Area.values:
        errors["area"] = [_("领域不正确。")]
    elif area == Area.CORE_SYSTEM and core_system is None:
        errors["core_system"] = [_("核心制度检查表须选择所属核心制度。")]
    try:
        cleaned = clean_items(items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        checklist = Checklist.objects.create(
            institution=institution, code=code, name=name[:100], area=area, core_system=core_system,
            for_records=for_records or area == Area.RECORDS and "评价" in name,
        )
        version = _write_version(checklist, cleaned, actor, note)
        checklist.save(update_fields=["current", "updated_at"])
        transition_record(obj=checklist, from_status="", to_status="", actor=actor, action="checklist.created",
                          data={"version": version.number, "total_points": str(version.total_points)})
    return checklist


def checklist_revise(*, checklist: Checklist, items: Any, actor: Any, name: str = "", note: str = "") -> ChecklistVersion:
    """A new version; inspections already made keep the version they were scored against."""
    if actor is not None and not permissions.can_manage_checklists(actor, checklist.institution_id):
        raise PermissionDenied(_("只有医院质控办可以维护检查表。"))
    cleaned = clean_items(items)
    with transaction.atomic():
        checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
        current = list(checklist.current.items.values("code", "text", "points", "rule")) if checklist.current is not None else []
        if name.strip():
            checklist.name = name.strip()[:100]
        if current == cleaned and checklist.current is not None:
            checklist.save(update_fields=["name", "updated_at"])
            return checklist.current
        version = _write_version(checklist, cleaned, actor, note)
        checklist.save(update_fields=["current", "name", "updated_at"])
        transition_record(obj=checklist, from_status="", to_status="", actor=actor, action="checklist.revised",
                          data={"version": version.number, "total_points": str(version.total_points)})
    return version


def checklists_import(*, institution: Any, data: bytes, actor: Any) -> dict:
    """Import an Excel workbook (inspections/excel.py layout): all or nothing; row-level errors otherwise.
    A code new to the hospital creates a checklist, a known code gets a new version when its items changed."""
    from inspections.excel import parse_workbook

    if not permissions.can_manage_checklists(actor, institution.pk):
        raise PermissionDenied(_("只有医院质控办可以维护检查表。"))
    parsed, errors = parse_workbook(data)
    existing = {c.code: c for c in Checklist.objects.filter(institution=institution, code__in=[p["code"] for p in parsed])}
    cores = {c.name: c for c in CoreSystem.objects.all()} | {c.code: c for c in CoreSystem.objects.all()}
    areas = {str(label): value for value, label in Area.choices} | {v: v for v in Area.values}
    for p in parsed:
        where = p["area"]
        p["core_system"] = (cores.get(where) or cores.get(where + "制度")) if where else None
        p["area_value"] = Area.CORE_SYSTEM if p["core_system"] else areas.get(where, Area.OTHER if not where else None)
        if p["area_value"] is None:
            errors.append({"row": p["row"], "message": _("“%(v)s”不是核心制度名称，也不是领域（院感、护理、药事、病历、其他）。") % {"v": where}})
    if errors:
        errors.sort(key=lambda e: e["row"])
        return {"created": [], "revised": [], "unchanged": [], "errors": errors}
    for p in parsed:  # already checked row by row: this only turns the points into Decimals
        p["items"] = clean_items(p["items"])
    created: list[str] = []
    revised: list[str] = []
    unchanged: list[str] = []
    with transaction.atomic():
        for p in parsed:
            if p["code"] in existing:
                c = existing[p["code"]]
                before = c.current_id
                checklist_revise(checklist=c, items=p["items"], actor=actor, name=p["name"], note=_("Excel 导入"))
                c.refresh_from_db()
                (revised if c.current_id != before else unchanged).append(c.code)
            else:
                checklist_create(institution=institution, code=p["code"], name=p["name"] or p["code"], items=p["items"],
                                 actor=actor, core_system=p["core_system"], area=p["area_value"], note=_("Excel 导入"))
                created.append(p["code"])
    return {"created": created, "revised": revised, "unchanged": unchanged, "errors": []}


# ---------------------------------------------------------------------------------------------------- plan
def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _plan_url(p: PlannedCheck) -> str:
    return reverse("inspections:plan") + f"?year={p.year}"


def plan_add(
    *, institution: Any, year: int, month: int, checklist: Checklist, departments: Iterable[Any], kind: str,
    tier: str, actor: Any, inspector: Any = None, inspecting_department: Any = None, due_on: dt.date | None = None,
) -> list[PlannedCheck]:
    """One planned check per department; each is a Deadline the daily pass reminds of until it is done."""
    if actor is not None and not permissions.is_office(actor, institution.pk):
        raise PermissionDenied(_("只有医院质控办可以制定检查计划。"))
    departments = list(departments)
    errors: dict = {}
    if not 1 <= int(month) <= 12:
        errors["month"] = [_("月份应为 1–12。")]
    if checklist.institution_id != institution.pk:
        errors["checklist"] = [_("检查表不属于该医疗机构。")]
    if kind not in Kind.values:
        errors["kind"] = [_("检查方式不正确。")]
    if tier not in Tier.values:
        errors["tier"] = [_("检查层级不正确。")]
    if not departments:
        errors["departments"] = [_("请至少选择一个受检科室。")]
    if any(d.institution_id != institution.pk for d in departments):
        errors["departments"] = [_("受检科室不属于该医疗机构。")]
    if errors:
        raise ValidationError(errors)
    due_on = due_on or _month_end(int(year), int(month))
    out = []
    with transaction.atomic():
        for d in departments:
            p = PlannedCheck.objects.create(
                institution=institution, year=year, month=month, checklist=checklist, department=d, kind=kind,
                tier=tier, inspector=inspector, inspecting_department=inspecting_department, due_on=due_on,
            )
            responsible = inspector or (d.head if tier == Tier.DEPARTMENT else None)
            deadline_open(
                obj=p, rule=PLANNED_RULE, article=PLAN_ARTICLE, due_on=due_on, institution=institution,
                department=d, responsible=responsible, url=_plan_url(p),
                label=_("计划检查：%(checklist)s · %(dept)s（%(tier)s）") % {
                    "checklist": checklist.name, "dept": d.name, "tier": Tier(tier).label},
            )
            transition_record(obj=p, from_status="", to_status="", actor=actor, action="plan.added",
                              data={"checklist": checklist.code, "department": d.code, "due_on": str(due_on)})
            out.append(p)
    return out


def plan_cancel(*, planned: PlannedCheck, actor: Any, reason: str) -> PlannedCheck:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写取消原因。")]})
    if not permissions.is_office(actor, planned.institution_id):
        raise PermissionDenied(_("只有医院质控办可以调整检查计划。"))
    with transaction.atomic():
        p = PlannedCheck.objects.select_for_update().get(pk=planned.pk)
        if p.inspection_id:
            raise ValidationError({"reason": [_("该计划检查已实施，不能取消。")]})
        p.cancelled = True
        p.save(update_fields=["cancelled", "updated_at"])
        transition_record(obj=p, from_status="", to_status="", actor=actor, action="plan.cancelled", reason=reason.strip())
        deadline_close(obj=p, rule=PLANNED_RULE)
    return p


# ---------------------------------------------------------------------------------------------- inspections
def _inspection_url(i: Inspection) -> str:
    return reverse("inspections:detail", args=[i.pk])


def inspection_create(
    *, institution: Any, checklist: Checklist, kind: str, tier: str, inspected_on: dt.date, actor: Any,
    department: Any = None, inspector: Any = None, planned: PlannedCheck | None = None,
) -> Inspection:
    errors: dict = {}
    if checklist.institution_id != institution.pk or checklist.current_id is None:
        errors["checklist"] = [_("检查表不属于该医疗机构。")]
    if department is not None and department.institution_id != institution.pk:
        errors["department"] = [_("受检科室不属于该医疗机构。")]
    if kind not in Kind.values:
        errors["kind"] = [_("检查方式应为 regular（定期）、focused（重点）或 random（不定期抽查）。")]
    if tier not in Tier.values:
        errors["tier"] = [_("检查层级应为 hospital（院级督查）或 department（科级自查）。")]
    elif tier == Tier.DEPARTMENT and department is None:
        errors["department"] = [_("科级自查须指明科室。")]
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = [_("检查日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    if not permissions.can_start(actor, institution_id=institution.pk, tier=tier,
                                 department_id=department.pk if department else None):
        raise PermissionDenied(_("院级督查由医院质控办组织；科级自查由本科室主任或质控员开展。"))
    with transaction.atomic():
        if planned is None and department is not None:
            # The plan's open line for this checklist and department, the nearest due first (the same month
            # before a later one).
            open_lines = PlannedCheck.objects.select_for_update().filter(
                institution=institution, checklist=checklist, department=department, tier=tier,
                year=inspected_on.year, inspection__isnull=True, cancelled=False,
            )
            planned = open_lines.filter(month=inspected_on.month).first() or open_lines.order_by("due_on").first()
        version = checklist.current
        assert version is not None  # checklist_create writes the first version
        insp = Inspection.objects.create(
            institution=institution, department=department, checklist=checklist, version=version, kind=kind,
            tier=tier, inspected_on=inspected_on, inspector=inspector or _actor(actor), created_by=_actor(actor),
            total_points=version.total_points, score=version.total_points,
        )
        if planned is not None:
            planned.inspection = insp
            planned.save(update_fields=["inspection", "updated_at"])
        transition(insp, None, table=TRANSITIONS, actor=actor, action="inspection.created",
                   data={"checklist": checklist.code, "version": version.number, "planned": planned.pk if planned else None})
    return insp


def _lock(insp: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related(
        "institution", "department", "checklist", "version").get(pk=insp.pk)


def _check_open(insp: Inspection, actor: Any) -> None:
    if not permissions.can_enter(actor, insp):
        raise PermissionDenied(_("只有检查人或医院质控办可以录入检查结果。"))
    if insp.status != Status.OPEN:
        raise ValidationError({"non_field_errors": [_("检查已%(status)s，不能再修改结果。") % {"status": insp.get_status_display()}]})


def _clean_cases(raw: Any, n: int, errors: list) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = list(raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(","))
    if not isinstance(raw, list) or any(not isinstance(c, (str, int)) or isinstance(c, bool) for c in raw):
        errors.append(_("第 %(n)s 项：抽查病历号应为病历号列表。") % {"n": n})
        return []
    cases = [str(c).strip() for c in raw if str(c).strip()]
    if any(len(c) > 40 for c in cases):
        errors.append(_("第 %(n)s 项：病历号不能超过 40 个字符。") % {"n": n})
    return cases[:200]


def inspection_results_record(*, inspection: Inspection, actor: Any, results: Any) -> Inspection:
    """Record (or correct) the results of some items; the score is the total points less all deductions.
    A deduction above its item's points is refused: deductions stop at the item's points (扣完为止)."""
    if not isinstance(results, list) or not results:
        raise ValidationError({"non_field_errors": [_("请提交检查结果列表：[{item, deducted, finding, cases}]。")]})
    with transaction.atomic():
        insp = _lock(inspection)
        _check_open(insp, actor)
        items = {i.code: i for i in insp.version.items.all()}
        errors: list[str] = []
        clean: list[tuple[ChecklistItem, Decimal, str, list[str]]] = []
        seen: set[str] = set()
        for n, raw in enumerate(results, start=1):
            if not isinstance(raw, dict):
                errors.append(_("第 %(n)s 项：格式不正确。") % {"n": n})
                continue
            code = str(raw.get("item") or "").strip()
            item = items.get(code)
            if item is None:
                errors.append(_("第 %(n)s 项：检查表（第 %(v)s 版）中没有条目“%(code)s”。") % {"n": n, "v": insp.version.number, "code": code})
                continue
            if code in seen:
                errors.append(_("第 %(n)s 项：条目 %(code)s 重复提交。") % {"n": n, "code": code})
                continue
            seen.add(code)
            e: dict = {}
            deducted = decimal_or_error(raw.get("deducted", 0), "deducted", _("扣分"), e)
            if e:
                errors.append(_("第 %(n)s 项：扣分必须是数字。") % {"n": n})
                continue
            deducted = deducted or Decimal(0)
            finding = str(raw.get("finding") or "").strip()
            if deducted < 0:
                errors.append(_("第 %(n)s 项：扣分不能为负数。") % {"n": n})
            elif deducted > item.points:
                errors.append(
                    _("条目 %(code)s 扣 %(d)s 分，超过该条分值 %(p)s 分：扣分以该条分值为限（扣完为止）。")
                    % {"code": code, "d": deducted.normalize(), "p": item.points.normalize()}
                )
            elif deducted != deducted.quantize(ONE_DP):
                errors.append(_("第 %(n)s 项：扣分最多一位小数。") % {"n": n})
            elif deducted > 0 and not finding:
                errors.append(_("条目 %(code)s 有扣分，请写明存在的问题。") % {"code": code})
            cases = _clean_cases(raw.get("cases"), n, errors)
            clean.append((item, deducted, finding[:5000], cases))
        if errors:
            raise ValidationError({"results": errors})
        existing = {r.item_id: r for r in insp.results.all()}
        for item, deducted, finding, cases in clean:
            r = existing.get(item.pk)
            if r is None:
                InspectionResult.objects.create(inspection=insp, item=item, deducted=deducted, finding=finding,
                                                cases=cases, recorded_by=_actor(actor))
            else:
                r.deducted, r.finding, r.cases, r.recorded_by = deducted, finding, cases, _actor(actor)
                r.save(update_fields=["deducted", "finding", "cases", "recorded_by", "updated_at"])
        total_deducted = sum((r.deducted for r in InspectionResult.objects.filter(inspection=insp)), Decimal(0))
        insp.score = max(insp.total_points - total_deducted, Decimal(0))
        transition(insp, None, table=TRANSITIONS, actor=actor, action="inspection.results_recorded", fields=("score",),
                   data={"items": [c[0].code for c in clean], "score": str(insp.score)})
    return insp


def inspection_photo_add(*, result: InspectionResult, actor: Any, name: str, content_type: str, data: bytes) -> InspectionPhoto:
    with transaction.atomic():
        insp = _lock(result.inspection)
        _check_open(insp, actor)
        photo = InspectionPhoto(result=result, name=name[:200], content_type=content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), uploaded_by=_actor(actor))
        photo.file.save(name, ContentFile(data), save=False)
        photo.save()
        transition(insp, None, table=TRANSITIONS, actor=actor, action="inspection.photo_added",
                   data={"item": result.item.code, "photo": photo.pk, "sha256": photo.sha256})
    return photo


def repeat_key(checklist: Checklist, item: ChecklistItem, department: Any) -> str:
    """One problem across versions and checks: the checklist's code, the item's code and the department."""
    return f"checklist:{checklist.code}/item:{item.code}/department:{department.pk if department else '-'}"


def inspection_complete(*, inspection: Inspection, actor: Any, due_on: dt.date | None, summary: str = "") -> Inspection:
    """Every result with a deduction becomes a rectification for the department (owner: its head; verifier:
    the inspector), with its Deadline row; a finding the same item had at an earlier check is a repeat."""
    with transaction.atomic():
        insp = _lock(inspection)
        _check_open(insp, actor)
        findings = list(insp.results.filter(deducted__gt=0).select_related("item"))
        if findings and due_on is None:
            raise ValidationError({"due_on": [_("有扣分项，请填写整改期限。")]})
        if due_on is not None and due_on < insp.inspected_on:
            raise ValidationError({"due_on": [_("整改期限不能早于检查日期。")]})
        verifier = insp.inspector or _actor(actor)
        label = _("%(checklist)s（%(tier)s，%(date)s）") % {
            "checklist": insp.checklist.name, "tier": insp.get_tier_display(), "date": insp.inspected_on.isoformat()}
        for r in findings:
            assert due_on is not None  # refused above when there are findings
            cases = "；".join(r.cases)
            problem = _("【%(code)s】%(text)s——%(finding)s（扣 %(d)s 分%(cases)s）") % {
                "code": r.item.code, "text": r.item.text, "finding": r.finding, "d": r.deducted.normalize(),
                "cases": (_("；抽查病历：%(c)s") % {"c": cases}) if cases else "",
            }
            rect = rectification_open(
                institution=insp.institution, department=insp.department, source_kind=Source.INSPECTION,
                source_id=insp.pk, source_label=label, source_url=_inspection_url(insp), problem=problem,
                requirement=r.item.rule, due_on=due_on, verifier=verifier,
                repeat_key=repeat_key(insp.checklist, r.item, insp.department), actor=actor,
            )
            r.rectification, r.repeat = rect, rect.repeat_of_id is not None
            r.save(update_fields=["rectification", "repeat", "updated_at"])
        insp.due_on, insp.summary, insp.completed_at = due_on, (summary or "").strip(), timezone.now()
        transition(insp, Status.COMPLETED, table=TRANSITIONS, actor=actor, action="inspection.completed",
                   fields=("due_on", "summary", "completed_at"),
                   data={"score": str(insp.score), "rectifications": len(findings),
                         "repeats": sum(1 for r in findings if r.repeat)})
        planned = PlannedCheck.objects.filter(inspection=insp).first()
        if planned is not None:
            deadline_close(obj=planned, rule=PLANNED_RULE)
    return insp


def inspection_cancel(*, inspection: Inspection, actor: Any, reason: str) -> Inspection:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写撤销原因。")]})
    with transaction.atomic():
        insp = _lock(inspection)
        _check_open(insp, actor)
        transition(insp, Status.CANCELLED, table=TRANSITIONS, actor=actor, action="inspection.cancelled", reason=reason.strip())
        PlannedCheck.objects.filter(inspection=insp).update(inspection=None)
    return insp


# -------------------------------------------------------------------------------------------- record reviews
def thresholds_for(institution: Any) -> tuple[Decimal, Decimal]:
    row = GradeThresholds.objects.filter(institution=institution).first()
    return (row.grade_a_min, row.grade_b_min) if row else (DEFAULT_A, DEFAULT_B)


def grade_for(score: Decimal, thresholds: tuple[Decimal, Decimal]) -> str:
    a_min, b_min = thresholds
    if score >= a_min:
        return Grade.A
    if score >= b_min:
        return Grade.B
    return Grade.C


def grade_thresholds_set(*, institution: Any, actor: Any, grade_a_min: Decimal, grade_b_min: Decimal) -> GradeThresholds:
    if not permissions.is_office(actor, institution.pk):
        raise PermissionDenied(_("只有医院质控办可以设定病历等级标准。"))
    if not (Decimal(0) < grade_b_min < grade_a_min <= Decimal(100)):
        raise ValidationError({"grade_a_min": [_("应满足 0 < 乙级最低分 < 甲级最低分 ≤ 100。")]})
    row, _created = GradeThresholds.objects.update_or_create(
        institution=institution, defaults={"grade_a_min": grade_a_min, "grade_b_min": grade_b_min})
    return row


def record_review_create(
    *, institution: Any, department: Any, record_number: str, physician: Any, actor: Any,
    discharged_on: dt.date | None = None, kind: str = ReviewKind.FINAL, score: Any = None,
    deductions: Any = None, defects: Any = None, note: str = "", reviewed_on: dt.date | None = None,
    checklist: Checklist | None = None, due_on: dt.date | None = None,
) -> RecordReview:
    """One record's review. With item deductions from the hospital's 病历质量评价 checklist the score is the
    checklist's points less them, on a scale of 100; otherwise the score is given. Grade by the hospital's
    thresholds. Flagged defects (or a 丙级 record) become a rectification for the physician's department."""
    errors: dict = {}
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    record_number = (record_number or "").strip()
    if not record_number:
        errors["record_number"] = [_("请填写病案号。")]
    elif len(record_number) > 40:
        errors["record_number"] = [_("病案号不能超过 40 个字符。")]
    if department is None or department.institution_id != institution.pk:
        errors["department"] = [_("科室不属于该医疗机构。")]
    if physician is None or physician.institution_id != institution.pk:
        errors["physician"] = [_("经治医师不是该医疗机构的人员（按工号）。")]
    if kind not in ReviewKind.values:
        errors["kind"] = [_("类别应为 running（运行病历）或 final（终末病历）。")]
    if discharged_on is not None and discharged_on > today:
        errors["discharged_on"] = [_("出院日期不能晚于今天。")]
    if kind == ReviewKind.FINAL and discharged_on is None:
        errors["discharged_on"] = [_("终末病历须填写出院日期。")]
    defects = list(dict.fromkeys(defects or []))
    bad = [d for d in defects if d not in Defect.values]
    if bad:
        errors["defects"] = [_("未知的缺陷类别：%(d)s。") % {"d": "、".join(map(str, bad))}]
    if not permissions.can_review_records(actor, institution.pk, department.pk if department else None):
        raise PermissionDenied(_("病历质控评价由医院质控办（病案质控）或本科室质控小组进行。"))
    version = None
    lines: list[tuple[ChecklistItem, Decimal, str]] = []
    if deductions:
        checklist = checklist or Checklist.objects.filter(institution=institution, for_records=True, is_active=True).first()
        if checklist is None or checklist.institution_id != institution.pk:
            errors["deductions"] = [_("本院尚无病历质量评价检查表。")]
        else:
            version = checklist.current
            assert version is not None  # checklist_create writes the first version
            items = {i.code: i for i in version.items.all()}
            msgs: list[str] = []
            for n, raw in enumerate(deductions if isinstance(deductions, list) else [None], start=1):
                if not isinstance(raw, dict) or str(raw.get("item") or "") not in items:
                    msgs.append(_("第 %(n)s 项：评价表中没有该条目。") % {"n": n})
                    continue
                item = items[str(raw["item"])]
                e: dict = {}
                d = decimal_or_error(raw.get("deducted"), "d", _("扣分"), e) or Decimal(0)
                if e or d < 0:
                    msgs.append(_("第 %(n)s 项：扣分必须是非负数。") % {"n": n})
                elif d > item.points:
                    msgs.append(_("条目 %(code)s 扣 %(d)s 分，超过该条分值 %(p)s 分（扣完为止）。")
                                % {"code": item.code, "d": d.normalize(), "p": item.points.normalize()})
                elif d > 0:
                    lines.append((item, d, str(raw.get("finding") or "").strip()[:300]))
            if msgs:
                errors["deductions"] = msgs
    if not deductions:
        e2: dict = {}
        value = decimal_or_error(score, "score", _("得分"), e2)
        if e2:
            errors.update(e2)
        elif value is None:
            errors["score"] = [_("请填写得分（0–100），或按评价表逐项扣分。")]
        elif not (Decimal(0) <= value <= Decimal(100)):
            errors["score"] = [_("得分应在 0–100 之间。")]
        else:
            score = value.quantize(ONE_DP)
    if errors:
        raise ValidationError(errors)
    if version is not None:
        total = version.total_points
        lost = sum((d for _i, d, _f in lines), Decimal(0))
        score = (max(total - lost, Decimal(0)) * 100 / total).quantize(ONE_DP)
    grade = grade_for(score, thresholds_for(institution))
    with transaction.atomic():
        review = RecordReview.objects.create(
            institution=institution, department=department, kind=kind, record_number=record_number,
            physician=physician, discharged_on=discharged_on, reviewed_on=reviewed_on, version=version, score=score,
            grade=grade, defects=defects, note=(note or "").strip(), reviewer=_actor(actor),
        )
        RecordDeduction.objects.bulk_create([RecordDeduction(review=review, item=i, deducted=d, finding=f) for i, d, f in lines])
        transition(review, None, table={}, actor=actor, action="record_review.created", status_field="grade",
                   data={"score": str(score), "grade": grade, "defects": defects})
        if defects or grade == Grade.C:
            labels = dict(Defect.choices)
            parts = [str(labels[d]) for d in defects]
            parts += [f"{i.code} {f or i.text}（-{d.normalize()}）" for i, d, f in lines]
            problem = _("病历 %(no)s（%(kind)s，经治医师 %(doc)s）：%(what)s；得分 %(score)s，%(grade)s。") % {
                "no": record_number, "kind": review.get_kind_display(), "doc": str(physician),
                "what": "；".join(parts) or _("病历质量不合格"), "score": score.normalize(), "grade": review.get_grade_display()}
            rect = rectification_open(
                institution=institution, department=physician.department or department,
                source_kind=Source.RECORD_REVIEW, source_id=review.pk,
                source_label=_("病历质控 %(no)s") % {"no": record_number},
                source_url=reverse("inspections:record_detail", args=[review.pk]), problem=problem,
                requirement=_("科室组织病历书写规范学习，补正病历缺陷并由经治医师说明原因。"),
                due_on=due_on or max(reviewed_on, today) + dt.timedelta(days=RECORD_RECTIFY_DAYS),
                verifier=_actor(actor), repeat_key=f"record_review/physician:{physician.code}", actor=actor,
            )
            review.rectification = rect
            review.save(update_fields=["rectification", "updated_at"])
    return review
