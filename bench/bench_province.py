"""Benchmark of the authority's view at provincial scale (issue 21, "Scale").

A province of BENCH_HOSPITALS (1,000) hospitals, grades and categories mixed, under 16 cities and 100
counties, 29 indicators × BENCH_MONTHS (36) months at hospital level (~1 M values, loaded with COPY), then the
province official's comparison page and API for one indicator and month, the authority overview and one
hospital's dashboard are timed, each beside the same page for a county of two hospitals, in the same run:
the ratio of medians must stay within 5×, and the query counts must not grow with the hospitals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_province.py
    BENCH_HOSPITALS=200 BENCH_MONTHS=24 ...   (a smaller run)

The database in DATABASE_URL is only used to create and drop `qms_bench_province`. Adverse events (200,000 in
the issue) are not loaded: no page timed here reads them.
"""
from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import cast
from urllib.parse import urlparse, urlunparse

BENCH_DB = os.environ.get("BENCH_DB", "qms_bench_province")
RUNS = 7
RATIO_LIMIT = 5.0
HOSPITALS = int(os.environ.get("BENCH_HOSPITALS", "1000"))
MONTHS = int(os.environ.get("BENCH_MONTHS", "36"))
CITIES = 16
COUNTIES = 100


def main() -> int:
    from bench.bench_indicators import _admin_connection

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
    try:
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if not os.environ.get("BENCH_KEEP_DB"):
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.close()


def _load(indicators, institutions, periods, now) -> int:
    """COPY the hospital-level values: one row per hospital × applicable indicator × month."""
    from django.db import connection

    from indicators.analysis import compute_rate

    t0 = time.perf_counter()
    buf = io.StringIO()
    n = 0
    for h_pk, grade in institutions:
        for ind in indicators:
            if grade not in ind.grade_list:
                continue
            snap = json.dumps(ind.target_for_grade(grade), ensure_ascii=False).replace("\\", "\\\\")
            for k, period in enumerate(periods):
                den = 300 + (h_pk * 37 + k * 11 + ind.pk) % 2700
                num = int(den * 0.9) if ind.direction == "higher" else den // 200 + (h_pk + k) % 4
                rate = compute_rate(Decimal(num), Decimal(den), ind.factor, ind.kind)
                buf.write(f"{ind.pk}\t{h_pk}\t\\N\t{period}\t{num}\t{den}\t{rate}\tdemo\t\\N\t{now}\t1\tt\t\\N\t1\t"
                          f"{snap}\t{ind.factor}\t\t{now}\n")
                n += 1
    buf.seek(0)
    built = time.perf_counter()
    cols = ("indicator_id, institution_id, department_id, period, numerator, denominator, rate, source, "
            "entered_by_id, entered_at, revision, is_current, superseded_at, definition_version, target_snapshot, "
            "factor, note, updated_at")
    with connection.cursor() as cur:
        cur.cursor.copy_expert(f"COPY indicators_indicatorvalue ({cols}) FROM STDIN", buf)
        copied = time.perf_counter()
        cur.execute("ANALYZE")
    print(f"  rows built in Python {built - t0:.1f} s, COPY {copied - built:.1f} s, ANALYZE "
          f"{time.perf_counter() - copied:.1f} s")
    return n


