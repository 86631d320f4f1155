"""Writes of the 质控中心 (济南市市级医疗质量控制中心管理办法（试行）, seeds/003, "JN"). Every step: lock,
check the rule (the message names the article), `transition()`, deadline, notice."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Authority, Department, Institution
from qc_centres import permissions
from qc_centres.models import (
    Activity,
    AnnualReport,
    ApplicationMaterial,
    Assessment,
    CentreStaff,
    DataExport,
    Expert,
    ExportConsent,
    Handover,
    HostApplication,
    HostBar,
    PlanTask,
    QcCentre,
    Visit,
)
from qc_centres.selectors import (
    active_bar,
    active_experts,
    centre_data,
    in_scope_institutions,
)
from qc_centres.workflow import (
    APPLICATION_TRANSITIONS,
    BAR_YEARS,
    DEPUTIES_MAX,
    DEPUTIES_MIN,
    DIRECTOR_MAX_AGE,
    EXPERT_TRANSITIONS,
    HANDOVER_ITEMS,
    HANDOVER_MONTHS,
    HANDOVER_TRANSITIONS,
    HOST_MAX,
    MAX_HOST_TERMS,
    MEMBERS_MAX,
    REPLACE_MONTHS,
    SENIOR_TITLES,
    TERM_YEARS,
    TRANSITIONS,
    ActivityKind,
    ApplicationStatus,
    Card,
    ExpertStatus,
    Ground,
    HandoverStatus,
    MaterialKind,
    RemovalGround,
    Role,
    Status,
)
from qms.core.services import deadline_close, deadline_open, transition_record
from qms.core.workflow import transition
from qms.notifications import moments
from qms.notifications.services import notify

ANNUAL_RULE = "qc_centre.annual_report"
TASK_RULE = "qc_centre.plan_task"
DIRECTOR_RULE = "qc_centre.director_replacement"
HANDOVER_RULE = "qc_centre.handover"

ELIGIBLE_CATEGORIES = frozenset({
    Institution.Category.GENERAL, Institution.Category.TCM, Institution.Category.SPECIALTY,
    Institution.Category.MATERNAL,
})


def _url(centre: QcCentre) -> str:
    return reverse("qc_centres:detail", args=[centre.pk])


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _lock(centre: QcCentre) -> QcCentre:
    return QcCentre.objects.select_for_update(of=("self",)).select_related("authority", "host_institution").get(
        pk=centre.pk)


def _require_manager(actor: Any, authority: Authority) -> None:
    if not permissions.is_manager(actor, authority.pk):
        raise PermissionDenied(_("只有设置质控中心的卫生健康行政部门可以办理此事项（第三条、第八条）。"))


def _require_runner(actor: Any, centre: QcCentre) -> None:
    if not permissions.can_run(actor, centre):
        raise PermissionDenied(_("只有运行中的质控中心的工作人员可以办理此事项。"))


def _secretaries(centre: QcCentre) -> list[Any]:
    return [s.user for s in CentreStaff.objects.filter(centre=centre, is_active=True).select_related("user")]


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ------------------------------------------------------------------------------------------------ set-up


def host_refusals(institution: Institution, authority: Authority, specialty: str, on: dt.date | None = None) -> list[str]:
    """Why an institution may not host this specialty's centre (JN Art. 4, 5 (一), 19 (三)); [] when it may."""
    out = []
    grade_ok = institution.grade_level == Institution.GradeLevel.LEVEL3 or (
        institution.grade_level == Institution.GradeLevel.LEVEL2 and institution.grade_class == Institution.GradeClass.A)
    if not grade_ok or institution.category not in ELIGIBLE_CATEGORIES:
        out.append(_("挂靠单位须为二级甲等及以上综合医院、中医医院、专科医院或妇幼保健院（第五条（一）），"
                     "%(name)s为%(grade)s%(category)s。") % {
            "name": institution.name, "grade": institution.grade_display, "category": institution.get_category_display()})
    bar = active_bar(institution, authority, specialty, on)
    if bar is not None:
        out.append(_("%(name)s因质控中心连续2年考核不合格被红牌处罚，4年内不得申请本专业质控中心（第十九条（三）），"
                     "%(date)s起方可再次申请。") % {"name": institution.name, "date": bar.barred_until.isoformat()})
    return out


def _check_unique(authority: Authority, specialty: str) -> None:
    if QcCentre.objects.filter(authority=authority, specialty=specialty, status=Status.ACTIVE).exists():
        raise ValidationError({"specialty": [_("%(authority)s已设置%(specialty)s质控中心：同一专业领域原则上只设定一个质控中心"
                                               "（第四条）。") % {"authority": authority.name, "specialty": specialty}]})


def _open_annual_deadline(centre: QcCentre, year: int) -> AnnualReport:
    report, _created = AnnualReport.objects.get_or_create(centre=centre, year=year,
                                                          defaults={"due_on": dt.date(year, 12, 31)})
    if report.submitted_on is None:
        deadline_open(
            obj=report, rule=ANNUAL_RULE, article=_("济南质控中心办法第十一条"),
            label=_("%(centre)s %(year)s年度工作总结和%(next)s年度工作计划") % {
                "centre": centre.name, "year": year, "next": year + 1},
            due_on=report.due_on, institution=centre.host_institution, authority=centre.authority,
            responsible=next(iter(_secretaries(centre)), None), url=_url(centre),
        )
    return report


