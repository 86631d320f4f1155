"""Who sees what (SPEC §1, DESIGN "Tenancy"): the one scope every page, API view, PDF and export goes through.

A hospital's users see their hospital; department-level users (head, controller, staff) see their
departments; officials see the hospitals registered with their authority or any authority below it.
django-guardian carries the exceptions a role cannot express (an expert invited to one interview, a
reviewer given one event): `scope_queryset` unions them in with `get_objects_for_user`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from organizations.models import Authority, Department, Institution, Membership


@dataclass(frozen=True)
class Scope:
    superuser: bool
    institution_ids: frozenset[int]  # hospital-wide roles
    department_ids: frozenset[int]  # department-level roles
    department_institution_ids: frozenset[int]  # the hospitals of those departments
    authority_ids: frozenset[int]  # the official's authorities and all below them
    official_institution_ids: frozenset[int]  # hospitals registered with those authorities
    head_authority_ids: frozenset[int]  # authorities where the user is its 负责人 (approves 约谈, Art. 46)
    roles: frozenset[str]

    @property
    def is_official(self) -> bool:
        return bool(self.authority_ids)

    @property
    def all_institution_ids(self) -> frozenset[int]:
        return self.institution_ids | self.department_institution_ids | self.official_institution_ids


EMPTY = Scope(False, frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def _descendants(root_ids: set[int]) -> set[int]:
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:  # the tree has three levels: at most three queries
        frontier = set(Authority.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


def active_memberships(user) -> list[dict]:
    """The user's active memberships (role, authority, institution, department, leader), fetched once per user
    object: the scope and every app's role checks (adverse_events, indicators) read this one list, so a request
    asks the database for the caller's memberships once (issue 16)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_qms_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).values(
            "role", "authority_id", "institution_id", "department_id", "is_leader"))
        user._qms_memberships = cached
    return cached


def get_scope(user) -> Scope:
    """The user's reach, computed once per user object (so once per request)."""
    if user is None or not user.is_authenticated:
        return EMPTY
    cached = getattr(user, "_qms_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(
            True,
            frozenset(Institution.objects.values_list("id", flat=True)),
            frozenset(),
            frozenset(),
            frozenset(Authority.objects.values_list("id", flat=True)),
            frozenset(),
            frozenset(),
            frozenset({"superuser"}),
        )
        user._qms_scope = scope
        return scope
    institution_ids: set[int] = set()
    department_ids: set[int] = set()
    department_institution_ids: set[int] = set()
    authority_roots: set[int] = set()
    head_authorities: set[int] = set()
    roles: set[str] = set()
    for m in active_memberships(user):
        roles.add(m["role"])
        if m["authority_id"]:
            authority_roots.add(m["authority_id"])
            if m["is_leader"]:  # Art. 46: only the authority's 负责人 approves, not a division head
                head_authorities.add(m["authority_id"])
        elif m["role"] in Membership.DEPARTMENT_LEVEL and m["department_id"]:
            department_ids.add(m["department_id"])
            department_institution_ids.add(m["institution_id"])
        elif m["institution_id"]:
            institution_ids.add(m["institution_id"])
    authority_ids = _descendants(authority_roots) if authority_roots else set()
    official_institution_ids = (
        set(Institution.objects.filter(authority_id__in=authority_ids).values_list("id", flat=True))
        if authority_ids
        else set()
    )
    scope = Scope(
        False,
        frozenset(institution_ids),
        frozenset(department_ids),
        frozenset(department_institution_ids),
        frozenset(authority_ids),
        frozenset(official_institution_ids),
        frozenset(head_authorities),
        frozenset(roles),
    )
    user._qms_scope = scope
    return scope


def scope_q(
    user,
    *,
    institution: str = "institution",
    department: str | None = "department",
    officials: bool = True,
) -> Q:
    """A Q limiting a model with an institution (and optionally department) field to the user's reach."""
    scope = get_scope(user)
    if scope.superuser:
        return Q()
    q = Q(**{f"{institution}__in": scope.institution_ids})
    if department is not None and scope.department_ids:
        q |= Q(**{f"{department}__in": scope.department_ids})
    if officials and scope.official_institution_ids:
        q |= Q(**{f"{institution}__in": scope.official_institution_ids})
    return q


def scope_queryset(qs: QuerySet, user, *, guardian_perm: str | None = None, **kwargs) -> QuerySet:
    """qs limited to the user's role scope, united with object grants given through django-guardian."""
    q = scope_q(user, **kwargs)
    if guardian_perm and user.is_authenticated and not get_scope(user).superuser:
        from guardian.shortcuts import get_objects_for_user

        granted = get_objects_for_user(
            user, guardian_perm, klass=qs.model, with_superuser=False, accept_global_perms=False
        )
        q |= Q(pk__in=granted.values("pk"))
    return qs.filter(q)


def visible_institutions(user) -> QuerySet[Institution]:
    scope = get_scope(user)
    qs = Institution.objects.select_related("authority", "principal")
    if scope.superuser:
        return qs
    return qs.filter(id__in=scope.all_institution_ids)


def visible_departments(user) -> QuerySet[Department]:
    scope = get_scope(user)
    qs = Department.objects.select_related("institution", "head")
    if scope.superuser:
        return qs
    return qs.filter(
        Q(institution_id__in=scope.institution_ids | scope.official_institution_ids) | Q(id__in=scope.department_ids)
    )


def visible_people(user) -> QuerySet:
    """Users with an active role in a hospital within the caller's reach: whom a form may name (a chair, an
    owner). Anyone else is "不存在" to the caller, never named (issue 13 item 4)."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.all()
    scope = get_scope(user)
    if scope.superuser:
        return qs
    ids = scope.all_institution_ids
    return qs.filter(pk__in=Membership.objects.filter(is_active=True, institution_id__in=ids).values("user_id"))


def visible_authorities(user) -> QuerySet[Authority]:
    scope = get_scope(user)
    qs = Authority.objects.select_related("parent")
    if scope.superuser:
        return qs
    registering = Institution.objects.filter(id__in=scope.all_institution_ids).values("authority_id")
    return qs.filter(Q(id__in=scope.authority_ids) | Q(id__in=registering))


def user_roles_display(user) -> list[str]:
    """Plain descriptions of where the user stands, for the home page."""
    rows = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("authority", "institution", "department")
        .order_by("id")
    )
    out = []
    for m in rows:
        place = m.authority or m.institution
        where = f"{place}" + (f" · {m.department}" if m.department_id else "")
        role = str(m.get_role_display()) + (
            gettext("（负责人）") if m.is_leader else gettext("（处室负责人）") if m.is_head else ""
        )
        out.append(f"{where} · {m.title or role}")
    return out


def is_authority_head(user, authority: Authority) -> bool:
    return authority.pk in get_scope(user).head_authority_ids

