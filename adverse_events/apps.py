from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdverseEventsConfig(AppConfig):
    name = "adverse_events"
    verbose_name = _("不良事件")
