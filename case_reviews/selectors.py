"""Reads of the case pool and the reviews, scoped to the caller; every read of case data is logged."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from case_reviews.models import Case, CaseAccess, CaseReview, Finding, ReviewRound
from case_reviews.permissions import REVIEW_PERM, office_institution_ids
from case_reviews.workflow import Severity, Status
from organizations.selectors import get_scope, scope_q


def visible_cases(user: Any) -> QuerySet[Case]:
    """The pool: the hospital's own users (by department for department staff) and officials over it."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(scope_q(user)).select_related("institution", "department", "physician")


def case_access_log(*, user: Any, cases: Any, action: str, path: str = "") -> None:
    """One row per read (a page, an API answer, an export) naming the cases read."""
    cases = list(cases)
    if not cases:
        return
    CaseAccess.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None, action=action,
        institution_id=cases[0].institution_id, case=cases[0] if len(cases) == 1 else None, count=len(cases),
        record_numbers=[c.record_number for c in cases[:500]], path=path[:300],
    )


def visible_rounds(user: Any) -> QuerySet[ReviewRound]:
    if not getattr(user, "is_authenticated", False):
        return ReviewRound.objects.none()
    scope = get_scope(user)
    qs = ReviewRound.objects.select_related("authority", "institution")
    if scope.superuser:
        return qs
    q = Q(authority_id__in=scope.authority_ids) | Q(institution_id__in=office_institution_ids(user))
    return qs.filter(q)


def review_scope_q(user: Any) -> Q:
    scope = get_scope(user)
    if scope.superuser:
        return Q()
    offices = office_institution_ids(user)
    granted = get_objects_for_user(user, REVIEW_PERM, klass=CaseReview, with_superuser=False, accept_global_perms=False)
    return (
        Q(authority_id__in=scope.authority_ids)
        | Q(authority__isnull=True, institution_id__in=offices)
        # the reviewed hospital sees the results once submitted
        | Q(institution_id__in=offices, status=Status.SUBMITTED)
        | Q(pk__in=granted.values("pk"))
    )


def visible_reviews(user: Any) -> QuerySet[CaseReview]:
    if not getattr(user, "is_authenticated", False):
        return CaseReview.objects.none()
    return CaseReview.objects.filter(review_scope_q(user)).select_related(
        "institution", "round", "reviewer", "case", "case__department", "authority", "interview"
    )


def assigned_reviews(user: Any) -> QuerySet[CaseReview]:
    """A reviewer's own work list: the cases assigned to them, nothing else."""
    granted = get_objects_for_user(user, REVIEW_PERM, klass=CaseReview, with_superuser=False, accept_global_perms=False)
    return CaseReview.objects.filter(pk__in=granted.values("pk"), reviewer=user).select_related(
        "institution", "round", "case"
    ).order_by("status", "id")


def results_by_hospital_category(reviews: QuerySet[CaseReview]) -> list[dict]:
    """Per hospital and category: cases reviewed, submitted, findings, serious findings."""
    rows: dict[tuple, dict] = {}
    for r in reviews.values("institution__code", "institution__name", "category", "status").annotate(n=Count("id")):
        key = (r["institution__code"], r["category"])
        row = rows.setdefault(key, {"institution": r["institution__name"], "code": r["institution__code"],
                                    "category": r["category"], "cases": 0, "submitted": 0, "findings": 0, "serious": 0})
        row["cases"] += r["n"]
        if r["status"] == Status.SUBMITTED:
            row["submitted"] += r["n"]
    findings = Finding.objects.filter(review__in=reviews.values("pk")).values(
        "review__institution__code", "review__category", "severity").annotate(n=Count("id"))
    for f in findings:
        hit = rows.get((f["review__institution__code"], f["review__category"]))
        if hit is not None:
            hit["findings"] += f["n"]
            if f["severity"] == Severity.SERIOUS:
                hit["serious"] += f["n"]
    return [rows[k] for k in sorted(rows)]


def death_discussion_figures(*, institution: Any, period: dt.date, department: Any = None) -> tuple[int, int] | None:
    """ZB12-3 死亡病例讨论及时完成率: numerator the month's deaths (by date of death) whose 死亡病例讨论 was
    held within one week (0–7 calendar days after death); denominator the month's deaths in the pool."""
    start = period.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    qs = Case.objects.filter(institution=institution, died=True, died_on__gte=start, died_on__lt=end)
    if department is not None:
        qs = qs.filter(department=department)
    deaths = list(qs.only("died", "died_on", "death_discussed_on"))
    if not deaths:
        return None
    return sum(1 for c in deaths if c.discussed_in_time), len(deaths)


def physician_dossier(*, staff: Any, item: Any = None, since: Any = None, until: Any = None) -> list[dict]:
    """Volumes and outcomes of one physician (by staff code) for the credentialing review's dossier."""
    qs = Case.objects.filter(institution_id=staff.institution_id, physician_code=staff.code)
    if since:
        qs = qs.filter(discharged_on__gte=since)
    if until:
        qs = qs.filter(discharged_on__lte=until)
    counts = qs.aggregate(
        total=Count("id"), deaths=Count("id", filter=Q(died=True)), grade4=Count("id", filter=Q(grade4_surgery=True)),
        reop=Count("id", filter=Q(unplanned_reoperation=True)), ama=Count("id", filter=Q(discharge_against_advice=True)),
    )
    span = f"{since or '—'} ~ {until or '—'}"
    lines = [
        {"label": "病例库出院病例（主治）", "value": counts["total"], "detail": span, "url": ""},
        {"label": "其中死亡", "value": counts["deaths"], "detail": "", "url": ""},
        {"label": "其中四级手术", "value": counts["grade4"], "detail": "", "url": ""},
        {"label": "其中非计划再次手术", "value": counts["reop"], "detail": "", "url": ""},
        {"label": "其中非医嘱离院", "value": counts["ama"], "detail": "", "url": ""},
    ]
    code = getattr(item, "code", None)
    if code:
        with_item = [c for c in qs.only("restricted_technologies") if code in (c.restricted_technologies or [])]
        lines.append({"label": f"开展该项目（{code}）例数", "value": len(with_item), "detail": "", "url": ""})
    reviews = CaseReview.objects.filter(case__in=qs, status=Status.SUBMITTED)
    serious = Finding.objects.filter(review__in=reviews, severity=Severity.SERIOUS).count()
    lines.append({"label": "重点病例评价（已完成）", "value": reviews.count(), "detail": f"严重问题 {serious} 项", "url": ""})
    return lines


def pool_stats(cases: QuerySet[Case]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    agg = cases.aggregate(
        total=Count("id"), death=Count("id", filter=Q(died=True)), grade4_surgery=Count("id", filter=Q(grade4_surgery=True)),
        unplanned_reoperation=Count("id", filter=Q(unplanned_reoperation=True)),
        discharge_against_advice=Count("id", filter=Q(discharge_against_advice=True)),
        malpractice=Count("id", filter=Q(malpractice=True)),
    )
    out.update(agg)
    return out
