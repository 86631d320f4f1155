"""Who may write what. Reading goes through selectors (scope); these answer "may change" for a visible object."""
from __future__ import annotations

from organizations.models import Membership
from organizations.selectors import active_memberships, get_scope

DEPARTMENT_WRITERS = {Membership.Role.DEPARTMENT_HEAD, Membership.Role.CONTROLLER}
HOSPITAL_WRITERS = {Membership.Role.QUALITY_OFFICE, Membership.Role.HIS}


def _roles_at(user, institution_id: int, department_id: int | None = None) -> set[str]:
    cache = getattr(user, "_qms_ind_roles", None)
    if cache is None:
        cache = [(m["role"], m["institution_id"], m["department_id"])
                 for m in active_memberships(user) if m["institution_id"] is not None]
        user._qms_ind_roles = cache
    return {
        role
        for role, inst, dept in cache
        if inst == institution_id and (department_id is None or dept == department_id)
    }


def can_enter_value(user, institution_id: int, department_id: int | None) -> bool:
    """The quality office or the hospital's HIS for any place in the hospital; a department's head or
    quality controller for that department's values."""
    if get_scope(user).superuser:
        return True
    if _roles_at(user, institution_id) & HOSPITAL_WRITERS:
        return True
    return department_id is not None and bool(_roles_at(user, institution_id, department_id) & DEPARTMENT_WRITERS)


def can_edit_report(user, report) -> bool:
    if get_scope(user).superuser:
        return True
    return bool(_roles_at(user, report.institution_id, report.department_id) & DEPARTMENT_WRITERS)


def can_review_report(user, report) -> bool:
    if get_scope(user).superuser:
        return True
    return Membership.Role.QUALITY_OFFICE in _roles_at(user, report.institution_id)


def is_quality_office(user, institution_id: int) -> bool:
    return get_scope(user).superuser or Membership.Role.QUALITY_OFFICE in _roles_at(user, institution_id)
