"""Who may do which step of a rectification.

Report: the named owner, the responsible department's head or quality controller, or the hospital's quality
office. Verify / reopen: the named verifier (the inspector, the reviewer); without one, the demanding
authority's officials, or the hospital's quality office for the hospital's own checks. Nobody verifies their
own report.
"""
from __future__ import annotations

from typing import Any

from organizations.models import Membership
from organizations.selectors import get_scope
from rectifications.models import Rectification


def _hospital_office(user: Any, institution_id: int) -> bool:
    return Membership.objects.filter(
        user=user, institution_id=institution_id, is_active=True,
        role__in=[Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY],
    ).exists()


def can_report(user: Any, r: Rectification) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if get_scope(user).superuser or r.owner_id == user.pk:
        return True
    if r.department_id and Membership.objects.filter(
        user=user, department_id=r.department_id, is_active=True,
        role__in=[Membership.Role.DEPARTMENT_HEAD, Membership.Role.CONTROLLER],
    ).exists():
        return True
    return _hospital_office(user, r.institution_id)


def can_verify(user: Any, r: Rectification) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if get_scope(user).superuser:
        return True
    if r.verifier_id:
        return r.verifier_id == user.pk
    if r.authority_id:
        return r.authority_id in get_scope(user).authority_ids
    return _hospital_office(user, r.institution_id)
