from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qms.workdays"
    label = "workdays"
    verbose_name = "法定工作日历"

    def ready(self) -> None:
        from qms.workdays import signals  # noqa: F401
