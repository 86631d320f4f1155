"""Demo supervision at H001: six core-system checklists and the 病历质量评价 checklist, a year of plans and
checks (院级督查 by the quality office, 科级自查 by 心血管内科), their rectifications in every state (verified,
reported, open, one reopened, repeats), planned checks still owed (one overdue), and a year of record reviews.

Deterministic: the deductions come from a seeded random generator, so every demo database is the same."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from inspections import services
from inspections.models import Checklist, CoreSystem, Defect, Inspection, Kind, ReviewKind, Tier
from inspections.workflow import Status
from qms.core.models import Deadline
from rectifications import services as rect_services
from rectifications.models import Rectification
from staff.models import Staff

RULE2 = "每缺一项扣 2 分，扣完为止"
RULE1 = "每缺一项扣 1 分，扣完为止"
# code, name, core system name, items (code, text, points, rule)
CHECKLISTS = [
    ("SZFZ", "首诊负责制度检查表", "首诊负责制度", [
        ("1", "首诊医师对患者进行问诊、查体，及时完成首诊病历记录", "10", RULE2),
        ("2", "需他科诊治的，首诊医师负责联系并书面记录，不推诿患者", "10", RULE2),
        ("3", "危重患者先抢救后办理手续，首诊医师全程负责至交接完成", "10", "未落实不得分"),
        ("4", "科室对首诊负责制度有培训、有考核记录", "5", RULE1),
    ]),
    ("SJCF", "三级查房制度检查表", "三级查房制度", [
        ("1", "主任（副主任）医师每周查房不少于 2 次，有查房记录", "10", RULE2),
        ("2", "主治医师每日查房，新入院患者 48 小时内完成首次查房", "10", RULE2),
        ("3", "住院医师每日至少查房 2 次，急危重患者随时查看", "10", RULE2),
        ("4", "查房记录体现上级医师对诊断、治疗的具体意见", "10", RULE1),
    ]),
    ("HZ", "会诊制度检查表", "会诊制度", [
        ("1", "急会诊 10 分钟内到位，普通会诊 24 小时内完成", "10", "每例超时扣 2 分，扣完为止"),
        ("2", "会诊申请单写明患者病情、会诊目的", "5", RULE1),
        ("3", "会诊意见及执行情况在病程记录中记载", "10", RULE2),
        ("4", "院外会诊按规定审批并记录", "5", "未审批不得分"),
    ]),
    ("WJZ", "危急值报告制度检查表", "危急值报告制度", [
        ("1", "医技科室发现危急值后立即核实并电话通知临床科室", "10", "每例未通知扣 5 分，扣完为止"),
        ("2", "临床科室接获危急值登记完整（时间、项目、结果、接收人）", "10", RULE2),
        ("3", "医师接报后及时处置，6 小时内在病程记录中记录处置情况", "10", RULE2),
        ("4", "科室定期分析危急值报告与处置情况", "5", RULE1),
    ]),
    ("SSHC", "手术安全核查制度检查表", "手术安全核查制度", [
        ("1", "麻醉实施前三方核查患者身份、手术部位与标识", "10", "未核查不得分"),
        ("2", "手术开始前三方核查并记录", "10", RULE2),
        ("3", "患者离开手术室前核查手术用物清点、标本", "10", RULE2),
        ("4", "手术安全核查表填写完整并归入病历", "5", RULE1),
    ]),
    ("BLGL", "病历管理制度检查表", "病历管理制度", [
        ("1", "入院记录 24 小时内完成", "10", "每份超时扣 2 分，扣完为止"),
        ("2", "首次病程记录 8 小时内完成", "10", RULE2),
        ("3", "出院记录 24 小时内完成，出院病历 7 个工作日内归档", "10", RULE2),
        ("4", "病历不得随意复制粘贴，修改保留痕迹", "10", "发现不合理复制每份扣 2 分，扣完为止"),
    ]),
]
RECORD_CHECKLIST = ("BLPJ", "住院病历质量评价表", [
    ("1", "病案首页填写完整、准确，主要诊断与主要手术选择正确", "20", "每项错误扣 2 分，扣完为止"),
    ("2", "入院记录完整，24 小时内完成", "15", RULE2),
    ("3", "病程记录及时，上级医师查房记录符合三级查房要求", "25", RULE2),
    ("4", "手术、操作记录及知情同意书完整规范", "20", RULE2),
    ("5", "出院记录完整，医嘱与病程一致，无不合理复制", "20", RULE2),
])
FINDINGS = {
    "SZFZ": "首诊病历记录不完整", "SJCF": "上级医师查房记录缺失", "HZ": "会诊超时或记录不全",
    "WJZ": "危急值处置记录不及时", "SSHC": "核查表项目漏填", "BLGL": "病历书写不及时",
}
# (checklist, departments) rotating month by month: every core system reaches the clinical departments.
ROTATION = [
    ("SZFZ", ["CARD", "EM", "RESP"]), ("SJCF", ["CARD", "GS", "ICU"]), ("HZ", ["ORTH", "RESP", "CARD"]),
    ("WJZ", ["CARD", "ICU", "EM"]), ("SSHC", ["GS", "ORTH", "OBGY"]), ("BLGL", ["CARD", "GS", "PED"]),
]
SELF_CHECK = "BLGL"  # 心血管内科's monthly self-check


def _checklists(h001, qc) -> dict[str, Checklist]:
    cores = {c.name: c for c in CoreSystem.objects.all()}
    out = {}
    for code, name, core, items in CHECKLISTS:
        out[code] = services.checklist_create(
            institution=h001, code=code, name=name, core_system=cores[core], actor=qc, note="2025 年版",
            items=[{"code": c, "text": t, "points": p, "rule": r} for c, t, p, r in items])
    code, name, items = RECORD_CHECKLIST
    out[code] = services.checklist_create(
        institution=h001, code=code, name=name, area="records", for_records=True, actor=qc, note="2025 年版",
        items=[{"code": c, "text": t, "points": p, "rule": r} for c, t, p, r in items])
    return out


def _results(rng: random.Random, insp: Inspection, findings: str, strict: bool) -> list[dict]:
    out = []
    for item in insp.version.items.all():
        chance = 0.45 if strict else 0.2
        if rng.random() < chance:
            deducted = min(item.points, Decimal(rng.choice([1, 2, 2, 4])))
            out.append({"item": item.code, "deducted": str(deducted), "finding": f"抽查发现{findings}，涉及{int(deducted)}处",
                        "cases": [f"ZY{rng.randint(2025000, 2025999)}" for _n in range(rng.randint(0, 2))]})
        else:
            out.append({"item": item.code, "deducted": "0"})
    return out


def _answer(rect: Rectification, qc, age_days: int, *, reopen: bool) -> None:
    """Older findings are answered and verified (or, once, found not effective and reopened); last month's
    are reported and await verification; this month's are still open."""
    answerer = rect.department.head if rect.department and rect.department.head_id else qc
    if answerer == rect.verifier:  # a self-check's inspector is the head: the quality office answers for the record
        answerer = qc
    if age_days < 20:
        return
    if rect.department and rect.department.code == "GS" and age_days < 120:
        return  # 普通外科 has not answered its recent findings: overdue (agenda, oversight, Art. 45 (5))
    rect_services.rectification_report(rectification=rect, actor=answerer,
                                       text="已组织科室学习，补正相关记录，科室质控小组每周抽查。")
    if age_days < 45:
        return
    if reopen:
        rect_services.rectification_reopen(rectification=rect, actor=rect.verifier or qc, text="复查仍有同类问题，整改无效。",
                                           due_on=timezone.localdate() + dt.timedelta(days=14))
    else:
        rect_services.rectification_verify(rectification=rect, actor=rect.verifier or qc, text="复查已落实。")


