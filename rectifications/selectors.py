"""Who sees which rectification: the hospital's scope, the demanding authority, the named owner and verifier."""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from organizations.selectors import get_scope, scope_q
from qms.extensions import SCOPE_EXTENSIONS
from rectifications.models import Rectification


def rectification_scope_q(user: Any) -> Q:
    scope = get_scope(user)
    if scope.superuser:
        return Q()
    q = scope_q(user) | Q(owner_id=user.pk) | Q(verifier_id=user.pk)
    if scope.authority_ids:
        q |= Q(authority_id__in=scope.authority_ids)
    for fn in SCOPE_EXTENSIONS.get("rectifications.Rectification", ()):
        q |= fn(user)
    return q


def visible_rectifications(user: Any) -> QuerySet[Rectification]:
    if not getattr(user, "is_authenticated", False):
        return Rectification.objects.none()
    return (
        Rectification.objects.filter(rectification_scope_q(user))
        .select_related("institution", "department", "authority", "owner", "verifier", "repeat_of")
    )


def rectifications_for_source(*, source_kind: str, source_id: int) -> QuerySet[Rectification]:
    return Rectification.objects.filter(source_kind=source_kind, source_id=source_id).select_related(
        "department", "owner"
    )


def open_counts(*, institution_ids) -> dict[int, int]:
    """Open rectifications per hospital: the authority overview's column (issue 21). One query."""
    from django.db.models import Count

    from rectifications.models import Rectification
    from rectifications.workflow import OPEN_STATUSES

    rows = (
        Rectification.objects.filter(institution_id__in=institution_ids, status__in=OPEN_STATUSES)
        .values("institution_id").annotate(n=Count("id")).order_by()
    )
    return {r["institution_id"]: r["n"] for r in rows}