@transaction.atomic
def centre_create(
    *,
    authority: Authority,
    specialty: str,
    name: str,
    host_institution: Institution,
    term_start: dt.date,
    actor: Any,
    kind: str = "clinical",
    scope_department_names: Iterable[str] | None = None,
) -> QcCentre:
    """The authority sets a centre up with its host (JN Art. 4, 8); term_end is 4 years on (Art. 19 (一)).

    When the specialty's previous centre was dissolved (red card, re-selection), the new one is its
    successor and a 1-month hand-over opens (Art. 21)."""
    _require_manager(actor, authority)
    specialty, name = (specialty or "").strip(), (name or "").strip()
    if not specialty:
        raise ValidationError({"specialty": [_("请填写专业。")]})
    if not name:
        raise ValidationError({"name": [_("请填写名称。")]})
    refusals = host_refusals(host_institution, authority, specialty)
    if refusals:
        raise ValidationError({"host_institution": refusals})
    _check_unique(authority, specialty)
    predecessor = QcCentre.objects.filter(authority=authority, specialty=specialty, status=Status.DISSOLVED,
                                          successors__isnull=True).order_by("-dissolved_on", "-id").first()
    try:
        with transaction.atomic():
            centre = QcCentre.objects.create(
                authority=authority, specialty=specialty, name=name, kind=kind, host_institution=host_institution,
                term_start=term_start, term_end=term_start + relativedelta(years=TERM_YEARS) - dt.timedelta(days=1),
                scope_department_names=[n for n in (scope_department_names or []) if n.strip()],
                predecessor=predecessor, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        _check_unique(authority, specialty)
        raise
    transition(centre, None, table=TRANSITIONS, actor=actor, action="qc_centre.created",
               data={"host": host_institution.code, "term_end": centre.term_end.isoformat(),
                     "predecessor": predecessor.pk if predecessor else None})
    _open_annual_deadline(centre, term_start.year)
    if predecessor is not None:
        _handover_open(predecessor, centre, actor, term_start)
    return centre


@transaction.atomic
def centre_renew_term(*, centre: QcCentre, actor: Any) -> QcCentre:
    """A second 4-year term for the same host; after 2 terms the host is re-selected (JN Art. 19 (一))."""
    c = _lock(centre)
    _require_manager(actor, c.authority)
    if c.status != Status.ACTIVE:
        raise ValidationError({"non_field_errors": [_("质控中心已解除挂靠关系。")]})
    if c.term_number >= MAX_HOST_TERMS:
        raise ValidationError({"non_field_errors": [_("挂靠单位已任满2届，须重新遴选挂靠单位（第十九条（一））。")]})
    c.term_number += 1
    c.term_start = c.term_end + dt.timedelta(days=1)
    c.term_end = c.term_start + relativedelta(years=TERM_YEARS) - dt.timedelta(days=1)
    transition(c, None, table=TRANSITIONS, actor=actor, action="qc_centre.term_renewed",
               fields=("term_number", "term_start", "term_end"), data={"term_number": c.term_number})
    return c


@transaction.atomic
def centre_dissolve(*, centre: QcCentre, actor: Any, reason: str, on: dt.date | None = None) -> QcCentre:
    """解除挂靠关系 and re-select the host: after a red card (Art. 19 (三)), when the host does not
    propose a director meeting Art. 6 within 1 month (Art. 19 (二)), after 2 terms (Art. 19 (一)), or for a
    serious breach of Art. 17."""
    c = _lock(centre)
    _require_manager(actor, c.authority)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写解除挂靠关系的原因。")]})
    c.dissolved_on, c.dissolved_reason = _today(on), reason
    transition(c, Status.DISSOLVED, table=TRANSITIONS, actor=actor, action="qc_centre.dissolved", reason=reason,
               fields=("dissolved_on", "dissolved_reason"))
    for report in c.annual_reports.filter(submitted_on__isnull=True):
        deadline_close(obj=report, rule=ANNUAL_RULE)
    deadline_close(obj=c, rule=DIRECTOR_RULE)
    return c


def centre_staff_add(*, centre: QcCentre, user: Any, actor: Any, title: str = "") -> CentreStaff:
    _require_manager(actor, centre.authority)
    staff, _created = CentreStaff.objects.update_or_create(centre=centre, user=user,
                                                           defaults={"title": title, "is_active": True})
    return staff


# ------------------------------------------------------------------------------------------------ applications


@transaction.atomic
def application_submit(
    *, authority: Authority, specialty: str, applicant: Institution, actor: Any, kind: str = "clinical",
    statement: str = "", proposed_director: str = "", on: dt.date | None = None,
) -> HostApplication:
    """The host applies (JN Art. 5); refused below 二级甲等 (Art. 5 (一)) or while barred (Art. 19 (三))."""
    if not permissions.can_apply(actor, applicant):
        raise PermissionDenied(_("只有申请单位的负责人或质控办可以提交申请（第五条）。"))
    specialty = (specialty or "").strip()
    if not specialty:
        raise ValidationError({"specialty": [_("请填写专业。")]})
    refusals = host_refusals(applicant, authority, specialty, on)
    if refusals:
        raise ValidationError({"applicant": refusals})
    app = HostApplication.objects.create(
        authority=authority, specialty=specialty, kind=kind, applicant=applicant, statement=statement,
        proposed_director=proposed_director, submitted_by=actor, submitted_on=_today(on))
    transition(app, None, table=APPLICATION_TRANSITIONS, actor=actor, action="qc_centre.application_submitted")
    return app


def application_material_add(*, application: HostApplication, actor: Any, kind: str, checked: Any) -> ApplicationMaterial:
    """One checked upload (qms.uploads.check_upload) of the Art. 7 materials."""
    if not permissions.can_apply(actor, application.applicant):
        raise PermissionDenied(_("只有申请单位可以上传申请材料。"))
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": [_("未知的材料类别。")]})
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.COUNTY_REVIEWED):
        raise ValidationError({"non_field_errors": [_("申请已评估，不能再补充材料。")]})
    material = ApplicationMaterial(application=application, kind=kind, name=checked.name,
                                   content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                   uploaded_by=actor)
    material.file.save(checked.name, ContentFile(checked.data), save=False)
    material.save()
    return material


