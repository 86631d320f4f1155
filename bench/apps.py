from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed by bench/settings_bench.py only: the yardstick model of the load benchmark (issue 16)."""

    name = "bench"
    label = "bench"
    default_auto_field = "django.db.models.BigAutoField"
