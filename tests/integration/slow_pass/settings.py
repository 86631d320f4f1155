"""Worker settings of the kill-mid-pass test: the base settings plus the slow-pass app."""
import os

from qms.settings.base import *  # noqa: F403
from qms.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.integration.slow_pass"]
SLOW_PASS_SECONDS = float(os.environ.get("SLOW_PASS_SECONDS", "0"))
