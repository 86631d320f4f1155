import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from indicators import services
from indicators.models import IndicatorValue, MonthlyReport
from qms.core.models import Deadline
from qms.workdays import nth_workday_of_month

pytestmark = pytest.mark.django_db
TEXT = {"self_check": "抽查病历30份", "problems": "2份入院记录超时", "measures": "每周复查"}


def test_it_opens_a_report_due_on_the_hospitals_nth_working_day_with_a_deadline(demo):
    card = demo.dept("H001", "CARD")
    report = services.monthly_report_open(department=card, period=dt.date(2025, 9, 1))
    # October 2025: 1–8 Oct are the National Day holiday, 11 Oct (Sat) a make-up working day
    expected = nth_workday_of_month(2025, 10, 5)
    assert report.due_on == expected.date == dt.date(2025, 10, 14)
    deadline = Deadline.objects.get(rule="monthly_report.due", object_id=report.pk)
    assert deadline.due_on == report.due_on and deadline.responsible == card.head and deadline.done_at is None
    assert services.monthly_report_open(department=card, period=dt.date(2025, 9, 1)).pk == report.pk


def test_it_follows_the_hospitals_configured_working_day(demo):
    h001 = demo.institutions["H001"]
    h001.monthly_report_due_workday = 3
    h001.save()
    card = demo.dept("H001", "CARD")
    card.institution.refresh_from_db()
    report = services.monthly_report_open(department=card, period=dt.date(2025, 9, 1))
    assert report.due_on == dt.date(2025, 10, 11)  # 9, 10, then Saturday 11 Oct, a make-up working day


def test_it_runs_draft_submit_return_resubmit_accept_with_history(demo, personas, last_month):
    head, qc = personas["head_cardiology"], personas["qc_office"]
    report = services.monthly_report_open(department=demo.dept("H001", "CARD"), period=last_month)
    report = services.monthly_report_save(report=report, actor=head, values={"ZB03": ("1", "300"), "CY": ("640", None)},
                                          **TEXT)
    assert report.status == "draft"
    assert IndicatorValue.objects.get(indicator__code="ZB03", department__code="CARD").source == "report"
    report = services.monthly_report_submit(report=report, actor=head)
    assert report.status == "submitted"
    assert Deadline.objects.get(rule="monthly_report.due", object_id=report.pk).done_at is not None
    with pytest.raises(ValidationError):
        services.monthly_report_save(report=report, actor=head, **TEXT)
    with pytest.raises(ValidationError) as exc:
        services.monthly_report_return(report=report, actor=qc, reason="  ")
    assert "reason" in exc.value.message_dict
    report = services.monthly_report_return(report=report, actor=qc, reason="措施缺少责任人")
    assert report.status == "returned" and report.return_reason == "措施缺少责任人"
    report = services.monthly_report_save(report=report, actor=head, **{**TEXT, "measures": "责任人：张明"})
    report = services.monthly_report_submit(report=report, actor=head)
    assert report.status == "resubmitted"
    report = services.monthly_report_accept(report=report, actor=qc)
    assert report.status == "accepted"
    from qms.core.selectors import history_for

    steps = [(t.from_status, t.to_status) for t in history_for(report)]
    assert steps == [("not_started", "draft"), ("draft", "submitted"), ("submitted", "returned"),
                     ("returned", "resubmitted"), ("resubmitted", "accepted")]
    with pytest.raises(ValidationError):
        services.monthly_report_accept(report=report, actor=qc)


def test_it_flags_a_late_report(demo, personas):
    head = personas["head_cardiology"]
    report = services.monthly_report_open(department=demo.dept("H001", "CARD"), period=dt.date(2025, 1, 1))
    services.monthly_report_save(report=report, actor=head, **TEXT)
    report = services.monthly_report_submit(report=report, actor=head)
    assert report.late is True


