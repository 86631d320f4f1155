from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyInfoConfig(AppConfig):
    name = "safety_info"
    verbose_name = _("质量安全信息")
