from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("委员会与科室会议")

    def ready(self) -> None:
        from committees.views import home_panel
        from qms.extensions import NavItem, register_home_panel, register_nav

        register_nav(NavItem(_("质量会议"), "committees:meeting_list", order=30))
        register_home_panel(home_panel, order=30)
        from committees.workflow import ACTIONS
        from qms.core.workflow import register_actions

        register_actions(ACTIONS)

        from qms.extensions import register_verified_lookup

        register_verified_lookup("action_item", _verified_action_items)

        from qms.extensions import register_meeting_gap_source

        register_meeting_gap_source(_meeting_gaps)


def _meeting_gaps(*, institution_id: int, year: int, month: int, today) -> list[dict]:
    """Art. 12: the bodies of a hospital that held no meeting in the month, or none with its quorum."""
    from committees.selectors import compliance_grid

    grid = compliance_grid(institution_id=institution_id, year=year, month_from=month, month_to=month, today=today)
    return [row for row in grid.get("rows", [])
            if (row.get("cells") or []) and row["cells"][0].get("status") in ("missing", "no_quorum")]


def _verified_action_items(ids: list[int]) -> list[int]:
    """Issue 21: which action items are verified (the agenda lists those whose indicator did not move)."""
    from committees.models import ActionItem
    from committees.workflow import ActionStatus

    return list(ActionItem.objects.filter(id__in=ids, status=ActionStatus.VERIFIED).values_list("id", flat=True))
