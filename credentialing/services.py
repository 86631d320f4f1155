"""Writes of the credentialing register. Every step: lock, check the rule, `transition()`, deadline, notice,
and a bump of the hospital's check generation so the HIS never reads a stale answer."""
from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credentialing import permissions
from credentialing.defaults import DEFAULTS
from credentialing.models import (
    DEFAULT_CHAIN,
    ApprovalStep,
    CheckGeneration,
    EmergencyUse,
    Privilege,
    PrivilegeApproval,
    PrivilegeItem,
    PrivilegeReview,
    ProcedureRecord,
)
from credentialing.workflow import (
    EMERGENCY_TRANSITIONS,
    ITEM_TRANSITIONS,
    TRANSITIONS,
    VALID,
    EmergencyStatus,
    ItemStatus,
    ReviewOutcome,
    Status,
)
from organizations.models import Department
from qms.core.services import deadline_close, deadline_open
from qms.core.workflow import transition
from qms.notifications.services import notify
from staff.models import TITLE_RANK, Title, title_at_least

REVIEW_RULE = "credentialing.review_due"
EMERGENCY_RULE = "credentialing.emergency_completion"
# The review falls due this many days before the grant expires, so a renewal is decided in time.
REVIEW_LEAD_DAYS = 30
ZB13 = _("淄博方案 二（四）13：医师授权、动态评估制度")
ZB14 = _("淄博方案 二（四）14")
ZB15 = _("淄博方案 二（四）15")
ART28 = _("抗菌药物临床应用管理办法 第二十八条")
TITLE_LABELS = dict(Title.choices)


# ------------------------------------------------------------------------------------------ helpers
def generation_bump(institution_id: int) -> None:
    """Invalidate every cached check answer of one hospital, in the caller's transaction."""
    if not CheckGeneration.objects.filter(institution_id=institution_id).update(value=F("value") + 1):
        CheckGeneration.objects.get_or_create(institution_id=institution_id, defaults={"value": 1})


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写%(what)s。") % {"what": what}]})
    return reason


def _url(p: Privilege) -> str:
    return reverse("credentialing:privilege", args=[p.pk])


def _lock(p: Privilege) -> Privilege:
    return Privilege.objects.select_for_update(of=("self",)).select_related(
        "institution", "staff", "staff__department", "staff__user", "item"
    ).get(pk=p.pk)


def medical_affairs(institution: Any) -> Department | None:
    return (
        Department.objects.filter(institution=institution, function=Department.Function.MEDICAL_ADMIN)
        .select_related("head").first()
    )


def check_grant_rules(*, staff: Any, item: PrivilegeItem, valid_from: dt.date, valid_until: dt.date) -> None:
    """The rules a grant must meet, each error naming its rule (400 in the API)."""
    errors: dict[str, list[str]] = {}
    if staff.institution_id != item.institution_id:
        errors.setdefault("item", []).append(_("授权项目不属于该人员所在医疗机构。"))
    if valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("授权截止日不能早于起始日。"))
    elif valid_until > valid_from + relativedelta(months=item.max_validity_months):
        errors.setdefault("valid_until", []).append(
            _("授权期限超过该项目允许的最长期限（%(n)d个月，依据：%(basis)s）。")
            % {"n": item.max_validity_months, "basis": item.basis or _("本院授权目录")})
    if not title_at_least(staff.title, item.min_title):
        errors.setdefault("staff", []).append(
            _("%(name)s的职称（%(title)s）低于该项目要求的最低职称（%(min)s），依据：%(basis)s。")
            % {"name": staff.name, "title": TITLE_LABELS.get(staff.title, staff.title),
               "min": TITLE_LABELS.get(item.min_title, item.min_title), "basis": item.basis or _("本院授权目录")})
    elif item.min_years_in_title and staff.title == item.min_title and staff.title_since and (
        staff.title_since + relativedelta(years=item.min_years_in_title) > valid_from
    ):
        errors.setdefault("staff", []).append(
            _("取得现职称不满%(n)d年（依据：%(basis)s）。") % {"n": item.min_years_in_title, "basis": item.basis})
    if not staff.is_active:
        errors.setdefault("staff", []).append(_("该人员已不在岗。"))
    if item.status == ItemStatus.STOPPED:
        errors.setdefault("item", []).append(
            _("该技术已停止临床应用（%(basis)s），不能授权：%(reason)s") % {"basis": ZB15, "reason": item.status_reason})
    missing = item.missing_prerequisites()
    if missing:
        errors.setdefault("item", []).append(
            _("新技术新项目尚未完成%(missing)s，不得授权临床应用（%(basis)s）。")
            % {"missing": "、".join(missing), "basis": ZB14})
    if not item.is_active:
        errors.setdefault("item", []).append(_("该授权项目已停用。"))
    if errors:
        raise ValidationError(errors)