def run() -> int:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from indicators.models import Indicator
    from indicators.services import add_months
    from organizations import demo as org_demo
    from organizations.models import Authority, Institution, Membership
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t_migrate = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t_migrate
    print(f"migrate: {migrate_s:.1f} s (printed apart from the setup figure)", flush=True)
    t0 = time.perf_counter()
    ctx = org_demo.DemoContext(password="bench-Pw-2026")
    org_demo.seed(ctx)
    sd = ctx.authorities["SD"]
    cities = Authority.objects.bulk_create([Authority(code=f"C{i:02d}", name=f"第{i}市卫生健康委", level="city",
                                                      parent=sd) for i in range(CITIES)])
    counties = Authority.objects.bulk_create([
        Authority(code=f"X{i:03d}", name=f"第{i}县卫生健康局", level="county", parent=cities[i % CITIES])
        for i in range(COUNTIES)
    ])
    # the yardstick: a province of two hospitals with the same three levels, so only the hospitals differ
    small_root = Authority.objects.create(code="SMALL", name="两家医院的省", level="province")
    small_city = Authority.objects.create(code="SMALLC", name="两家医院的市", level="city", parent=small_root)
    small = Authority.objects.create(code="XSMALL", name="两家医院的县", level="county", parent=small_city)
    grades = ["3", "3", "2", "2", "2", "1"]
    categories = [c for c, _ in Institution.Category.choices]
    hospitals = [
        Institution(code=f"P{i:04d}", name=f"省内医院{i:04d}", grade_level=grades[i % len(grades)],
                    grade_class="甲" if i % 3 else "乙", category=categories[i % len(categories)],
                    authority=(cities[i % CITIES] if i % 5 == 0 else counties[i % COUNTIES]))
        for i in range(HOSPITALS - 2)
    ] + [Institution(code=f"S{i}", name=f"县医院{i}", grade_level="2", grade_class="甲", category="general",
                     authority=small) for i in range(2)]
    Institution.objects.bulk_create(hospitals, batch_size=2000)
    indicators = list(Indicator.objects.filter(in_catalogue=True, is_active=True))
    last = add_months(timezone.localdate().replace(day=1), -1)
    periods = [add_months(last, -i) for i in range(MONTHS)]
    pairs = list(Institution.objects.filter(code__regex=r"^(P|S)").values_list("id", "grade_level"))
    n_values = _load(indicators, pairs, periods, timezone.now().isoformat())
    province_official = cast(User, UserFactory(username="bench_province"))
    county_official = cast(User, UserFactory(username="bench_county"))
    Membership.objects.create(user=province_official, role=Membership.Role.OFFICIAL, authority=sd)
    Membership.objects.create(user=county_official, role=Membership.Role.OFFICIAL, authority=small_root)
    setup_s = time.perf_counter() - t0
    print(f"setup: {HOSPITALS} hospitals under {CITIES} cities and {COUNTIES} counties, {len(indicators)} "
          f"indicators × {MONTHS} months = {n_values} values (COPY) in {setup_s:.1f} s")

    p = f"{last:%Y-%m}"
    pages = [
        ("comparison page ZB03", "/indicators/i/ZB03/comparison/?period=" + p + "&authority={a}"),
        ("comparison API ZB03", "/api/v1/indicators/ZB03/comparison/?period=" + p + "&authority={a}"),
        ("authority overview", "/indicators/authority/?period=" + p + "&authority={a}"),
        ("one hospital's dashboard", "/indicators/?institution=P0001&period=" + p),
    ]
    who = {"province": (province_official, "SD"), "2 hospitals": (county_official, "SMALL")}

    def measure(user, url):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        times, queries = [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as q:
                start = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200
            queries = len(q.captured_queries)
        return statistics.median(times), queries, len(r.content) // 1024

    ok = True
    for label, url in pages:
        res = {}
        for scale, (user, code) in who.items():
            target = url.format(a=code)
            if "institution=P0001" in url and scale == "2 hospitals":
                target = target.replace("P0001", "S0")
            res[scale] = measure(user, target)
        (big_ms, big_q, big_kb), (small_ms, small_q, small_kb) = res["province"], res["2 hospitals"]
        ratio = big_ms / small_ms if small_ms else float("inf")
        fine = ratio <= RATIO_LIMIT and big_q == small_q
        ok &= fine
        print(f"{label:28s} province {big_ms:7.1f} ms {big_q:3d} q {big_kb:5d} KB | 2 hospitals {small_ms:6.1f} ms "
              f"{small_q:3d} q {small_kb:4d} KB | ratio {ratio:4.1f}× {'ok' if fine else 'OVER'}")
    print(f"{'PASS' if ok else 'FAIL'}: ratio limit {RATIO_LIMIT}×, equal query counts; setup {setup_s:.0f} s "
          f"(limit 600 s; the migrations before it took {migrate_s:.0f} s)")
    return 0 if ok and setup_s < 600 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
