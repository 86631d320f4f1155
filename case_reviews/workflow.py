"""Key-case reviews (Art. 36): the categories of case, the six focus areas, and the review's steps."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The 重点病例 of Art. 36, in the order the article names them (and sampling draws them)."""

    DEATH = "death", _("死亡病例")
    GRADE4_SURGERY = "grade4_surgery", _("四级手术")
    RESTRICTED_TECHNOLOGY = "restricted_technology", _("限制类医疗技术")
    UNPLANNED_REOPERATION = "unplanned_reoperation", _("非计划再次手术")
    DISCHARGE_AGAINST_ADVICE = "discharge_against_advice", _("非医嘱离院")
    MALPRACTICE = "malpractice", _("涉及医疗事故")
    HIGH_COST = "high_cost", _("高额住院费用")


class Focus(models.TextChoices):
    """The six areas Art. 36 has a review focus on."""

    CORE_SYSTEMS = "core_systems", _("核心制度落实")
    DIAGNOSIS_TREATMENT = "diagnosis_treatment", _("诊疗规范性")
    TECHNOLOGY = "technology", _("医疗技术管理")
    PHARMACY = "pharmacy", _("药事管理")
    NURSING = "nursing", _("护理管理")
    RECORDS = "records", _("病案管理")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("待抽样")
    SAMPLED = "sampled", _("评价中")
    CLOSED = "closed", _("已结束")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.SAMPLED}),
    RoundStatus.SAMPLED: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}


class Status(models.TextChoices):
    PENDING = "pending", _("待分配专家")
    ASSIGNED = "assigned", _("评价中")
    SUBMITTED = "submitted", _("已完成评价")
    WITHDRAWN = "withdrawn", _("已撤回")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.ASSIGNED, Status.WITHDRAWN}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

ACTIONS = {
    "case_round.created": _("创建评价批次"),
    "case_round.sampled": _("随机抽取病例"),
    "case_round.closed": _("结束评价批次"),
    "case_review.added": _("加入评价病例"),
    "case_review.assigned": _("分配评价专家"),
    "case_review.saved": _("保存评价意见"),
    "case_review.submitted": _("提交评价结果"),
    "case_review.interview_triggered": _("依评价结果启动约谈"),
    "case.death_discussed": _("记录死亡病例讨论"),
}
