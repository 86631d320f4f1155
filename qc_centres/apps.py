from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QcCentresConfig(AppConfig):
    name = "qc_centres"
    verbose_name = _("质控中心")
