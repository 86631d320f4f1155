from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialingConfig(AppConfig):
    name = "credentialing"
    verbose_name = _("准入授权与医疗技术")

    def ready(self) -> None:
        from credentialing import indicators
        from credentialing.workflow import ACTIONS
        from qms.core.workflow import register_actions
        from qms.extensions import NavItem, register_indicator_source, register_nav
        from qms.notifications.rules import (
            DEPARTMENT_HEAD,
            QUALITY_OFFICE,
            RESPONSIBLE,
            RuleSpec,
            register_rules,
        )

        register_actions(ACTIONS)
        register_rules({
            "credentialing.review_due": RuleSpec(
                "授权动态评估期限（到期前完成）", "淄博方案 二（四）13：医师授权、动态评估制度",
                remind=(RESPONSIBLE, DEPARTMENT_HEAD), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
            ),
            # The deadline's department is the medical-affairs department: late ones go to its head at once.
            "credentialing.emergency_completion": RuleSpec(
                "越级使用补办手续期限（24小时）", "抗菌药物临床应用管理办法 第二十八条",
                remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, DEPARTMENT_HEAD),
                escalate=(DEPARTMENT_HEAD, QUALITY_OFFICE), escalate_after=0,
                escalate_text="紧急越级使用未在24小时内补办手续，报医务部门",
            ),
        })
        register_nav(NavItem(_("准入授权"), "credentialing:list", 72))
        register_indicator_source("ZB01", indicators.zb01)
        register_indicator_source("ZB02", indicators.zb02)
