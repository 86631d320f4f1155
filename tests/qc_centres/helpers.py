"""Centres at a given stage, built through the services (issue 20 tests)."""
from __future__ import annotations

import datetime as dt

from qc_centres import services
from tests.factories import UserFactory

D = dt.date.fromisoformat
BIRTH = D("1975-05-01")


def centre(demo, personas, term_start="2025-01-01", **kw):
    c = services.centre_create(
        authority=demo.authorities["JN"], specialty=kw.pop("specialty", "心血管内科"), name="济南市心血管内科质控中心",
        host_institution=kw.pop("host", demo.institutions["H001"]), term_start=D(term_start),
        actor=personas["official_jn"], scope_department_names=kw.pop("names", ["心血管内科", "内科"]), **kw)
    secretary = UserFactory(username=f"qc_sec_{c.pk}")
    services.centre_staff_add(centre=c, user=secretary, actor=personas["official_jn"], title="秘书")
    return c, secretary


def add(c, actor, role, from_host=False, **kw):
    kw.setdefault("name", f"{role}-{from_host}-{c.experts.count()}")
    kw.setdefault("birth_date", BIRTH)
    kw.setdefault("title", "senior")
    kw.setdefault("appointed_on", D("2025-01-10"))
    return services.expert_add(centre=c, actor=actor, role=role, from_host=from_host, **kw)


def full_committee(c, actor):
    """1 director, 3 deputies, 1 secretary, 5 members; 4 from the host (one of each)."""
    add(c, actor, "director", True)
    add(c, actor, "deputy", True)
    add(c, actor, "deputy")
    add(c, actor, "deputy")
    add(c, actor, "secretary", True)
    add(c, actor, "member", True)
    for _ in range(4):
        add(c, actor, "member")
