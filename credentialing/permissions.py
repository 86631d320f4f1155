"""Who may do what with the credentialing register.

Manage (record a decided grant, suspend, revoke, restore, review, edit the catalogue): the hospital's quality
office, principal and deputies, and the medical-affairs department (医务部: the office that runs 准入授权).
The approval chain's steps: 科室审核 by the person's department head or quality controller; 医务部门审核 by a
manager; 委员会审批 by the committee chair or a manager recording the committee's decision. A HIS account
checks, pushes staff and records emergency uses; it decides nothing.
"""
from __future__ import annotations

from typing import Any

from organizations.models import Department, Membership
from organizations.selectors import get_scope

MANAGER_ROLES = [Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY]


def _memberships(user: Any) -> list[dict]:
    cached = getattr(user, "_cred_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).values(
            "role", "institution_id", "department_id", "department__function"))
        user._cred_memberships = cached
    return cached


def can_manage(user: Any, institution_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if get_scope(user).superuser:
        return True
    for m in _memberships(user):
        if m["institution_id"] != institution_id:
            continue
        if m["role"] in MANAGER_ROLES:
            return True
        if m["department__function"] == Department.Function.MEDICAL_ADMIN and m["role"] != Membership.Role.HIS:
            return True
    return False


def is_department_reviewer(user: Any, department_id: int | None) -> bool:
    return bool(department_id) and any(
        m["department_id"] == department_id
        and m["role"] in (Membership.Role.DEPARTMENT_HEAD, Membership.Role.CONTROLLER)
        for m in _memberships(user)
    )


def can_decide_step(user: Any, privilege: Any, step: str) -> bool:
    if step == "department":
        return is_department_reviewer(user, privilege.staff.department_id) or can_manage(user, privilege.institution_id)
    if step == "committee":
        committee = getattr(privilege.institution, "committee", None)
        if committee is not None and committee.chair_id == user.pk:
            return True
    return can_manage(user, privilege.institution_id)


def can_apply(user: Any, staff: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or getattr(user, "his_institution_id", None):
        return False
    return (
        staff.user_id == user.pk
        or is_department_reviewer(user, staff.department_id)
        or can_manage(user, staff.institution_id)
    )
