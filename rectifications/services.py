"""Writes of the one rectification loop. Every step: lock, check, `transition()`, deadline, notice."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.services import deadline_close, deadline_open
from qms.core.workflow import transition
from qms.notifications import moments
from qms.notifications.services import notify
from rectifications import permissions
from rectifications.models import Rectification, RectificationEvidence
from rectifications.workflow import OPEN_STATUSES, TRANSITIONS, Status

DUE_RULE = "rectification.due"
ARTICLE = _("淄博方案三（四）10：检查评估—约谈通报—专项整改—系统改进—持续完善")


def _url(r: Rectification) -> str:
    return reverse("rectifications:detail", args=[r.pk])


def _responsible(r: Rectification) -> Any:
    if r.owner_id:
        return r.owner
    return r.department.head if r.department is not None else None


def _open_deadline(r: Rectification) -> None:
    deadline_open(
        obj=r, rule=DUE_RULE, label=_("整改期限：%(problem)s") % {"problem": r.problem[:80]}, article=ARTICLE,
        due_on=r.due_on, institution=r.institution, department=r.department, authority=r.authority,
        responsible=_responsible(r), url=_url(r),
    )


def _lock(r: Rectification) -> Rectification:
    return Rectification.objects.select_for_update(of=("self",)).select_related(
        "institution", "department", "department__head", "owner"
    ).get(pk=r.pk)


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写%(what)s。") % {"what": what}]})
    return text


def rectification_open(
    *,
    institution: Any,
    source_kind: str,
    problem: str,
    due_on: dt.date,
    actor: Any,
    department: Any = None,
    source_id: int | None = None,
    source_label: str = "",
    source_url: str = "",
    requirement: str = "",
    owner: Any = None,
    verifier: Any = None,
    authority: Any = None,
    repeat_key: str = "",
) -> Rectification:
    """Open one problem for a department to fix, with its Deadline row; a repeat of an earlier finding
    (same `repeat_key` at the same hospital) is marked as such."""
    problem = (problem or "").strip()
    if not problem:
        raise ValidationError({"problem": [_("请填写存在问题。")]})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": [_("整改期限不能早于今天。")]})
    if department is not None and department.institution_id != institution.pk:
        raise ValidationError({"department": [_("责任科室不属于该医疗机构。")]})
    with transaction.atomic():
        previous = None
        if repeat_key:
            previous = (
                Rectification.objects.filter(institution=institution, repeat_key=repeat_key)
                .exclude(status=Status.CANCELLED).order_by("-created_at", "-id").first()
            )
        r = Rectification.objects.create(
            institution=institution, department=department, authority=authority, source_kind=source_kind,
            source_id=source_id, source_label=source_label[:200], source_url=source_url, repeat_key=repeat_key,
            repeat_of=previous, problem=problem, requirement=requirement, owner=owner, verifier=verifier,
            due_on=due_on, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        transition(
            r, None, table=TRANSITIONS, actor=actor, action="rectification.opened",
            data={"source": r.source, "due_on": str(due_on), "repeat_of": previous.pk if previous else None},
        )
        _open_deadline(r)
        recipient = _responsible(r)
        if recipient is not None:
            subject, body, params = moments.texts("rectification.opened", {
                "problem": " ".join(problem.split()), "due": due_on.isoformat(),
                "source": source_label or r.get_source_kind_display()})
            notify(
                recipients=[recipient], rule="rectification.opened", article=str(ARTICLE), subject=subject,
                body=body, obj=r, url=_url(r), period_key="opened", institution=institution, due_on=due_on,
                params=params,
            )
    return r


def rectification_report(*, rectification: Rectification, actor: Any, text: str) -> Rectification:
    text = _text(text, _("整改情况"))
    with transaction.atomic():
        r = _lock(rectification)
        if not permissions.can_report(actor, r):
            raise PermissionDenied(_("只有整改责任人、责任科室负责人或质控员、医院质控办可以报告整改情况。"))
        r.report_text, r.reported_at, r.reported_by = text, timezone.now(), actor
        transition(
            r, Status.REPORTED, table=TRANSITIONS, actor=actor, action="rectification.reported",
            fields=("report_text", "reported_at", "reported_by"), data={"text": text},
        )
        deadline_close(obj=r, rule=DUE_RULE)
        if r.verifier_id:
            subject, body, params = moments.texts("rectification.reported",
                                                  {"problem": " ".join(r.problem.split()), "body": text[:500]})
            notify(
                recipients=[r.verifier_id], rule="rectification.reported", article=str(ARTICLE), subject=subject,
                body=body, obj=r, url=_url(r), period_key=f"reported-{r.reopen_count}",
                institution=r.institution, params=params,
            )
    return r


def _check_verifier(actor: Any, r: Rectification) -> None:
    if not permissions.can_verify(actor, r):
        raise PermissionDenied(_("只有提出整改要求的一方（检查人、评价专家或主管部门）可以确认整改效果。"))
    if r.reported_by_id and r.reported_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("报告整改情况的人不能确认自己的整改效果。"))


def rectification_verify(*, rectification: Rectification, actor: Any, text: str = "") -> Rectification:
    with transaction.atomic():
        r = _lock(rectification)
        _check_verifier(actor, r)
        r.verify_note, r.verified_at, r.verified_by = (text or "").strip(), timezone.now(), actor
        transition(
            r, Status.VERIFIED, table=TRANSITIONS, actor=actor, action="rectification.verified",
            fields=("verify_note", "verified_at", "verified_by"), data={"text": r.verify_note},
        )
    return r


def rectification_reopen(
    *, rectification: Rectification, actor: Any, text: str, due_on: dt.date | None = None
) -> Rectification:
    """Not effective: back to the department with the reason. Without a new due date, the department gets as
    long again as it had the first time, counted from today."""
    text = _text(text, _("重新整改的原因"))
    with transaction.atomic():
        r = _lock(rectification)
        _check_verifier(actor, r)
        today = timezone.localdate()
        if due_on is None:
            due_on = today + max(r.due_on - r.created_at.astimezone(timezone.get_current_timezone()).date(), dt.timedelta(days=1))
        if due_on < today:
            raise ValidationError({"due_on": [_("整改期限不能早于今天。")]})
        r.due_on, r.verify_note = due_on, text
        r.reopen_count += 1
        transition(
            r, Status.REOPENED, table=TRANSITIONS, actor=actor, action="rectification.reopened", reason=text,
            fields=("due_on", "verify_note", "reopen_count"), data={"due_on": str(due_on)},
        )
        _open_deadline(r)
        recipient = _responsible(r)
        if recipient is not None:
            subject, body, params = moments.texts("rectification.reopened",
                                                  {"problem": " ".join(r.problem.split()), "body": text[:500]})
            notify(
                recipients=[recipient], rule="rectification.reopened", article=str(ARTICLE), subject=subject,
                body=body, obj=r, url=_url(r), period_key=f"reopened-{r.reopen_count}",
                institution=r.institution, due_on=due_on, params=params,
            )
    return r


def rectification_cancel(*, rectification: Rectification, actor: Any, reason: str) -> Rectification:
    """Withdrawn by the side that demanded it (a finding entered in error); kept, never deleted."""
    reason = _text(reason, _("撤销原因"))
    with transaction.atomic():
        r = _lock(rectification)
        if not permissions.can_verify(actor, r):
            raise PermissionDenied(_("只有提出整改要求的一方可以撤销。"))
        transition(r, Status.CANCELLED, table=TRANSITIONS, actor=actor, action="rectification.cancelled", reason=reason)
        deadline_close(obj=r, rule=DUE_RULE)
    return r


def rectification_evidence_add(
    *, rectification: Rectification, actor: Any, name: str, content_type: str, data: bytes, note: str = ""
) -> RectificationEvidence:
    """Store one already checked file (type judged from its content) as evidence."""
    with transaction.atomic():
        r = _lock(rectification)
        if r.status not in OPEN_STATUSES or not permissions.can_report(actor, r):
            raise PermissionDenied(_("只有整改责任方可以在整改完成前上传佐证材料。"))
        evidence = RectificationEvidence(
            rectification=r, name=name[:200], content_type=content_type, size=len(data),
            sha256=RectificationEvidence.digest(data), note=note[:200], uploaded_by=actor,
        )
        evidence.file.save(name, ContentFile(data), save=False)
        evidence.save()
        transition(
            r, None, table=TRANSITIONS, actor=actor, action="rectification.evidence_added",
            data={"evidence": evidence.pk, "name": evidence.name, "sha256": evidence.sha256},
        )
    return evidence
