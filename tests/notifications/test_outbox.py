"""The outbox: work kept across a broker outage, sent after commit, and sent once."""
import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse

from qms.notifications import services
from qms.notifications.models import Notification, Outbox, PassRun
from tests.broker import DEAD_BROKER, broker

from .conftest import TODAY

pytestmark = pytest.mark.django_db

def test_it_keeps_a_users_save_and_its_work_when_redis_is_down(demo, client, django_capture_on_commit_callbacks, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date.today() + dt.timedelta(days=1), department=card,
                  responsible=card.head)
    staff = demo.users["qc_office"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    with broker(DEAD_BROKER, eager=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notifications:pass_run"))
        elapsed = time.monotonic() - started
    # the user sees success, quickly, and the work is kept
    assert response.status_code == 302
    assert elapsed < 10
    run = PassRun.objects.get()
    assert run.status == PassRun.Status.QUEUED
    row = Outbox.objects.get()
    assert row.kind == Outbox.Kind.TASK and row.status == Outbox.Status.PENDING
    assert row.payload["kwargs"] == {"run_id": run.pk}
    assert not Notification.objects.exists()
    # a flush while Redis is still down sends nothing and loses nothing
    with broker(DEAD_BROKER, eager=False):
        assert services.outbox_flush() == 0
    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING and row.attempts == 0 and "6390" in row.last_error
    # Redis is back: the periodic re-send publishes it (in-process here), exactly once
    assert services.outbox_flush() >= 1
    row.refresh_from_db()
    run.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    assert run.status == PassRun.Status.DONE and run.notified == 1
    assert services.outbox_flush() == 0
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    run.refresh_from_db()
    assert run.attempts == 1


def test_it_sends_notify_after_commit_once(demo, django_capture_on_commit_callbacks):
    card = demo.dept("H001", "CARD")
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notify(
            recipients=[card.head, demo.users["qc_office"]], rule="event.classified", article="第三十九条",
            subject="不良事件已分级", body="不良事件 AE-2026-0001 已分级为 II 类（依据第三十九条，2026年3月9日）。",
            obj=card, url="/events/1/", period_key="2026-03-09",
        )
        assert len(mail.outbox) == 0  # nothing leaves before the commit
    assert n == 2 and len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify(
            recipients=[card.head], rule="event.classified", article="第三十九条", subject="x", body="y",
            obj=card, period_key="2026-03-09",
        )
    assert again == 0 and len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=card.head).get().url == "/events/1/"


def test_it_sends_nothing_when_the_change_rolls_back(demo, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[demo.users["qc_office"]], rule="r", article="", subject="s", body="b",
                        period_key="p")
        raise RuntimeError
    assert not Notification.objects.exists() and not Outbox.objects.exists() and not mail.outbox


def test_it_retries_a_failed_email_later_and_then_gives_up(demo, monkeypatch):
    services.outbox_enqueue(email_to=["a@example.test"], subject="s", body="b")
    monkeypatch.setattr(services, "_deliver_email", lambda row, conn: (_ for _ in ()).throw(OSError("smtp down")))
    assert services.outbox_flush() == 0
    row = Outbox.objects.get()
    assert row.status == Outbox.Status.PENDING and row.attempts == 1 and row.available_at is not None
    assert services.outbox_flush() == 0  # not yet due again
    Outbox.objects.update(available_at=None, attempts=7)
    services.outbox_flush()
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED


def test_it_never_sends_a_row_another_flusher_claimed(demo):
    row = services.outbox_enqueue(email_to=["a@example.test"], subject="s", body="b")
    Outbox.objects.filter(pk=row.pk).update(status=Outbox.Status.SENDING, claimed_at=dt.datetime.now(dt.UTC))
    assert services.outbox_flush() == 0 and not mail.outbox
    # the other flusher died: after the lease the row is sent
    Outbox.objects.filter(pk=row.pk).update(claimed_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert services.outbox_flush() == 1 and len(mail.outbox) == 1


def test_it_deduplicates_an_enqueue_with_a_key(demo):
    a = services.outbox_enqueue(task=services.DEADLINE_PASS_TASK, kwargs={"today": TODAY.isoformat()}, dedupe_key="k1")
    b = services.outbox_enqueue(task=services.DEADLINE_PASS_TASK, kwargs={"today": TODAY.isoformat()}, dedupe_key="k1")
    assert a.pk == b.pk and Outbox.objects.count() == 1


def test_the_beat_schedules_are_seeded_in_the_database():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # the migration ran; seeding again (as after a flush by a transactional test) keeps one row each
    importlib.import_module("qms.notifications.migrations.0002_beat_schedules").seed(apps, None)
    assert PeriodicTask.objects.filter(task__startswith="notifications.").count() == 3

    tasks = {t.task: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    daily = tasks["notifications.deadline_pass"]
    assert (daily.crontab.hour, daily.crontab.minute, str(daily.crontab.timezone)) == ("7", "0", "Asia/Shanghai")
    assert tasks["notifications.hourly_pass"].crontab.hour == "*"
    flush = tasks["notifications.outbox_flush"]
    assert (flush.interval.every, flush.interval.period) == (1, "minutes")
    assert all(t.enabled for t in tasks.values())
