"""Statuses and allowed transitions of meetings (minutes) and action items (Art. 12; SPEC §3)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    HELD = "held", _("已召开")
    APPROVED = "approved", _("纪要已批准")
    CANCELLED = "cancelled", _("已取消")


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    # A correction of approved minutes re-opens them (held) and ends in a new approved version.
    MeetingStatus.HELD: frozenset({MeetingStatus.APPROVED}),
    MeetingStatus.APPROVED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.CANCELLED: frozenset(),
}

# While the minutes are in one of these states their content (agenda, attendance, minutes, decisions,
# action items' terms) may be edited.
EDITABLE = {MeetingStatus.PLANNED, MeetingStatus.HELD}


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    DONE = "done", _("已完成待核实")
    VERIFIED = "verified", _("已核实")
    CANCELLED = "cancelled", _("已撤销")


ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.OPEN}),  # verification may send it back
    ActionStatus.VERIFIED: frozenset(),
    ActionStatus.CANCELLED: frozenset(),
}

# Unfinished items carry over to the body's next meeting until they are verified (SPEC §3).
UNFINISHED = {ActionStatus.OPEN, ActionStatus.DONE}


# What each step did, as the histories show it (qms.core.workflow.transition's action codes).
ACTIONS = {
    "meeting_body.created": _("建立会议主体"),
    "meeting_body.updated": _("修改会议主体"),
    "meeting.planned": _("计划会议"),
    "meeting.updated": _("修改会议信息"),
    "meeting.cancelled": _("取消会议"),
    "meeting.agenda_item_added": _("增加议题"),
    "meeting.agenda_item_removed": _("删除议题"),
    "meeting.minutes_recorded": _("记录会议纪要"),
    "meeting.attendance_recorded": _("记录出席情况"),
    "meeting.held": _("确认召开"),
    "meeting.decision_made": _("形成决议"),
    "meeting.approved": _("批准会议纪要"),
    "meeting.correction_opened": _("发起更正"),
    "action_item.opened": _("建立整改事项"),
    "action_item.updated": _("修改整改事项"),
    "action_item.carried_over": _("转入下次会议议程"),
    "action_item.evidence_added": _("上传佐证材料"),
    "action_item.done": _("标记完成"),
    "action_item.verified": _("核实"),
    "action_item.returned": _("退回"),
}
