"""Who may organise, review and read what in key-case reviews.

Organising (rounds, adding cases, assigning reviewers): an official of an authority over the hospitals, or a
hospital-wide user (quality office, principal, deputy) for the hospital's own round. Reviewing: only the
assigned reviewer, through the django-guardian object permission `case_reviews.review_casereview`.
"""
from __future__ import annotations

from typing import Any

from guardian.shortcuts import get_perms

from case_reviews.models import CaseReview, ReviewRound
from organizations.models import Authority, Institution, Membership
from organizations.selectors import get_scope

REVIEW_PERM = "case_reviews.review_casereview"
OFFICE_ROLES = (Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY)


def office_institution_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_case_office_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user, is_active=True, role__in=OFFICE_ROLES)
                     .exclude(institution=None).values_list("institution_id", flat=True))
        user._case_office_ids = cached
    return cached


def reviewing_authority(user: Any, institution: Institution) -> Authority | None:
    """The authority an official reviews this hospital as: its registering one if the official works there,
    else the official's own authority above it. None when the user is no official over the hospital."""
    scope = get_scope(user)
    if scope.superuser:
        return institution.authority
    if institution.pk not in scope.official_institution_ids:
        return None
    own = list(Membership.objects.filter(user=user, is_active=True, role=Membership.Role.OFFICIAL)
               .exclude(authority=None).values_list("authority_id", flat=True))
    if institution.authority_id in own:
        return institution.authority
    return Authority.objects.filter(pk__in=own).order_by("level", "code").first()


def can_organise_for(user: Any, institution: Institution) -> bool:
    scope = get_scope(user)
    return scope.superuser or institution.pk in scope.official_institution_ids or institution.pk in office_institution_ids(user)


def can_manage_round(user: Any, rnd: ReviewRound) -> bool:
    scope = get_scope(user)
    if scope.superuser:
        return True
    if rnd.authority_id:
        return rnd.authority_id in scope.authority_ids
    return rnd.institution_id in office_institution_ids(user)


def can_manage_review(user: Any, review: CaseReview) -> bool:
    scope = get_scope(user)
    if scope.superuser:
        return True
    if review.authority_id:
        return review.authority_id in scope.authority_ids
    return review.institution_id in office_institution_ids(user)


def is_reviewer(user: Any, review: CaseReview) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and review.reviewer_id == user.pk and (
        "review_casereview" in get_perms(user, review)
    )
