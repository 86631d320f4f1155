"""Where a hospital's structure breaks Art. 9 (the committee) and Art. 11 (department quality groups)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from organizations.models import Department, Institution, QualityCommittee

REQUIRED_FUNCTIONS = [
    Department.Function.MEDICAL_ADMIN,
    Department.Function.QUALITY,
    Department.Function.NURSING,
    Department.Function.INFECTION,
    Department.Function.ENGINEERING,
    Department.Function.INFORMATION,
    Department.Function.LOGISTICS,
]


@dataclass(frozen=True)
class Breach:
    article: str
    message: str
    department: Department | None = None


def structure_breaches(institution: Institution) -> list[Breach]:
    breaches: list[Breach] = []
    committee = (
        QualityCommittee.objects.filter(institution=institution)
        .select_related("chair", "office_department")
        .prefetch_related("members")
        .first()
    )
    departments = list(
        institution.departments.filter(is_active=True)
        .select_related("head", "quality_group__leader", "quality_group__daily_contact")
        .prefetch_related("quality_group__controllers")
    )
    if not institution.principal_id:
        breaches.append(Breach(_("第八条"), _("未登记医院主要负责人（医院医疗质量管理第一责任人）。")))
    if not institution.is_secondary_or_above:
        if committee is None and not institution.quality_person_id:
            breaches.append(
                Breach(_("第九条"), _("未设立医疗质量管理工作小组，也未指定专（兼）职人员负责医疗质量管理。"))
            )
        return breaches

    if committee is None:
        breaches.append(Breach(_("第九条"), _("二级以上医院应设立医疗质量管理委员会，本院尚未设立。")))
    else:
        if committee.chair_id is None:
            breaches.append(Breach(_("第九条"), _("医疗质量管理委员会未指定主任委员。")))
        elif committee.chair_id != institution.principal_id:
            breaches.append(
                Breach(_("第九条"), _("医疗质量管理委员会主任委员（%(name)s）不是医院主要负责人。") % {"name": _name(committee.chair)})
            )
        if committee.office_department_id is None:
            breaches.append(Breach(_("第九条"), _("未指定负责委员会日常工作的部门。")))
        member_ids = {u.pk for u in committee.members.all()}
        for function in REQUIRED_FUNCTIONS:
            depts = [d for d in departments if d.kind == Department.Kind.FUNCTIONAL and d.function == function]
            label = function.label
            if not depts:
                breaches.append(Breach(_("第九条"), _("未设%(function)s职能部门，委员会缺少其负责人。") % {"function": label}))
            elif not any(d.head_id and d.head_id in member_ids for d in depts):
                breaches.append(Breach(_("第九条"), _("%(function)s部门负责人不是医疗质量管理委员会委员。") % {"function": label}))
        # Art. 9: 委员由……相关职能部门负责人以及业务科室负责人组成: the business-department heads sit on it too.
        business = [d for d in departments if d.kind == Department.Kind.BUSINESS]
        if business and not any(d.head_id and d.head_id in member_ids for d in business):
            breaches.append(Breach(
                _("第九条"),
                _("医疗质量管理委员会委员中没有业务科室负责人（第九条：委员由相关职能部门负责人以及业务科室负责人组成）。"),
            ))

    for dept in departments:
        if dept.kind != Department.Kind.BUSINESS:
            continue
        if dept.head_id is None:
            breaches.append(Breach(_("第八条"), _("%(department)s未登记科室主要负责人。") % {"department": dept.name}, dept))
        group = getattr(dept, "quality_group", None)
        if group is None:
            breaches.append(Breach(_("第十一条"), _("%(department)s未成立科室医疗质量管理工作小组。") % {"department": dept.name}, dept))
            continue
        if group.leader_id is None or group.leader_id != dept.head_id:
            breaches.append(Breach(_("第十一条"), _("%(department)s质量管理小组组长不是科室主要负责人。") % {"department": dept.name}, dept))
        if group.daily_contact_id is None:
            breaches.append(Breach(_("第十一条"), _("%(department)s质量管理小组未指定负责日常具体工作的人员。") % {"department": dept.name}, dept))
        if not group.controllers.all():
            breaches.append(Breach(_("第十一条"), _("%(department)s质量管理小组未设质控员。") % {"department": dept.name}, dept))
    return breaches


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"
