"""Who may see and do what with a 质控中心.

Seeing a centre: the officials of its authority and of every authority above it, its own staff, and the
host's hospital-wide users. Managing it (set-up, publication, assessment, consent, re-selection): officials
working at its authority (JN Art. 3, 8, 19). Running it (experts proposed, plans, visits, activities): the
centre's staff (JN Art. 8: the host proposes). A hospital sees the visits to it and answers them.
"""
from __future__ import annotations

from typing import Any

from organizations.models import Membership
from organizations.selectors import get_scope


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def official_authority_ids(user: Any) -> set[int]:
    """The authorities the user works at as an official (not those below)."""
    if not _authenticated(user):
        return set()
    return set(Membership.objects.filter(user=user, is_active=True, role=Membership.Role.OFFICIAL,
                                         authority__isnull=False).values_list("authority_id", flat=True))


def staff_centre_ids(user: Any) -> set[int]:
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_qc_centre_ids", None)
    if cached is None:
        from qc_centres.models import CentreStaff

        cached = set(CentreStaff.objects.filter(user=user, is_active=True).values_list("centre_id", flat=True))
        user._qc_centre_ids = cached
    return cached


def is_manager(user: Any, authority_id: int) -> bool:
    return _authenticated(user) and (user.is_superuser or authority_id in official_authority_ids(user))


def can_manage(user: Any, centre: Any) -> bool:
    return is_manager(user, centre.authority_id)


def is_centre_staff(user: Any, centre: Any) -> bool:
    return _authenticated(user) and (user.is_superuser or centre.pk in staff_centre_ids(user))


def can_run(user: Any, centre: Any) -> bool:
    """The centre's own work: only while it is hosted (a dissolved centre hands over, it does not work)."""
    return centre.status == "active" and is_centre_staff(user, centre)


def can_answer_visit(user: Any, visit: Any) -> bool:
    """The visited hospital's quality office, principal or deputies answer in writing (JN Art. 12)."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, institution_id=visit.institution_id, is_active=True,
        role__in=[Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY],
    ).exists()


def can_apply(user: Any, institution: Any) -> bool:
    """The host applies (JN Art. 5): its principal, deputies or quality office."""
    if not _authenticated(user):
        return False
    return user.is_superuser or institution.pk in get_scope(user).institution_ids
