import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from organizations import demo


class Command(BaseCommand):
    help = "Build the demo data of API.md (idempotent): authorities, hospitals, users, and each app's records."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--password", required=True, help="password of every demo user")

    def handle(self, *args, password: str, **options) -> None:  # noqa: ANN002, ANN003
        ctx = demo.DemoContext(password=password)
        with transaction.atomic():
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
