from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from qms.core.models import Deadline, Transition


def history_for(obj: models.Model) -> QuerySet[Transition]:
    """The append-only history of one object, oldest first. Callers have already scoped obj."""
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")


def history_labelled(obj: models.Model, choices) -> list[Transition]:
    """history_for with from_label / to_label: the log shows status names, never codes ("planned → held")."""
    labels = dict(choices.choices)
    rows = list(history_for(obj))
    for t in rows:
        t.from_label = labels.get(t.from_status, t.from_status)
        t.to_label = labels.get(t.to_status, t.to_status)
    return rows


def deadlines_for(obj: models.Model) -> QuerySet[Deadline]:
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def visible_deadlines(user, *, open_only: bool = True) -> QuerySet[Deadline]:
    """Deadlines within the user's reach: their hospital's, their departments', their authority's, their own."""
    from django.db.models import Q

    from organizations.selectors import get_scope, scope_q

    scope = get_scope(user)
    qs = Deadline.objects.select_related("institution", "department", "authority", "responsible")
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    if scope.superuser:
        return qs
    q = scope_q(user) | Q(responsible=user)
    if scope.authority_ids:
        q |= Q(authority_id__in=scope.authority_ids)
    return qs.filter(q)
