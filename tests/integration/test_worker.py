"""A real Celery worker against Redis and PostgreSQL: reminders arrive, and a killed worker sends nothing twice."""
import datetime as dt
import os
import signal
import time

import pytest

from organizations import demo as org_demo
from qms.core.services import deadline_open
from qms.notifications.models import Notification, Outbox, PassRun
from qms.notifications.services import deadline_pass
from qms.notifications.tasks import deadline_pass_task, outbox_flush_task
from tests.conftest import DEMO_PASSWORD

# One Redis database and one default queue: these tests run one after another (make test uses --dist loadgroup).
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery-worker")]

TODAY = dt.date(2026, 3, 9)


def _wait(predicate, timeout: float = 90, what: str = "condition", worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{worker.output()[-4000:]}" if worker else ""))


def _seed_deadlines() -> org_demo.DemoContext:
    ctx = org_demo.DemoContext(password=DEMO_PASSWORD)
    org_demo.seed(ctx)
    rules = ["monthly_report.due", "action_item.due", "event.analysis", "interview.report_due"]
    for i, code in enumerate(["CARD", "RESP", "GS", "ORTH"]):
        dept = ctx.dept("H001", code)
        deadline_open(obj=dept, rule=rules[i], label=f"{dept.name} 测试事项", article="第三十条",
                      due_on=dt.date(2026, 3, 6), institution=dept.institution, department=dept,
                      responsible=dept.head, authority=dept.institution.authority)
    return ctx


def _all_sent() -> bool:
    return Outbox.objects.exists() and not Outbox.objects.exclude(status=Outbox.Status.SENT).exists()


def test_it_delivers_the_daily_pass_reminders_through_a_real_worker(start_worker):
    _seed_deadlines()
    worker = start_worker()
    deadline_pass_task.delay(today=TODAY.isoformat())  # what beat sends at 07:00
    run = _wait(lambda: PassRun.objects.filter(status=PassRun.Status.DONE).first(), what="the pass", worker=worker)
    assert run.found == 4 and run.notified == Notification.objects.count() > 4
    assert run.worker and run.worker.split(":")[-1] != str(os.getpid())  # it ran in the worker, not here
    _wait(_all_sent, what="the e-mails", worker=worker)
    log = worker.output()
    # the console backend printed each e-mail (subjects are MIME-encoded there; addresses are plain)
    assert log.count("Subject: ") == Outbox.objects.count()
    for row in Outbox.objects.select_related("notification__recipient"):
        assert f"To: {row.notification.recipient.email}" in log
    # the beat's second trigger the same day, and the minute re-send job: nothing new, nothing twice
    deadline_pass_task.delay(today=TODAY.isoformat())
    outbox_flush_task.delay()
    _wait(lambda: PassRun.objects.filter(status=PassRun.Status.DONE).count() == 2, what="the second pass", worker=worker)
    time.sleep(1.5)
    assert PassRun.objects.order_by("-id").first().notified == 0
    assert Outbox.objects.filter(status=Outbox.Status.SENT).count() == Outbox.objects.count()
    emails_in_log = worker.output().count("Subject: ")
    assert emails_in_log == Outbox.objects.count()


def test_a_worker_killed_mid_pass_runs_it_again_and_sends_nothing_twice(start_worker):
    _seed_deadlines()
    worker = start_worker(DJANGO_SETTINGS_MODULE="tests.integration.slow_pass.settings", SLOW_PASS_SECONDS="1.5")
    run = PassRun.objects.create(today=TODAY)
    deadline_pass_task.delay(run_id=run.pk)

    def half_way():
        run.refresh_from_db()
        return run.status == PassRun.Status.RUNNING and 1 <= run.steps_done < run.steps_total and run

    def half_way_or_resend():
        # In one CI run the first publish never reached the worker (cause not found). In production the
        # outbox job re-sends a run still queued; do the same here. The task claims its run atomically, so a
        # second message cannot run it twice.
        if time.monotonic() - sent_at > 30 and PassRun.objects.filter(pk=run.pk, status=PassRun.Status.QUEUED).exists():
            resend()
        return half_way()

    sent_at = time.monotonic()

    def resend():
        nonlocal sent_at
        sent_at = time.monotonic()
        deadline_pass_task.delay(run_id=run.pk)

    _wait(half_way_or_resend, what="the pass to be half-way", worker=worker)
    partial = Notification.objects.count()
    assert partial > 0
    child_pid = int(run.worker.rsplit(":", 1)[1])
    assert child_pid != worker.proc.pid
    os.kill(child_pid, signal.SIGKILL)  # the process running the task dies without a word

    def finished():
        run.refresh_from_db()
        return run.status == PassRun.Status.DONE and run

    _wait(finished, timeout=120, what="the redelivered pass", worker=worker)
    assert run.attempts >= 2  # acks_late + reject_on_worker_lost: the task ran again
    assert "WorkerLostError" in worker.output() or "signal 9" in worker.output()
    total = Notification.objects.count()
    assert total > partial
    _wait(_all_sent, what="the e-mails", worker=worker)
    # Everything owed was sent by the two attempts together, once: a fresh pass finds nothing new.
    again = deadline_pass(today=TODAY, kick=False)
    assert again.notified == 0 and Notification.objects.count() == total
    assert Outbox.objects.count() == total  # every demo user has an address: one e-mail per notification
    assert worker.output().count("Subject: ") == total
