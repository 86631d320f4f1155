from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QcCentresConfig(AppConfig):
    name = "qc_centres"
    verbose_name = _("质控中心")

    def ready(self) -> None:
        from qc_centres.extensions import nav_visible, rectification_scope
        from qc_centres.workflow import ACTIONS
        from qms.core.workflow import register_actions
        from qms.extensions import NavItem, register_nav, register_scope_extension
        from qms.notifications.rules import (
            OFFICIALS,
            PRINCIPAL,
            QUALITY_OFFICE,
            RESPONSIBLE,
            RuleSpec,
            register_rules,
        )

        register_actions(ACTIONS)
        register_rules({
            "qc_centre.annual_report": RuleSpec(
                "质控中心年度工作总结和下年度工作计划（12月底前）", "济南质控中心办法第十一条",
                remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, OFFICIALS),
            ),
            "qc_centre.plan_task": RuleSpec(
                "质控中心计划任务完成时限", "济南质控中心办法第十一条、第二十条（一）",
                remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, OFFICIALS),
            ),
            "qc_centre.director_replacement": RuleSpec(
                "质控中心主任重新推荐人选（1个月内）", "济南质控中心办法第十九条（二）",
                remind=(RESPONSIBLE, PRINCIPAL), overdue=(RESPONSIBLE, PRINCIPAL, OFFICIALS),
            ),
            "qc_centre.handover": RuleSpec(
                "质控中心挂靠单位变更交接（1个月内）", "济南质控中心办法第二十一条",
                remind=(RESPONSIBLE, QUALITY_OFFICE), overdue=(RESPONSIBLE, QUALITY_OFFICE, OFFICIALS),
            ),
        })
        register_nav(NavItem(_("质控中心"), "qc_centres:list", 78, visible=nav_visible))
        register_scope_extension("rectifications.Rectification", rectification_scope)

        from qc_centres.extensions import expert_reviewers, open_finding_counts, visit_counts_this_year
        from qms.extensions import register_reviewer_source

        register_reviewer_source(expert_reviewers)
        from qms.extensions import AuthorityCount, register_authority_count

        # issue 21: the QC centres' results on the authority's overview
        register_authority_count(AuthorityCount("qc_visits", _("本年质控督导"), visit_counts_this_year,
                                                "qc_centres:list", 30, unit="次"))
        register_authority_count(AuthorityCount("qc_findings", _("质控督导问题未整改"), open_finding_counts,
                                                "rectifications:list", 31, query="source=qc_visit"))
