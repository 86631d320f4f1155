from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("约谈")

    def ready(self) -> None:
        from interviews.extensions import agenda_items, home_panel, nav_visible
        from interviews.services import interview_dates_recompute
        from qms.extensions import (
            NavItem,
            register_agenda_source,
            register_calendar_hook,
            register_home_panel,
            register_nav,
        )

        register_nav(NavItem(_("约谈"), "interviews:list", 40, visible=nav_visible))
        register_home_panel(home_panel, order=40)
        register_agenda_source(agenda_items)
        register_calendar_hook(interview_dates_recompute)
        from interviews.services import half_year_summaries_ensure
        from qms.extensions import register_periodic_duty

        register_periodic_duty(half_year_summaries_ensure)
        from interviews.workflow import ACTIONS
        from qms.core.workflow import register_actions

        register_actions(ACTIONS)

        from interviews.extensions import open_counts
        from qms.extensions import AuthorityCount, register_authority_count

        register_authority_count(AuthorityCount("interviews", _("进行中的约谈"), open_counts, "interviews:list", 10))
