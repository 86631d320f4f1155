import time

from django.apps import AppConfig
from django.conf import settings


class SlowPassConfig(AppConfig):
    name = "tests.integration.slow_pass"
    label = "slow_pass"

    def ready(self) -> None:
        from qms.notifications.deadline_pass import pass_step_started

        delay = float(getattr(settings, "SLOW_PASS_SECONDS", 0))

        def slow(**kwargs: object) -> None:
            time.sleep(delay)

        pass_step_started.connect(slow, weak=False, dispatch_uid="slow_pass")
