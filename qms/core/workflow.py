"""The one transition helper every workflow goes through (DESIGN "One transition helper").

A workflow is a status field plus a table `TRANSITIONS: dict[Status, frozenset[Status]]` in its app's
`workflow.py`. `transition()` checks the table, saves the changed fields with `update_fields`, and writes
the append-only `Transition` row, named by an action code (`"inspection.completed"`): a step that changes
no status is still an audit row, recorded by what it did.

Callers lock the row first (`select_for_update`) and pass the locked instance, inside `transaction.atomic`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from qms.core.models import Transition
from qms.core.services import transition_record

# action code -> label shown in the history (a lazy translation); apps register theirs in ready().
ACTION_LABELS: dict[str, Any] = {}


def register_actions(labels: Mapping[str, Any]) -> None:
    ACTION_LABELS.update(labels)


def action_label(code: str) -> Any:
    return ACTION_LABELS.get(code, code)


class TransitionNotAllowed(ValidationError):
    """The object's current status does not allow the step; the message names both statuses."""


def transition(
    obj: models.Model,
    to: str | None,
    *,
    table: Mapping[str, frozenset[str]],
    actor: Any,
    action: str,
    reason: str = "",
    data: dict | None = None,
    fields: Iterable[str] = (),
    status_field: str = "status",
    institution: Any = None,
    created: bool = False,
) -> Transition:
    """Move `obj` to status `to` (None: stay) as `table` allows, save `fields` too, and log the step.

    Raises TransitionNotAllowed when `to` is not listed as reachable from the current status (a self-loop
    must be listed to be allowed). A step that keeps the status (`to` None) is not checked against the
    table: the caller's service checks that the step fits. `created`: obj was just created in its first
    status; the row goes from nothing to that status and nothing is saved.
    """
    current = getattr(obj, status_field)
    if created:
        return transition_record(obj=obj, from_status="", to_status=current, actor=actor, action=action,
                                 reason=reason, data=data, institution=institution)
    target = current if to is None else to
    if to is not None and to not in table.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("当前状态为“%(from)s”，不能变更为“%(to)s”。")
            % {"from": _display(obj, status_field, current), "to": _display(obj, status_field, target)}
        )
    update = set(fields)
    if target != current:
        setattr(obj, status_field, target)
        update.add(status_field)
    if update:
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.add("updated_at")
        obj.save(update_fields=sorted(update))
    return transition_record(
        obj=obj,
        from_status=current,
        to_status=target,
        actor=actor,
        action=action,
        reason=reason,
        data=data,
        institution=institution,
    )


def _display(obj: models.Model, status_field: str, value: str) -> str:
    field = obj._meta.get_field(status_field)
    return str(dict(getattr(field, "flatchoices", ())).get(value, value))
