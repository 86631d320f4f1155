from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    name = "rectifications"
    verbose_name = _("整改")

    def ready(self) -> None:
        from qms.core.workflow import register_actions
        from qms.extensions import NavItem, register_nav
        from qms.notifications.rules import (
            DEPARTMENT_HEAD,
            QUALITY_OFFICE,
            RESPONSIBLE,
            RuleSpec,
            register_rules,
        )
        from rectifications.workflow import ACTIONS

        register_actions(ACTIONS)
        register_rules({
            "rectification.due": RuleSpec(
                "整改期限", "检查评估—约谈通报—专项整改—系统改进—持续完善（淄博方案三（四）10）",
                remind=(RESPONSIBLE, DEPARTMENT_HEAD), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
            ),
        })
        register_nav(NavItem(_("整改"), "rectifications:list", 75))
        from qms.extensions import AuthorityCount, register_authority_count
        from rectifications.selectors import open_counts

        register_authority_count(AuthorityCount("rectifications", _("未完成整改"), open_counts, "rectifications:list", 20))
