"""The staff registry (DESIGN "People are not accounts"): who may be granted, reviewed and checked by the HIS.

A person is known to the HIS by the hospital's staff code (工号); many never sign in, so a user account is
an optional link. ZB 二(二) 6 asks that visiting, resident, intern and third-party staff be managed too:
the employment kind says which.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("医师")
    NURSE = "nurse", _("护士")
    PHARMACIST = "pharmacist", _("药师")
    TECHNICIAN = "technician", _("技师")


class Title(models.TextChoices):
    """Professional title tiers (初级 / 中级 / 副高 / 正高), in rank order."""

    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    ASSOCIATE_SENIOR = "associate_senior", _("副高")
    SENIOR = "senior", _("正高")


TITLE_RANK: dict[str, int] = {Title.JUNIOR: 1, Title.INTERMEDIATE: 2, Title.ASSOCIATE_SENIOR: 3, Title.SENIOR: 4}


def title_at_least(title: str, minimum: str) -> bool:
    return TITLE_RANK.get(title, 0) >= TITLE_RANK.get(minimum, 0)


class EmploymentKind(models.TextChoices):
    ESTABLISHED = "established", _("在编")
    VISITING = "visiting", _("进修")
    RESIDENT = "resident", _("住培")
    INTERN = "intern", _("实习")
    CONTRACTED = "contracted", _("第三方外聘")


class Staff(models.Model):
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="staff", verbose_name=_("医疗机构")
    )
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("科室"),
    )
    code = models.CharField(_("工号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=50)
    profession = models.CharField(_("专业类别"), max_length=12, choices=Profession.choices)
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices)
    title_since = models.DateField(_("现职称取得日期"), null=True, blank=True)
    certificate_number = models.CharField(_("执业证书编号"), max_length=50, blank=True)
    practice_scope = models.CharField(_("执业范围"), max_length=100, blank=True)
    employment_kind = models.CharField(
        _("人员类别"), max_length=12, choices=EmploymentKind.choices, default=EmploymentKind.ESTABLISHED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_record",
        verbose_name=_("登录账号"),
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["institution", "department", "code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="staff_code_per_institution")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