@transaction.atomic
def application_county_review(*, application: HostApplication, actor: Any, note: str, on: dt.date | None = None) -> HostApplication:
    """JN Art. 5 ¶2: the county authority reviews its own institutions' applications first."""
    app = HostApplication.objects.select_for_update(of=("self",)).select_related("applicant__authority").get(pk=application.pk)
    if not app.needs_county_review:
        raise ValidationError({"non_field_errors": [_("申请单位不属于区县卫生健康局，无需区县初审（第五条）。")]})
    _require_manager(actor, app.applicant.authority)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写初审意见。")]})
    app.county_review_note, app.county_reviewed_on = note, _today(on)
    transition(app, ApplicationStatus.COUNTY_REVIEWED, table=APPLICATION_TRANSITIONS, actor=actor,
               action="qc_centre.application_county_reviewed", fields=("county_review_note", "county_reviewed_on"))
    return app


@transaction.atomic
def application_decide(
    *, application: HostApplication, actor: Any, approve: bool, note: str, name: str = "", term_start: dt.date | None = None,
    scope_department_names: Iterable[str] | None = None,
) -> HostApplication:
    """JN Art. 8: the authority assesses the materials and, approving, sets the centre up."""
    app = HostApplication.objects.select_for_update(of=("self",)).select_related(
        "applicant__authority", "authority").get(pk=application.pk)
    _require_manager(actor, app.authority)
    if app.needs_county_review and app.status != ApplicationStatus.COUNTY_REVIEWED:
        raise ValidationError({"non_field_errors": [_("申请单位为区县卫生健康局所属单位，须先经区县卫生健康局初审（第五条）。")]})
    note = (note or "").strip()
    if approve:
        missing = set(MaterialKind.values) - set(app.materials.values_list("kind", flat=True))
        if missing:
            raise ValidationError({"non_field_errors": [
                _("申请材料不全（第七条）：缺%(kinds)s。") % {
                    "kinds": "、".join(str(MaterialKind(k).label) for k in MaterialKind.values if k in missing)}]})
        app.centre = centre_create(
            authority=app.authority, specialty=app.specialty, kind=app.kind, host_institution=app.applicant,
            name=name or f"{app.authority.name.replace('卫生健康委员会', '').replace('卫生健康局', '')}{app.specialty}质控中心",
            term_start=term_start or timezone.localdate(), actor=actor, scope_department_names=scope_department_names)
    elif not note:
        raise ValidationError({"note": [_("请填写未通过的理由。")]})
    app.decision_note, app.decided_on = note, timezone.localdate()
    transition(app, ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED, table=APPLICATION_TRANSITIONS,
               actor=actor, action="qc_centre.application_decided", fields=("decision_note", "decided_on", "centre"))
    return app


# ------------------------------------------------------------------------------------------------ committee


def committee_refusals(experts: list[Expert] | list[dict]) -> list[str]:
    """Every JN Art. 6 bound a committee breaks; [] when it may be published."""

    def get(e: Any, key: str) -> Any:
        return e[key] if isinstance(e, dict) else getattr(e, key)

    roles = [get(e, "role") for e in experts]
    host = [get(e, "role") for e in experts if get(e, "from_host")]
    out = []
    if roles.count(Role.DIRECTOR) != 1:
        out.append(_("专家委员会设主任1人（第六条），现有%(n)s人。") % {"n": roles.count(Role.DIRECTOR)})
    if not DEPUTIES_MIN <= roles.count(Role.DEPUTY) <= DEPUTIES_MAX:
        out.append(_("专家委员会设副主任3-5人（第六条），现有%(n)s人。") % {"n": roles.count(Role.DEPUTY)})
    if roles.count(Role.SECRETARY) != 1:
        out.append(_("专家委员会设秘书1人（第六条），现有%(n)s人。") % {"n": roles.count(Role.SECRETARY)})
    if len(roles) > MEMBERS_MAX:
        out.append(_("专家委员会委员30人以内，含主任、副主任、秘书（第六条），现有%(n)s人。") % {"n": len(roles)})
    if len(host) > HOST_MAX:
        out.append(_("挂靠单位人员总数不超过4人（第六条），现有%(n)s人。") % {"n": len(host)})
    for role in Role.values:
        if host.count(role) > 1:
            out.append(_("挂靠单位确定%(role)s1人（第六条），现有%(n)s人。") % {"role": Role(role).label, "n": host.count(role)})
    if roles.count(Role.DIRECTOR) == 1 and Role.DIRECTOR not in host:
        out.append(_("质控中心主任由挂靠单位正式在职工作人员担任（第六条）。"))
    return out


