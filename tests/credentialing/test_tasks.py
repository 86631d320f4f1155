"""The daily credentialing work: scheduled by beat under its registered name, expires, warns before expiry."""
import datetime as dt

import pytest
from django_celery_beat.models import PeriodicTask

from credentialing import services
from credentialing.workflow import Status
from qms.celery import app
from qms.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_it_schedules_the_daily_credentialing_task_by_its_registered_name():
    entry = PeriodicTask.objects.get(task="credentialing.daily")
    assert entry.enabled and entry.crontab.timezone.key == "Asia/Shanghai"
    app.autodiscover_tasks(force=True)  # what a worker does at start: import every app's tasks module
    assert "credentialing.daily" in app.tasks


def test_the_daily_task_expires_past_grants_and_warns_of_those_ending_soon(reg):
    from credentialing.tasks import daily

    past = reg.grant("D0101", "ABX-R", months=1, start=reg.today - dt.timedelta(days=60))
    soon = reg.grant("D0102", "ABX-R", months=1, start=reg.today - dt.timedelta(days=10))  # ends in about 20 days
    later = reg.grant("D0101", "ABX-NR", months=12)  # ends in about a year: no notice yet
    result = daily()
    assert result["expired"] == 1 and result["notified"] >= 1
    past.refresh_from_db()
    assert past.status == Status.EXPIRED
    warned = {key.split(":")[1] for key in Notification.objects.filter(rule="privilege.expiring").values_list("object_key", flat=True)}
    assert warned == {str(soon.pk)} and str(later.pk) not in warned
    assert f"授权将于 {soon.valid_until} 到期" in Notification.objects.filter(rule="privilege.expiring").first().title
    # twice the same day: nothing new
    assert daily() == {"expired": 0, "notified": 0}


def test_it_warns_again_at_the_next_threshold_only(reg):
    p = reg.grant("D0102", "ABX-R", months=2, start=reg.today - dt.timedelta(days=5))  # ends in ~55 days
    first = services.privileges_expiring_notify()
    assert first >= 1
    assert services.privileges_expiring_notify() == 0
    assert services.privileges_expiring_notify(today=p.valid_until - dt.timedelta(days=25)) >= 1  # the 30-day one
    assert services.privileges_expiring_notify(today=p.valid_until - dt.timedelta(days=20)) == 0
