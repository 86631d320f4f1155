from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseReviewsConfig(AppConfig):
    name = "case_reviews"
    verbose_name = _("重点病例评价")

    def ready(self) -> None:
        from case_reviews import bulletin
        from case_reviews.selectors import physician_dossier
        from case_reviews.workflow import ACTIONS
        from qms.core.workflow import register_actions
        from qms.extensions import (
            BulletinSection,
            NavItem,
            register_bulletin_section,
            register_dossier_source,
            register_indicator_source,
            register_nav,
        )
        from qms.notifications.rules import OFFICIALS, QUALITY_OFFICE, RESPONSIBLE, RuleSpec, register_rules

        register_actions(ACTIONS)
        register_rules({
            "case_review.due": RuleSpec(
                "重点病例评价期限", "第三十六条", remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, OFFICIALS, QUALITY_OFFICE),
            ),
        })
        register_nav(NavItem(_("病例评价"), "case_reviews:index", 72))
        register_bulletin_section(BulletinSection("case_reviews", "重点病例评价", bulletin.bulletin_section, 60))
        register_indicator_source("ZB12-3", bulletin.zb12_3)
        register_dossier_source(physician_dossier)
