"""Writes of the case pool and key-case reviews (Art. 36). Every step goes through `transition()`."""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from case_reviews import permissions
from case_reviews.models import Case, CaseReview, Finding, ReviewRound
from case_reviews.sampling import METHOD, draw_hospital, ordered_categories
from case_reviews.workflow import (
    ROUND_TRANSITIONS,
    TRANSITIONS,
    Category,
    Focus,
    RoundStatus,
    Severity,
    Status,
)
from organizations.models import Department
from qms.core.services import deadline_close, deadline_open
from qms.core.workflow import transition

ART36 = "第三十六条"
REVIEW_DUE_RULE = "case_review.due"
# Columns a pool row may never carry (no patient identity is stored).
FORBIDDEN_KEYS = frozenset({"name", "patient_name", "id_number", "id_card", "address", "phone",
                            "姓名", "患者姓名", "身份证号", "住址", "地址", "电话"})
POOL_FIELDS = ("department", "physician_code", "admitted_on", "discharged_on", "died", "died_on", "grade4_surgery",
               "restricted_technologies", "unplanned_reoperation", "discharge_against_advice", "malpractice",
               "total_cost")


# ------------------------------------------------------------------------------------------------ the pool
def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "是", "有"}:
        return True
    if text in {"0", "false", "no", "n", "否", "无"}:
        return False
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def case_row_clean(row: Any, departments: dict[str, Department]) -> tuple[dict, dict[str, list[str]]]:
    """One pool row (HIS JSON or an Excel line) → model values, or field errors. Never raises."""
    errors: dict[str, list[str]] = {}
    if not isinstance(row, dict):
        return {}, {"non_field_errors": [_("每一行须为一个 JSON 对象。")]}
    banned = sorted(k for k in row if str(k).strip().lower() in FORBIDDEN_KEYS)
    if banned:
        errors["non_field_errors"] = [_("病例库不保存患者姓名、身份证号、住址等身份信息：请删除 %(f)s。") % {"f": "、".join(banned)}]
    out: dict[str, Any] = {}
    record = str(row.get("record_number") or "").strip()
    if not record or len(record) > 40:
        errors["record_number"] = [_("请填写病案号（不超过 40 个字符）。")]
    out["record_number"] = record
    dept = departments.get(str(row.get("department") or "").strip())
    if dept is None:
        errors["department"] = [_("科室代码不存在于该医疗机构。")]
    out["department"] = dept
    out["physician_code"] = str(row.get("physician") or row.get("physician_code") or "").strip()[:32]
    for f in ("admitted_on", "discharged_on"):
        out[f] = _date(row.get(f))
        if out[f] is None:
            errors[f] = [_("日期格式应为 YYYY-MM-DD。")]
    for f in ("died", "grade4_surgery", "unplanned_reoperation", "discharge_against_advice", "malpractice"):
        out[f] = _bool(row.get(f))
        if out[f] is None:
            errors[f] = [_("应为是或否。")]
    out["died_on"] = _date(row.get("died_on")) if row.get("died_on") not in (None, "") else None
    if row.get("died_on") not in (None, "") and out["died_on"] is None:
        errors["died_on"] = [_("日期格式应为 YYYY-MM-DD。")]
    if out.get("died") and out["died_on"] is None:
        out["died_on"] = out.get("discharged_on")
    if not out.get("died"):
        out["died_on"] = None
    techs = row.get("restricted_technologies") or []
    if isinstance(techs, str):
        techs = [t.strip() for t in techs.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    if not isinstance(techs, list) or not all(isinstance(t, str) for t in techs):
        errors["restricted_technologies"] = [_("应为技术代码的列表。")]
        techs = []
    out["restricted_technologies"] = sorted(set(techs))
    try:
        cost = Decimal(str(row.get("total_cost")).replace(",", "")).quantize(Decimal("0.01"))
        if cost < 0 or cost >= Decimal("1e10"):
            raise InvalidOperation
        out["total_cost"] = cost
    except (InvalidOperation, ValueError, TypeError):
        errors["total_cost"] = [_("住院总费用应为不小于 0 的金额。")]
    a, d = out.get("admitted_on"), out.get("discharged_on")
    if a and d and d < a:
        errors["discharged_on"] = [_("出院日期不能早于入院日期。")]
    if d and d > timezone.localdate():
        errors["discharged_on"] = [_("出院日期不能晚于今天。")]
    if out.get("died_on") and a and out["died_on"] < a:
        errors["died_on"] = [_("死亡日期不能早于入院日期。")]
    return out, errors


def case_pool_upsert(*, institution: Any, rows: list, actor: Any, source: str = Case.Source.HIS) -> dict:
    """Idempotent by (hospital, record number): a row sent again unchanged changes nothing; a changed row
    updates the case. Bad rows are reported by row number and field; the good ones are kept."""
    from staff.models import Staff

    departments = {d.code: d for d in Department.objects.filter(institution=institution, is_active=True)}
    result: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0, "errors": []}
    if not isinstance(rows, list):
        raise ValidationError({"non_field_errors": [_("请提交病例列表。")]})
    if len(rows) > 5000:
        raise ValidationError({"non_field_errors": [_("每次最多提交 5000 条病例。")]})
    cleaned: dict[str, dict] = {}
    for index, row in enumerate(rows, start=1):
        values, errors = case_row_clean(row, departments)
        if errors:
            result["errors"].append({"row": index, "record_number": values.get("record_number", ""), "errors": errors})
        else:
            cleaned[values["record_number"]] = values
    staff = {s.code: s for s in Staff.objects.filter(
        institution=institution, code__in={v["physician_code"] for v in cleaned.values() if v["physician_code"]})}
    with transaction.atomic():
        existing = {c.record_number: c for c in Case.objects.select_for_update().filter(
            institution=institution, record_number__in=list(cleaned))}
        for record, values in cleaned.items():
            values["physician"] = staff.get(values["physician_code"])
            case = existing.get(record)
            if case is None:
                Case.objects.create(institution=institution, source=source, **values)
                result["created"] += 1
                continue
            changed = [f for f in (*POOL_FIELDS, "physician") if getattr(case, f) != values[f]]
            if not changed:
                result["unchanged"] += 1
                continue
            for f in changed:
                setattr(case, f, values[f])
            case.save(update_fields=[*changed, "updated_at"])
            result["updated"] += 1
    return result


