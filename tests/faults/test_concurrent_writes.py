"""Concurrent HIS writes to the same record (found by bench/bench_load.py: 500s under load).

Eight clients send a value for the same indicator, hospital and month at once: every one is stored (the
earlier ones as revisions), exactly one is current, none is a 500. PostgreSQL only (SQLite serialises
writers, so the race cannot happen there).
"""
from __future__ import annotations

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

WRITERS = 8


def test_concurrent_values_for_one_place_and_month_all_land_as_revisions(django_db_serialized_rollback,
                                                                          transactional_db):
    from django.db import connections

    from indicators import services
    from indicators.models import Indicator, IndicatorValue
    from organizations import demo as org_demo
    from organizations.management.commands.seed_demo import ensure_reference_data
    from tests.conftest import DEMO_PASSWORD

    org_demo.seed(org_demo.DemoContext(password=DEMO_PASSWORD))
    ensure_reference_data()  # the catalogue a data migration seeds may have been flushed by an earlier test
    indicator = Indicator.objects.filter(kind="proportion", department_level=False).order_by("code").first()
    assert indicator is not None
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.indicator_value_record(indicator=indicator.code, institution="H001", period="2019-05",
                                            numerator=n, denominator=10, source="api")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures
    rows = IndicatorValue.objects.filter(indicator=indicator, institution__code="H001", period__year=2019,
                                         period__month=5)
    assert rows.count() == WRITERS
    assert rows.filter(is_current=True).count() == 1
    assert sorted(rows.values_list("revision", flat=True)) == list(range(1, WRITERS + 1))
