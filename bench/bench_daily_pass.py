"""Benchmark: one full daily deadline pass over 100,000 open Deadline rows on PostgreSQL.

Standalone: creates its own database qms_bench_pass (dropped at the end), migrates it, seeds the demo
organisation, bulk-creates open deadlines across the kinds, and times one pass at two sizes, counting its
queries (the count must not grow with the rows). Target: under 10 s at 100,000 rows.

    .venv/bin/python bench/bench_daily_pass.py            # PG at postgres://postgres@127.0.0.1:5432
    BENCH_PG=postgres://user:pw@host:5432 .venv/bin/python bench/bench_daily_pass.py
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB = "qms_bench_pass"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
TODAY = dt.date(2026, 3, 9)
RULES = [
    "interview.hold_by", "interview.rectification", "interview.report_due", "interview.upward_report",
    "event.report_internal", "event.analysis", "event.action_due", "action_item.due", "monthly_report.due",
    "interview.half_year_summary",
]


def admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def main() -> None:
    admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qms.settings.base"
    os.environ.pop("REDIS_URL", None)  # eager: nothing is published; the pass is timed alone
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        run(DB)
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP"):
            admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def run(db: str) -> None:
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations import demo as org_demo
    from organizations.models import Department
    from qms.core.models import Deadline
    from qms.notifications.models import Notification, Outbox, PassRun
    from qms.notifications.services import deadline_pass

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    ctx = org_demo.DemoContext(password="bench-Pass-2026")
    org_demo.seed(ctx)
    print(f"database {db}: migrated and seeded in {time.perf_counter() - t:.1f} s")
    depts = list(Department.objects.select_related("institution"))
    ct = ContentType.objects.get_for_model(Department)
    print(f"{'rows':>8} {'in window':>9} {'notified':>9} {'e-mails':>8} {'pass s':>7} {'queries':>7} {'rerun s':>8} {'rerun q':>8}")
    for size in SIZES:
        for model in (Outbox, Notification, PassRun, Deadline):
            model.objects.all().delete()
        rows = []
        for i in range(size):
            dept = depts[i % len(depts)]
            rule = RULES[i % len(RULES)]
            # due dates spread from 30 days ago to 150 days ahead: what a year of open work looks like
            due = TODAY + dt.timedelta(days=(i * 7919) % 181 - 30)
            rows.append(Deadline(
                content_type=ct, object_id=i + 1, rule=rule, label=f"{dept.name} 事项 {i}", article="第三十条",
                institution=dept.institution, department=dept, authority=dept.institution.authority,
                responsible=dept.head, due_on=due, confirmed=True, url=f"/bench/{i}/",
            ))
        Deadline.objects.bulk_create(rows, batch_size=10000)
        del rows
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        window = Deadline.objects.filter(done_at__isnull=True, due_on__lte=TODAY + dt.timedelta(days=7)).count()
        with CaptureQueriesContext(connection) as q1:
            t = time.perf_counter()
            first = deadline_pass(today=TODAY, kick=False)
            first_s = time.perf_counter() - t
        with CaptureQueriesContext(connection) as q2:
            t = time.perf_counter()
            second = deadline_pass(today=TODAY, kick=False)
            second_s = time.perf_counter() - t
        assert first.status == PassRun.Status.DONE and second.notified == 0
        print(f"{size:>8} {window:>9} {first.notified:>9} {first.emailed:>8} {first_s:>7.2f} "
              f"{len(q1.captured_queries):>7} {second_s:>8.2f} {len(q2.captured_queries):>8}")
        if size >= 100_000 and first_s >= 10:
            print(f"FAIL: {first_s:.2f} s >= 10 s")
            sys.exit(1)


if __name__ == "__main__":
    main()
