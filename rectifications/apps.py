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
        from qms.extensions import register_verified_lookup

        register_verified_lookup("rectification", _verified)


def _verified(ids: list[int]) -> list[int]:
    """Issue 21: which rectifications are verified (the agenda lists those whose indicator did not move)."""
    from rectifications.models import Rectification
    from rectifications.workflow import Status

    return list(Rectification.objects.filter(id__in=ids, status=Status.VERIFIED).values_list("id", flat=True))
