from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("质量检查")

    def ready(self) -> None:
        from inspections import extensions, indicators
        from inspections.workflow import ACTIONS
        from qms.core.workflow import register_actions
        from qms.extensions import (
            BulletinSection,
            NavItem,
            register_agenda_source,
            register_bulletin_section,
            register_home_panel,
            register_indicator_source,
            register_nav,
        )
        from qms.notifications.rules import (
            DEPARTMENT_HEAD,
            QUALITY_OFFICE,
            RESPONSIBLE,
            RuleSpec,
            register_rules,
        )

        register_actions(ACTIONS)
        register_rules({
            "inspection.planned": RuleSpec(
                "计划检查期限", "有计划、有记录、有分析、有反馈、有整改措施、有实际效果（seeds/004）；淄博方案二（二）4",
                remind=(RESPONSIBLE, QUALITY_OFFICE), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
            ),
        })
        register_nav(NavItem(_("质量检查"), "inspections:list", 70, visible=extensions.nav_visible))
        register_home_panel(extensions.home_panel, order=60)
        register_agenda_source(extensions.agenda_items)
        register_bulletin_section(BulletinSection("inspections", "核心制度督查与病历质控", extensions.bulletin_section, order=50))
        register_indicator_source("ZB13-8", indicators.grade_a_rate)
        register_indicator_source("ZB14", indicators.copy_rate)