# ------------------------------------------------------------------------------------------ catalogue
@transaction.atomic
def catalogue_seed_defaults(*, institution: Any) -> int:
    """The national defaults and the surgery-grade policy for one hospital; existing items are left as edited."""
    created = 0
    for spec in DEFAULTS:
        fields = {k: v for k, v in spec.items() if k != "code"}
        fields.setdefault("approval_chain", list(DEFAULT_CHAIN))
        _item, was_new = PrivilegeItem.objects.get_or_create(institution=institution, code=spec["code"], defaults=fields)
        created += was_new
    return created


@transaction.atomic
def privilege_item_create(*, institution: Any, actor: Any, code: str, name: str, category: str, **fields: Any) -> PrivilegeItem:
    code = (code or "").strip()
    if PrivilegeItem.objects.filter(institution=institution, code=code).exists():
        raise ValidationError({"code": [_("编码“%(c)s”已存在。") % {"c": code}]})
    chain = fields.pop("approval_chain", None) or list(DEFAULT_CHAIN)
    _check_chain(chain)
    item = PrivilegeItem(institution=institution, code=code, name=name, category=category, approval_chain=chain, **fields)
    item.full_clean()
    item.save()
    transition(item, None, table=ITEM_TRANSITIONS, actor=actor, action="item.created", data={"code": code})
    return item


def _check_chain(chain: list[str]) -> None:
    valid = set(ApprovalStep.values)
    if not chain or any(step not in valid for step in chain) or len(set(chain)) != len(chain):
        raise ValidationError({"approval_chain": [_("审批流程须由科室审核、医务部门审核、委员会审批中的环节组成，且不重复。")]})