def _backdate(insp: Inspection, on: dt.date) -> None:
    """The services stamp today: put a past check's times where they were (completed the day of the check,
    answered about two weeks later, verified a month later, due 30 days after the check where that has passed)."""
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    Inspection.objects.filter(pk=insp.pk).update(completed_at=at, due_on=on + dt.timedelta(days=30), created_at=at)
    for rect in Rectification.objects.filter(source_kind="inspection", source_id=insp.pk):
        changes: dict = {"created_at": at}
        if rect.reported_at:
            changes["reported_at"] = at + dt.timedelta(days=14)
            changes["due_on"] = on + dt.timedelta(days=30) if rect.status != "reopened" else rect.due_on
        if rect.verified_at:
            changes["verified_at"] = at + dt.timedelta(days=30)
        if rect.status == "open" and on + dt.timedelta(days=30) < timezone.localdate():
            changes["due_on"] = on + dt.timedelta(days=30)  # left unanswered past its due date
            Deadline.objects.filter(rule="rectification.due", object_id=rect.pk).update(due_on=changes["due_on"])
        Rectification.objects.filter(pk=rect.pk).update(**changes)


def seed(ctx) -> None:
    h001 = ctx.institutions["H001"]
    if Checklist.objects.filter(institution=h001).exists():
        ctx.log.append("inspections: already present")
        return
    qc = ctx.users["qc_office"]
    head = ctx.users["head_cardiology"]
    rng = random.Random(18)
    today = timezone.localdate()
    lists = _checklists(h001, qc)
    dept = {code: ctx.dept("H001", code) for code in ("CARD", "EM", "RESP", "GS", "ICU", "ORTH", "OBGY", "PED")}
    first = (today - relativedelta(months=11)).replace(day=1)
    n_insp = n_rect = 0
    reopened = False
    last_month = today.replace(day=1) - relativedelta(months=1)
    for m in range(14):  # eleven months back, this month, and two months ahead (still owed)
        month = first + relativedelta(months=m)
        code, depts = ROTATION[m % len(ROTATION)]
        planned = services.plan_add(
            institution=h001, year=month.year, month=month.month, checklist=lists[code],
            departments=[dept[d] for d in depts], kind=Kind.REGULAR, tier=Tier.HOSPITAL, actor=qc, inspector=qc,
            inspecting_department=ctx.dept("H001", "ZK"))
        planned += services.plan_add(
            institution=h001, year=month.year, month=month.month, checklist=lists[SELF_CHECK],
            departments=[dept["CARD"]], kind=Kind.REGULAR, tier=Tier.DEPARTMENT, actor=qc, inspector=head)
        for n, p in enumerate(planned):
            on = month.replace(day=1 + 6 * n)
            if on > today:
                continue  # later checks are still owed
            if month == last_month and n == len(planned) - 2:
                continue  # one of last month's checks was never done: an overdue planned check
            self_check = p.tier == Tier.DEPARTMENT
            actor = head if self_check else qc
            insp = services.inspection_create(
                institution=h001, checklist=p.checklist, kind=p.kind, tier=p.tier, inspected_on=on, actor=actor,
                department=p.department, inspector=actor, planned=p)
            # The department's self-check finds less than the hospital does (the gap the analysis flags).
            results = _results(rng, insp, FINDINGS.get(p.checklist.code, "记录不规范"), strict=not self_check)
            services.inspection_results_record(inspection=insp, actor=actor, results=results)
            insp = services.inspection_complete(inspection=insp, actor=actor, due_on=max(on + dt.timedelta(days=30), today),
                                                summary=f"{month:%Y年%m月}{p.checklist.name}检查")
            n_insp += 1
            for r in insp.results.filter(rectification__isnull=False).select_related("rectification__department"):
                n_rect += 1
                assert r.rectification is not None
                age = (today - on).days
                reopen = not reopened and age > 60 and p.department.code == "CARD" and not self_check
                _answer(r.rectification, qc, age, reopen=reopen)
                reopened = reopened or reopen
            _backdate(insp, on)
    # One inspection entered on a tablet today and not yet completed.
    open_one = services.inspection_create(
        institution=h001, checklist=lists["WJZ"], kind=Kind.RANDOM, tier=Tier.HOSPITAL, inspected_on=today,
        actor=qc, department=dept["ICU"], inspector=qc)
    services.inspection_results_record(inspection=open_one, actor=qc, results=[
        {"item": "1", "deducted": "0"}, {"item": "2", "deducted": "2", "finding": "登记缺接收人", "cases": ["ZY2026101"]}])
    n_rect_records = _record_reviews(ctx, h001, qc, lists["BLPJ"], rng, first, today)
    assert Inspection.objects.filter(institution=h001, status=Status.COMPLETED).count() == n_insp
    ctx.log.append(f"inspections: {len(lists)} checklists, {n_insp} completed checks, {n_rect} rectifications, "
                   f"{n_rect_records} record reviews")


