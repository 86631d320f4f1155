from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HisConfig(AppConfig):
    name = "qms.his"
    label = "his"
    verbose_name = _("HIS 接口")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qms.his import signals  # noqa: F401