def director_refusals(*, from_host: bool, retired: bool, main_practice_at_host: bool, title: str, birth_date: dt.date,
                      first_appointed_on: dt.date) -> list[str]:
    """JN Art. 6 ¶2: the director's conditions that can be checked from the record."""
    out = []
    if not from_host or retired or not main_practice_at_host:
        out.append(_("质控中心主任由挂靠单位正式在职工作人员担任，主执业地点非本单位人员、已退休人员不可担任（第六条（三））。"))
    if title not in SENIOR_TITLES:
        out.append(_("质控中心主任须具有本专业副高级及以上职称（第六条（三））。"))
    age = _age_on(birth_date, first_appointed_on)
    if age > DIRECTOR_MAX_AGE:
        out.append(_("质控中心主任首次聘任年龄不超过56岁（第六条（二）），首次聘任时%(age)s岁。") % {"age": age})
    return out


@transaction.atomic
def expert_add(
    *, centre: QcCentre, actor: Any, name: str, role: str, birth_date: dt.date, title: str, appointed_on: dt.date,
    from_host: bool = False, workplace: str = "", retired: bool = False, main_practice_at_host: bool | None = None,
    first_appointed_on: dt.date | None = None, user: Any = None,
) -> Expert:
    """The host proposes a member (JN Art. 8). Before publication every Art. 6 maximum is checked as each one
    is added; after it, nobody is added (Art. 19 (二): 不进行增补) except a new director within 1 month."""
    c = _lock(centre)
    if not (permissions.can_run(actor, c) or (c.status == Status.ACTIVE and permissions.can_manage(actor, c))):
        raise PermissionDenied(_("只有质控中心工作人员或设置部门可以提出专家委员会人选（第八条）。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写姓名。")]})
    if role not in Role.values:
        raise ValidationError({"role": [_("未知的职务。")]})
    if main_practice_at_host is None:
        main_practice_at_host = from_host
    current = list(active_experts(c))
    if c.committee_published_on is not None:
        if role != Role.DIRECTOR:
            raise ValidationError({"non_field_errors": [
                _("专家委员会已公布：委员任期内因故不能继续履职的，不进行增补（第十九条（二））。")]})
        if any(e.role == Role.DIRECTOR for e in current):
            raise ValidationError({"role": [_("专家委员会设主任1人（第六条），已有主任。")]})
    errors = []
    if role == Role.DIRECTOR:
        errors += director_refusals(from_host=from_host, retired=retired, main_practice_at_host=main_practice_at_host,
                                    title=title, birth_date=birth_date, first_appointed_on=first_appointed_on or appointed_on)
    proposed = [{"role": e.role, "from_host": e.from_host} for e in current] + [{"role": role, "from_host": from_host}]
    roles = [p["role"] for p in proposed]
    host = [p["role"] for p in proposed if p["from_host"]]
    if roles.count(Role.DIRECTOR) > 1:
        errors.append(_("专家委员会设主任1人（第六条），已有主任。"))
    if roles.count(Role.DEPUTY) > DEPUTIES_MAX:
        errors.append(_("专家委员会设副主任3-5人（第六条），已有5人。"))
    if roles.count(Role.SECRETARY) > 1:
        errors.append(_("专家委员会设秘书1人（第六条），已有秘书。"))
    if len(roles) > MEMBERS_MAX:
        errors.append(_("专家委员会委员30人以内，含主任、副主任、秘书（第六条），已满30人。"))
    if from_host and host.count(role) > 1:
        errors.append(_("挂靠单位确定主任1人、副主任1人、秘书1人、委员1人，总人数不超过4人（第六条）：挂靠单位已有%(role)s。")
                      % {"role": Role(role).label})
    if errors:
        raise ValidationError({"role" if role != Role.DIRECTOR else "non_field_errors": errors})
    if user is not None and not getattr(user, "is_active", False):
        raise ValidationError({"user": [_("该账号已停用。")]})
    expert = Expert.objects.create(
        centre=c, name=name, role=role, from_host=from_host, workplace=workplace or (c.host_institution.name if from_host else ""),
        birth_date=birth_date, title=title, appointed_on=appointed_on,
        first_appointed_on=(first_appointed_on or appointed_on) if role == Role.DIRECTOR else None,
        retired=retired, main_practice_at_host=main_practice_at_host, user=user)
    transition(expert, None, table=EXPERT_TRANSITIONS, actor=actor, action="qc_centre.expert_added",
               data={"role": role, "from_host": from_host, "user": user.username if user is not None else None})
    if role == Role.DIRECTOR:
        deadline_close(obj=c, rule=DIRECTOR_RULE)
    return expert


@transaction.atomic
def committee_publish(*, centre: QcCentre, actor: Any, on: dt.date | None = None) -> QcCentre:
    """JN Art. 8: the authority approves and publishes the committee; one outside the Art. 6 bounds cannot be."""
    c = _lock(centre)
    _require_manager(actor, c.authority)
    if c.status != Status.ACTIVE:
        raise ValidationError({"non_field_errors": [_("质控中心已解除挂靠关系。")]})
    if c.committee_published_on is not None:
        raise ValidationError({"non_field_errors": [_("专家委员会已公布。")]})
    refusals = committee_refusals(list(active_experts(c)))
    if refusals:
        raise ValidationError({"non_field_errors": refusals})
    c.committee_published_on = _today(on)
    transition(c, None, table=TRANSITIONS, actor=actor, action="qc_centre.committee_published",
               fields=("committee_published_on",), data={"members": active_experts(c).count()})
    return c


