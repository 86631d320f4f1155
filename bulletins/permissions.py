"""Who may write: the hospital's quality office (质控办, the committee's daily office) drafts, comments and
publishes; the principal and everyone else who sees a bulletin only reads it (403 on a visible one)."""
from __future__ import annotations

from organizations.models import Membership
from organizations.selectors import get_scope


def can_manage(user, institution_id: int) -> bool:
    scope = get_scope(user)
    if scope.superuser:
        return True
    if institution_id not in scope.institution_ids:
        return False
    cache = getattr(user, "_bulletin_manage", None)
    if cache is None:
        cache = set(
            Membership.objects.filter(user=user, role=Membership.Role.QUALITY_OFFICE, is_active=True)
            .values_list("institution_id", flat=True)
        )
        user._bulletin_manage = cache
    return institution_id in cache


def manageable_institution_ids(user) -> set[int]:
    scope = get_scope(user)
    return {i for i in scope.institution_ids if can_manage(user, i)} if not scope.superuser else set(
        scope.institution_ids
    )
