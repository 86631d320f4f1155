"""Issue 12 item 17: two 约谈 steps at once on PostgreSQL lose neither's work.

Both threads start from the same stale copy of a notified interview; one re-sends the notice (new place and
content), the other records the experts' investigation. Each step locks the row, works on the locked
instance and saves only its own fields, so whichever runs second keeps what the first saved.
"""
from __future__ import annotations

import datetime as dt
import os
import threading

import pytest

from tests.faults.test_postgres import IS_POSTGRES

if not IS_POSTGRES:
    if os.environ.get("CI"):
        pytest.fail("tests/faults need PostgreSQL: set DATABASE_URL=postgres://…", pytrace=False)
    pytestmark = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
else:
    pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_concurrent_interview_steps_lose_neither(django_db_serialized_rollback, transactional_db):
    from django.contrib.auth import get_user_model
    from django.db import connections

    from interviews import services
    from interviews.models import Interview
    from organizations import demo as org_demo
    from tests.conftest import DEMO_PASSWORD
    from tests.interviews.helpers import D, at

    ctx = org_demo.DemoContext(password=DEMO_PASSWORD)
    org_demo.seed(ctx)
    users = {u.username: u for u in get_user_model().objects.all()}
    i = services.interview_trigger(institution=ctx.institutions["H001"], ground=4, trigger_date=D("2025-09-01"),
                                   problems="p", actor=users["official_jn"])
    services.interview_approve(interview=i, actor=users["leader_jn"], approved_on=D("2025-09-01"))
    services.interview_notify(interview=i, actor=users["official_jn"], notified_on=D("2025-09-10"),
                              scheduled_at=at(D("2025-09-16")), location="旧地点", content="旧内容")
    stale = Interview.objects.get(pk=i.pk)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def renotify() -> None:
        services.interview_notify(interview=stale, actor=users["official_jn"], notified_on=D("2025-09-10"),
                                  scheduled_at=at(D("2025-09-17")), location="新地点", content="新内容")

    def investigate() -> None:
        services.interview_investigate(interview=stale, actor=users["official_jn"], experts="专家", findings="核实",
                                       cause_analysis="归因", proposals="", investigated_on=dt.date(2025, 9, 11))

    def run(step) -> None:
        try:
            barrier.wait(timeout=30)
            step()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(step,)) for step in (renotify, investigate)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures
    fresh = Interview.objects.get(pk=i.pk)
    assert (fresh.location, fresh.notice_content) == ("新地点", "新内容")
    assert (fresh.investigation_findings, fresh.cause_analysis) == ("核实", "归因")
