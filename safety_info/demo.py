"""Demo register for H001: one complaint, one dispute (closed with amounts and lessons), one 一级 malpractice
with 主要责任 (the Art. 45 (一) offer) and one lawsuit; last month's adverse-event export. Idempotent."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safety_info import services
from safety_info.models import EventExport, SafetyRecord


def seed(ctx: Any) -> None:
    today = timezone.localdate()
    h001 = ctx.institutions["H001"]
    qc = ctx.users["qc_office"]
    if SafetyRecord.objects.filter(institution=h001).exists():
        return
    card, gs, orth = ctx.dept("H001", "CARD"), ctx.dept("H001", "GS"), ctx.dept("H001", "ORTH")
    services.safety_record_register(
        institution=h001, kind="complaint", received_on=today - dt.timedelta(days=6), department=card,
        summary="患者家属投诉夜间护士巡视不及时，呼叫铃响应慢。", actor=qc, channel="phone",
        reply_due_on=today + dt.timedelta(days=10))
    dispute = services.safety_record_register(
        institution=h001, kind="dispute", received_on=today - dt.timedelta(days=40), department=gs,
        summary="腹腔镜胆囊切除术后胆漏，患方认为术中操作不当，要求赔偿。", actor=qc, claim_amount=Decimal("200000"))
    services.safety_record_investigate(record=dispute, actor=qc, investigation="调阅手术记录及术后病程，胆囊管夹闭不全；术后引流观察记录不完整。",
                                       on=today - dt.timedelta(days=30))
    services.safety_record_handle(record=dispute, actor=qc, handling="经市医疗纠纷人民调解委员会调解，双方达成协议。",
                                  resolution="mediation", compensation=Decimal("80000"), hospital_paid=Decimal("50000"),
                                  on=today - dt.timedelta(days=15))
    services.safety_record_close(record=dispute, actor=qc, outcome="调解结案，赔偿8万元（医院承担5万元，医责险承担3万元）。",
                                 lessons="术中确认胆囊管夹闭；术后引流液观察纳入护理交班重点。", on=today - dt.timedelta(days=10))
    services.safety_record_register(
        institution=h001, kind="malpractice", received_on=today - dt.timedelta(days=4), department=orth,
        summary="髋关节置换术后深静脉血栓致肺栓塞死亡，未按规范评估和预防。", actor=qc,
        determined_by="济南市医学会", determined_on=today - dt.timedelta(days=5), accident_grade=1, responsibility="major",
        record_number="1" + (today - dt.timedelta(days=50)).strftime("%y%m") + "0007")
    services.safety_record_register(
        institution=h001, kind="lawsuit", received_on=today - dt.timedelta(days=20), department=card,
        summary="患方以医疗损害责任纠纷起诉。", actor=qc, court="济南市历下区人民法院",
        case_number=f"（{today.year}）鲁0102民初1234号", instance="first", cause="医疗损害责任纠纷", claim_amount=Decimal("350000"))
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if not EventExport.objects.filter(institution=h001, period=last).exists():
        services.event_export_create(institution=h001, period=last, actor=qc)
    ctx.log.append("safety information: H001 complaint, dispute (closed), malpractice (Art. 45 (一)), lawsuit; export")
