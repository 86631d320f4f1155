"""Who may change what. Reading is the selectors' business; these answer for objects already visible."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import Membership
from organizations.selectors import get_scope

MANAGER_ROLES = {Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY}


def _roles_at(user: Any, institution_id: int) -> set[str]:
    cache = getattr(user, "_committee_roles", None)
    if cache is None:
        cache = {}
        for role, inst_id, dept_id in Membership.objects.filter(user=user, is_active=True).values_list(
            "role", "institution_id", "department_id"
        ):
            cache.setdefault(inst_id, set()).add(role)
            if role == Membership.Role.DEPARTMENT_HEAD and dept_id:
                cache.setdefault(("head", dept_id), set()).add(role)
        user._committee_roles = cache
    return cache.get(institution_id, set())


def is_manager(user: Any, institution_id: int) -> bool:
    """The quality office runs the meetings (SPEC §1); the principal and deputies may too."""
    if not user.is_authenticated:
        return False
    if get_scope(user).superuser:
        return True
    return bool(_roles_at(user, institution_id) & MANAGER_ROLES)


def heads_department(user: Any, department_id: int | None) -> bool:
    if department_id is None or not user.is_authenticated:
        return False
    _roles_at(user, -1)
    return ("head", department_id) in user._committee_roles


def can_manage_body(user: Any, body: Any) -> bool:
    """Plan meetings, edit the agenda, record attendance, minutes, decisions and action items."""
    if is_manager(user, body.institution_id):
        return True
    # A department's head runs the department's own monthly meeting (Art. 12 ¶2).
    return body.department_id is not None and heads_department(user, body.department_id)


def can_manage_meeting(user: Any, meeting: Any) -> bool:
    return can_manage_body(user, meeting.body)


def can_approve(user: Any, meeting: Any) -> bool:
    """Minutes are approved by the chair of the meeting (SPEC §3)."""
    return user.is_authenticated and (meeting.chair_id == user.pk or get_scope(user).superuser)


def can_mark_done(user: Any, item: Any) -> bool:
    return (
        item.owner_id == user.pk
        or heads_department(user, item.department_id)
        or is_manager(user, item.institution_id)
    )


def can_verify(user: Any, item: Any) -> bool:
    # Nobody verifies their own work.
    return item.owner_id != user.pk and (
        is_manager(user, item.institution_id)
        or (item.body.department_id is not None and heads_department(user, item.body.department_id))
    )


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("您没有权限执行此操作。"))
