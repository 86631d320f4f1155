"""The closed loop of Art. 39 (“主动报告、科学分类、重点分析、系统反馈、持续改进”) as a status and its allowed steps."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已上报")
    RECEIVED = "received", _("已受理")
    CLASSIFIED = "classified", _("已分类定级")
    ANALYSED = "analysed", _("已分析")
    FEEDBACK = "feedback_given", _("已反馈")
    IMPROVING = "improving", _("持续改进中")
    CLOSED = "closed", _("已闭环")
    WITHDRAWN = "withdrawn", _("已撤回")


S = Status

# classified → feedback skips analysis: allowed only where the class does not require it (checked in the service).
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.RECEIVED, S.WITHDRAWN},
    S.RECEIVED: {S.CLASSIFIED, S.WITHDRAWN},
    S.CLASSIFIED: {S.ANALYSED, S.FEEDBACK, S.WITHDRAWN},
    S.ANALYSED: {S.FEEDBACK, S.WITHDRAWN},
    S.FEEDBACK: {S.IMPROVING, S.CLOSED, S.WITHDRAWN},
    S.IMPROVING: {S.CLOSED, S.WITHDRAWN},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}

# Steps in the order the page shows them.
LOOP = [S.SUBMITTED, S.RECEIVED, S.CLASSIFIED, S.ANALYSED, S.FEEDBACK, S.IMPROVING, S.CLOSED]

# Reclassification keeps the old value; it is possible until the loop is closed.
RECLASSIFIABLE = {S.CLASSIFIED, S.ANALYSED, S.FEEDBACK, S.IMPROVING}
# Actions may be added once the event is classified.
ACTIONABLE = {S.CLASSIFIED, S.ANALYSED, S.FEEDBACK, S.IMPROVING}


def can(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已完成待验证")
    VERIFIED = "verified", _("已验证")
    CANCELLED = "cancelled", _("已取消")


ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: {ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS},
    ActionStatus.VERIFIED: set(),
    ActionStatus.CANCELLED: set(),
}