def test_it_refuses_to_submit_an_empty_report_and_bad_values(demo, personas, last_month):
    head = personas["head_cardiology"]
    report = services.monthly_report_open(department=demo.dept("H001", "CARD"), period=last_month)
    with pytest.raises(ValidationError):
        services.monthly_report_submit(report=report, actor=head)
    with pytest.raises(ValidationError) as exc:
        services.monthly_report_save(report=report, actor=head, values={"ZB03": ("5", "0")}, **TEXT)
    assert "value_ZB03" in exc.value.message_dict
    assert not IndicatorValue.objects.exists()
    assert MonthlyReport.objects.get(pk=report.pk).status == "not_started"


def test_the_report_pages_follow_the_roles(demo, client, personas, last_month):
    url = f"/indicators/reports/H001/CARD/{last_month:%Y-%m}/"
    client.force_login(personas["head_cardiology"])
    page = client.get(url)
    assert page.status_code == 200 and b'id="report-form"' in page.content
    r = client.post(url, {"action": "submit", "self_check": "", "problems": "", "measures": ""})
    assert r.status_code == 200 and "报送前请填写".encode() in r.content  # re-rendered with the error
    r = client.post(url, {"action": "submit", **TEXT, "num_ZB03": "1", "den_ZB03": "200"})
    assert r.status_code == 302
    assert MonthlyReport.objects.get(department__code="CARD", department__institution__code="H001").status == "submitted"
    assert client.post(url, {"action": "accept"}).status_code == 403  # the head may not accept
    assert client.get(f"/indicators/reports/H001/GS/{last_month:%Y-%m}/").status_code == 404
    client.force_login(personas["qc_office_h002"])
    assert client.get(url).status_code == 404
    client.force_login(personas["qc_office"])
    r = client.post(url, {"action": "return", "reason": ""})
    assert r.status_code == 200 and b'id="return-errors"' in r.content
    assert client.post(url, {"action": "return", "reason": "请补充"}).status_code == 302
    grid = client.get("/indicators/reports/?institution=H001")
    assert grid.status_code == 200 and "已退回" in grid.content.decode()


def test_the_grid_takes_a_fixed_number_of_queries(demo, client, personas, last_month, django_assert_max_num_queries):
    client.force_login(personas["qc_office"])
    client.get("/indicators/reports/")
    for code in ("CARD", "GS", "ORTH", "ICU", "EM"):
        for back in range(6):
            services.monthly_report_open(department=demo.dept("H001", code), period=services.add_months(last_month, -back))
    with django_assert_max_num_queries(14):
        r = client.get("/indicators/reports/")
    assert r.status_code == 200 and r.content.decode().count("未开始") >= 30


def test_the_form_shows_each_target_and_sums_up_what_failed_keeping_what_was_typed(demo, client, personas, last_month):
    """Issue 14: the target beside each field; on a failed submission a summary at the top, nothing lost."""
    import re

    from indicators.models import Indicator

    url = f"/indicators/reports/H001/CARD/{last_month:%Y-%m}/"
    client.force_login(personas["head_cardiology"])
    html = client.get(url).content.decode()
    targets = dict(re.findall(r'<td class="small report-target" data-code="([^"]+)">([^<]*)</td>', html))
    zb03 = Indicator.objects.get(code="ZB03")
    assert zb03.target_label and targets["ZB03"] == zb03.target_label
    html = client.post(url, {"action": "submit", **TEXT, "num_ZB03": "5", "den_ZB03": "0"}).content.decode()
    summary = re.search(r'<ul class="mb-0" id="report-error-summary">(.*?)</ul>', html, re.S)
    assert summary is not None
    assert '<a href="#id_num_ZB03" class="alert-link">' in summary.group(1) and "ZB03" in summary.group(1)
    assert re.search(r'name="num_ZB03" value="5"', html) and re.search(r'name="den_ZB03" value="0"', html)
    assert TEXT["self_check"] in html