def _lock_expert(expert: Expert) -> Expert:
    return Expert.objects.select_for_update(of=("self",)).select_related("centre", "centre__authority",
                                                                        "centre__host_institution").get(pk=expert.pk)


@transaction.atomic
def expert_leave(*, expert: Expert, actor: Any, reason: str, left_on: dt.date | None = None) -> Expert:
    """An expert can no longer serve (transfer, age, health). A director must be replaced by the host within
    1 month (JN Art. 19 (二)); a member is not replaced."""
    e = _lock_expert(expert)
    c = e.centre
    if not (permissions.can_manage(actor, c) or permissions.can_run(actor, c)):
        raise PermissionDenied(_("只有质控中心工作人员或设置部门可以登记。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不能继续履职的原因。")]})
    e.left_on, e.reason = _today(left_on), reason
    transition(e, ExpertStatus.LEFT, table=EXPERT_TRANSITIONS, actor=actor, action="qc_centre.expert_left",
               reason=reason, fields=("left_on", "reason"))
    if e.role == Role.DIRECTOR:
        _open_director_deadline(c, e.left_on)
    return e


def _open_director_deadline(c: QcCentre, left_on: dt.date) -> None:
    due = left_on + relativedelta(months=REPLACE_MONTHS)
    deadline_open(obj=c, rule=DIRECTOR_RULE, article=_("济南质控中心办法第十九条（二）"),
                  label=_("%(centre)s 主任重新推荐人选（1个月内）") % {"centre": c.name}, due_on=due, basis_date=left_on,
                  institution=c.host_institution, authority=c.authority, responsible=c.host_institution.principal,
                  url=_url(c))
    notify(recipients=[c.host_institution.principal, *_secretaries(c)], rule=DIRECTOR_RULE,
           article=str(_("济南质控中心办法第十九条（二）")),
           subject=_("%(centre)s主任不能继续履职，请于%(due)s前重新推荐人选") % {"centre": c.name, "due": due.isoformat()},
           body=_("挂靠单位在1个月内重新推荐人选，经市卫生健康委同意后确定；逾期或推荐人选不符合主任基本条件的，"
                  "由市卫生健康委重新遴选挂靠单位（第十九条（二））。"),
           obj=c, url=_url(c), period_key=f"director-left-{left_on.isoformat()}", institution=c.host_institution,
           due_on=due)


@transaction.atomic
def expert_remove(*, expert: Expert, actor: Any, ground: str, reason: str, on: dt.date | None = None) -> Expert:
    """JN Art. 18: an expert who breaks its rules seriously, or takes no work for long, is removed."""
    e = _lock_expert(expert)
    c = e.centre
    if not (permissions.can_manage(actor, c) or permissions.can_run(actor, c)):
        raise PermissionDenied(_("只有质控中心工作人员或设置部门可以调整专家委员会。"))
    if ground not in RemovalGround.values:
        raise ValidationError({"ground": [_("请选择调出情形（第十八条）。")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调出原因。")]})
    e.removal_ground, e.reason, e.left_on = ground, reason, _today(on)
    transition(e, ExpertStatus.REMOVED, table=EXPERT_TRANSITIONS, actor=actor, action="qc_centre.expert_removed",
               reason=reason, fields=("removal_ground", "reason", "left_on"), data={"ground": ground})
    if e.role == Role.DIRECTOR:
        _open_director_deadline(c, e.left_on)
    return e


# ------------------------------------------------------------------------------------------------ yearly cycle


@transaction.atomic
def annual_report_submit(
    *, centre: QcCentre, year: int, summary: str, plan: str, actor: Any, tasks: Iterable[tuple[str, dt.date]] = (),
    on: dt.date | None = None,
) -> AnnualReport:
    """JN Art. 11: the year's summary and next year's plan, by 31 December; the plan's tasks with their own
    deadlines. A report sent after 31 December is accepted and flagged late."""
    c = _lock(centre)
    _require_runner(actor, c)
    summary, plan = (summary or "").strip(), (plan or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = [_("请填写年度工作总结（第十一条）。")]
    if not plan:
        errors["plan"] = [_("请填写下年度工作计划（第十一条）。")]
    tasks = [(t.strip(), d) for t, d in tasks if t and t.strip()]
    if not tasks:
        errors["tasks"] = [_("工作计划应当遵循可操作、易量化的原则，具体工作任务应当明确完成时限（第十一条）。")]
    for _title, due in tasks:
        if due.year != year + 1:
            errors["tasks"] = [_("计划任务的完成时限应在%(year)s年内。") % {"year": year + 1}]
    if errors:
        raise ValidationError(errors)
    report = _open_annual_deadline(c, year)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.submitted_on is not None:
        raise ValidationError({"year": [_("%(year)s年度工作总结已报送。") % {"year": year}]})
    report.summary, report.plan, report.submitted_on, report.submitted_by = summary, plan, _today(on), actor
    report.save(update_fields=["summary", "plan", "submitted_on", "submitted_by", "updated_at"])
    transition(c, None, table=TRANSITIONS, actor=actor, action="qc_centre.annual_report_submitted",
               data={"year": year, "late": report.late, "submitted_on": report.submitted_on.isoformat()})
    deadline_close(obj=report, rule=ANNUAL_RULE)
    for title, due in tasks:
        task = PlanTask.objects.create(centre=c, year=year + 1, title=title[:200], due_on=due)
        deadline_open(obj=task, rule=TASK_RULE, article=_("济南质控中心办法第十一条"),
                      label=_("%(centre)s 计划任务：%(task)s") % {"centre": c.name, "task": task.title}, due_on=due,
                      institution=c.host_institution, authority=c.authority,
                      responsible=next(iter(_secretaries(c)), None), url=_url(c))
    _open_annual_deadline(c, year + 1)
    return report


@transaction.atomic
def task_complete(*, task: PlanTask, actor: Any, note: str, done_on: dt.date | None = None) -> PlanTask:
    t = PlanTask.objects.select_for_update(of=("self",)).select_related("centre").get(pk=task.pk)
    _require_runner(actor, t.centre)
    if t.done_on is not None:
        raise ValidationError({"non_field_errors": [_("任务已完成。")]})
    done_on = _today(done_on)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("完成日期不能晚于今天。")]})
    t.done_on, t.note = done_on, (note or "").strip()
    t.save(update_fields=["done_on", "note", "updated_at"])
    transition(t.centre, None, table=TRANSITIONS, actor=actor, action="qc_centre.task_done",
               data={"task": t.pk, "late": t.late})
    deadline_close(obj=t, rule=TASK_RULE)
    return t


@transaction.atomic
def activity_record(
    *, centre: QcCentre, actor: Any, kind: str, title: str, held_on: dt.date, attendees: Iterable[str] = (),
    record: str = "", in_plan: bool = True, reported_on: dt.date | None = None,
) -> Activity:
    """A training, a committee meeting or a county-centre heads' meeting (JN Art. 13), with attendance; an
    important activity outside the year's plan is reported to the authority ahead (JN Art. 11)."""
    _require_runner(actor, centre)
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": [_("未知的活动类型。")]})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写名称。")]})
    people = [a.strip() for a in attendees if a and a.strip()]
    if kind != ActivityKind.OTHER and not people:
        raise ValidationError({"attendees": [_("请登记出席人员。")]})
    if not in_plan and (reported_on is None or reported_on >= held_on):
        raise ValidationError({"reported_on": [
            _("年度工作计划之外的重要活动与安排应当提前向卫生健康委报告（第十一条）：请填写早于活动日期的报告日期。")]})
    activity = Activity.objects.create(centre=centre, kind=kind, title=title, held_on=held_on, attendees=people,
                                       record=record, in_plan=in_plan, reported_on=reported_on, created_by=actor)
    transition(centre, None, table=TRANSITIONS, actor=actor, action="qc_centre.activity_recorded",
               data={"activity": activity.pk, "kind": kind, "in_plan": in_plan})
    return activity


