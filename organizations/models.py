"""The two-tier responsibility system (院、科两级责任制), Art. 8–11, and where each person stands."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class Authority(models.Model):
    """A health authority (卫生健康行政部门): province → city → county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("卫生健康行政部门")
        verbose_name_plural = _("卫生健康行政部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A hospital (医疗机构): the tenant of every regulated record."""

    class GradeLevel(models.TextChoices):
        LEVEL3 = "3", _("三级")
        LEVEL2 = "2", _("二级")
        LEVEL1 = "1", _("一级")
        NONE = "0", _("未定级")

    class GradeClass(models.TextChoices):
        A = "甲", _("甲等")
        B = "乙", _("乙等")
        C = "丙", _("丙等")
        NONE = "", _("未评等")

    class Category(models.TextChoices):
        GENERAL = "general", _("综合医院")
        TCM = "tcm", _("中医医院")
        SPECIALTY = "specialty", _("专科医院")
        MATERNAL = "maternal", _("妇幼保健院")
        DISEASE_CONTROL = "disease_control", _("专科疾病防治机构")
        OTHER = "other", _("其他")

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    grade_level = models.CharField(_("级别"), max_length=1, choices=GradeLevel.choices)
    grade_class = models.CharField(_("等次"), max_length=1, choices=GradeClass.choices, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="institutions",
        verbose_name=_("登记机关"),
        help_text=_("负责登记、校验的卫生健康行政部门，即约谈的组织者（第四十四条）"),
    )
    principal = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主要负责人")
    )
    deputies = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("分管负责人"))
    quality_person = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("医疗质量管理专（兼）职人员"),
        help_text=_("二级以下机构未设委员会时指定（第九条）"),
    )
    monthly_report_due_workday = models.PositiveSmallIntegerField(
        _("科室月报截止（次月第几个工作日）"), default=5
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("医疗机构")
        verbose_name_plural = _("医疗机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_display(self) -> str:
        if not self.grade_class:
            return str(self.get_grade_level_display())
        return gettext("%(level)s%(grade)s") % {
            "level": self.get_grade_level_display(),
            "grade": self.get_grade_class_display(),
        }

    @property
    def is_secondary_or_above(self) -> bool:
        """二级以上医院: 二级 or 三级 hospitals, 妇幼保健院 and 专科疾病防治机构 (Art. 9)."""
        return self.grade_level in {self.GradeLevel.LEVEL2, self.GradeLevel.LEVEL3} or self.category in {
            self.Category.MATERNAL,
            self.Category.DISEASE_CONTROL,
        }


class Department(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("业务科室")
        FUNCTIONAL = "functional", _("职能科室")

    class BusinessKind(models.TextChoices):
        CLINICAL = "clinical", _("临床")
        PHARMACY = "pharmacy", _("药学")
        NURSING = "nursing", _("护理")
        MEDTECH = "medtech", _("医技")
        NONE = "", _("—")

    class Function(models.TextChoices):
        """The functional departments whose heads Art. 9 puts on the committee."""

        MEDICAL_ADMIN = "medical_admin", _("医疗管理")
        QUALITY = "quality", _("质量控制")
        NURSING = "nursing", _("护理")
        INFECTION = "infection", _("医院感染管理")
        ENGINEERING = "engineering", _("医学工程")
        INFORMATION = "information", _("信息")
        LOGISTICS = "logistics", _("后勤")
        OTHER = "other", _("其他")
        NONE = "", _("—")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="departments", verbose_name=_("医疗机构")
    )
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    business_kind = models.CharField(_("业务类别"), max_length=12, choices=BusinessKind.choices, blank=True)
    function = models.CharField(_("职能"), max_length=20, choices=Function.choices, blank=True)
    head = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("科室主要负责人")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ["institution", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="department_code_per_institution")]

    def __str__(self) -> str:
        return self.name


class QualityCommittee(models.Model):
    """医疗质量管理委员会 (Art. 9); in a hospital below 二级, the working group."""

    institution = models.OneToOneField(
        Institution, on_delete=models.PROTECT, related_name="committee", verbose_name=_("医疗机构")
    )
    name = models.CharField(_("名称"), max_length=100, default="医疗质量管理委员会")
    chair = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主任委员")
    )
    office_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("日常工作部门"),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="quality_committees", verbose_name=_("委员"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("医疗质量管理委员会")
        verbose_name_plural = _("医疗质量管理委员会")

    def __str__(self) -> str:
        return f"{self.institution} {self.name}"


class QualityGroup(models.Model):
    """科室医疗质量管理工作小组 (Art. 11, ZB 三(一)2)."""

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="quality_group", verbose_name=_("科室")
    )
    leader = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("组长")
    )
    daily_contact = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("日常工作负责人")
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="quality_groups", verbose_name=_("成员"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("科室质量管理小组")
        verbose_name_plural = _("科室质量管理小组")

    def __str__(self) -> str:
        return gettext("%(department)s 质量管理小组") % {"department": self.department}

    @property
    def institution(self) -> Institution:
        return self.department.institution


class QualityController(models.Model):
    class Kind(models.TextChoices):
        MEDICAL_RECORD = "medical_record", _("病历质控员")
        INFECTION = "infection", _("院感质控员")
        SAFETY = "safety", _("医疗安全质控员")

    group = models.ForeignKey(QualityGroup, on_delete=models.CASCADE, related_name="controllers")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("质控员")
        verbose_name_plural = _("质控员")
        constraints = [models.UniqueConstraint(fields=["group", "user", "kind"], name="controller_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user}"


class Membership(models.Model):
    """Where a person stands: one row per (user, hospital or authority, department or none, role)."""

    class Role(models.TextChoices):
        QUALITY_OFFICE = "quality_office", _("质控办")
        PRINCIPAL = "principal", _("主要负责人")
        DEPUTY = "deputy", _("分管负责人")
        DEPARTMENT_HEAD = "department_head", _("科室主任")
        CONTROLLER = "controller", _("质控员")
        STAFF = "staff", _("医务人员")
        OFFICIAL = "official", _("卫生健康行政部门工作人员")
        HIS = "his_system", _("HIS 系统账号")

    HOSPITAL_WIDE = frozenset({Role.QUALITY_OFFICE, Role.PRINCIPAL, Role.DEPUTY, Role.HIS})
    DEPARTMENT_LEVEL = frozenset({Role.DEPARTMENT_HEAD, Role.CONTROLLER, Role.STAFF})

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("行政部门")
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("医疗机构")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("科室")
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # Art. 46 separates two posts: the authority's 负责人 (its director, or the deputy director in charge)
    # approves a 约谈; a division's 主要负责人 (处长/科长) may lead one (Art. 46 (三)) but not approve it.
    is_leader = models.BooleanField(
        _("行政部门负责人"), default=False, help_text=_("本级卫生健康行政部门主任或分管副主任：批准约谈（第四十六条）")
    )
    is_head = models.BooleanField(
        _("处（科）室主要负责人"), default=False, help_text=_("相关处（科）室主要负责人：可作为约谈人负责人，不能批准约谈（第四十六条（三））")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(authority__isnull=True) & models.Q(institution__isnull=False))
                | (models.Q(authority__isnull=False) & models.Q(institution__isnull=True)),
                name="membership_authority_xor_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "authority", "institution", "department"], name="membership_once"
            ),
        ]

    def __str__(self) -> str:
        place = self.authority or self.department or self.institution
        return f"{self.user} · {place} · {self.get_role_display()}"


class PasswordChangeRequired(models.Model):
    """An administrator asked this user to change the password: every page sends them to the change page
    after their next sign-in, until they have changed it (issue 13 item 14)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户"))
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("要求人"))
    requested_at = models.DateTimeField(_("要求时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("须修改密码")
        verbose_name_plural = _("须修改密码")

    def __str__(self) -> str:
        return str(self.user)