def _record_reviews(ctx, h001, qc, checklist: Checklist, rng: random.Random, first: dt.date, today: dt.date) -> int:
    physicians = list(Staff.objects.filter(institution=h001, profession="physician", department__isnull=False)
                      .select_related("department").order_by("code"))
    assert checklist.current is not None
    items = list(checklist.current.items.all())
    n = 0
    for m in range(12):
        month = first + relativedelta(months=m)
        for k in range(8):
            reviewed = month.replace(day=min(3 + 3 * k, 28))
            if reviewed > today:
                break
            doc = physicians[(m * 8 + k) % len(physicians)]
            deductions = []
            for item in items:
                if rng.random() < 0.3:
                    deductions.append({"item": item.code, "deducted": str(rng.choice([2, 2, 4, 6])),
                                       "finding": f"{item.text[:10]}存在缺陷"})
            defects = []
            if rng.random() < 0.12:
                defects.append(Defect.COPY)
            if rng.random() < 0.1:
                defects.append(Defect.LATE_ADMISSION)
            services.record_review_create(
                institution=h001, department=doc.department, record_number=f"ZY{month:%Y%m}{k:03d}", physician=doc,
                actor=qc, discharged_on=reviewed - dt.timedelta(days=rng.randint(3, 12)), kind=ReviewKind.FINAL,
                deductions=deductions or None, score=None if deductions else "98", defects=defects,
                reviewed_on=reviewed, checklist=checklist, note="终末病历质控")
            n += 1
    return n
