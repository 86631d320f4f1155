"""Demo register: the catalogue (national defaults + H001's 四级手术术种 and technologies) and 心血管内科's grants
in every state, with reviews due and lapsed, emergency uses and HIS-reported procedures."""
from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from credentialing import services
from credentialing.models import Privilege, PrivilegeItem
from staff.models import Staff

H001_ITEMS: list[tuple[str, str, str, int | None, str, int, bool, bool, dict[str, Any]]] = [
    # code, name, category, grade, min title, months, restricted, new, extra
    ("S4-PCI", "经皮冠状动脉介入治疗（PCI）", "surgery", 4, "associate_senior", 12, False, False, {}),
    ("S4-RFCA", "心律失常射频消融术", "surgery", 4, "associate_senior", 12, False, False, {}),
    ("S4-LPD", "腹腔镜胰十二指肠切除术", "surgery", 4, "senior", 12, False, False, {}),
    ("S4-THA", "人工全髋关节置换术", "surgery", 4, "associate_senior", 12, False, False, {}),
    ("T-TAVR", "经导管主动脉瓣置换术（TAVR）", "technology", None, "senior", 12, True, False,
     {"filing_record": "山东省限制类技术备案 鲁卫医备〔2025〕17号"}),
    ("T-ROBOT", "机器人辅助腹腔镜手术（新技术）", "technology", None, "associate_senior", 12, False, True,
     {"demonstrated_on": dt.date(2026, 9, 10), "sop_reference": "SOP-GS-2026-03"}),
    ("T-ECMO", "体外膜肺氧合（ECMO）", "technology", None, "associate_senior", 24, True, False,
     {"filing_record": "山东省限制类技术备案 鲁卫医备〔2024〕05号"}),
]


