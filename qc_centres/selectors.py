"""Scoped reads of 质控中心: every page and API view goes through these."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from organizations.models import Authority, Institution
from organizations.selectors import _descendants, get_scope
from qc_centres.models import Expert, HostBar, QcCentre, Visit
from qc_centres.permissions import staff_centre_ids
from qc_centres.workflow import ExpertStatus, Role


def visible_centres(user: Any) -> QuerySet[QcCentre]:
    qs = QcCentre.objects.select_related("authority", "host_institution", "predecessor")
    scope = get_scope(user)
    if scope.superuser:
        return qs
    q = Q(authority_id__in=scope.authority_ids) | Q(pk__in=staff_centre_ids(user))
    if scope.institution_ids:
        q |= Q(host_institution_id__in=scope.institution_ids)
    return qs.filter(q)


def data_centre_ids(centre: QcCentre) -> set[int]:
    """The centre and, once each hand-over into it is complete, the centres it took over from (JN Art. 21)."""
    ids = {centre.pk}
    current = centre
    while current.predecessor_id is not None:
        handover = getattr(current, "handover_in", None)
        if handover is None or handover.status != "done":
            break
        ids.add(current.predecessor_id)
        current = current.predecessor  # type: ignore[assignment]
    return ids


def visible_visits(user: Any) -> QuerySet[Visit]:
    """Visits the user may see: those of visible centres (staff: their centre's and, after hand-over, its
    predecessors'), and the visits to the user's own hospital."""
    qs = Visit.objects.select_related("centre", "centre__authority", "institution")
    scope = get_scope(user)
    if scope.superuser:
        return qs
    centre_ids: set[int] = set()
    for centre in QcCentre.objects.filter(pk__in=staff_centre_ids(user)):
        centre_ids |= data_centre_ids(centre)
    q = Q(centre_id__in=centre_ids) | Q(centre__authority_id__in=scope.authority_ids)
    if scope.institution_ids:
        q |= Q(institution_id__in=scope.institution_ids)
    return qs.filter(q)


def in_scope_institutions(centre: QcCentre) -> QuerySet[Institution]:
    """JN Art. 24: a city centre covers the city's 二级 and above institutions with its specialty; a county
    centre its county's institutions with it."""
    authority: Authority = centre.authority
    qs = Institution.objects.filter(
        is_active=True, departments__is_active=True, departments__name__in=centre.department_names
    )
    if authority.level == Authority.Level.COUNTY:
        qs = qs.filter(authority=authority)
    else:
        qs = qs.filter(authority_id__in=_descendants({authority.pk})).filter(
            Q(grade_level__in=["2", "3"]) | Q(category__in=["maternal", "disease_control"])
        )
    return qs.distinct().order_by("code")


def coverage(centre: QcCentre, year: int) -> list[dict]:
    """The yearly coverage grid (JN Art. 12: 每年不少于1次): each institution in scope, its visits that year."""
    visits: dict[int, list[Visit]] = {}
    for v in Visit.objects.filter(centre_id__in=data_centre_ids(centre), visited_on__year=year).order_by("visited_on"):
        visits.setdefault(v.institution_id, []).append(v)
    return [{"institution": inst, "visits": visits.get(inst.pk, []), "owed": not visits.get(inst.pk)}
            for inst in in_scope_institutions(centre)]


def active_experts(centre: QcCentre) -> QuerySet[Expert]:
    return centre.experts.filter(status=ExpertStatus.ACTIVE)


def director_vacant_since(centre: QcCentre) -> dt.date | None:
    """The day the director left, while no new director is in post (JN Art. 19 (二))."""
    if active_experts(centre).filter(role=Role.DIRECTOR).exists():
        return None
    left = centre.experts.filter(role=Role.DIRECTOR, status__in=[ExpertStatus.LEFT, ExpertStatus.REMOVED]).order_by(
        "-left_on").first()
    return left.left_on if left is not None else None


def active_bar(institution: Institution, authority: Authority, specialty: str, on: dt.date | None = None) -> HostBar | None:
    on = on or timezone.localdate()
    return HostBar.objects.filter(institution=institution, authority=authority, specialty=specialty,
                                  barred_from__lte=on, barred_until__gt=on).order_by("-barred_until").first()


def centre_data(centre: QcCentre) -> dict[str, QuerySet]:
    """JN Art. 14–15: the indicator values, inspections and review results of the centre's specialty for the
    institutions in its scope, nothing else."""
    from case_reviews.models import CaseReview
    from indicators.models import IndicatorValue
    from inspections.models import Inspection

    institutions = in_scope_institutions(centre)
    names = centre.department_names
    return {
        "indicator_values": IndicatorValue.objects.filter(
            is_current=True, institution__in=institutions, department__name__in=names
        ).select_related("indicator", "institution", "department").order_by("-period", "institution__code"),
        "inspections": Inspection.objects.filter(
            institution__in=institutions, department__name__in=names
        ).select_related("institution", "department"),
        "reviews": CaseReview.objects.filter(
            institution__in=institutions, case__department__name__in=names, status="submitted"
        ).select_related("institution", "case", "case__department"),
    }


def committee_counts(centre: QcCentre) -> dict[str, int]:
    experts = list(active_experts(centre).values_list("role", "from_host"))
    counts = {role: sum(1 for r, _h in experts if r == role) for role in Role.values}
    counts["total"] = len(experts)
    counts["host"] = sum(1 for _r, h in experts if h)
    return counts
