import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from organizations import demo

# Reference data the migrations seed (event types and severity, the indicator catalogue). A database that
# was flushed after migrate (a transactional test's teardown, `manage.py flush`) lacks it: put it back first.
REFERENCE_DATA = [
    ("adverse_events.SeverityLevel", "adverse_events.migrations.0002_seed_severity_and_types", "seed"),
    ("indicators.Indicator", "indicators.migrations.0002_zibo_catalogue", "seed"),
    ("inspections.CoreSystem", "inspections.migrations.0002_core_systems_and_indicator_sources", "forward"),
]


def ensure_reference_data() -> None:
    for model_label, module_name, function in REFERENCE_DATA:
        if not apps.get_model(model_label).objects.exists():
            getattr(importlib.import_module(module_name), function)(apps, None)


class Command(BaseCommand):
    help = "Build the demo data of API.md (idempotent): authorities, hospitals, users, and each app's records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", required=True, help="password of every demo user")

    def handle(self, *args, password: str, **options) -> None:
        ctx = demo.DemoContext(password=password)
        with transaction.atomic():
            ensure_reference_data()
            demo.seed(ctx)
            # Each app may add its records in <app>/demo.py: seed(ctx), run in INSTALLED_APPS order.
            for config in apps.get_app_configs():
                if config.name == "organizations":
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name == f"{config.name}.demo":
                        continue
                    raise
                module.seed(ctx)
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("demo data ready"))
