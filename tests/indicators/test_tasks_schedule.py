"""Scheduled work that must run: beat entries exist for the indicators' tasks, and a GET never writes."""
import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from qms.celery import app

pytestmark = pytest.mark.django_db


def test_it_schedules_the_indicator_tasks_by_registered_names():
    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    wanted = {"indicators.open_monthly_reports", "indicators.recompute_event_rates", "indicators.record_computed_values"}
    assert wanted <= tasks
    app.loader.import_default_modules()
    assert wanted <= set(app.tasks)


def test_a_get_of_an_unopened_report_creates_nothing(demo, client):
    from indicators.models import MonthlyReport
    from qms.core.models import Deadline

    client.force_login(demo.users["head_cardiology"])
    before = (MonthlyReport.objects.count(), Deadline.objects.count())
    from indicators.models import MonthlyReport as M

    M.objects.filter(department__code="CARD").delete()  # nothing opened yet for this department
    page = client.get(f"/indicators/reports/H001/CARD/{timezone.localdate():%Y-%m}/")
    assert page.status_code == 200
    assert (MonthlyReport.objects.count(), Deadline.objects.count()) == before
