"""Demo organisation: SD → JN → LX, hospitals H001 and H002, their departments, committees, groups and users."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as UserType
from rest_framework.authtoken.models import Token

from organizations.models import (
    Authority,
    Department,
    Institution,
    Membership,
    QualityCommittee,
    QualityController,
    QualityGroup,
)

User = get_user_model()

F = Department.Function
B = Department.BusinessKind

H001_FUNCTIONAL = [
    ("YW", "医务部", F.MEDICAL_ADMIN, "yw_head", "马振华"),
    ("ZK", "质量控制办公室", F.QUALITY, "zk_head", "高秀兰"),
    ("HLB", "护理部", F.NURSING, "hl_head", "林淑贞"),
    ("GR", "医院感染管理科", F.INFECTION, "gr_head", "何志刚"),
    ("SB", "医学装备部", F.ENGINEERING, "sb_head", "罗建平"),
    ("XX", "信息中心", F.INFORMATION, "xx_head", "郑晓东"),
    ("HQ", "后勤保障部", F.LOGISTICS, "hq_head", "谢国庆"),
]
H001_BUSINESS = [
    ("CARD", "心血管内科", B.CLINICAL, "head_cardiology", "张明"),
    ("RESP", "呼吸与危重症医学科", B.CLINICAL, "resp_head", "吴海燕"),
    ("GS", "普通外科", B.CLINICAL, "gs_head", "杨永辉"),
    ("ORTH", "骨科", B.CLINICAL, "orth_head", "许文斌"),
    ("OBGY", "妇产科", B.CLINICAL, "obgy_head", "韩玉梅"),
    ("PED", "儿科", B.CLINICAL, "ped_head", "冯晓红"),
    ("ICU", "重症医学科", B.CLINICAL, "icu_head", "曹俊峰"),
    ("EM", "急诊科", B.CLINICAL, "em_head", "彭志强"),
    ("PHAR", "药学部", B.PHARMACY, "phar_head", "董丽华"),
    ("LAB", "检验科", B.MEDTECH, "lab_head", "袁立新"),
    ("RAD", "医学影像科", B.MEDTECH, "rad_head", "蒋文涛"),
]
H002_FUNCTIONAL = [
    ("YW", "医务科", F.MEDICAL_ADMIN, "h2_yw_head", "田保国"),
    ("ZK", "质控科", F.QUALITY, "h2_zk_head", "陈静"),
    ("HLB", "护理部", F.NURSING, "h2_hl_head", "宋玉兰"),
    ("GR", "院感科", F.INFECTION, "h2_gr_head", "邓海军"),
    ("SB", "设备科", F.ENGINEERING, "h2_sb_head", "孔祥林"),
    ("XX", "信息科", F.INFORMATION, "h2_xx_head", "段晓峰"),
    ("HQ", "总务科", F.LOGISTICS, "h2_hq_head", "侯建军"),
]
H002_BUSINESS = [
    ("NK", "内科", B.CLINICAL, "h2_nk_head", "贾春生"),
    ("WK", "外科", B.CLINICAL, "h2_wk_head", "邵志勇"),
    ("FCK", "妇产科", B.CLINICAL, "h2_fck_head", "孟秋菊"),
    ("JZ", "急诊科", B.CLINICAL, "h2_jz_head", "白云飞"),
]


@dataclass
class DemoContext:
    password: str
    users: dict[str, UserType] = field(default_factory=dict)
    authorities: dict[str, Authority] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def dept(self, institution: str, code: str) -> Department:
        return self.departments[(institution, code)]


def _user(ctx: DemoContext, username: str, name: str, *, login: bool = True, email: str = "") -> UserType:
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = name
    user.last_name = ""
    user.email = email or f"{username}@demo.qms.local"
    user.is_active = True
    if login:
        user.set_password(ctx.password)
    else:
        user.set_unusable_password()
    user.save()
    ctx.users[username] = user
    return user


def _member(user: UserType, role: str, *, authority=None, institution=None, department=None, title="", is_head=False,
            is_leader=False):
    Membership.objects.update_or_create(
        user=user,
        role=role,
        authority=authority,
        institution=institution,
        department=department,
        defaults={"title": title, "is_head": is_head, "is_leader": is_leader, "is_active": True},
    )


def _departments(ctx: DemoContext, inst: Institution, functional: list, business: list) -> None:
    for code, name, function, username, person in functional:
        head = _user(ctx, username, person, login=False)
        dept, _ = Department.objects.update_or_create(
            institution=inst,
            code=code,
            defaults={"name": name, "kind": Department.Kind.FUNCTIONAL, "function": function, "business_kind": "", "head": head},
        )
        ctx.departments[(inst.code, code)] = dept
    for code, name, kind, username, person in business:
        head = _user(ctx, username, person, login=username == "head_cardiology")
        dept, _ = Department.objects.update_or_create(
            institution=inst,
            code=code,
            defaults={"name": name, "kind": Department.Kind.BUSINESS, "business_kind": kind, "function": "", "head": head},
        )
        ctx.departments[(inst.code, code)] = dept
        _member(head, Membership.Role.DEPARTMENT_HEAD, institution=inst, department=dept, title=f"{name}主任")


def _groups(ctx: DemoContext, inst: Institution, business: list, skip_controller: set[str]) -> None:
    for code, name, _kind, _username, _person in business:
        dept = ctx.dept(inst.code, code)
        contact = _user(ctx, f"{inst.code.lower()}_{code.lower()}_contact", f"{name}质控联络员", login=False)
        group, _ = QualityGroup.objects.update_or_create(
            department=dept, defaults={"leader": dept.head, "daily_contact": contact}
        )
        group.members.set([m for m in (dept.head, contact) if m is not None])
        if code in skip_controller:
            group.controllers.all().delete()
            continue
        for kind in (QualityController.Kind.MEDICAL_RECORD, QualityController.Kind.INFECTION, QualityController.Kind.SAFETY):
            if kind == QualityController.Kind.SAFETY:
                person = contact
            else:
                person = _user(ctx, f"{inst.code.lower()}_{code.lower()}_{kind}", f"{name}{QualityController.Kind(kind).label}", login=False)
            QualityController.objects.get_or_create(group=group, user=person, kind=kind)
            _member(person, Membership.Role.CONTROLLER, institution=inst, department=dept, title=QualityController.Kind(kind).label)


def seed(ctx: DemoContext) -> None:
    sd, _ = Authority.objects.update_or_create(code="SD", defaults={"name": "山东省卫生健康委员会", "level": "province", "parent": None})
    jn, _ = Authority.objects.update_or_create(code="JN", defaults={"name": "济南市卫生健康委员会", "level": "city", "parent": sd})
    lx, _ = Authority.objects.update_or_create(code="LX", defaults={"name": "济南市历下区卫生健康局", "level": "county", "parent": jn})
    ctx.authorities.update({"SD": sd, "JN": jn, "LX": lx})

    principal = _user(ctx, "principal", "李建国")
    deputy = _user(ctx, "h001_deputy", "王志远", login=False)
    h001, _ = Institution.objects.update_or_create(
        code="H001",
        defaults={
            "name": "济南市第一人民医院",
            "grade_level": "3",
            "grade_class": "甲",
            "category": "general",
            "authority": jn,
            "principal": principal,
        },
    )
    h001.deputies.set([deputy])
    h2_principal = _user(ctx, "h002_principal", "刘德厚", login=False)
    h2_deputy = _user(ctx, "h002_deputy", "秦玉成", login=False)
    h002, _ = Institution.objects.update_or_create(
        code="H002",
        defaults={
            "name": "济南市历下区人民医院",
            "grade_level": "2",
            "grade_class": "甲",
            "category": "general",
            "authority": lx,
            "principal": h2_principal,
        },
    )
    h002.deputies.set([h2_deputy])
    ctx.institutions.update({"H001": h001, "H002": h002})

    _departments(ctx, h001, H001_FUNCTIONAL, H001_BUSINESS)
    _departments(ctx, h002, H002_FUNCTIONAL, H002_BUSINESS)
    _groups(ctx, h001, H001_BUSINESS, skip_controller=set())
    # H002 shows what the structure check finds: its 急诊科 has no quality controller yet.
    _groups(ctx, h002, H002_BUSINESS, skip_controller={"JZ"})

    for inst, functional, business, chair in ((h001, H001_FUNCTIONAL, H001_BUSINESS, principal), (h002, H002_FUNCTIONAL, H002_BUSINESS, h2_principal)):
        committee, _ = QualityCommittee.objects.update_or_create(
            institution=inst,
            defaults={"name": "医疗质量管理委员会", "chair": chair, "office_department": ctx.dept(inst.code, "ZK")},
        )
        heads = [h for code, *_ in functional + business if (h := ctx.dept(inst.code, code).head) is not None]
        # H002's 信息科 head is not yet on its committee: another breach the check reports.
        if inst.code == "H002":
            heads = [h for h in heads if h.username != "h2_xx_head"]
        committee.members.set([chair, *inst.deputies.all(), *heads])

    _member(principal, Membership.Role.PRINCIPAL, institution=h001, title="院长、医疗质量管理委员会主任委员")
    _member(deputy, Membership.Role.DEPUTY, institution=h001, title="分管医疗副院长")
    _member(h2_principal, Membership.Role.PRINCIPAL, institution=h002, title="院长")
    _member(h2_deputy, Membership.Role.DEPUTY, institution=h002, title="业务副院长")

    qc = _user(ctx, "qc_office", "王丽")
    _member(qc, Membership.Role.QUALITY_OFFICE, institution=h001, department=ctx.dept("H001", "ZK"), title="质控办专职质控员")
    qc2 = _user(ctx, "qc_office_h002", "陈静")
    _member(qc2, Membership.Role.QUALITY_OFFICE, institution=h002, department=ctx.dept("H002", "ZK"), title="质控科科长")
    nurse = _user(ctx, "staff_nurse", "刘芳")
    _member(nurse, Membership.Role.STAFF, institution=h001, department=ctx.dept("H001", "CARD"), title="心血管内科护士")

    # Art. 46: the authority's 负责人 approves a 约谈; the division head may lead it (Art. 46 (三)) but not approve.
    leader = _user(ctx, "leader_jn", "韩立明")
    _member(leader, Membership.Role.OFFICIAL, authority=jn, title="济南市卫生健康委员会分管副主任", is_leader=True)
    oj = _user(ctx, "official_jn", "赵强")
    _member(oj, Membership.Role.OFFICIAL, authority=jn, title="济南市卫生健康委医政医管处处长", is_head=True)
    oj2 = _user(ctx, "official_jn2", "孙伟")
    _member(oj2, Membership.Role.OFFICIAL, authority=jn, title="济南市卫生健康委医政医管处科员")
    olx = _user(ctx, "official_lx", "周军")
    _member(olx, Membership.Role.OFFICIAL, authority=lx, title="历下区卫生健康局局长", is_leader=True, is_head=True)
    admin = _user(ctx, "sysadmin", "系统管理员")
    if not (admin.is_staff and admin.is_superuser):
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])

    his = _user(ctx, "his_h001", "H001 HIS 接口", login=False)  # token only, like a real HIS account
    _member(his, Membership.Role.HIS, institution=h001, title="HIS 系统账号")
    Token.objects.get_or_create(user=his)
    ctx.log.append("organisation: SD/JN/LX, H001, H002")
