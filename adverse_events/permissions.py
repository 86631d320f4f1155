"""Who may change an event (who may see it is adverse_events.selectors.visible_events).

A visible event the user may not change is 403; an invisible one is 404 before these are asked.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import Membership
from organizations.selectors import active_memberships, get_scope


def _memberships(user) -> tuple[frozenset[int], frozenset[int]]:
    """(hospitals where the user is quality office, departments the user heads), once per user object."""
    cached = getattr(user, "_qms_ae_roles", None)
    if cached is not None:
        return cached
    offices: set[int] = set()
    heads: set[int] = set()
    if user is not None and user.is_authenticated:
        for m in active_memberships(user):
            role, institution_id, department_id = m["role"], m["institution_id"], m["department_id"]
            if role == Membership.Role.QUALITY_OFFICE and institution_id:
                offices.add(institution_id)
            elif role == Membership.Role.DEPARTMENT_HEAD and department_id:
                heads.add(department_id)
    result = (frozenset(offices), frozenset(heads))
    user._qms_ae_roles = result
    return result


def office_institution_ids(user) -> frozenset[int]:
    return _memberships(user)[0]


def headed_department_ids(user) -> frozenset[int]:
    return _memberships(user)[1]


def is_quality_office(user, institution_id: int) -> bool:
    return get_scope(user).superuser or institution_id in office_institution_ids(user)


def can_manage(user, event) -> bool:
    """Receive, classify, give feedback, verify, close, report to the authority: the quality office."""
    return is_quality_office(user, event.institution_id)


def can_analyse(user, event) -> bool:
    return can_manage(user, event) or event.department_id in headed_department_ids(user)


def can_work_action(user, action) -> bool:
    return (
        can_manage(user, action.event)
        or action.owner_id == getattr(user, "pk", None)
        or action.owner_department_id in headed_department_ids(user)
        or action.event.department_id in headed_department_ids(user)
    )


def can_withdraw(user, event) -> bool:
    from adverse_events.workflow import Status

    if can_manage(user, event):
        return True
    return event.reporter_id is not None and event.reporter_id == user.pk and event.status == Status.SUBMITTED


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您无权办理此事项。"))
