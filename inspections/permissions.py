"""Who may do what in supervision.

Checklists, plans and hospital-level checks: the hospital's quality office, principal or deputies (the
functional departments act through the quality office's accounts). A department's self-check (科级自查):
its head and quality controllers (the department's quality group, 淄博方案 四(一) 2). Results are entered by
the inspector, whoever started the check, or the hospital's quality office.
"""
from __future__ import annotations

from typing import Any

from organizations.models import Membership
from organizations.selectors import get_scope

OFFICE_ROLES = [Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY, Membership.Role.HIS]
GROUP_ROLES = [Membership.Role.DEPARTMENT_HEAD, Membership.Role.CONTROLLER]


def is_office(user: Any, institution_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if get_scope(user).superuser:
        return True
    return Membership.objects.filter(user=user, institution_id=institution_id, is_active=True, role__in=OFFICE_ROLES).exists()


def is_department_group(user: Any, department_id: int | None) -> bool:
    if not department_id or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, department_id=department_id, is_active=True, role__in=GROUP_ROLES).exists()


def can_manage_checklists(user: Any, institution_id: int) -> bool:
    return is_office(user, institution_id)


def can_start(user: Any, *, institution_id: int, tier: str, department_id: int | None) -> bool:
    if is_office(user, institution_id):
        return True
    return tier == "department" and is_department_group(user, department_id)


def can_enter(user: Any, inspection: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (inspection.inspector_id, inspection.created_by_id):
        return True
    if inspection.tier == "department" and is_department_group(user, inspection.department_id):
        return True
    return is_office(user, inspection.institution_id)


def can_review_records(user: Any, institution_id: int, department_id: int | None = None) -> bool:
    """Record reviews: the quality office (终末病历 by the 病案质控 team) or the department's group (运行病历)."""
    return is_office(user, institution_id) or is_department_group(user, department_id)
