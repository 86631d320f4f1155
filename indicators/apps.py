from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_official(user) -> bool:
    from organizations.selectors import get_scope

    return bool(user.is_authenticated and get_scope(user).is_official)


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("质量指标")

    def ready(self) -> None:
        from indicators import panels
        from indicators.selectors import agenda_items
        from indicators.services import monthly_report_dates_recompute
        from qms.extensions import (
            NavItem,
            register_agenda_source,
            register_calendar_hook,
            register_home_panel,
            register_nav,
        )

        register_calendar_hook(monthly_report_dates_recompute)
        register_nav(NavItem(_("质量指标"), "indicators:dashboard", 40))
        register_nav(NavItem(_("辖区总览"), "indicators:authority_overview", 41, visible=_is_official))
        register_home_panel(panels.monthly_report_panel, order=40)
        register_agenda_source(agenda_items)
        from indicators.selectors import bulletin_section, intervention_agenda_items
        from qms.extensions import BulletinSection, register_bulletin_section

        register_agenda_source(intervention_agenda_items)
        register_bulletin_section(BulletinSection("interventions", "改进措施成效", bulletin_section, 45))
        from indicators.workflow import ACTIONS
        from qms.core.workflow import register_actions

        register_actions(ACTIONS)
