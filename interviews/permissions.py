"""Who may see and who may act on a 约谈.

Seeing: officials of the organising authority and of every authority above it; the subject hospital's
hospital-wide users (quality office, principal, deputies). Nobody else: not department staff, not the
hospital's HIS account, not another hospital, not an authority beside or below the organiser.
Acting: the organiser's officials on the authority's steps (approval only by its head, Art. 46); the
hospital's quality office, principal and deputies on the hospital's steps (explanation, plan, report).
For an internal 约谈 (Art. 53) the hospital plays both parts, its principal or a deputy approving.
"""
from __future__ import annotations

from typing import Any

from organizations.models import Authority, Institution, Membership
from organizations.selectors import get_scope, is_authority_head

SUBJECT_ROLES = (Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY)


def _memberships(user: Any) -> list[dict]:
    cached = getattr(user, "_interview_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True).values("role", "authority_id", "institution_id")
        ) if user.is_authenticated else []
        user._interview_memberships = cached
    return cached


def official_authority_ids(user: Any) -> set[int]:
    """The authorities the user works at (not those below)."""
    return {m["authority_id"] for m in _memberships(user) if m["authority_id"] and m["role"] == Membership.Role.OFFICIAL}


def subject_institution_ids(user: Any) -> set[int]:
    """The hospitals where the user is quality office, principal or deputy."""
    return {m["institution_id"] for m in _memberships(user) if m["institution_id"] and m["role"] in SUBJECT_ROLES}


def is_organiser_side(user: Any, interview: Any) -> bool:
    if user.is_superuser:
        return True
    if interview.internal:
        return interview.institution_id in subject_institution_ids(user)
    return interview.organiser_id in official_authority_ids(user)


def is_subject_side(user: Any, interview: Any) -> bool:
    return user.is_superuser or interview.institution_id in subject_institution_ids(user)


def is_hospital_leader(user: Any, institution: Institution) -> bool:
    """The principal or a deputy in charge (主要负责人或分管负责人)."""
    if institution.principal_id == user.pk:
        return True
    return Membership.objects.filter(
        user=user, institution=institution, is_active=True, role__in=[Membership.Role.PRINCIPAL, Membership.Role.DEPUTY]
    ).exists() or institution.deputies.filter(pk=user.pk).exists()


def can_approve(user: Any, interview: Any) -> bool:
    if user.is_superuser:
        return True
    if interview.internal:
        return is_hospital_leader(user, interview.institution)
    return is_authority_head(user, interview.organiser)


def organiser_for(user: Any, institution: Institution) -> Authority | None:
    """The authority the user would organise a 约谈 of this hospital as: its registering authority (Art. 44),
    or the province, which may take any case. None when the user may not trigger one."""
    own = official_authority_ids(user)
    if institution.authority_id in own:
        return institution.authority
    if institution.pk in get_scope(user).official_institution_ids:
        province = Authority.objects.filter(pk__in=own, level=Authority.Level.PROVINCE).first()
        if province is not None:
            return province
    return None


def can_trigger(user: Any, institution: Institution, *, internal: bool = False) -> bool:
    if user.is_superuser:
        return True
    if internal:
        return institution.pk in subject_institution_ids(user)
    return organiser_for(user, institution) is not None
