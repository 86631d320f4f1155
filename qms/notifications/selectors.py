"""Reads of the notification app, scoped to the asking user."""
from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from organizations.models import Membership
from organizations.selectors import get_scope
from qms.notifications.models import Notification, Outbox, PassRun


def inbox_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A person's own notifications, newest first. Nobody reads another person's inbox."""
    qs = Notification.objects.filter(recipient=user).select_related("institution").defer("batch")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def can_see_passes(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.Role.QUALITY_OFFICE in get_scope(user).roles


def can_run_pass(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def pass_institution_ids(user: Any) -> frozenset[int] | None:
    """None: every hospital (staff); else the hospitals whose findings this quality officer may see."""
    if user.is_staff or user.is_superuser:
        return None
    return get_scope(user).institution_ids


def _sent_within(runs: list[PassRun], allowed: frozenset[int]) -> dict[int, tuple[int, int]]:
    """{run id: (notifications, e-mails)} of the given runs within the given hospitals: one query."""
    rows = (Notification.objects.filter(run__in=[r.pk for r in runs], institution_id__in=allowed)
            .values("run").annotate(n=Count("id", distinct=True),
                                    e=Count("outbox", filter=Q(outbox__kind=Outbox.Kind.EMAIL), distinct=True)))
    return {r["run"]: (r["n"], r["e"]) for r in rows}


def recent_pass_runs(user: Any, *, limit: int = 15) -> list[PassRun]:
    """The last passes, their counts cut down to the user's hospitals for a quality officer (issue 13 item 12:
    found, notified and e-mailed alike)."""
    runs = list(PassRun.objects.select_related("requested_by").order_by("-created_at", "-id")[:limit])
    allowed = pass_institution_ids(user)
    sent = _sent_within(runs, allowed) if allowed is not None and runs else {}
    for run in runs:
        run.rule_rows = []
        if allowed is None:
            for rule, c in sorted((run.counts or {}).items()):
                run.rule_rows.append({"rule": rule, "name": c.get("name", rule), "found": c.get("found", 0)})
            run.found_visible = run.found
        else:
            found: dict[str, int] = {}
            for iid, per_rule in (run.found_by_institution or {}).items():
                if int(iid) in allowed:
                    for rule, n in per_rule.items():
                        found[rule] = found.get(rule, 0) + n
            names = {rule: c.get("name", rule) for rule, c in (run.counts or {}).items()}
            run.rule_rows = [{"rule": r, "name": names.get(r, r), "found": n} for r, n in sorted(found.items())]
            run.found_visible = sum(found.values())
            run.found = run.found_visible
            run.notified, run.emailed = sent.get(run.pk, (0, 0))
    return runs


def pass_notifications(user: Any, runs: list[PassRun], *, limit: int = 100) -> QuerySet[Notification]:
    """What the given passes sent, within the user's hospitals (staff: all)."""
    qs = Notification.objects.filter(run__in=[r.pk for r in runs]).select_related("recipient", "institution")
    allowed = pass_institution_ids(user)
    if allowed is not None:
        qs = qs.filter(institution_id__in=allowed)
    return qs.prefetch_related("outbox").order_by("-created_at", "-id")[:limit]


def pass_run_for(user: Any, run_id: int) -> PassRun | None:
    """The run with its figures cut down to the user's hospitals (staff: all)."""
    if not can_see_passes(user):
        return None
    run = PassRun.objects.filter(pk=run_id).first()
    allowed = pass_institution_ids(user)
    if run is not None and allowed is not None:
        run.found = sum(n for iid, per_rule in (run.found_by_institution or {}).items() if int(iid) in allowed
                        for n in per_rule.values())
        run.notified, run.emailed = _sent_within([run], allowed).get(run.pk, (0, 0))
    return run
