"""Demo case pool (H001, H002), a JN review round sampled with a fixed seed, a reviewer (qc_expert) with two
assigned cases, one review submitted with a serious finding (→ rectifications), death discussions. Idempotent."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from case_reviews import services
from case_reviews.models import Case, CaseReview, ReviewRound

ROUND_TITLE = "济南市2026年第四季度重点病例评价"
SEED = 20261101
DEPTS = {"H001": ["CARD", "GS", "ICU", "ORTH"], "H002": ["NK", "WK", "JZ"]}


def _rows(code: str, today: dt.date) -> list[dict]:
    rng = random.Random(f"demo-pool:{code}")
    out = []
    for i in range(60 if code == "H001" else 30):
        dept = rng.choice(DEPTS[code])
        discharged = today - dt.timedelta(days=rng.randint(3, 85))
        died = rng.random() < 0.15
        out.append({
            "record_number": f"{code[-1]}{discharged:%y%m}{i:04d}", "department": dept,
            "physician": "D0101" if dept == "CARD" else f"D{rng.randint(200, 260):04d}",
            "admitted_on": str(discharged - dt.timedelta(days=rng.randint(2, 20))), "discharged_on": str(discharged),
            "died": died, "grade4_surgery": dept in {"GS", "ORTH", "WK"} and rng.random() < 0.4,
            "restricted_technologies": ["XZ-PCI"] if dept == "CARD" and rng.random() < 0.3 else [],
            "unplanned_reoperation": dept in {"GS", "ORTH", "WK"} and rng.random() < 0.1,
            "discharge_against_advice": not died and rng.random() < 0.08,
            "total_cost": str(round(rng.uniform(3000, 180000), 2)),
        })
    return out


def seed(ctx: Any) -> None:
    from staff.models import Staff

    today = timezone.localdate()
    users = ctx.users
    h001, h002 = ctx.institutions["H001"], ctx.institutions["H002"]
    Staff.objects.get_or_create(institution=h001, code="D0101", defaults={
        "name": "张明", "profession": "physician", "title": "senior", "department": ctx.dept("H001", "CARD"),
        "user": users.get("head_cardiology")})
    services.case_pool_upsert(institution=h001, rows=_rows("H001", today), actor=users["qc_office"])
    services.case_pool_upsert(institution=h002, rows=_rows("H002", today), actor=users["qc_office_h002"])
    for case in Case.objects.filter(institution=h001, died=True, death_discussed_on__isnull=True,
                                    died_on__isnull=False).order_by("record_number")[:6]:
        assert case.died_on is not None
        days = 3 if int(case.record_number[-1]) % 3 else 10
        assert case.died_on is not None  # a death case has its date
        on = min(case.died_on + dt.timedelta(days=days), today)
        services.case_death_discussion_record(case=case, discussed_on=on, note="科室死亡病例讨论", actor=users["qc_office"])

    expert = users.get("qc_expert")
    if expert is None:
        expert, _c = get_user_model().objects.get_or_create(username="qc_expert")
        expert.first_name, expert.is_active = "陈立华（心血管内科质控专家）", True
        expert.set_password(ctx.password)
        expert.save()
        users["qc_expert"] = expert
    if ReviewRound.objects.filter(title=ROUND_TITLE).exists():
        return
    rnd = services.round_create(
        actor=users["official_jn"], title=ROUND_TITLE, authority=ctx.authorities["JN"], institutions=[h001, h002],
        categories=["death", "grade4_surgery", "unplanned_reoperation", "discharge_against_advice"],
        period_start=today - dt.timedelta(days=90), period_end=today, sample_size=2, sample_sizes={"H002": 1},
        due_on=today + dt.timedelta(days=20),
    )
    rnd = services.round_sample(round=rnd, actor=users["official_jn"], seed=SEED)
    reviews = list(CaseReview.objects.filter(round=rnd, institution=h001).order_by("category", "record_number")[:2])
    reviews = [services.review_assign(review=r, reviewer=expert, actor=users["official_jn"]) for r in reviews]
    if reviews:
        first = reviews[0]
        services.review_save(review=first, actor=expert, conclusion="死亡病例讨论记录不完整，抢救过程基本规范。", findings=[
            {"focus": "core_systems", "text": "死亡病例讨论未在1周内完成，讨论记录缺上级医师总结", "severity": "serious"},
            {"focus": "records", "text": "抢救记录补记时间超过6小时", "severity": "general"},
        ])
        services.review_submit(review=first, actor=expert, due_on=today + dt.timedelta(days=30))
    services.review_add(actor=users["official_jn"], institution=h002, category="death", record_number="H2-SJ-0001",
                        round=rnd, reason="群众来信反映的死亡病例")
    ctx.log.append(f"case reviews: pool {Case.objects.count()} cases, round sampled (seed {SEED}), reviewer qc_expert")
