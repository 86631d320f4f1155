from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdverseEventsConfig(AppConfig):
    name = "adverse_events"
    verbose_name = _("不良事件")

    def ready(self) -> None:
        from adverse_events.panels import home_panel
        from adverse_events.selectors import agenda_events
        from qms.extensions import NavItem, register_agenda_source, register_home_panel, register_nav

        register_nav(NavItem(_("不良事件"), "adverse_events:list", order=20))
        register_home_panel(home_panel, order=20)
        register_agenda_source(agenda_events)
        from adverse_events.workflow import ACTIONS
        from qms.core.workflow import register_actions

        register_actions(ACTIONS)
