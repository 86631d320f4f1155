"""Demo 质控中心: 济南市心血管内科质控中心 hosted by H001, in its second year. Its first year's summary went in
late (Art. 20 (二)), so the year was failed with a yellow card; this year's plan has dated tasks, one training
and one committee meeting are recorded, H001 has been visited (a finding in the rectification loop) and H002
is still owed its visit. Its secretary signs in as `qc_centre_jn`. Idempotent."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qc_centres import services
from qc_centres.models import QcCentre

SPECIALTY = "心血管内科"


def seed(ctx: Any) -> None:
    from organizations.demo import _user

    jn = ctx.authorities["JN"]
    secretary = _user(ctx, "qc_centre_jn", "宋佳")
    if QcCentre.objects.filter(authority=jn, specialty=SPECIALTY).exists():
        return
    today = timezone.localdate()
    first, second = today.year - 1, today.year
    official, h001 = ctx.users["official_jn"], ctx.institutions["H001"]

    def upto(day: dt.date) -> dt.date:
        return min(day, today)

    centre = services.centre_create(
        authority=jn, specialty=SPECIALTY, name="济南市心血管内科医疗质量控制中心", host_institution=h001,
        term_start=dt.date(first, 1, 1), actor=official, scope_department_names=["心血管内科", "内科"])
    services.centre_staff_add(centre=centre, user=secretary, actor=official, title="质控中心秘书")
    appointed = dt.date(first, 1, 15)
    experts = [
        ("张明", "director", True, dt.date(1972, 3, 8), "senior"),
        ("李卫东", "deputy", True, dt.date(1975, 6, 2), "senior"),
        ("王海涛", "deputy", False, dt.date(1970, 9, 21), "senior"),
        ("刘红梅", "deputy", False, dt.date(1978, 1, 30), "associate_senior"),
        ("宋佳", "secretary", True, dt.date(1986, 11, 4), "intermediate"),
        ("陈立华", "member", True, dt.date(1980, 4, 16), "associate_senior"),  # qc_expert: reviews key cases
        ("赵晓燕", "member", False, dt.date(1982, 8, 9), "associate_senior"),
        ("孙建华", "member", False, dt.date(1976, 12, 1), "senior"),
    ]
    workplaces = ["", "", "山东省立医院", "济南市中心医院", "", "", "济南市历下区人民医院", "济南市第三人民医院"]
    for (name, role, from_host, birth, title), workplace in zip(experts, workplaces, strict=True):
        services.expert_add(centre=centre, actor=secretary, name=name, role=role, from_host=from_host, birth_date=birth,
                            title=title, appointed_on=appointed, workplace=workplace,
                            user=ctx.users.get("qc_expert") if name == "陈立华" else None)
    services.committee_publish(centre=centre, actor=official, on=dt.date(first, 2, 1))
    services.activity_record(centre=centre, actor=secretary, kind="committee_meeting", title=f"{first}年专家委员会质控会议",
                             held_on=dt.date(first, 3, 10), attendees=["张明", "李卫东", "王海涛", "宋佳"],
                             record="讨论年度质控工作计划和胸痛中心质控指标。")
    # The first year's summary went in on 5 January: late (Art. 11), a ground under Art. 20 (二).
    services.annual_report_submit(
        centre=centre, year=first, actor=secretary, on=upto(dt.date(second, 1, 5)),
        summary=f"{first}年完成全市二级以上医院心血管内科质控督导，开展质控培训1次。",
        plan=f"{second}年：修订本专业质控指标；开展质控培训；完成质控范围内医疗机构全覆盖督导。",
        tasks=[("修订心血管内科质控指标", dt.date(second, 3, 31)), ("开展全市心血管内科质控培训", dt.date(second, 6, 30)),
               ("完成质控范围内医疗机构督导全覆盖", dt.date(second, 12, 20))])
    services.assessment_record(centre=centre, year=first, passed=False, grounds=["2"], actor=official,
                               note="年度工作总结逾期报送。", on=upto(dt.date(second, 1, 20)))
    tasks = list(centre.tasks.order_by("due_on"))
    if today > dt.date(second, 3, 31):
        services.task_complete(task=tasks[0], actor=secretary, note="已印发修订后的质控指标。", done_on=dt.date(second, 3, 25))
    training_on = upto(dt.date(second, 5, 20))
    services.activity_record(centre=centre, actor=secretary, kind="training", title=f"{second}年心血管内科质控培训",
                             held_on=training_on, attendees=["H001 心血管内科", "H002 内科", "济南市第三人民医院 心内科"],
                             record="质控标准、薄弱环节和改进措施。")
    if today > dt.date(second, 6, 30) and training_on <= dt.date(second, 6, 30):
        services.task_complete(task=tasks[1], actor=secretary, note="已开展培训。", done_on=training_on)
    visited = upto(max(dt.date(second, 1, 2), today - dt.timedelta(days=30)))
    services.visit_record(
        centre=centre, institution=h001, actor=secretary, visited_on=visited, conclusion="基本合格", score=86,
        report="抽查急性心肌梗死病历20份：首份心电图10分钟内完成率85%，低于目标；出院带药双抗使用规范。",
        reported_to_authority_on=visited,
        findings=[{"problem": "急性胸痛患者首份心电图10分钟内完成率85%，低于90%的目标", "department": "CARD",
                   "requirement": "优化急诊胸痛分诊流程，每月统计完成率", "due_on": today + dt.timedelta(days=30)}])
    services.export_consent_grant(centre=centre, actor=official, recipient="山东省心血管内科质控中心",
                                  purpose="省级质控数据汇总", valid_until=dt.date(second, 12, 31))
    ctx.log.append("QC centre: JN 心血管内科 (H001), second year, yellow card; secretary qc_centre_jn")
