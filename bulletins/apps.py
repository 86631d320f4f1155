from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("质量安全月刊")

    def ready(self) -> None:
        from qms.extensions import NavItem, register_nav

        register_nav(NavItem(_("质量安全月刊"), "bulletins:list", order=60))
        from bulletins.workflow import ACTIONS
        from qms.core.workflow import register_actions

        register_actions(ACTIONS)
