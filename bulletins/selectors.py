"""Who reads which bulletin.

The hospital's hospital-wide users (quality office, principal, deputies) see every version, drafts included.
Once published, the bulletin circulates: Art. 12 makes it the means to "督促指导各部门、各科室", so the
hospital's department-level users read published issues too, and so do the officials of the authority the
hospital is registered with or any authority above it. Everyone else gets 404.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from bulletins.models import Bulletin
from bulletins.workflow import FROZEN
from organizations.selectors import get_scope


def visible_bulletins(user) -> QuerySet[Bulletin]:
    scope = get_scope(user)
    qs = Bulletin.objects.select_related("institution", "supersedes", "published_by", "created_by")
    if scope.superuser:
        return qs
    readers_of_published = scope.official_institution_ids | scope.department_institution_ids
    return qs.filter(
        Q(institution_id__in=scope.institution_ids)
        | Q(institution_id__in=readers_of_published, status__in=list(FROZEN))
    )