EXCEL_COLUMNS = [
    ("record_number", "病案号"), ("department", "科室代码"), ("physician", "主治医师工号"),
    ("admitted_on", "入院日期"), ("discharged_on", "出院日期"), ("died", "死亡"), ("died_on", "死亡日期"),
    ("grade4_surgery", "四级手术"), ("restricted_technologies", "限制类技术"),
    ("unplanned_reoperation", "非计划再次手术"), ("discharge_against_advice", "非医嘱离院"),
    ("malpractice", "涉及医疗事故"), ("total_cost", "住院总费用"),
]


def case_pool_rows_from_xlsx(data: bytes) -> list[dict]:
    """The first sheet of an upload: a header row of the Chinese (or field) names, then one case per row."""
    from qms.uploads import workbook_rows

    # The caps of every import (rows, cell size, uncompressed size: issue 13 item 5) are checked there.
    lines = workbook_rows(data, not_workbook=_("无法读取该文件：请上传 .xlsx 格式的 Excel 文件。"))
    if not lines:
        raise ValidationError({"file": [_("文件为空。")]})
    names = {label: key for key, label in EXCEL_COLUMNS} | {key: key for key, _l in EXCEL_COLUMNS}
    header = [str(h or "").strip() for h in lines[0]]
    keys = [names.get(h, h) for h in header]
    if "record_number" not in keys:
        raise ValidationError({"file": [_("第一行须为表头，且包含“病案号”列。")]})
    rows = []
    for line in lines[1:]:
        if all(v in (None, "") for v in line):
            continue
        rows.append({k: v for k, v in zip(keys, line, strict=False) if k})
    return rows


def case_pool_import_xlsx(*, institution: Any, data: bytes, actor: Any) -> dict:
    rows = case_pool_rows_from_xlsx(data)
    result = case_pool_upsert(institution=institution, rows=rows, actor=actor, source=Case.Source.EXCEL)
    for e in result["errors"]:
        e["row"] += 1  # the sheet's own line number (after the header)
    return result


