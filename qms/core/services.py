"""Writes shared by every workflow: the transition log and the Deadline table."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from qms.core.models import Deadline, Transition
from qms.notifications.rules import rule_spec


def transition_record(
    *,
    obj: models.Model,
    from_status: str,
    to_status: str,
    actor: Any = None,
    reason: str = "",
    data: dict | None = None,
    institution: Any = None,
    action: str = "",
) -> Transition:
    if institution is None:
        institution = getattr(obj, "institution", None)
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        institution=institution,
        from_status=from_status or "",
        to_status=to_status,
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        reason=reason or "",
        data=data or {},
    )


def deadline_open(
    *,
    obj: models.Model,
    rule: str,
    label: str,
    article: str = "",
    due_on: dt.date | None = None,
    due_at: dt.datetime | None = None,
    confirmed: bool = True,
    basis_date: dt.date | None = None,
    workdays: int | None = None,
    institution: Any = None,
    department: Any = None,
    authority: Any = None,
    responsible: Any = None,
    url: str = "",
) -> Deadline:
    """Open (or re-open with new dates) the deadline of one rule on one object. The rule must be registered
    in qms/notifications/rules.py: a deadline nobody is told about would be silently missed."""
    rule_spec(rule)
    deadline, _ = Deadline.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        rule=rule,
        defaults={
            "label": " ".join((label or "").split()),  # a reminder's subject: one line
            "article": article,
            "due_on": due_on,
            "due_at": due_at,
            "confirmed": confirmed,
            "basis_date": basis_date,
            "workdays": workdays,
            "institution": institution if institution is not None else getattr(obj, "institution", None),
            "department": department,
            "authority": authority,
            "responsible": responsible,
            "url": url,
            "done_at": None,
        },
    )
    return deadline


def deadlines_create(*, obj: models.Model, rows: list[dict[str, Any]]) -> list[Deadline]:
    """The first deadlines of an object that has none yet (just created), in one INSERT. Each row names its
    rule (registered, as for deadline_open) and the fields of Deadline; institution defaults to the object's."""
    content_type = ContentType.objects.get_for_model(obj)
    institution = getattr(obj, "institution", None)
    deadlines = []
    for row in rows:
        rule_spec(row["rule"])
        deadlines.append(Deadline(content_type=content_type, object_id=obj.pk,
                                  **({"institution": institution} | row)))
    return Deadline.objects.bulk_create(deadlines)


def deadline_close(*, obj: models.Model, rule: str | None = None, at: dt.datetime | None = None) -> int:
    """Mark the open deadline(s) of an object as met. Returns how many were closed."""
    qs = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, done_at__isnull=True
    )
    if rule is not None:
        qs = qs.filter(rule=rule)
    return qs.update(done_at=at or timezone.now())


@transaction.atomic
def deadlines_recompute_for_year(
    *, year: int, reason: str = "", actor: Any = None
) -> list[tuple[int, dt.date | None, dt.date]]:
    """After a year's schedule changes, recompute the open working-day deadlines whose counting runs into it.

    A deadline counts the working days in (basis_date, due_on]; any change to a day of `year` can move it
    when that span touches the year (a correction inside a covered year too), and an unconfirmed one may
    now be confirmed. Then every app's CALENDAR_HOOKS recompute their stored copies of legal dates.
    Returns (deadline id, old date, new date) for each one that moved; each change is logged.
    """
    from qms.workdays import add_workdays

    reason = reason or f"{year}年节假日安排录入后重新计算"
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    changed = []
    open_rows = Deadline.objects.select_for_update().filter(
        done_at__isnull=True, workdays__isnull=False, basis_date__isnull=False
    ).filter(models.Q(basis_date__lte=last, due_on__gte=first) | models.Q(confirmed=False))
    for deadline in open_rows:
        assert deadline.basis_date is not None and deadline.workdays is not None  # filtered above
        result = add_workdays(deadline.basis_date, deadline.workdays)
        if result.date != deadline.due_on or result.confirmed != deadline.confirmed:
            old = deadline.due_on
            deadline.due_on = result.date
            deadline.confirmed = result.confirmed
            deadline.save(update_fields=["due_on", "confirmed", "updated_at"])
            transition_record(
                obj=deadline,
                from_status=str(old),
                to_status=str(result.date),
                actor=actor,
                reason=reason,
                data={"rule": deadline.rule, "confirmed": result.confirmed},
                institution=deadline.institution,
            )
            changed.append((deadline.pk, old, result.date))
    from qms.extensions import CALENDAR_HOOKS

    for hook in CALENDAR_HOOKS:
        hook(year=year, reason=reason, actor=actor)
    return changed