def seed(ctx) -> None:
    for code in ("H001", "H002"):
        services.catalogue_seed_defaults(institution=ctx.institutions[code])
    h001 = ctx.institutions["H001"]
    for code, name, cat, grade, title, months, restricted, new, extra in H001_ITEMS:
        PrivilegeItem.objects.get_or_create(
            institution=h001, code=code,
            defaults={"name": name, "category": cat, "surgery_grade": grade, "min_title": title,
                      "max_validity_months": months, "is_restricted": restricted, "is_new": new,
                      "basis": "本院医疗技术临床应用管理目录（淄博方案 二（四）12–13）", "is_policy": True, **extra},
        )
    if Privilege.objects.filter(institution=h001).exists():
        ctx.log.append("credentialing: register already present")
        return
    qc = ctx.users["qc_office"]
    today = timezone.localdate()
    staff = {s.code: s for s in Staff.objects.filter(institution=h001)}
    item = {i.code: i for i in PrivilegeItem.objects.filter(institution=h001)}

    def record(code: str, it: str, start: dt.date, months: int, basis: str = "2025年度医师授权名册") -> Privilege:
        end = min(start + relativedelta(months=months), start + relativedelta(months=item[it].max_validity_months))
        return services.privilege_record(staff=staff[code], item=item[it], valid_from=start, valid_until=end,
                                         basis=basis, actor=qc)

    year_ago = today - relativedelta(months=10)
    for code in ("D0101", "D0102"):
        for it in ("PRACTICE", "ABX-NR", "ABX-R", "ABX-S", "NARC", "S4-PCI", "CONSULT"):
            record(code, it, year_ago, 12 if it.startswith("S4") else 36)
    record("D0103", "PRACTICE", year_ago, 36)
    record("D0103", "ABX-R", year_ago, 36)
    record("D0104", "ABX-NR", year_ago, 36)
    # A grant expiring in ten days whose review fell due twenty days ago and was not done: a lapsed review.
    record("D0103", "CONSULT", today - relativedelta(months=36) + dt.timedelta(days=10), 36)
    record("D0201", "S4-LPD", year_ago, 12)
    record("D0202", "S4-THA", today - relativedelta(months=3), 12)
    record("D0301", "S4-THA", year_ago, 12)
    record("D0101", "S4-RFCA", year_ago, 12)
    tavr = record("D0101", "T-TAVR", year_ago, 12)
    record("D0501", "T-ECMO", year_ago, 24)
    # Suspended, then restored; suspended; revoked; expired; an application half way; a refused one.
    p = record("D0102", "S4-RFCA", year_ago, 12)
    services.privilege_suspend(privilege=p, actor=qc, reason="季度质控发现术后并发症偏高，暂停待评估")
    services.privilege_restore(privilege=p, actor=qc, reason="专项评估合格，恢复授权")
    p = record("D0103", "ONC-G", year_ago, 36)
    services.privilege_suspend(privilege=p, actor=qc, reason="抗肿瘤药物专项点评发现超说明书用药未备案")
    p = record("D0105", "ABX-R", today - relativedelta(months=2), 12, basis="进修医师临时授权")
    services.privilege_revoke(privilege=p, actor=qc, reason="进修期满离院")
    record("D0104", "PRACTICE", today - relativedelta(months=14), 12, basis="住培第一年授权")
    services.privileges_expire(today=today)
    p = services.privilege_apply(staff=staff["D0102"], item=item["T-ECMO"], valid_from=today,
                                 valid_until=today + relativedelta(months=12), basis="完成ECMO规范化培训并参与上机20例",
                                 actor=ctx.users["head_cardiology"])
    services.privilege_approve_step(privilege=p, actor=ctx.users["head_cardiology"], note="同意，科室技术考核合格")
    p = services.privilege_apply(staff=staff["D0103"], item=item["ABX-R"],
                                 valid_from=today, valid_until=today + relativedelta(months=12),
                                 basis="续申", actor=ctx.users["head_cardiology"], training_passed=True)
    services.privilege_reject(privilege=p, actor=ctx.users["head_cardiology"], reason="已有有效授权，无需重复申请")
    # A review decided with the dossier; HIS-reported PCI volumes for it.
    for n in range(18):
        services.procedure_record(staff=staff["D0101"], item=item["S4-PCI"], performed_on=today - dt.timedelta(days=5 + n * 9),
                                  record_number=f"ZY2026{n:04d}", complication=n == 7)
    services.procedure_record(staff=staff["D0102"], item=item["S4-PCI"], performed_on=today - dt.timedelta(days=30),
                              record_number="ZY20269001", unplanned_reoperation=True)
    pci = Privilege.objects.get(staff=staff["D0101"], item=item["S4-PCI"])
    services.privilege_review_decide(review=pci.reviews.get(reviewed_at__isnull=True), actor=qc, outcome="renew",
                                     note="18例，1例并发症已妥善处置，质量良好，同意续期",
                                     new_valid_until=today + relativedelta(months=12))
    for code, it in (("S4-PCI", "2026-11-20"), ("S4-LPD", "2026-03-15"), ("S4-THA", "2026-10-08")):
        services.privilege_item_assess(item=item[code], actor=qc, assessed_on=dt.date.fromisoformat(it),
                                       note="年度动态评估：质量安全指标达标")
    # Emergency over-tier antimicrobial use: one completed within 24 h, one still open.
    services.emergency_use_record(staff=staff["D0104"], item=item["ABX-S"], used_at=timezone.now() - dt.timedelta(hours=30),
                                  reason="感染性休克，血培养待回报，经验性使用碳青霉烯类", confirmed_by=staff["D0101"],
                                  actor=qc, record_number="ZY20260311")
    use = services.emergency_use_record(
        staff=staff["D0103"], item=item["ABX-S"], used_at=timezone.now() - dt.timedelta(days=3),
        reason="重症肺炎合并多重耐药菌感染，夜间抢救", confirmed_by=staff["D0102"], actor=qc, record_number="ZY20260298")
    services.emergency_use_complete(use=use, actor=qc, note="次日上午经特殊使用级抗菌药物会诊补办手续")
    ctx.log.append(f"credentialing: catalogue, {Privilege.objects.filter(institution=h001).count()} grants, TAVR {tavr.pk}")