def case_death_discussion_record(*, case: Case, discussed_on: dt.date, note: str, actor: Any) -> Case:
    """The hospital's own 死亡病例讨论 (ZB12-3: within one week of death)."""
    if not case.died:
        raise ValidationError({"discussed_on": [_("只有死亡病例需要记录死亡病例讨论。")]})
    if case.institution_id not in permissions.office_institution_ids(actor) and not actor.is_superuser:
        raise PermissionDenied(_("只有本院质控办可以记录死亡病例讨论。"))
    if discussed_on > timezone.localdate():
        raise ValidationError({"discussed_on": [_("讨论日期不能晚于今天。")]})
    if case.died_on and discussed_on < case.died_on:
        raise ValidationError({"discussed_on": [_("讨论日期不能早于死亡日期。")]})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.death_discussed_on, case.death_discussion_note = discussed_on, (note or "").strip()
        case.save(update_fields=["death_discussed_on", "death_discussion_note", "updated_at"])
        from qms.core.services import transition_record

        transition_record(obj=case, from_status="", to_status="", actor=actor, action="case.death_discussed",
                          data={"discussed_on": str(discussed_on), "in_time": case.discussed_in_time},
                          institution=case.institution)
    return case


# ------------------------------------------------------------------------------------------------ rounds
def _review_url(review: CaseReview) -> str:
    return reverse("case_reviews:review", args=[review.pk])


def _clean_categories(categories: Any) -> list[str]:
    if not isinstance(categories, list | tuple) or not categories or any(c not in Category.values for c in categories):
        raise ValidationError({"categories": [_("请选择第三十六条所列的病例类别。")]})
    return ordered_categories(categories)


def _clean_focus(focus: Any) -> list[str]:
    if focus in (None, "", []):
        return list(Focus.values)
    if not isinstance(focus, list | tuple) or any(f not in Focus.values for f in focus):
        raise ValidationError({"focus": [_("评价重点须为第三十六条所列六个方面之一。")]})
    return [f for f in Focus.values if f in set(focus)]


