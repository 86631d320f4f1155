"""Two passes at once on PostgreSQL (two workers): the claims let each reminder through once."""
import datetime as dt
import threading

from django.db import connection, connections

from organizations import demo as org_demo
from qms.core.services import deadline_open
from qms.notifications.models import Notification, Outbox
from qms.notifications.services import deadline_pass
from tests.conftest import DEMO_PASSWORD
from tests.factories import UserFactory
from tests.integration.conftest import require_postgres

from .conftest import TODAY


def test_it_sends_each_reminder_once_when_two_passes_run_at_once(transactional_db):
    require_postgres()
    ctx = org_demo.DemoContext(password=DEMO_PASSWORD)
    org_demo.seed(ctx)
    depts = [ctx.dept("H001", c) for c in ("CARD", "RESP", "GS", "ORTH", "ICU")]
    for i in range(300):
        dept = depts[i % len(depts)]
        deadline_open(obj=UserFactory(), rule=["monthly_report.due", "action_item.due", "event.analysis"][i % 3],
                      label=f"事项{i}", due_on=TODAY + dt.timedelta(days=(i % 7) - 3), institution=dept.institution,
                      department=dept, responsible=dept.head)
    barrier = threading.Barrier(2)
    runs, errors = [], []

    def work() -> None:
        try:
            barrier.wait()
            runs.append(deadline_pass(today=TODAY, kick=False))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(runs) == 2
    total = Notification.objects.count()
    assert total > 300
    # between them the two runs wrote each notification once, and one e-mail each
    assert sum(r.notified for r in runs) == total
    assert sum(r.emailed for r in runs) == Outbox.objects.count() == total
    assert deadline_pass(today=TODAY, kick=False).notified == 0
    assert connection.vendor == "postgresql"
