from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyInfoConfig(AppConfig):
    name = "safety_info"
    verbose_name = _("质量安全信息")

    def ready(self) -> None:
        from qms.core.workflow import register_actions
        from qms.extensions import BulletinSection, NavItem, register_bulletin_section, register_nav
        from safety_info import bulletin
        from safety_info.workflow import ACTIONS

        register_actions(ACTIONS)
        register_nav(NavItem(_("安全信息"), "safety_info:list", 73))
        register_bulletin_section(BulletinSection("safety_info", "医疗质量安全信息", bulletin.bulletin_section, 61))
