"""The yardstick of the HIS write path (issue 16): a ten-field report row with no rules at all. Exists only under
bench/settings_bench.py (no migration: the benchmark creates its table with migrate --run-syncdb)."""
from django.db import models


class BenchReport(models.Model):
    department = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()
    discovered_at = models.DateTimeField()
    event_type = models.CharField(max_length=32)
    severity_level = models.CharField(max_length=1)
    description = models.TextField()
    immediate_actions = models.TextField(blank=True)
    patient_age = models.PositiveSmallIntegerField(null=True)
    patient_sex = models.CharField(max_length=1, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"

    def __str__(self) -> str:
        return f"bench report {self.pk}"
