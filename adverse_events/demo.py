"""Demo adverse events: a dozen of H001 across classes and loop states, two of H002. Idempotent: each demo
event carries a fixed receipt code and is skipped when it exists."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from adverse_events import services
from adverse_events.models import AdverseEvent, EventAnalysis, EventType
from adverse_events.workflow import ActionStatus
from qms.core.models import Transition

# (key, hospital, dept, type, level, anonymous, reporter, days ago, description, immediate, target state, extra)
EVENTS: list[tuple] = [
    ("01", "H001", "CARD", "FALL", "E", False, "staff_nurse", 150,
     "患者夜间自行如厕时在病房卫生间滑倒，右额部擦伤约 2 cm，意识清楚。",
     "立即扶起，测生命体征，通知值班医师，伤口清创包扎，床旁加设防跌倒标识。", "closed", {}),
    ("02", "H001", "CARD", "MED", "C", True, None, 120,
     "护士为 12 床患者静脉输注时误取 13 床同名药物（同剂量），核对时发现已输入约 5 ml。",
     "立即停止输注，更换正确药液，报告医师，观察 24 小时无不适。", "feedback_given", {}),
    ("03", "H001", "GS", "IDENT", "B", False, "gs_head", 3,
     "术前转运时腕带信息与病历首页床号不一致，转运前核对发现。", "重新打印腕带，双人核对后转运。", "submitted", {}),
    ("04", "H001", "ORTH", "TUBE", "D", True, None, 20,
     "术后患者翻身时引流管部分脱出约 3 cm，未完全脱落。", "立即固定，通知主管医师评估，复查引流通畅。", "received", {}),
    ("05", "H001", "ICU", "PRESSURE", "F", False, "icu_head", 60,
     "长期卧床患者骶尾部出现 3 期压力性损伤，延长住院。", "减压床垫，每 2 小时翻身，伤口造口专科护士会诊。", "analysed", {}),
    ("06", "H001", "GS", "SURG", "G", False, "gs_head", 40,
     "腹腔镜胆囊切除术中胆总管损伤，中转开腹修补，患者遗留胆道狭窄。",
     "术中请肝胆外科会诊修补，术后转入 ICU 监护，与家属沟通。", "improving", {}),
    ("07", "H001", "EM", "TRANSFUSION", "A", True, None, 95,
     "急诊输血标本采集后贴签前暂放治疗台，存在错贴风险。", "立即床旁贴签，科室晨会提醒。", "closed", {}),
    ("08", "H001", "LAB", "LAB", "C", False, "lab_head", 10,
     "危急值（血钾 6.8 mmol/L）电话通报延迟 40 分钟。", "补报危急值，临床已处理，患者未受伤害。", "classified", {}),
    ("09", "H001", "ICU", "DEVICE", "B", True, None, 9,
     "输液泵报警失灵，更换前护士巡视发现流速异常。", "更换输液泵，报医学装备部检修。", "submitted_late", {}),
    ("10", "H001", "RESP", "INFECTION", "E", False, "resp_head", 75,
     "同一病区 1 周内 2 例耐碳青霉烯肺炎克雷伯菌医院感染。", "接触隔离，环境采样，上报医院感染管理科。", "improving", {}),
    ("11", "H001", "PHAR", "MED", "D", False, "phar_head", 30,
     "误将门诊处方录入为住院处方（已更正）。", "无。", "withdrawn", {}),
    ("12", "H001", "OBGY", "DIAG", "I", False, "obgy_head", 25,
     "产后出血患者抢救无效死亡，需评估产后出血预警与输血流程。", "启动产后出血抢救预案，多学科抢救。", "analysed",
     {"safety_grade": "major"}),
    ("13", "H002", "NK", "FALL", "D", True, None, 12,
     "老年患者下床时跌倒，无明显外伤，需观察。", "测生命体征，加强陪护宣教。", "submitted", {}),
    ("14", "H002", "WK", "MED", "E", False, "h2_wk_head", 35,
     "术后镇痛泵参数设置错误，患者出现嗜睡，给予纳洛酮后好转。", "停泵，给予拮抗剂，监测呼吸。", "received", {}),
]

STATE_ORDER = ["submitted", "received", "classified", "analysed", "feedback_given", "improving", "closed"]


def _code(key: str) -> str:
    return f"DEMQ-AE{key}-XXXX-XXXX".replace("X", "Q")


def seed(ctx: Any) -> None:
    created = 0
    office = {"H001": ctx.users.get("qc_office"), "H002": ctx.users.get("qc_office_h002")}
    for key, hosp, dept_code, type_code, level, anonymous, reporter_name, days_ago, desc, immediate, state, extra in EVENTS:
        code = _code(key)
        if AdverseEvent.objects.filter(receipt_code=code).exists():
            continue
        from organizations.models import Department, Membership

        department = Department.objects.get(institution__code=hosp, code=dept_code)
        if reporter_name and reporter_name in ctx.users:
            reporter = ctx.users[reporter_name]
        else:
            # an anonymous report still needs someone entitled to file it; nothing of them is stored
            m = Membership.objects.filter(institution__code=hosp, is_active=True).select_related("user").first()
            reporter = m.user if m else office[hosp]
        discovered = timezone.now() - dt.timedelta(days=days_ago, hours=3)
        event = services.adverse_event_report(
            reporter=reporter, department=department, occurred_at=discovered - dt.timedelta(minutes=20),
            discovered_at=discovered, event_type=EventType.objects.get(code=type_code), severity_level=level,
            description=desc, immediate_actions=immediate, place=f"{department.name}病区",
            patient_age=30 + int(key) * 3, patient_sex="F" if int(key) % 2 else "M", anonymous=anonymous,
        )
        late = state == "submitted_late"
        reported = discovered + (dt.timedelta(days=6) if late else dt.timedelta(hours=5))
        AdverseEvent.objects.filter(pk=event.pk).update(receipt_code=code, reported_at=reported, is_late=late)
        Transition.objects.filter(content_type=ContentType.objects.get_for_model(AdverseEvent), object_id=event.pk,
                                  to_status="submitted").update(at=reported)
        event.refresh_from_db()
        _advance(event, state, office[hosp], extra, ctx)
        created += 1
    ctx.log.append(f"adverse_events: {created} demo events created")


def _advance(event: AdverseEvent, state: str, qc: Any, extra: dict, ctx: Any) -> None:
    if state in ("submitted", "submitted_late"):
        return
    if state == "withdrawn":
        services.adverse_event_withdraw(event=event, actor=qc, reason="科室核实为录入错误，不属于不良事件，误报撤回。")
        return
    target = STATE_ORDER.index(state)
    services.adverse_event_receive(event=event, actor=qc, note="已受理")
    if target < 2:
        return
    services.adverse_event_classify(event=event, actor=qc, severity_level=event.severity_level,
                                    safety_grade=extra.get("safety_grade", ""), reason="经科室核实确认")
    event.refresh_from_db()
    if target < 3:
        return
    requires = services.level_mapping()[event.severity_level].analysis_required
    if requires or state in ("analysed",):
        services.adverse_event_analyse(
            event=event, actor=qc, method=EventAnalysis.Method.FISHBONE if event.severity_class == "II"
            else EventAnalysis.Method.RCA,
            contributing_factors="人员：夜班人力不足；流程：交接班核对不到位；环境：地面湿滑、照明不足。",
            root_causes="高危患者评估后未落实分级防护措施，缺乏执行监督。",
            conclusion="系统因素为主，非个人责任。",
        )
    if event.safety_grade:
        services.adverse_event_report_to_authority(
            event=event, actor=qc, reported_at=event.discovered_at + dt.timedelta(hours=6),
            note="电话报告后书面报告济南市卫生健康委员会医政处")
    if target < 4:
        return
    services.adverse_event_give_feedback(event=event, actor=qc,
                                         feedback="感谢主动上报。已组织科室讨论，改进措施见下；本报告不作为处罚依据。")
    if target < 5 and state != "closed":
        return
    head = event.department.head or qc
    actions = []
    if state != "closed" or event.severity_class in ("I", "II"):
        actions.append(services.action_add(
            event=event, actor=qc, description="修订高危患者防护流程并全员培训考核", owner_department=event.department,
            owner=head, due_on=timezone.localdate() + dt.timedelta(days=20)))
        services.adverse_event_start_improvement(event=event, actor=qc)
    if state == "closed":
        for action in actions:
            services.action_update(action=action, actor=head, status=ActionStatus.DONE, note="已完成培训 32 人次，考核合格。")
            services.action_verify(action=action, actor=qc, verification="现场抽查 10 名护士，流程掌握率 100%。")
        services.adverse_event_close(event=event, actor=qc, summary="改进措施已验证，结案。")
