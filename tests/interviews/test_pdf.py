"""The 医疗质量安全约谈登记表: every label of the attachment, in order, with the interview's own data."""
import datetime as dt
import subprocess
import time

import pytest
from django.utils import timezone

from interviews.pdf import render_registration_form_pdf
from interviews.services import (
    interview_approve,
    interview_form_update,
    interview_hold,
    interview_notify,
    interview_trigger,
)

pytestmark = pytest.mark.django_db

LABELS = ["医疗质量安全约谈登记表", "约谈对象", "姓名", "单位和职务", "存在的主要问题", "约谈人", "单位职务", "约谈时间",
          "约谈地点", "约谈记录", "约谈人签名", "约谈对象签名", "整改落实", "情况记录", "记录人", "时 间", "结论意见", "备注"]


def held_interview(demo, personas):
    jn = personas["official_jn"]
    i = interview_trigger(institution=demo.institutions["H001"], ground=3, trigger_date=dt.date(2025, 9, 1),
                          problems="抗凝药物双人核对缺失致消化道大出血", actor=jn)
    interview_approve(interview=i, actor=personas["leader_jn"], approved_on=dt.date(2025, 9, 2))
    at = timezone.make_aware(dt.datetime(2025, 9, 16, 9, 30))
    interview_notify(interview=i, actor=jn, notified_on=dt.date(2025, 9, 10), scheduled_at=at, location="济南市卫健委第三会议室",
                     content="约谈")
    interview_hold(interview=i, actor=jn, held_at=at,
                   interviewers=[{"name": "赵强", "title": "医政医管处处长", "is_head": True}, {"name": "孙伟", "title": "科员"}],
                   interviewees=[{"name": "李建国", "title": "院长", "is_principal": True}, {"name": "张明", "title": "心内科主任"}],
                   record="医院如实陈述事件经过", record_requirements="一个月内完成整改", problem_scale="general",
                   rectification_deadline=dt.date(2025, 10, 16), form_signed=True)
    interview_form_update(interview=i, actor=jn, rectification_record="制度已修订", recorder="孙伟",
                          recorded_on=dt.date(2025, 10, 20), conclusion="整改到位", remarks="存档")
    return i


def text_of(pdf: bytes, tmp_path) -> str:
    """The text in content-stream order (-raw): WeasyPrint writes the table row by row, as the attachment reads."""
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_it_renders_every_label_in_order_and_the_interview_data(demo, personas, tmp_path):
    interview = held_interview(demo, personas)
    start = time.perf_counter()
    pdf = render_registration_form_pdf(interview)
    elapsed = time.perf_counter() - start
    text = text_of(pdf, tmp_path)
    flat = "".join(text.split())
    pos = -1
    for label in LABELS:
        found = flat.find("".join(label.split()), pos + 1)
        assert found > pos, f"{label} missing or out of order"
        pos = found
    for value in ("李建国", "张明", "赵强", "医政医管处处长", "济南市第一人民医院", "抗凝药物双人核对缺失致消化道大出血",
                  "2025年9月16日", "济南市卫健委第三会议室", "医院如实陈述事件经过", "一个月内完成整改", "制度已修订",
                  "整改到位", interview.reference):
        assert value in flat, value
    pages = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Pages:           1" in pages and "A4" in pages
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-CJK" in fonts or "NotoSansCJK" in fonts
    assert elapsed < 30  # measured 1.4–1.8 s on an idle machine; generous for loaded CI


def test_it_renders_a_blank_form_before_the_interview(demo, personas, tmp_path):
    i = interview_trigger(institution=demo.institutions["H002"], ground=4, trigger_date=dt.date(2025, 9, 1),
                          problems="急诊抢救记录不及时", actor=personas["official_lx"])
    flat = "".join(text_of(render_registration_form_pdf(i), tmp_path).split())
    assert "急诊抢救记录不及时" in flat and "约谈对象签名" in flat