@transaction.atomic
def privilege_item_update(*, item: PrivilegeItem, actor: Any, **changes: Any) -> PrivilegeItem:
    """A policy edit (minimum title, validity, chain …); grants already decided keep the terms they were given."""
    if not permissions.can_manage(actor, item.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以修改授权目录。"))
    item = PrivilegeItem.objects.select_for_update().get(pk=item.pk)
    if "approval_chain" in changes:
        _check_chain(changes["approval_chain"])
    before = {k: getattr(item, k) for k in changes}
    for k, v in changes.items():
        setattr(item, k, v)
    item.full_clean()
    changed = {k: [str(before[k]), str(v)] for k, v in changes.items() if before[k] != v}
    if changed:
        transition(item, None, table=ITEM_TRANSITIONS, actor=actor, action="item.updated", data=changed,
                   fields=list(changes))
        generation_bump(item.institution_id)
    return item


@transaction.atomic
def privilege_item_prerequisites_record(
    *, item: PrivilegeItem, actor: Any, demonstrated_on: dt.date | None, sop_reference: str,
    ethics_approved_on: dt.date | None,
) -> PrivilegeItem:
    """论证, SOP and ethics approval of a new technology (淄博方案 二（四）14): until all three, no grant."""
    if not permissions.can_manage(actor, item.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以登记技术论证。"))
    item = PrivilegeItem.objects.select_for_update().get(pk=item.pk)
    today = timezone.localdate()
    for name, value in (("demonstrated_on", demonstrated_on), ("ethics_approved_on", ethics_approved_on)):
        if value and value > today:
            raise ValidationError({name: [_("日期不能晚于今天。")]})
    item.demonstrated_on, item.sop_reference, item.ethics_approved_on = demonstrated_on, (sop_reference or "").strip(), ethics_approved_on
    transition(item, None, table=ITEM_TRANSITIONS, actor=actor, action="item.prerequisites",
               fields=("demonstrated_on", "sop_reference", "ethics_approved_on"),
               data={"demonstrated_on": str(demonstrated_on or ""), "sop": item.sop_reference,
                     "ethics_approved_on": str(ethics_approved_on or "")})
    return item


@transaction.atomic
def privilege_item_stop(*, item: PrivilegeItem, actor: Any, reason: str) -> int:
    """Stop a technology for serious quality problems (淄博方案 二（四）15): every valid grant of it is
    suspended in the same transaction, and the HIS check answers so at once. Returns how many."""
    reason = _reason(reason, _("停止原因"))
    if not permissions.can_manage(actor, item.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以停止技术临床应用。"))
    item = PrivilegeItem.objects.select_for_update().get(pk=item.pk)
    now = timezone.now()
    item.status_reason, item.status_changed_at = reason, now
    transition(item, ItemStatus.STOPPED, table=ITEM_TRANSITIONS, actor=actor, action="item.stopped", reason=reason,
               fields=("status_reason", "status_changed_at"))
    n = 0
    for p in Privilege.objects.select_for_update().filter(item=item, status__in=VALID):
        p.status_reason, p.status_changed_at, p.suspended_by_item = (
            _("技术停止临床应用：%(r)s") % {"r": reason}), now, True
        transition(p, Status.SUSPENDED, table=TRANSITIONS, actor=actor, action="privilege.suspended",
                   reason=p.status_reason, fields=("status_reason", "status_changed_at", "suspended_by_item"),
                   data={"by_item": item.code})
        n += 1
    generation_bump(item.institution_id)
    return n


@transaction.atomic
def privilege_item_resume(*, item: PrivilegeItem, actor: Any, reason: str) -> int:
    """Resume a stopped technology; the grants its stop suspended are restored (others stay as they are)."""
    reason = _reason(reason, _("恢复原因"))
    if not permissions.can_manage(actor, item.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以恢复技术临床应用。"))
    item = PrivilegeItem.objects.select_for_update().get(pk=item.pk)
    now = timezone.now()
    item.status_reason, item.status_changed_at = "", now
    transition(item, ItemStatus.ACTIVE, table=ITEM_TRANSITIONS, actor=actor, action="item.resumed", reason=reason,
               fields=("status_reason", "status_changed_at"))
    n = 0
    today = timezone.localdate()
    for p in Privilege.objects.select_for_update().filter(item=item, status=Status.SUSPENDED, suspended_by_item=True):
        if p.valid_until < today:
            continue
        p.status_reason, p.status_changed_at, p.suspended_by_item = reason, now, False
        transition(p, Status.RESTORED, table=TRANSITIONS, actor=actor, action="privilege.restored", reason=reason,
                   fields=("status_reason", "status_changed_at", "suspended_by_item"))
        n += 1
    generation_bump(item.institution_id)
    return n


@transaction.atomic
def privilege_item_assess(*, item: PrivilegeItem, actor: Any, assessed_on: dt.date, note: str) -> PrivilegeItem:
    """动态评估 of a technology or 四级手术术种 (淄博方案 二（四）15; indicator 1 counts them)."""
    note = _reason(note, _("评估结论"))
    if not permissions.can_manage(actor, item.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以登记技术动态评估。"))
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": [_("日期不能晚于今天。")]})
    item = PrivilegeItem.objects.select_for_update().get(pk=item.pk)
    item.last_assessed_on = assessed_on
    transition(item, None, table=ITEM_TRANSITIONS, actor=actor, action="item.assessed", reason=note,
               fields=("last_assessed_on",), data={"assessed_on": str(assessed_on)})
    return item


# ------------------------------------------------------------------------------------------ grants
def _open_review(p: Privilege) -> PrivilegeReview:
    due = max(p.valid_until - dt.timedelta(days=REVIEW_LEAD_DAYS), p.valid_from)
    PrivilegeReview.objects.filter(privilege=p, reviewed_at__isnull=True).delete()
    review = PrivilegeReview.objects.create(privilege=p, due_on=due)
    p.review_due_on = due
    Privilege.objects.filter(pk=p.pk).update(review_due_on=due)
    responsible = getattr(medical_affairs(p.institution), "head", None)
    deadline_open(
        obj=p, rule=REVIEW_RULE, label=_("授权动态评估：%(who)s · %(item)s") % {"who": p.staff.name, "item": p.item.name},
        article=str(ZB13), due_on=due, institution=p.institution, department=p.staff.department,
        responsible=responsible, url=_url(p),
    )
    return review


def _activate(p: Privilege, *, actor: Any, action: str, reason: str = "", data: dict | None = None) -> None:
    p.granted_at = p.status_changed_at = timezone.now()
    transition(p, Status.ACTIVE, table=TRANSITIONS, actor=actor, action=action, reason=reason,
               fields=("granted_at", "status_changed_at"), data=data)
    _open_review(p)
    generation_bump(p.institution_id)


def privilege_record(
    *, staff: Any, item: PrivilegeItem, valid_from: dt.date, valid_until: dt.date, basis: str, actor: Any,
) -> Privilege:
    """A grant already decided (loading the existing register): active at once, with its review due."""
    if not permissions.can_manage(actor, staff.institution_id):
        raise PermissionDenied(_("只有医务部门或质控办可以登记已决定的授权。"))
    check_grant_rules(staff=staff, item=item, valid_from=valid_from, valid_until=valid_until)
    with transaction.atomic():
        p = Privilege.objects.create(
            institution=staff.institution, staff=staff, item=item, valid_from=valid_from, valid_until=valid_until,
            basis=(basis or "").strip(), chain=[], step=0, status=Status.PENDING, applied_by=_user(actor),
        )
        _activate(p, actor=actor, action="privilege.recorded", reason=p.basis,
                  data={"valid_from": str(valid_from), "valid_until": str(valid_until)})
    return p


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def privilege_apply(
    *, staff: Any, item: PrivilegeItem, valid_from: dt.date, valid_until: dt.date, basis: str, actor: Any,
    training_passed: bool = False,
) -> Privilege:
    """An application: it goes through the item's approval chain (as data, copied at application)."""
    if not permissions.can_apply(actor, staff):
        raise PermissionDenied(_("只有本人、科室主任或质控员、医务部门可以提出授权申请。"))
    check_grant_rules(staff=staff, item=item, valid_from=valid_from, valid_until=valid_until)
    if item.requires_training and not training_passed:
        raise ValidationError({"training_passed": [
            _("该项目须经本机构培训并考核合格后方可授予（依据：%(basis)s）。") % {"basis": item.basis}]})
    if Privilege.objects.filter(staff=staff, item=item, status=Status.PENDING).exists():
        raise ValidationError({"item": [_("该人员已有同一项目的申请在审批中。")]})
    with transaction.atomic():
        p = Privilege.objects.create(
            institution=staff.institution, staff=staff, item=item, valid_from=valid_from, valid_until=valid_until,
            basis=(basis or "").strip(), chain=item.chain, step=0, applied_by=_user(actor),
        )
        transition(p, None, table=TRANSITIONS, actor=actor, action="privilege.applied", reason=p.basis,
                   data={"chain": p.chain, "training_passed": training_passed})
        _notify_step(p)
    return p


def _notify_step(p: Privilege) -> None:
    step = p.current_step
    if step is None:
        return
    if step == ApprovalStep.DEPARTMENT and p.staff.department is not None and (head_id := p.staff.department.head_id):
        recipients = [head_id]
    elif step == ApprovalStep.COMMITTEE and (chair_id := getattr(getattr(p.institution, "committee", None), "chair_id", None)):
        recipients = [chair_id]
    else:
        ma = medical_affairs(p.institution)
        recipients = [ma.head_id] if ma and ma.head_id else []
    notify(recipients=recipients, rule="privilege.step", article=str(ZB13),
           subject=_("授权申请待%(step)s：%(who)s · %(item)s") % {"step": p.current_step_label(), "who": p.staff.name, "item": p.item.name},
           body=p.basis[:300], obj=p, url=_url(p), period_key=f"step-{p.step}", institution=p.institution)


def privilege_approve_step(*, privilege: Privilege, actor: Any, note: str = "") -> Privilege:
    with transaction.atomic():
        p = _lock(privilege)
        step = p.current_step
        if step is None:
            raise ValidationError({"non_field_errors": [_("该授权不在审批中。")]})
        if not permissions.can_decide_step(actor, p, step):
            raise PermissionDenied(_("您不能办理“%(step)s”环节。") % {"step": p.current_step_label()})
        if p.staff.user_id and p.staff.user_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("不能审批本人的授权申请。"))
        PrivilegeApproval.objects.create(privilege=p, step=step, approved=True, note=(note or "").strip(), decided_by=actor)
        label = p.current_step_label()
        p.step += 1
        if p.step >= len(p.chain):
            check_grant_rules(staff=p.staff, item=p.item, valid_from=p.valid_from, valid_until=p.valid_until)
            p.save(update_fields=["step", "updated_at"])
            _activate(p, actor=actor, action="privilege.approved", reason=note, data={"step": step})
            if p.staff.user_id:
                notify(recipients=[p.staff.user_id], rule="privilege.granted", article=str(ZB13),
                       subject=_("授权已生效：%(item)s") % {"item": p.item.name},
                       body=_("有效期 %(a)s 至 %(b)s。") % {"a": p.valid_from, "b": p.valid_until},
                       obj=p, url=_url(p), period_key="granted", institution=p.institution)
        else:
            transition(p, None, table=TRANSITIONS, actor=actor, action="privilege.step_approved",
                       reason=note, fields=("step",), data={"step": step, "label": str(label)})
            _notify_step(p)
    return p


def privilege_reject(*, privilege: Privilege, actor: Any, reason: str) -> Privilege:
    reason = _reason(reason, _("不予批准的理由"))
    with transaction.atomic():
        p = _lock(privilege)
        step = p.current_step
        if step is None:
            raise ValidationError({"non_field_errors": [_("该授权不在审批中。")]})
        if not permissions.can_decide_step(actor, p, step):
            raise PermissionDenied(_("您不能办理“%(step)s”环节。") % {"step": p.current_step_label()})
        PrivilegeApproval.objects.create(privilege=p, step=step, approved=False, note=reason, decided_by=actor)
        p.status_reason, p.status_changed_at = reason, timezone.now()
        transition(p, Status.REJECTED, table=TRANSITIONS, actor=actor, action="privilege.rejected", reason=reason,
                   fields=("status_reason", "status_changed_at"), data={"step": step})
    return p


def _status_step(privilege: Privilege, *, actor: Any, reason: str, to: str, action: str, what: str) -> Privilege:
    reason = _reason(reason, what)
    with transaction.atomic():
        p = _lock(privilege)
        if not permissions.can_manage(actor, p.institution_id):
            raise PermissionDenied(_("只有医务部门或质控办可以暂停、恢复或撤销授权。"))
        if to == Status.RESTORED:
            if p.item.status == ItemStatus.STOPPED:
                raise ValidationError({"reason": [_("该技术已停止临床应用（%(basis)s），恢复技术前不能恢复授权。") % {"basis": ZB15}]})
            if p.valid_until < timezone.localdate():
                raise ValidationError({"reason": [_("授权已于 %(d)s 到期，不能恢复，请重新申请。") % {"d": p.valid_until}]})
        p.status_reason, p.status_changed_at, p.suspended_by_item = reason, timezone.now(), False
        transition(p, to, table=TRANSITIONS, actor=actor, action=action, reason=reason,
                   fields=("status_reason", "status_changed_at", "suspended_by_item"))
        if to == Status.REVOKED:
            deadline_close(obj=p, rule=REVIEW_RULE)
            PrivilegeReview.objects.filter(privilege=p, reviewed_at__isnull=True).delete()
        generation_bump(p.institution_id)
        if p.staff.user_id:
            notify(recipients=[p.staff.user_id], rule=action, article=str(ZB13),
                   subject=_("您的授权“%(item)s”：%(status)s") % {"item": p.item.name, "status": p.get_status_display()},
                   body=reason[:300], obj=p, url=_url(p), period_key=f"{action}-{p.status_changed_at.isoformat()}",
                   institution=p.institution)
    return p


def privilege_suspend(*, privilege: Privilege, actor: Any, reason: str) -> Privilege:
    return _status_step(privilege, actor=actor, reason=reason, to=Status.SUSPENDED, action="privilege.suspended",
                        what=_("暂停原因"))


def privilege_restore(*, privilege: Privilege, actor: Any, reason: str) -> Privilege:
    return _status_step(privilege, actor=actor, reason=reason, to=Status.RESTORED, action="privilege.restored",
                        what=_("恢复理由"))


def privilege_revoke(*, privilege: Privilege, actor: Any, reason: str) -> Privilege:
    return _status_step(privilege, actor=actor, reason=reason, to=Status.REVOKED, action="privilege.revoked",
                        what=_("撤销原因"))


def privileges_expire(*, today: dt.date | None = None) -> int:
    """The daily pass: grants past their end date become expired (the check already says so by date)."""
    today = today or timezone.localdate()
    n = 0
    for pk in Privilege.objects.filter(
        valid_until__lt=today, status__in=[*VALID, Status.SUSPENDED]
    ).values_list("pk", flat=True):
        with transaction.atomic():
            p = Privilege.objects.select_for_update().get(pk=pk)
            if p.status not in (*VALID, Status.SUSPENDED):
                continue
            p.status_reason, p.status_changed_at = _("授权已于 %(d)s 到期") % {"d": p.valid_until}, timezone.now()
            transition(p, Status.EXPIRED, table=TRANSITIONS, actor=None, action="privilege.expired",
                       reason=p.status_reason, fields=("status_reason", "status_changed_at"))
            generation_bump(p.institution_id)
            n += 1
    return n


# ------------------------------------------------------------------------------------------ reviews
def privilege_review_decide(
    *, review: PrivilegeReview, actor: Any, outcome: str, note: str, new_valid_until: dt.date | None = None,
    restriction: str = "",
) -> PrivilegeReview:
    """动态评估 decided on the dossier (frozen into the review): renew, narrow, suspend or let lapse."""
    from credentialing.selectors import review_dossier

    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写评估意见。")]})
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": [_("请选择评估结论。")]})
    with transaction.atomic():
        review = PrivilegeReview.objects.select_for_update().get(pk=review.pk)
        if review.reviewed_at is not None:
            raise ValidationError({"non_field_errors": [_("该评估已完成。")]})
        p = _lock(review.privilege)
        if not permissions.can_manage(actor, p.institution_id):
            raise PermissionDenied(_("只有医务部门或质控办可以办理动态评估。"))
        if p.status not in (*VALID, Status.SUSPENDED):
            raise ValidationError({"non_field_errors": [_("该授权已终止，无需评估。")]})
        today = timezone.localdate()
        review.dossier = review_dossier(privilege=p)
        review.outcome, review.note, review.reviewed_by, review.reviewed_at = outcome, note, actor, timezone.now()
        if outcome in (ReviewOutcome.RENEW, ReviewOutcome.NARROW):
            if new_valid_until is None:
                raise ValidationError({"new_valid_until": [_("续期须填写新的授权截止日。")]})
            start = max(today, p.valid_from)
            check_grant_rules(staff=p.staff, item=p.item, valid_from=start, valid_until=new_valid_until)
            if new_valid_until <= p.valid_until:
                raise ValidationError({"new_valid_until": [_("新的截止日须晚于原截止日 %(d)s。") % {"d": p.valid_until}]})
            if outcome == ReviewOutcome.NARROW:
                restriction = (restriction or "").strip()
                if not restriction:
                    raise ValidationError({"restriction": [_("缩小范围须写明限定的范围。")]})
                p.restriction = restriction
            review.new_valid_until, review.restriction = new_valid_until, p.restriction
            p.valid_until, p.last_reviewed_on = new_valid_until, today
            review.save()
            transition(p, None, table=TRANSITIONS, actor=actor, action="privilege.reviewed", reason=note,
                       fields=("valid_until", "restriction", "last_reviewed_on"),
                       data={"outcome": outcome, "valid_until": str(new_valid_until), "restriction": p.restriction})
            _open_review(p)
        else:
            review.save()
            p.last_reviewed_on = today
            if outcome == ReviewOutcome.SUSPEND:
                p.status_reason, p.status_changed_at = note, timezone.now()
                transition(p, Status.SUSPENDED if p.status != Status.SUSPENDED else None, table=TRANSITIONS,
                           actor=actor, action="privilege.reviewed", reason=note,
                           fields=("last_reviewed_on", "status_reason", "status_changed_at"), data={"outcome": outcome})
            else:
                transition(p, None, table=TRANSITIONS, actor=actor, action="privilege.reviewed", reason=note,
                           fields=("last_reviewed_on",), data={"outcome": outcome})
            deadline_close(obj=p, rule=REVIEW_RULE)
        generation_bump(p.institution_id)
    return review


# ------------------------------------------------------------------------------------------ HIS reports
def procedure_record(
    *, staff: Any, item: PrivilegeItem, performed_on: dt.date, record_number: str = "",
    unplanned_reoperation: bool = False, complication: bool = False,
) -> ProcedureRecord:
    if staff.institution_id != item.institution_id:
        raise ValidationError({"item": [_("授权项目不属于该人员所在医疗机构。")]})
    return ProcedureRecord.objects.create(
        institution_id=staff.institution_id, staff=staff, item=item, performed_on=performed_on,
        record_number=record_number, unplanned_reoperation=unplanned_reoperation, complication=complication,
    )


# ------------------------------------------------------------------------------------------ emergency uses
def holds(staff: Any, item: PrivilegeItem, at: dt.datetime) -> Privilege | None:
    day = timezone.localtime(at).date()
    return Privilege.objects.filter(
        staff=staff, item=item, status__in=VALID, valid_from__lte=day, valid_until__gte=day
    ).first()


def emergency_use_record(
    *, staff: Any, item: PrivilegeItem, used_at: dt.datetime, reason: str, confirmed_by: Any, actor: Any,
    record_number: str = "",
) -> EmergencyUse:
    """紧急越级使用 (抗菌药物临床应用管理办法 第二十八条 for antimicrobials): the indication recorded, confirmed by a
    different person who holds the item, and the formalities completed within the rule's hours."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("请填写用药指征或紧急情况（%(a)s：越级使用应当详细记录用药指征）。") % {"a": ART28}]
    if used_at > timezone.now() + dt.timedelta(minutes=5):
        errors["used_at"] = [_("使用时间不能晚于现在。")]
    if staff.institution_id != item.institution_id:
        errors["item"] = [_("授权项目不属于该人员所在医疗机构。")]
    confirming = None
    if confirmed_by.pk == staff.pk:
        errors["confirmed_by"] = [_("确认人不能是使用者本人。")]
    elif confirmed_by.institution_id != staff.institution_id:
        errors["confirmed_by"] = [_("确认人不属于本医疗机构。")]
    else:
        confirming = holds(confirmed_by, item, used_at)
        if confirming is None:
            errors["confirmed_by"] = [_("确认人%(name)s在使用时未持有“%(item)s”的有效授权。") % {"name": confirmed_by.name, "item": item.name}]
        elif TITLE_RANK.get(confirmed_by.title, 0) < TITLE_RANK.get(staff.title, 0):
            errors["confirmed_by"] = [_("确认人须为上级医师：职称不能低于使用者。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        complete_by = used_at + dt.timedelta(hours=item.emergency_completion_hours) if item.emergency_completion_hours else None
        use = EmergencyUse.objects.create(
            institution_id=staff.institution_id, staff=staff, item=item, used_at=used_at, reason=reason,
            record_number=(record_number or "").strip(), confirmed_by=confirmed_by, confirming_privilege=confirming,
            complete_by=complete_by, recorded_by=_user(actor),
        )
        transition(use, None, table=EMERGENCY_TRANSITIONS, actor=actor, action="emergency.recorded", reason=reason,
                   data={"item": item.code, "confirmed_by": confirmed_by.code, "complete_by": str(complete_by or "")})
        ma = medical_affairs(staff.institution)
        url = reverse("credentialing:emergency", args=[use.pk])
        if complete_by is not None:
            deadline_open(
                obj=use, rule=EMERGENCY_RULE,
                label=_("越级使用补办手续：%(who)s · %(item)s") % {"who": staff.name, "item": item.name},
                article=str(ART28), due_at=complete_by, institution=staff.institution, department=ma,
                responsible=staff.user, url=url,
            )
        if ma is not None and ma.head_id:
            notify(recipients=[ma.head_id], rule="emergency.recorded", article=str(ART28),
                   subject=_("紧急越级使用：%(who)s · %(item)s") % {"who": staff.name, "item": item.name},
                   body=reason[:300], obj=use, url=url, period_key="recorded", institution=staff.institution)
    return use


def emergency_use_complete(*, use: EmergencyUse, actor: Any, note: str) -> EmergencyUse:
    note = _reason(note, _("补办说明"))
    with transaction.atomic():
        use = EmergencyUse.objects.select_for_update(of=("self",)).select_related("staff").get(pk=use.pk)
        if not (permissions.can_manage(actor, use.institution_id) or use.staff.user_id == getattr(actor, "pk", None)):
            raise PermissionDenied(_("只有使用者本人或医务部门可以补办手续。"))
        use.completed_at, use.completion_note = timezone.now(), note
        transition(use, EmergencyStatus.COMPLETED, table=EMERGENCY_TRANSITIONS, actor=actor,
                   action="emergency.completed", reason=note, fields=("completed_at", "completion_note"),
                   data={"late": bool(use.complete_by and use.completed_at > use.complete_by)})
        deadline_close(obj=use, rule=EMERGENCY_RULE)
    return use


# ------------------------------------------------------------------------------------------ daily pass
EXPIRY_NOTICE_DAYS = (90, 30, 7)


def privileges_expiring_notify(*, today: dt.date | None = None) -> int:
    """Tell the holder, the department head and medical affairs that a valid grant ends in 90, 30 or 7 days
    (once per grant and threshold), so that its dynamic review (淄博方案 二（四）13) is decided in time."""
    today = today or timezone.localdate()
    n = 0
    horizon = today + dt.timedelta(days=max(EXPIRY_NOTICE_DAYS))
    grants = (
        Privilege.objects.filter(status__in=VALID, valid_until__gte=today, valid_until__lte=horizon)
        .select_related("institution", "staff", "staff__department", "item")
    )
    heads: dict[int, int | None] = {}
    for p in grants:
        left = (p.valid_until - today).days
        threshold = min((d for d in EXPIRY_NOTICE_DAYS if left <= d), default=None)
        if threshold is None:
            continue
        if p.institution_id not in heads:
            heads[p.institution_id] = getattr(medical_affairs(p.institution), "head_id", None)
        recipients = {p.staff.user_id, getattr(p.staff.department, "head_id", None), heads[p.institution_id]}
        n += notify(
            recipients=[r for r in recipients if r], rule="privilege.expiring", article=str(ZB13),
            subject=_("授权将于 %(d)s 到期：%(who)s · %(item)s") % {"d": p.valid_until, "who": p.staff.name, "item": p.item.name},
            body=_("请在到期前完成动态评估（续期、缩小范围、暂停或任其到期）。"), obj=p, url=_url(p),
            period_key=f"expiring-{p.valid_until.isoformat()}-{threshold}", institution=p.institution,
            due_on=p.valid_until,
        )
    return n