# ------------------------------------------------------------------------------------------------ visits


@transaction.atomic
def visit_record(
    *, centre: QcCentre, institution: Institution, actor: Any, visited_on: dt.date, report: str,
    findings: Iterable[dict] = (), conclusion: str = "", score: Any = None, reported_to_authority_on: dt.date | None = None,
    method: str = "督导检查",
) -> Visit:
    """A QC visit (JN Art. 12): the QC report to the hospital, in writing to the authority; each finding is a
    rectification in the shared loop, verified by the centre."""
    from rectifications.models import Source
    from rectifications.services import rectification_open

    _require_runner(actor, centre)
    if not in_scope_institutions(centre).filter(pk=institution.pk).exists():
        raise ValidationError({"institution": [_("%(name)s不在本质控中心的质控范围内（第二十四条）。") % {"name": institution.name}]})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("质控日期不能晚于今天。")]})
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": [_("请填写质控报告（第十二条）。")]})
    visit = Visit.objects.create(centre=centre, institution=institution, visited_on=visited_on, report=report,
                                 conclusion=conclusion, score=score, reported_to_authority_on=reported_to_authority_on,
                                 method=method, created_by=actor)
    transition_record(obj=visit, from_status="", to_status="recorded", actor=actor, action="qc_centre.visit_recorded",
                      institution=institution, data={"centre": centre.pk})
    url = reverse("qc_centres:visit", args=[visit.pk])
    for i, f in enumerate(findings, 1):
        department = None
        if f.get("department"):
            department = Department.objects.filter(institution=institution, code=f["department"]).first()
            if department is None:
                raise ValidationError({"findings": [_("第%(n)s项：科室代码不属于该医疗机构。") % {"n": i}]})
        rectification_open(
            institution=institution, department=department, source_kind=Source.QC_VISIT, source_id=visit.pk,
            source_label=_("%(centre)s质控报告（%(date)s）") % {"centre": centre.name, "date": visited_on.isoformat()},
            source_url=url, problem=f.get("problem", ""), requirement=f.get("requirement", ""), due_on=f["due_on"],
            actor=actor, verifier=actor, authority=centre.authority,
            repeat_key=f"qc_centre:{centre.specialty}:{f.get('key') or f.get('problem', '')[:60]}",
        )
    recipients = [institution.principal] + [
        m.user for m in institution.memberships.filter(role="quality_office", is_active=True).select_related("user")]
    subject, body, params = moments.texts("qc_centre.visit_report", {"centre": centre.name, "body": report[:500]})
    notify(recipients=recipients, rule="qc_centre.visit_report", article=str(_("济南质控中心办法第十二条")),
           subject=subject, body=body, obj=visit, url=url, period_key="report", institution=institution,
           params=params)
    return visit