def round_create(
    *, actor: Any, title: str, institutions: list, categories: list, period_start: dt.date, period_end: dt.date,
    sample_size: int, sample_sizes: dict | None = None, authority: Any = None, organiser_institution: Any = None,
    departments: list | None = None, high_cost_threshold: Decimal | None = None, due_on: dt.date | None = None,
) -> ReviewRound:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写批次名称。")]
    if period_end < period_start:
        errors["period_end"] = [_("截止日期不能早于起始日期。")]
    if sample_size < 1 or sample_size > 200:
        errors["sample_size"] = [_("每家医院每类抽取例数应在 1–200 之间。")]
    sizes = {}
    for code, n in (sample_sizes or {}).items():
        if not isinstance(n, int) or n < 0 or n > 200:
            errors["sample_sizes"] = [_("按医院指定的例数应在 0–200 之间。")]
        sizes[code] = n
    try:
        categories = _clean_categories(categories)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (authority is None) == (organiser_institution is None):
        errors["non_field_errors"] = [_("评价批次须由一个卫生健康行政部门或一家医院组织。")]
    if not institutions:
        errors["institutions"] = [_("请选择被评价的医院。")]
    scope_ok = all(permissions.can_organise_for(actor, i) for i in institutions)
    if organiser_institution is not None:
        scope_ok = scope_ok and organiser_institution.pk in permissions.office_institution_ids(actor) | (
            {organiser_institution.pk} if actor.is_superuser else set())
        if any(i.pk != organiser_institution.pk for i in institutions):
            errors["institutions"] = [_("医院组织的评价只能覆盖本院科室。")]
    if authority is not None:
        scope_ok = scope_ok and (actor.is_superuser or authority.pk in _own_authorities(actor))
    if not scope_ok:
        raise PermissionDenied(_("只能对本部门辖区内的医院（或本院科室）组织重点病例评价（第三十六条）。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rnd = ReviewRound.objects.create(
            title=title.strip(), authority=authority, institution=organiser_institution, categories=categories,
            period_start=period_start, period_end=period_end, sample_size=sample_size, sample_sizes=sizes,
            high_cost_threshold=high_cost_threshold if high_cost_threshold is not None else Decimal(100000),
            due_on=due_on, created_by=actor,
        )
        rnd.institutions.set(institutions)
        if departments:
            rnd.departments.set(departments)
        transition(rnd, None, table=ROUND_TRANSITIONS, actor=actor, action="case_round.created",
                   data={"categories": categories, "sample_size": sample_size, "sample_sizes": sizes})
    return rnd


def _own_authorities(user: Any) -> set[int]:
    from organizations.models import Membership

    return set(Membership.objects.filter(user=user, is_active=True, role=Membership.Role.OFFICIAL)
               .exclude(authority=None).values_list("authority_id", flat=True))


def round_candidates(rnd: ReviewRound, institution: Any) -> dict[str, list[str]]:
    """category -> record numbers of the hospital's pool cases of that category discharged in the period."""
    qs = Case.objects.filter(institution=institution, discharged_on__gte=rnd.period_start,
                             discharged_on__lte=rnd.period_end)
    dept_ids = [d.pk for d in rnd.departments.all()]
    if dept_ids:
        qs = qs.filter(department_id__in=dept_ids)
    out: dict[str, list[str]] = {c: [] for c in rnd.categories}
    for case in qs.only("record_number", "died", "grade4_surgery", "restricted_technologies", "unplanned_reoperation",
                        "discharge_against_advice", "malpractice", "total_cost"):
        for c in case.categories(rnd.high_cost_threshold):
            if c in out:
                out[c].append(case.record_number)
    return out


def round_draw(rnd: ReviewRound, seed: int) -> dict:
    """The whole draw for a seed (pure given the pool): what `round_sample` stores and `round_draw_check` redoes."""
    hospitals = {}
    for inst in rnd.institutions.order_by("code"):
        hospitals[inst.code] = draw_hospital(
            seed=seed, institution_code=inst.code, categories=rnd.categories, size=rnd.size_for(inst.code),
            candidates=round_candidates(rnd, inst),
        )
    return {"seed": seed, "method": METHOD, "hospitals": hospitals}


def round_sample(*, round: ReviewRound, actor: Any, seed: int | None = None) -> ReviewRound:
    """Draw the sample (Art. 36) once; the seed is stored so the draw can be redone and checked."""
    if not permissions.can_manage_round(actor, round):
        raise PermissionDenied(_("只有组织评价的部门或医院可以抽取病例。"))
    with transaction.atomic():
        rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
        if rnd.status != RoundStatus.DRAFT:
            raise ValidationError({"non_field_errors": [_("该批次已抽样：同一种子再次抽样结果相同，可在下方复核。")]})
        seed = seed if seed is not None else secrets.randbelow(2**31)
        draw = round_draw(rnd, seed)
        cases = {(c.institution.code, c.record_number): c for c in Case.objects.filter(
            institution__in=rnd.institutions.all(), record_number__in=[
                r for h in draw["hospitals"].values() for cat in h.values() for r in cat["drawn"]]
        ).select_related("institution")}
        institutions = {i.code: i for i in rnd.institutions.all()}
        for code, per_cat in draw["hospitals"].items():
            for category, d in per_cat.items():
                for record in d["drawn"]:
                    review = CaseReview.objects.create(
                        round=rnd, institution=institutions[code], authority=rnd.authority,
                        case=cases.get((code, record)), record_number=record, category=category,
                        focus=list(Focus.values), how=CaseReview.How.SAMPLED, created_by=actor,
                    )
                    transition(review, None, table=TRANSITIONS, actor=actor, action="case_review.added",
                               data={"how": "sampled", "round": rnd.pk}, institution=review.institution)
        rnd.seed, rnd.draw, rnd.sampled_at = seed, draw, timezone.now()
        transition(rnd, RoundStatus.SAMPLED, table=ROUND_TRANSITIONS, actor=actor, action="case_round.sampled",
                   fields=("seed", "draw", "sampled_at"),
                   data={"seed": seed, "drawn": sum(len(d["drawn"]) for h in draw["hospitals"].values() for d in h.values())})
    return rnd


def round_draw_check(rnd: ReviewRound) -> bool:
    """Redo the draw with the stored seed: the same sample means the pool it was drawn from is unchanged."""
    if rnd.seed is None:
        return False
    again = round_draw(rnd, rnd.seed)
    return again["hospitals"] == rnd.draw.get("hospitals")


def round_close(*, round: ReviewRound, actor: Any) -> ReviewRound:
    if not permissions.can_manage_round(actor, round):
        raise PermissionDenied(_("只有组织评价的部门或医院可以结束批次。"))
    with transaction.atomic():
        rnd = ReviewRound.objects.select_for_update().get(pk=round.pk)
        # a round is closed once every case in it is reviewed (or withdrawn): none is left behind unreviewed
        open_reviews = rnd.reviews.exclude(status__in=(Status.SUBMITTED, Status.WITHDRAWN)).count()
        if open_reviews:
            raise ValidationError({"non_field_errors": [
                _("还有 %(n)s 例未完成评价，不能结束批次。") % {"n": open_reviews}]})
        transition(rnd, RoundStatus.CLOSED, table=ROUND_TRANSITIONS, actor=actor, action="case_round.closed")
    return rnd


# ------------------------------------------------------------------------------------------------ reviews
def review_add(
    *, actor: Any, institution: Any, category: str, record_number: str, focus: Any = None, round: Any = None,
    reason: str = "",
) -> CaseReview:
    """A case added by hand (a death the authority heard of), into a round or on its own."""
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("病例类别须为第三十六条所列之一。")]
    record_number = (record_number or "").strip()
    if not record_number or len(record_number) > 40:
        errors["record_number"] = [_("请填写病案号（不超过 40 个字符）。")]
    try:
        focus = _clean_focus(focus)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if round is not None:
        if not permissions.can_manage_round(actor, round):
            raise PermissionDenied(_("只有组织评价的部门或医院可以加入病例。"))
        if round.status == RoundStatus.CLOSED:
            errors["non_field_errors"] = [_("该批次已结束。")]
        if not round.institutions.filter(pk=institution.pk).exists():
            errors["institution"] = [_("该医院不在本批次评价范围内。")]
        authority = round.authority
    elif permissions.reviewing_authority(actor, institution) is not None:
        authority = permissions.reviewing_authority(actor, institution)
    elif institution.pk in permissions.office_institution_ids(actor):
        authority = None
    else:
        raise PermissionDenied(_("只能对本部门辖区内的医院（或本院）开展重点病例评价（第三十六条）。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = CaseReview.objects.create(
            round=round, institution=institution, authority=authority, record_number=record_number,
            case=Case.objects.filter(institution=institution, record_number=record_number).first(),
            category=category, focus=focus, how=CaseReview.How.MANUAL, reason=(reason or "")[:200], created_by=actor,
        )
        transition(review, None, table=TRANSITIONS, actor=actor, action="case_review.added",
                   data={"how": "manual", "reason": reason, "round": round.pk if round else None},
                   institution=institution)
    return review


def review_assign(*, review: CaseReview, reviewer: Any, actor: Any) -> CaseReview:
    """One reviewer per case, by object permission: the reviewer sees this case and nothing else."""
    if not permissions.can_manage_review(actor, review):
        raise PermissionDenied(_("只有组织评价的部门或医院可以分配评价专家。"))
    if reviewer is None or not reviewer.is_active:
        raise ValidationError({"reviewer": [_("请选择评价专家。")]})
    with transaction.atomic():
        r = CaseReview.objects.select_for_update().get(pk=review.pk)
        previous = r.reviewer
        if previous is not None and previous.pk != reviewer.pk:
            remove_perm(permissions.REVIEW_PERM, previous, r)
        assign_perm(permissions.REVIEW_PERM, reviewer, r)
        r.reviewer = reviewer
        transition(r, Status.ASSIGNED, table=TRANSITIONS, actor=actor, action="case_review.assigned",
                   fields=("reviewer",), data={"reviewer": reviewer.username,
                                               "previous": previous.username if previous else None},
                   institution=r.institution)
        due = r.round.due_on if r.round is not None and r.round.due_on else None
        if due is not None:
            deadline_open(obj=r, rule=REVIEW_DUE_RULE, label=_("重点病例评价：%(r)s") % {"r": r.record_number},
                          article=ART36, due_on=max(due, timezone.localdate()), institution=r.institution,
                          authority=r.authority, responsible=reviewer, url=_review_url(r))
    return r


def _findings_clean(findings: Any, focus: list[str]) -> tuple[list[dict], dict[str, list[str]]]:
    rows, errors = [], {}
    for f in findings or []:
        area, text, severity = f.get("focus"), (f.get("text") or "").strip(), f.get("severity") or ""
        if not text and not severity:
            continue
        if area not in focus:
            errors["findings"] = [_("评价重点须为本病例的评价范围之一。")]
        elif not text:
            errors[f"{area}_text"] = [_("请写明存在的问题。")]
        elif severity not in Severity.values:
            errors[f"{area}_severity"] = [_("请选择严重程度。")]
        else:
            rows.append({"focus": area, "text": text, "severity": severity})
    return rows, errors


def review_save(*, review: CaseReview, actor: Any, findings: list[dict], conclusion: str = "") -> CaseReview:
    """Save the form (the six focus areas, each with findings and a severity) without submitting."""
    if not permissions.is_reviewer(actor, review):
        raise PermissionDenied(_("只有分配的评价专家可以填写评价。"))
    rows, errors = _findings_clean(findings, review.focus)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        r = CaseReview.objects.select_for_update().get(pk=review.pk)
        if r.status != Status.ASSIGNED:
            raise ValidationError({"non_field_errors": [_("该评价已提交，不能修改。")]})
        r.findings.exclude(focus__in=[x["focus"] for x in rows]).delete()
        for x in rows:
            Finding.objects.update_or_create(review=r, focus=x["focus"], defaults={"text": x["text"], "severity": x["severity"]})
        r.conclusion = (conclusion or "").strip()
        transition(r, None, table=TRANSITIONS, actor=actor, action="case_review.saved", fields=("conclusion",),
                   data={"findings": len(rows)}, institution=r.institution)
    return r


def review_submit(*, review: CaseReview, actor: Any, due_on: dt.date | None = None) -> CaseReview:
    """Submit: every finding becomes a rectification for the hospital (source case_review), demanded by the
    reviewing authority (or, for the hospital's own review, by its quality office)."""
    from rectifications.services import rectification_open

    if not permissions.is_reviewer(actor, review):
        raise PermissionDenied(_("只有分配的评价专家可以提交评价。"))
    due_on = due_on or timezone.localdate() + dt.timedelta(days=30)
    with transaction.atomic():
        r = CaseReview.objects.select_for_update(of=("self",)).select_related("case", "institution", "authority").get(pk=review.pk)
        if r.status != Status.ASSIGNED:
            raise ValidationError({"non_field_errors": [_("该评价已提交。")]})
        if not r.conclusion and not r.findings.exists():
            raise ValidationError({"conclusion": [_("请填写总体评价或至少一项问题。")]})
        label = _("重点病例评价 %(r)s（%(c)s）") % {"r": r.record_number, "c": r.get_category_display()}
        department = r.case.department if r.case is not None else None
        for f in r.findings.all():
            rect = rectification_open(
                institution=r.institution, department=department, source_kind="case_review", source_id=r.pk,
                source_label=label, source_url=_review_url(r),
                problem=f"【{f.get_focus_display()}·{f.get_severity_display()}】{f.text}",
                requirement=_("针对重点病例评价发现的问题制定整改措施并落实（第三十六条）。"), due_on=due_on,
                authority=r.authority, actor=actor,
                repeat_key=f"case_review:{r.category}:{f.focus}:department:{department.pk if department else 0}",
            )
            f.rectification = rect
            f.save(update_fields=["rectification", "updated_at"])
        r.submitted_at = timezone.now()
        transition(r, Status.SUBMITTED, table=TRANSITIONS, actor=actor, action="case_review.submitted",
                   fields=("submitted_at",), data={"findings": r.findings.count(), "due_on": str(due_on)},
                   institution=r.institution)
        deadline_close(obj=r, rule=REVIEW_DUE_RULE)
    return r


def review_interview_trigger(*, review: CaseReview, actor: Any) -> Any:
    """A serious finding is Art. 45 (四) ground: start the 约谈 with the review as its basis. The organiser's
    head still approves it (Art. 46) in the interviews app."""
    from interviews.permissions import can_trigger, organiser_for
    from interviews.services import interview_trigger

    with transaction.atomic():
        r = CaseReview.objects.select_for_update(of=("self",)).select_related("institution", "case").get(pk=review.pk)
        internal = r.authority_id is None
        if not can_trigger(actor, r.institution, internal=internal):
            raise PermissionDenied(_("只有负责该医疗机构登记、校验的卫生健康行政部门可以启动约谈（第四十四条）。"))
        if r.status != Status.SUBMITTED:
            raise ValidationError({"non_field_errors": [_("评价提交后才能依评价结果启动约谈。")]})
        serious = [f for f in r.findings.all() if f.severity == Severity.SERIOUS]
        if not serious:
            raise ValidationError({"non_field_errors": [_("只有严重问题可以作为第四十五条（四）的约谈情形。")]})
        if r.interview_id:
            raise ValidationError({"non_field_errors": [_("已依该评价启动约谈。")]})
        problems = _("重点病例评价（病案号 %(r)s，%(c)s）发现严重医疗质量安全问题：") % {
            "r": r.record_number, "c": r.get_category_display()} + "；".join(
            f"{f.get_focus_display()}：{f.text}" for f in serious)
        interview = interview_trigger(
            institution=r.institution, ground=4, trigger_date=timezone.localdate(), problems=problems, actor=actor,
            internal=internal, organiser=None if internal else organiser_for(actor, r.institution),
            department=r.case.department if r.case is not None else None,
        )
        r.interview = interview
        transition(r, None, table=TRANSITIONS, actor=actor, action="case_review.interview_triggered",
                   fields=("interview",), data={"interview": interview.pk, "ground": 4}, institution=r.institution)
    return interview
