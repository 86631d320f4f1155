from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qms.notifications"
    label = "notifications"
    verbose_name = _("通知与提醒")

    def ready(self) -> None:
        from qms.extensions import NavItem, register_nav
        from qms.notifications.selectors import can_see_passes

        register_nav(NavItem(_("期限检查"), "notifications:passes", order=85, visible=can_see_passes))
