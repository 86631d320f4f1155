"""What the 质控中心 app contributes to shared pages: the nav item and the rectifications its staff see."""
from __future__ import annotations

from typing import Any

from django.db.models import Q


def nav_visible(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from organizations.selectors import get_scope
    from qc_centres.permissions import staff_centre_ids

    scope = get_scope(user)
    return scope.superuser or scope.is_official or bool(staff_centre_ids(user)) or bool(scope.institution_ids)


def rectification_scope(user: Any) -> Q:
    """The centre's staff see the rectifications of their centre's visits (and, after a hand-over, of the
    centres it took over from: JN Art. 21)."""
    from qc_centres.models import QcCentre, Visit
    from qc_centres.permissions import staff_centre_ids
    from qc_centres.selectors import data_centre_ids

    ids = staff_centre_ids(user)
    if not ids:
        return Q(pk__in=[])
    centre_ids: set[int] = set()
    for centre in QcCentre.objects.filter(pk__in=ids):
        centre_ids |= data_centre_ids(centre)
    return Q(source_kind="qc_visit", source_id__in=Visit.objects.filter(centre_id__in=centre_ids).values("pk"))


def visit_counts_this_year(*, institution_ids) -> dict[int, int]:
    """QC visits to each hospital this calendar year (JN Art. 12: at least one a year). One query."""
    from django.db.models import Count
    from django.utils import timezone

    from qc_centres.models import Visit

    rows = (Visit.objects.filter(institution_id__in=institution_ids, visited_on__year=timezone.localdate().year)
            .values("institution_id").annotate(n=Count("id")).order_by())
    return {r["institution_id"]: r["n"] for r in rows}


def open_finding_counts(*, institution_ids) -> dict[int, int]:
    """Findings of QC visits each hospital has not yet rectified (the shared loop). One query."""
    from django.db.models import Count

    from rectifications.models import Rectification
    from rectifications.workflow import OPEN_STATUSES

    rows = (Rectification.objects.filter(institution_id__in=institution_ids, status__in=OPEN_STATUSES,
                                         source_kind="qc_visit")
            .values("institution_id").annotate(n=Count("id")).order_by())
    return {r["institution_id"]: r["n"] for r in rows}


def expert_reviewers(*, authority_id: int) -> list[tuple[int, str]]:
    """Key-case reviewers from the expert committees (issue 19): the active members with an account of the
    centres set up by this authority or one above it (a provincial centre's experts review for a city too)."""
    from organizations.models import Authority
    from qc_centres.models import Expert
    from qc_centres.workflow import ExpertStatus

    chain: list[int] = []
    current: int | None = authority_id
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        current = Authority.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    experts = (Expert.objects.filter(centre__authority_id__in=chain, status=ExpertStatus.ACTIVE, user__is_active=True)
               .select_related("centre").order_by("centre__specialty", "role", "id"))
    return [(e.user_id, f"{e.name} · {e.centre.specialty} · {e.get_role_display()}") for e in experts
            if e.user_id is not None]
