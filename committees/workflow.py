"""Statuses and allowed transitions of meetings (minutes) and action items (Art. 12; SPEC §3)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    HELD = "held", _("已召开")
    APPROVED = "approved", _("纪要已批准")
    CANCELLED = "cancelled", _("已取消")


MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    # A correction of approved minutes re-opens them (held) and ends in a new approved version.
    MeetingStatus.HELD: {MeetingStatus.APPROVED},
    MeetingStatus.APPROVED: {MeetingStatus.HELD},
    MeetingStatus.CANCELLED: set(),
}

# While the minutes are in one of these states their content (agenda, attendance, minutes, decisions,
# action items' terms) may be edited.
EDITABLE = {MeetingStatus.PLANNED, MeetingStatus.HELD}


class ActionStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    DONE = "done", _("已完成待核实")
    VERIFIED = "verified", _("已核实")
    CANCELLED = "cancelled", _("已撤销")


ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.OPEN: {ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: {ActionStatus.VERIFIED, ActionStatus.OPEN},  # verification may send it back
    ActionStatus.VERIFIED: set(),
    ActionStatus.CANCELLED: set(),
}

# Unfinished items carry over to the body's next meeting until they are verified (SPEC §3).
UNFINISHED = {ActionStatus.OPEN, ActionStatus.DONE}


def can_move(table: dict[str, set[str]], current: str, target: str) -> bool:
    return target in table.get(current, set())
