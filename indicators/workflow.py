"""States of the department monthly report (SPEC §6): not started → draft → submitted → accepted,
or returned with a reason → resubmitted → accepted (or returned again)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已通过")


S = ReportStatus
# states in which the department still owes the report (the deadline is open)
OPEN_STATES = frozenset({S.NOT_STARTED, S.DRAFT, S.RETURNED})
# states the department may edit
EDITABLE_STATES = frozenset({S.NOT_STARTED, S.DRAFT, S.RETURNED})

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NOT_STARTED: frozenset({S.DRAFT, S.SUBMITTED}),
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
    S.RETURNED: frozenset({S.RESUBMITTED}),
    S.RESUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
    S.ACCEPTED: frozenset(),
}

ACTIONS = {
    "monthly_report.started": _("开始填报"),
    "monthly_report.submitted": _("报送"),
    "monthly_report.resubmitted": _("重新报送"),
    "monthly_report.returned": _("退回修改"),
    "monthly_report.accepted": _("审核通过"),
}

BADGE: dict[str, str] = {
    S.NOT_STARTED: "secondary",
    S.DRAFT: "info",
    S.SUBMITTED: "primary",
    S.RETURNED: "warning",
    S.RESUBMITTED: "primary",
    S.ACCEPTED: "success",
}

