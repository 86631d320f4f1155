"""Settings of the privilege-check benchmark: the load benchmark's, with the two bare endpoints."""
from bench.settings_bench import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench_privilege"
