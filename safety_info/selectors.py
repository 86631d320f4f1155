"""Reads of the register: the caller's scope, statistics by kind, department and month, and the authority's
aggregate view over its hospitals (Art. 37, 40–42)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from organizations.models import Institution
from organizations.selectors import get_scope, scope_q
from safety_info.models import EventExport, SafetyRecord
from safety_info.workflow import Kind, Status


def visible_records(user: Any) -> QuerySet[SafetyRecord]:
    if not getattr(user, "is_authenticated", False):
        return SafetyRecord.objects.none()
    return SafetyRecord.objects.filter(scope_q(user)).select_related("institution", "department", "interview")


def register_stats(qs: QuerySet[SafetyRecord]) -> dict:
    """Counts by kind, by department and by month (the month of receipt), with amounts paid."""
    by_kind: dict[str, Mapping[str, Any]] = {r["kind"]: r for r in qs.values("kind").annotate(
        n=Count("id"), open=Count("id", filter=~Q(status=Status.CLOSED)), paid=Sum("hospital_paid"))}
    kinds = [{"kind": k, "label": label, "n": by_kind.get(k, {}).get("n", 0),
              "open": by_kind.get(k, {}).get("open", 0), "paid": by_kind.get(k, {}).get("paid") or 0}
             for k, label in Kind.choices]
    departments = list(qs.values("department__name", "institution__name").annotate(
        n=Count("id"), complaint=Count("id", filter=Q(kind=Kind.COMPLAINT)),
        dispute=Count("id", filter=Q(kind=Kind.DISPUTE)), malpractice=Count("id", filter=Q(kind=Kind.MALPRACTICE)),
        lawsuit=Count("id", filter=Q(kind=Kind.LAWSUIT))).order_by("-n", "department__name"))
    months = list(qs.annotate(month=TruncMonth("received_on")).values("month").annotate(
        n=Count("id"), complaint=Count("id", filter=Q(kind=Kind.COMPLAINT)),
        dispute=Count("id", filter=Q(kind=Kind.DISPUTE)), malpractice=Count("id", filter=Q(kind=Kind.MALPRACTICE)),
        lawsuit=Count("id", filter=Q(kind=Kind.LAWSUIT))).order_by("month"))
    return {"kinds": kinds, "departments": departments, "months": months}


def overseen_institutions(user: Any) -> QuerySet[Institution]:
    scope = get_scope(user)
    qs = Institution.objects.filter(is_active=True).select_related("authority").order_by("code")
    return qs if scope.superuser else qs.filter(pk__in=scope.official_institution_ids)


def _previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def upward_overview(user: Any, *, year: int) -> list[dict]:
    """Per hospital under the official: the register by kind, key-case review results, and late or missing
    reports (adverse events reported to the authority late or not at all; last month's export missing)."""
    from adverse_events.models import AdverseEvent
    from case_reviews.models import CaseReview, Finding
    from case_reviews.workflow import Severity
    from case_reviews.workflow import Status as ReviewStatus

    institutions = list(overseen_institutions(user))
    ids = [i.pk for i in institutions]
    now = timezone.now()
    register: dict[int, Mapping[str, Any]] = {r["institution_id"]: r for r in SafetyRecord.objects.filter(
        institution_id__in=ids, received_on__year=year).values("institution_id").annotate(
        n=Count("id"), open=Count("id", filter=~Q(status=Status.CLOSED)),
        complaint=Count("id", filter=Q(kind=Kind.COMPLAINT)), dispute=Count("id", filter=Q(kind=Kind.DISPUTE)),
        malpractice=Count("id", filter=Q(kind=Kind.MALPRACTICE)), lawsuit=Count("id", filter=Q(kind=Kind.LAWSUIT)),
        paid=Sum("hospital_paid"))}
    reviews: dict[int, Mapping[str, Any]] = {r["institution_id"]: r for r in CaseReview.objects.filter(
        institution_id__in=ids, created_at__year=year).exclude(status=ReviewStatus.WITHDRAWN).values(
        "institution_id").annotate(n=Count("id"), done=Count("id", filter=Q(status=ReviewStatus.SUBMITTED)))}
    findings: dict[int, Mapping[str, Any]] = {r["review__institution_id"]: r for r in Finding.objects.filter(
        review__institution_id__in=ids, review__created_at__year=year).values("review__institution_id").annotate(
        n=Count("id"), serious=Count("id", filter=Q(severity=Severity.SERIOUS)))}
    reports: dict[int, Mapping[str, Any]] = {r["institution_id"]: r for r in AdverseEvent.objects.filter(
        institution_id__in=ids, authority_report_due_at__isnull=False, reported_at__year=year).values(
        "institution_id").annotate(
        due=Count("id"),
        missing=Count("id", filter=Q(authority_reported_at__isnull=True, authority_report_due_at__lt=now)),
        late=Count("id", filter=Q(authority_reported_at__gt=F("authority_report_due_at"))))}
    last_month = _previous_month(timezone.localdate())
    exported = set(EventExport.objects.filter(institution_id__in=ids, period=last_month).values_list(
        "institution_id", flat=True))
    rows = []
    for inst in institutions:
        empty: dict[str, Any] = {}
        reg, rev, fin, rep = (d.get(inst.pk, empty) for d in (register, reviews, findings, reports))
        rows.append({
            "institution": inst, "register": reg, "reviews": rev.get("n", 0), "reviewed": rev.get("done", 0),
            "findings": fin.get("n", 0), "serious": fin.get("serious", 0),
            "reports_due": rep.get("due", 0), "reports_missing": rep.get("missing", 0), "reports_late": rep.get("late", 0),
            "export_missing": inst.pk not in exported, "export_period": last_month,
        })
    return rows

