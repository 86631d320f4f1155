"""Benchmark: one full monthly bulletin from the demo grown to 60 departments and 3 years (issue 8, "Speed").

    cd /work/main && DJANGO_SETTINGS_MODULE=qms.settings.base .venv/bin/python bench/bench_bulletin.py

Creates its own PostgreSQL database (qms_bench_bulletin; BENCH_PG for another server), seeds the demo, grows it
with bulk_create by cloning the demo's own rows (so that every field the other apps require is filled as they
fill it), renders last month's bulletin of H001 and prints the time split between gathering the data and
WeasyPrint. Drops the database at the end. Budget: under 15 s in total, gathering a small share.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.base")
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "qms_bench_bulletin"
os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
os.environ.setdefault("MEDIA_ROOT", "/tmp/qms_bench_bulletin_media")
os.environ["REDIS_URL"] = ""  # the generation task runs in-process
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_DEPARTMENTS = 60
YEARS = 3
BUDGET_SECONDS = 15.0


def _admin_sql(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for i in range(n):
        index = first.year * 12 + first.month - 1 - i
        out.append(dt.date(index // 12, index % 12 + 1, 1))
    return out


def _clone(obj, **changes):
    new = copy.copy(obj)
    new.pk = None
    new.id = None
    new._state = copy.copy(obj._state)
    new._state.adding = True
    for key, value in changes.items():
        setattr(new, key, value)
    return new


def grow() -> dict[str, int]:
    from django.utils import timezone

    from adverse_events.models import AdverseEvent
    from committees.models import Meeting, MeetingBody
    from indicators.models import IndicatorValue, MonthlyReport
    from organizations.models import Department, Institution

    tz = timezone.get_current_timezone()
    h001 = Institution.objects.get(code="H001")
    today = timezone.localdate()
    months = _months_back(today, YEARS * 12 + 1)[1:]  # the 36 months before this one
    counts: dict[str, int] = {}

    # departments: clinical departments up to 60 in all
    template = Department.objects.get(institution=h001, code="CARD")
    existing = Department.objects.filter(institution=h001).count()
    new_depts = [
        _clone(template, code=f"K{n:03d}", name=f"临床科室{n:02d}", head=None)
        for n in range(1, TARGET_DEPARTMENTS - existing + 1)
    ]
    Department.objects.bulk_create(new_depts)
    depts = list(Department.objects.filter(institution=h001, kind="business"))
    counts["departments"] = Department.objects.filter(institution=h001).count()

    # a meeting body per new department, and a held meeting each month for every department body
    body_template = MeetingBody.objects.filter(institution=h001, department__isnull=False).first()
    if body_template is not None:
        have = set(MeetingBody.objects.filter(institution=h001).values_list("department_id", flat=True))
        MeetingBody.objects.bulk_create([
            _clone(body_template, department=d, name=f"{d.name}医疗质量安全会议", committee=None)
            for d in depts if d.pk not in have
        ])
        meeting_template = Meeting.objects.filter(institution=h001, body__department__isnull=False).exclude(
            held_at__isnull=True).first() or Meeting.objects.filter(institution=h001).first()
        if meeting_template is not None:
            bodies = list(MeetingBody.objects.filter(institution=h001, department__isnull=False))
            meetings = []
            for i, body in enumerate(bodies):
                for m in months:
                    if (i + m.month) % 11 == 0:
                        continue  # a few months missed: the bulletin reports them
                    at = dt.datetime(m.year, m.month, 8 + i % 15, 15, tzinfo=tz)
                    meetings.append(_clone(meeting_template, body=body, department=body.department,
                                           title=f"{body.name}（{m:%Y年%m月}）", starts_at=at, held_at=at,
                                           previous=None))
            Meeting.objects.bulk_create(meetings, batch_size=2000)
            counts["meetings"] = Meeting.objects.filter(institution=h001).count()

    # indicator values: the demo's hospital-level year copied back to three years, and per department
    hospital_values = list(IndicatorValue.objects.filter(institution=h001, department__isnull=True, is_current=True))
    have_periods = {(v.indicator_id, v.period) for v in hospital_values}
    by_indicator_month = {(v.indicator_id, v.period.month): v for v in hospital_values}
    rows = []
    for (indicator_id, month_no), v in by_indicator_month.items():
        for m in months:
            if m.month == month_no and (indicator_id, m) not in have_periods:
                rows.append(_clone(v, period=m))
    dept_templates: dict[int, IndicatorValue] = {}
    for v in IndicatorValue.objects.filter(institution=h001, department__isnull=False, is_current=True):
        dept_templates.setdefault(v.indicator_id, v)
    for d in depts:
        for v in dept_templates.values():
            for m in months:
                rows.append(_clone(v, department=d, period=m))
    IndicatorValue.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    counts["indicator_values"] = IndicatorValue.objects.filter(institution=h001).count()

    # department monthly reports, every department, every month
    report_template = MonthlyReport.objects.filter(institution=h001).exclude(self_check="").first() or \
        MonthlyReport.objects.filter(institution=h001).first()
    if report_template is not None:
        reported = set(MonthlyReport.objects.filter(institution=h001).values_list("department_id", "period"))
        reports = []
        for i, d in enumerate(depts):
            for m in months:
                if (d.pk, m) in reported:
                    continue
                late = (i + m.month) % 7 == 0
                reports.append(_clone(report_template, department=d, period=m, late=late,
                                      status="accepted" if (i + m.month) % 9 else "not_started"))
        MonthlyReport.objects.bulk_create(reports, batch_size=5000)
        counts["monthly_reports"] = MonthlyReport.objects.filter(institution=h001).count()

    # adverse events: about 40 reports a month across the departments
    event_templates = list(AdverseEvent.objects.filter(institution=h001).exclude(status="withdrawn"))
    events = []
    serial = AdverseEvent.objects.count()
    for m in months:
        for k in range(40):
            serial += 1
            t = event_templates[(serial + k) % len(event_templates)]
            at = dt.datetime(m.year, m.month, 1 + k % 27, 9 + k % 8, tzinfo=tz)
            events.append(_clone(t, department=depts[(serial * 7) % len(depts)], receipt_code=f"B{serial:010d}",
                                 reported_at=at, occurred_at=at - dt.timedelta(hours=2),
                                 discovered_at=at - dt.timedelta(hours=1)))
    AdverseEvent.objects.bulk_create(events, batch_size=2000)
    counts["adverse_events"] = AdverseEvent.objects.filter(institution=h001).count()
    return counts


def _seed() -> None:
    """seed_demo, app by app: an app whose demo fails (another engineer's work in progress) is reported and
    skipped instead of stopping the benchmark; its section then says it has no data."""
    import importlib

    from django.apps import apps
    from django.db import transaction

    from organizations import demo

    ctx = demo.DemoContext(password="bench-Pw-2026")
    with transaction.atomic():
        demo.seed(ctx)
    for config in apps.get_app_configs():
        if config.name == "organizations":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError:
            continue
        try:
            with transaction.atomic():
                module.seed(ctx)
        except Exception as exc:  # noqa: BLE001
            print(f"seed_demo: {config.name} demo failed and was skipped: {type(exc).__name__}: {exc}"[:200])


def main() -> int:
    reuse = os.environ.get("BENCH_REUSE") == "1"  # iterate on rendering without re-seeding
    if reuse:
        import django

        django.setup()
        try:
            return run()
        finally:
            from django.db import connections

            connections.close_all()
    _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        _seed()
        counts = grow()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"setup (migrate, seed_demo, grow): {time.perf_counter() - t:.1f} s")
        print("grown data of H001: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP") != "1":
            _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def run() -> int:
    from django.db import connection, reset_queries
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from bulletins import gather
    from bulletins.models import Bulletin
    from bulletins.pdf import TEMPLATE, bulletin_context
    from organizations.models import Institution
    from qms.pdf import _static_fetcher

    h001 = Institution.objects.get(code="H001")
    today = timezone.localdate()
    year, month = gather.shift_month(today.year, today.month, -1)
    Bulletin.objects.filter(institution=h001, year=year, month=month).delete()
    bulletin = Bulletin.objects.create(institution=h001, year=year, month=month, foreword="卷首语" * 40,
                                       commentary=dict.fromkeys(("summary", "indicators", "events"), "评述" * 60))

    # warm-up outside the measurement: fonts and WeasyPrint's first import are a process cost, not a bulletin's
    HTML(string="<p>预热</p>").write_pdf()

    from django.conf import settings

    settings.DEBUG = True  # count queries
    reset_queries()
    c0 = time.process_time()
    t0 = time.perf_counter()
    sections = gather.gather_all(h001, year, month)
    t1 = time.perf_counter()
    c1 = time.process_time()
    queries = len(connection.queries)
    bulletin.sections = sections
    html = render_to_string(TEMPLATE, bulletin_context(bulletin, sections))
    t2 = time.perf_counter()
    document = HTML(string=html, base_url="static:", url_fetcher=_static_fetcher).render()
    t3 = time.perf_counter()
    pdf = document.write_pdf()
    t4 = time.perf_counter()
    c4 = time.process_time()
    load = os.getloadavg()[0]

    gathering = t1 - t0
    template = t2 - t1
    layout = t3 - t2
    write = t4 - t3
    total = t4 - t0
    weasy = layout + write
    ev = sections["events"]
    print(f"bulletin {year}-{month:02d} of H001: {len(document.pages)} pages, {len(pdf) // 1024} KiB, "
          f"{sections['indicators'].get('counts', {}).get('total', 0)} indicators, "
          f"{len(sections['indicators'].get('charts', []))} control charts, {ev.get('total', 0)} events, "
          f"{len(sections['meetings'].get('bodies', []))} meeting bodies, {sections['reports'].get('total', 0)} reports")
    print(f"gathering the data : {gathering:6.2f} s  ({queries} queries)  {gathering / total:5.1%}")
    print(f"template (HTML+SVG): {template:6.2f} s                {template / total:5.1%}")
    print(f"WeasyPrint layout  : {layout:6.2f} s                {layout / total:5.1%}")
    print(f"WeasyPrint write   : {write:6.2f} s                {write / total:5.1%}")
    print(f"WeasyPrint total   : {weasy:6.2f} s")
    print(f"CPU time (this process): gathering {c1 - c0:.2f} s, rendering {c4 - c1:.2f} s; "
          f"load average {load:.1f} on {os.cpu_count()} cores while measuring")
    print(f"total              : {total:6.2f} s  (budget {BUDGET_SECONDS:.0f} s) "
          f"{'OK' if total < BUDGET_SECONDS else 'OVER BUDGET'}")
    out = Path(os.environ.get("BENCH_PDF", "/tmp/bench_bulletin.pdf"))
    out.write_bytes(pdf)
    print(f"PDF written to {out}")
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
