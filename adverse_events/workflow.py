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
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.RECEIVED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.CLASSIFIED, S.WITHDRAWN}),
    S.CLASSIFIED: frozenset({S.ANALYSED, S.FEEDBACK, S.WITHDRAWN}),
    S.ANALYSED: frozenset({S.FEEDBACK, S.WITHDRAWN}),
    S.FEEDBACK: frozenset({S.IMPROVING, S.CLOSED, S.WITHDRAWN}),
    S.IMPROVING: frozenset({S.CLOSED, S.WITHDRAWN}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Steps in the order the page shows them.
LOOP = [S.SUBMITTED, S.RECEIVED, S.CLASSIFIED, S.ANALYSED, S.FEEDBACK, S.IMPROVING, S.CLOSED]

# Reclassification keeps the old value; it is possible until the loop is closed.
RECLASSIFIABLE = frozenset({S.CLASSIFIED, S.ANALYSED, S.FEEDBACK, S.IMPROVING})
# Improvement actions may be added once the event is classified, until the loop is closed.
ACTIONABLE = RECLASSIFIABLE


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已完成待验证")
    VERIFIED = "verified", _("已验证")
    CANCELLED = "cancelled", _("已取消")


ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset(),
    ActionStatus.CANCELLED: frozenset(),
}

# What each step did, as the history shows it (qms.core.workflow.transition's action codes).
ACTIONS = {
    "event.reported": _("上报"),
    "event.received": _("受理"),
    "event.classified": _("分类定级"),
    "event.reclassified": _("重新分类"),
    "event.attachment_added": _("添加附件"),
    "event.interview_triggered": _("触发约谈"),
    "event.reported_to_authority": _("向卫生健康行政部门报告"),
    "event.analysed": _("根因分析"),
    "event.feedback_given": _("反馈"),
    "event.improvement_started": _("开始持续改进"),
    "event.closed": _("结案"),
    "event.withdrawn": _("撤回"),
    "event.action_added": _("制定改进措施"),
    "event_action.opened": _("改进措施：制定"),
    "event_action.in_progress": _("改进措施：落实中"),
    "event_action.done": _("改进措施：已完成"),
    "event_action.cancelled": _("改进措施：取消"),
    "event_action.verified": _("改进措施：验证"),
}
