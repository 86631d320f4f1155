"""Benchmark of the indicators dashboard and one indicator's chart page (issue 6, "Speed").

Fills 3 years × 60 departments × 29 indicators (plus the hospital-level series) in its own PostgreSQL
database, then times both pages through django.test.Client several times and prints median / max ms and
query counts. Both must answer in under 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_indicators.py

The database named in DATABASE_URL is only used to create and drop `qms_bench_indicators`.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BENCH_DB = "qms_bench_indicators"
RUNS = 9
LIMIT_MS = 300
DEPARTMENTS = 60
YEARS = 3


def _admin_connection(url: str):
    import psycopg2

    p = urlparse(url)
    conn = psycopg2.connect(host=p.hostname, port=p.port or 5432, user=p.username, password=p.password,
                            dbname=(p.path or "/postgres").lstrip("/") or "postgres")
    conn.autocommit = True
    return conn


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
        return 2
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cur.execute(f"CREATE DATABASE {BENCH_DB}")
    p = urlparse(url)
    os.environ["DATABASE_URL"] = urlunparse(p._replace(path=f"/{BENCH_DB}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "qms.settings.base"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP_DB"):
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.close()


def run() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from indicators.analysis import compute_rate
    from indicators.models import Indicator, IndicatorValue
    from indicators.services import add_months
    from organizations import demo as org_demo
    from organizations.models import Department

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    ctx = org_demo.DemoContext(password="bench-Pw-2026")
    org_demo.seed(ctx)
    h001 = ctx.institutions["H001"]
    existing = list(Department.objects.filter(institution=h001, kind="business"))
    extra = [
        Department(institution=h001, code=f"B{i:02d}", name=f"临床科室{i:02d}", kind="business", business_kind="clinical")
        for i in range(DEPARTMENTS - len(existing))
    ]
    Department.objects.bulk_create(extra)
    departments = list(Department.objects.filter(institution=h001, kind="business"))[:DEPARTMENTS]
    indicators = list(Indicator.objects.filter(in_catalogue=True))
    last = add_months(timezone.localdate().replace(day=1), -1)
    periods = [add_months(last, -i) for i in range(YEARS * 12)]
    now = timezone.now()
    rows = []
    for place in [None, *departments]:
        scale = 10 if place is None else 1
        for ind in indicators:
            snap = ind.target_for_grade(h001.grade_level)
            for k, period in enumerate(periods):
                den = Decimal(200 * scale + (k * 7 + ind.pk) % 50)
                num = Decimal(int(den * Decimal("0.9"))) if ind.direction == "higher" else Decimal(int(den) // 100 + k % 3)
                rows.append(IndicatorValue(
                    indicator=ind, institution=h001, department=place, period=period, numerator=num,
                    denominator=den, rate=compute_rate(num, den, ind.factor, ind.kind), source="demo",
                    entered_at=now, definition_version=1, target_snapshot=snap, factor=ind.factor,
                ))
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    fill_s = time.perf_counter() - t0
    print(f"filled {len(rows)} values ({len(departments)} departments × {len(indicators)} indicators × "
          f"{len(periods)} months + hospital level) in {fill_s:.1f} s")

    client = Client()
    client.force_login(ctx.users["qc_office"])
    pages = {
        "dashboard (hospital, 29 indicators, 29 charts)": f"/indicators/?institution=H001&period={last:%Y-%m}",
        "dashboard (one department)": f"/indicators/?institution=H001&department=CARD&period={last:%Y-%m}",
        "chart page ZB11-1": f"/indicators/i/ZB11-1/?institution=H001&period={last:%Y-%m}",
    }
    worst = 0.0
    for label, url in pages.items():
        response = client.get(url)  # warm-up (template compile, scope cache)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        queries = 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctxq:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            queries = len(ctxq.captured_queries)
        med, mx = statistics.median(times), max(times)
        worst = max(worst, med)
        print(f"{label:50s} median {med:6.1f} ms  max {mx:6.1f} ms  queries {queries}  ({len(response.content)//1024} KB)")
    ok = worst < LIMIT_MS
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(3):
            client.get(pages[os.environ["BENCH_PROFILE"]] if os.environ["BENCH_PROFILE"] in pages else list(pages.values())[0])
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
    print(f"{'PASS' if ok else 'FAIL'}: slowest median {worst:.1f} ms (limit {LIMIT_MS} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