@transaction.atomic
def visit_reply(*, visit: Visit, actor: Any, text: str, on: dt.date | None = None) -> Visit:
    """JN Art. 12: the hospital reports its rectification to the centre in writing."""
    v = Visit.objects.select_for_update(of=("self",)).select_related("centre", "institution").get(pk=visit.pk)
    if not permissions.can_answer_visit(actor, v):
        raise PermissionDenied(_("只有被质控医疗机构的负责人或质控办可以书面报送整改情况。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写整改情况。")]})
    v.hospital_reply, v.hospital_replied_on = text, _today(on)
    v.save(update_fields=["hospital_reply", "hospital_replied_on", "updated_at"])
    transition_record(obj=v, from_status="recorded", to_status="replied", actor=actor, action="qc_centre.visit_replied",
                      institution=v.institution)
    notify(recipients=_secretaries(v.centre), rule="qc_centre.visit_reply", article=str(_("济南质控中心办法第十二条")),
           subject=_("%(name)s已书面报送整改情况") % {"name": v.institution.name}, body=text[:500], obj=v,
           url=reverse("qc_centres:visit", args=[v.pk]), period_key="reply", institution=v.institution)
    return v


# ------------------------------------------------------------------------------------------------ assessment


def detected_grounds(centre: QcCentre, year: int) -> list[str]:
    """The Art. 20 grounds the data show for a year: (一) a plan task of that year not done by its deadline;
    (二) the year's report (summary and plan) not sent by 31 December."""
    found = []
    tasks = PlanTask.objects.filter(centre=centre, year=year)
    if any(t.late for t in tasks):
        found.append(Ground.G1.value)
    report = AnnualReport.objects.filter(centre=centre, year=year).first()
    due = dt.date(year, 12, 31)
    if (report is None or report.submitted_on is None) and timezone.localdate() > due or (report is not None and report.late):
        found.append(Ground.G2.value)
    return found


@transaction.atomic
def assessment_record(
    *, centre: QcCentre, year: int, passed: bool, actor: Any, grounds: Iterable[str] = (), note: str = "",
    on: dt.date | None = None,
) -> Assessment:
    """JN Art. 19 (三), 20: a failed year names its Art. 20 grounds; a year the data show a ground for cannot
    pass. First failed year: yellow card; two consecutive: red card, the host dissolved and barred from this
    specialty for 4 years."""
    c = _lock(centre)
    _require_manager(actor, c.authority)
    on = _today(on)
    if c.status != Status.ACTIVE:
        raise ValidationError({"non_field_errors": [_("质控中心已解除挂靠关系。")]})
    if year > on.year or year < c.term_start.year:
        raise ValidationError({"year": [_("考核年度须在本届任期内且不晚于今年。")]})
    if Assessment.objects.filter(centre=c, year=year).exists():
        raise ValidationError({"year": [_("%(year)s年度已考核。") % {"year": year}]})
    grounds = sorted({str(g) for g in grounds})
    unknown = set(grounds) - set(Ground.values)
    if unknown:
        raise ValidationError({"grounds": [_("未知的不合格情形：%(codes)s（第二十条（一）至（七））。") % {"codes": "、".join(sorted(unknown))}]})
    detected = detected_grounds(c, year)
    if passed and (grounds or detected):
        raise ValidationError({"passed": [
            _("发生第二十条所列情况之一的，年度考核定为不合格：%(grounds)s。") % {
                "grounds": "；".join(str(Ground(g).label) for g in sorted(set(grounds) | set(detected)))}]})
    if not passed:
        grounds = sorted(set(grounds) | set(detected))
        if not grounds:
            raise ValidationError({"grounds": [_("考核不合格须写明第二十条（一）至（七）中的情形。")]})
    card = Card.NONE
    if not passed:
        previous = Assessment.objects.filter(centre=c, year=year - 1).first()
        card = Card.RED if previous is not None and not previous.passed else Card.YELLOW
    assessment = Assessment.objects.create(centre=c, year=year, passed=passed, grounds=grounds if not passed else [],
                                           detected_grounds=detected, note=note, card=card, assessed_on=on,
                                           assessed_by=actor)
    c.card = card if not passed else (Card.NONE if c.card != Card.RED else c.card)
    transition(c, None, table=TRANSITIONS, actor=actor, action="qc_centre.assessed", fields=("card",),
               data={"year": year, "passed": passed, "grounds": grounds, "card": card})
    if card == Card.RED:
        until = on + relativedelta(years=BAR_YEARS)
        HostBar.objects.create(institution=c.host_institution, authority=c.authority, specialty=c.specialty,
                               barred_from=on, barred_until=until, centre=c,
                               reason=str(_("连续2年考核不合格，红牌处罚（第十九条（三））")))
        centre_dissolve(centre=c, actor=actor, on=on,
                        reason=_("连续2年考核不合格（%(a)s、%(b)s年度），给予红牌处罚，解除挂靠关系并重新遴选挂靠单位；"
                                 "原挂靠单位%(until)s前不得申请本专业质控中心（第十九条（三））。") % {
                            "a": year - 1, "b": year, "until": until.isoformat()})
        c.refresh_from_db()
    if card != Card.NONE:
        subject, body, params = moments.texts("qc_centre.card", {
            "centre": c.name, "year": year, "card": Card(card).label, "grounds": [Ground(g).label for g in grounds]})
        notify(recipients=[c.host_institution.principal, *_secretaries(c)], rule="qc_centre.card",
               article=str(_("济南质控中心办法第十九条（三）")),
               subject=subject, body=body, obj=c, url=_url(c),
               period_key=f"assessment-{year}", institution=c.host_institution, params=params)
    assessment.centre = c
    return assessment


