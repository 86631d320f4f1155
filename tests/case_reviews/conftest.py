import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from case_reviews import services


def rows(dept: str, n: int, prefix: str, **flags):
    base = timezone.localdate() - dt.timedelta(days=40)
    return [{
        "record_number": f"{prefix}{i:04d}", "department": dept, "physician": "D0101",
        "admitted_on": str(base - dt.timedelta(days=5)), "discharged_on": str(base + dt.timedelta(days=i % 20)),
        "total_cost": "12000.50", **flags,
    } for i in range(n)]


@pytest.fixture
def pool(demo, personas):
    h1, h2 = demo.institutions["H001"], demo.institutions["H002"]
    services.case_pool_upsert(institution=h1, rows=rows("CARD", 30, "A", died=True) + rows("GS", 20, "B", grade4_surgery=True)
                              + rows("GS", 6, "C", unplanned_reoperation=True), actor=personas["qc_office"])
    services.case_pool_upsert(institution=h2, rows=rows("NK", 12, "D", died=True) + rows("WK", 8, "E", grade4_surgery=True),
                              actor=personas["qc_office_h002"])
    return demo


@pytest.fixture
def expert(db):
    return get_user_model().objects.create_user("expert_card", password="x-Pass-2026", first_name="心内专家")


def make_round(demo, personas, **kw):
    today = timezone.localdate()
    kw.setdefault("categories", ["death", "grade4_surgery"])
    kw.setdefault("sample_size", 3)
    return services.round_create(
        actor=personas["official_jn"], title="2026 年重点病例评价", authority=demo.authorities["JN"],
        institutions=[demo.institutions["H001"], demo.institutions["H002"]],
        period_start=today - dt.timedelta(days=90), period_end=today, due_on=today + dt.timedelta(days=14), **kw,
    )
