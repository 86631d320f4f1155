"""Settings of the load benchmark only: the product's settings plus a URLconf with a bare endpoint."""
from qms.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls_bench"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405  the yardstick model (bench/models.py)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Server errors go to gunicorn's stderr, which the benchmark reads back and summarises.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
