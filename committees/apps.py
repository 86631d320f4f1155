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


def _verified_action_items(ids: list[int]) -> list[int]:
    """Issue 21: which action items are verified (the agenda lists those whose indicator did not move)."""
    from committees.models import ActionItem
    from committees.workflow import ActionStatus

    return list(ActionItem.objects.filter(id__in=ids, status=ActionStatus.VERIFIED).values_list("id", flat=True))