# ------------------------------------------------------------------------------------------------ hand-over


def _handover_open(old: QcCentre, new: QcCentre, actor: Any, on: dt.date) -> Handover:
    h = Handover.objects.create(from_centre=old, to_centre=new, started_on=on,
                                due_on=on + relativedelta(months=HANDOVER_MONTHS))
    transition(h, None, table=HANDOVER_TRANSITIONS, actor=actor, action="qc_centre.handover_started",
               data={"from": old.host_institution.code, "to": new.host_institution.code})
    deadline_open(obj=h, rule=HANDOVER_RULE, article=_("济南质控中心办法第二十一条"),
                  label=_("%(centre)s 挂靠单位变更交接（1个月内）") % {"centre": new.name}, due_on=h.due_on, basis_date=on,
                  institution=old.host_institution, authority=new.authority, responsible=old.host_institution.principal,
                  url=_url(new))
    return h


@transaction.atomic
def handover_complete(*, handover: Handover, actor: Any, items: Iterable[str], on: dt.date | None = None) -> Handover:
    """JN Art. 21: files, network, platform rights and data handed over; the new host gets the centre's data,
    the old host's staff lose their access."""
    h = Handover.objects.select_for_update(of=("self",)).select_related(
        "from_centre", "to_centre", "to_centre__authority").get(pk=handover.pk)
    if not (permissions.can_manage(actor, h.to_centre) or permissions.is_centre_staff(actor, h.from_centre)):
        raise PermissionDenied(_("只有原挂靠单位的质控中心工作人员或设置部门可以确认交接。"))
    items = set(items)
    missing = [str(label) for key, label in HANDOVER_ITEMS.items() if key not in items]
    if missing:
        raise ValidationError({"items": [_("原挂靠单位要将%(items)s一并转交新挂靠单位（第二十一条）：尚缺%(missing)s。") % {
            "items": "、".join(str(v) for v in HANDOVER_ITEMS.values()), "missing": "、".join(missing)}]})
    h.items = dict.fromkeys(HANDOVER_ITEMS, True)
    h.completed_on = _today(on)
    transition(h, HandoverStatus.DONE, table=HANDOVER_TRANSITIONS, actor=actor, action="qc_centre.handover_done",
               fields=("items", "completed_on"), data={"late": h.completed_on > h.due_on})
    deadline_close(obj=h, rule=HANDOVER_RULE)
    CentreStaff.objects.filter(centre=h.from_centre, is_active=True).update(is_active=False)
    return h


# ------------------------------------------------------------------------------------------------ data


@transaction.atomic
def export_consent_grant(*, centre: QcCentre, actor: Any, recipient: str, purpose: str, valid_until: dt.date) -> ExportConsent:
    """JN Art. 15: the authority's recorded consent to give one third party the centre's data."""
    _require_manager(actor, centre.authority)
    recipient, purpose = (recipient or "").strip(), (purpose or "").strip()
    if not recipient or not purpose:
        raise ValidationError({"recipient": [_("请填写接收方和用途。")]})
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": [_("有效期不能早于今天。")]})
    consent = ExportConsent.objects.create(centre=centre, recipient=recipient, purpose=purpose,
                                           granted_on=timezone.localdate(), granted_by=actor, valid_until=valid_until)
    transition(centre, None, table=TRANSITIONS, actor=actor, action="qc_centre.export_consented",
               data={"consent": consent.pk, "recipient": recipient})
    return consent


EXPORT_HEADER = ["indicator", "indicator_name", "institution", "department", "period", "numerator", "denominator", "rate"]


@transaction.atomic
def data_export(*, centre: QcCentre, actor: Any, recipient: str = "", consent: ExportConsent | None = None) -> tuple[DataExport, bytes]:
    """The centre's indicator data as CSV, logged. To a third party (a recipient named) only under the
    authority's consent for that recipient (JN Art. 15)."""
    if not (permissions.is_centre_staff(actor, centre) or permissions.can_manage(actor, centre)):
        raise PermissionDenied(_("只有质控中心工作人员或设置部门可以导出质控数据（第十五条）。"))
    recipient = (recipient or "").strip()
    if recipient:
        if consent is None or consent.centre_id != centre.pk or consent.recipient != recipient \
                or consent.valid_until < timezone.localdate():
            raise ValidationError({"recipient": [
                _("未经卫生健康委同意，不得向第三方传输、公开、披露质控相关数据资源（第十五条）。")]})
    elif consent is not None:
        raise ValidationError({"recipient": [_("请填写接收方。")]})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    rows = 0
    for v in centre_data(centre)["indicator_values"]:
        writer.writerow([v.indicator.code, v.indicator.name, v.institution.code, v.department.code if v.department else "",
                         v.period.strftime("%Y-%m"), v.numerator, v.denominator if v.denominator is not None else "", v.rate])
        rows += 1
    data = buffer.getvalue().encode("utf-8-sig")
    log = DataExport.objects.create(centre=centre, actor=actor, recipient=recipient, consent=consent, rows=rows,
                                    sha256=hashlib.sha256(data).hexdigest())
    transition(centre, None, table=TRANSITIONS, actor=actor, action="qc_centre.exported",
               data={"export": log.pk, "recipient": recipient, "rows": rows})
    return log, data
