import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from adverse_events import services
from adverse_events.models import AdverseEvent, EventType
from organizations.models import Department


@pytest.fixture
def form_data(demo):
    def make(**overrides):
        now = timezone.localtime()
        data = {
            "department": Department.objects.get(institution__code="H001", code="CARD").pk,
            "place": "12 病区",
            "occurred_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "discovered_at": (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "event_type": EventType.objects.get(code="FALL").pk,
            "severity_level": "D",
            "description": "夜间巡视发现患者坐于床旁地面",
            "immediate_actions": "扶起评估",
            "patient_age": "80",
            "patient_sex": "M",
        }
        data.update(overrides)
        return data

    return make


def test_it_files_a_named_report_in_the_browser_form(client, personas, form_data):
    client.force_login(personas["staff_nurse"])
    assert "上报不良事件" in client.get("/events/new/").content.decode()
    response = client.post("/events/new/", form_data())
    assert response.status_code == 201
    event = AdverseEvent.objects.get()
    assert event.receipt_code in response.content.decode()
    assert event.reporter == personas["staff_nurse"] and event.severity_class == "III"
    mine = client.get("/events/mine/").content.decode()
    assert event.number in mine


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"patient_age": "300"}, "patient_age", "0–130"),
        ({"severity_level": "Q"}, "severity_level", "不存在"),
        ({"department": "H002"}, "department", "不属于您所在的医疗机构"),
        ({"discovered_at": "2020-01-01T08:00"}, "discovered_at", "发现时间早于发生时间"),
    ],
)
def test_it_keeps_what_was_typed_when_it_refuses_the_form(client, personas, form_data, overrides, field, message):
    if overrides.get("department") == "H002":
        overrides["department"] = Department.objects.get(institution__code="H002", code="NK").pk
    client.force_login(personas["staff_nurse"])
    response = client.post("/events/new/", form_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and f'id="error-{field}"' in page
    assert "夜间巡视发现患者坐于床旁地面" in page and 'value="12 病区"' in page
    assert AdverseEvent.objects.count() == 0


def test_it_refuses_a_big_or_wrong_attachment_and_keeps_the_report(client, personas, form_data, settings,
                                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.QMS_UPLOAD_MAX_BYTES = 100
    client.force_login(personas["staff_nurse"])
    big = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200)
    response = client.post("/events/new/", form_data(attachments=[big]))
    page = response.content.decode()
    assert response.status_code == 400 and "过大" in page and "夜间巡视发现患者坐于床旁地面" in page
    exe = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00\x03")
    page = client.post("/events/new/", form_data(attachments=[exe])).content.decode()
    assert "不被接受" in page
    assert AdverseEvent.objects.count() == 0
    ok = SimpleUploadedFile("记录.pdf", b"%PDF-1.4 ok")
    assert client.post("/events/new/", form_data(attachments=[ok])).status_code == 201
    event = AdverseEvent.objects.get()
    attachment = event.attachments.get()
    client.force_login(personas["qc_office"])
    download = client.get(f"/events/{event.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ok"
    client.force_login(personas["qc_office_h002"])
    assert client.get(f"/events/{event.pk}/attachments/{attachment.pk}/").status_code == 404


def test_it_shows_the_status_by_receipt_code_without_sign_in(client, report, personas):
    event = report(personas["staff_nurse"], anonymous=True)
    services.adverse_event_receive(event=event, actor=personas["qc_office"])
    page = client.post("/events/receipt/", {"code": event.receipt_code.lower().replace("-", "")}).content.decode()
    assert "已受理" in page and 'id="receipt-status"' in page
    assert personas["qc_office"].get_full_name() not in page
    missing = client.post("/events/receipt/", {"code": "AAAA-BBBB-CCCC-DDDD"}).content.decode()
    assert "receipt-not-found" in missing


def test_it_runs_the_loop_on_the_event_page(client, report, personas):
    event = report(personas["staff_nurse"], level="E")
    client.force_login(personas["qc_office"])
    assert client.post(f"/events/{event.pk}/receive/").status_code == 302
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "classify-form" in page
    refused = client.post(f"/events/{event.pk}/classify/", {"event_type": event.event_type_id,
                                                            "severity_level": "X"})
    assert refused.status_code == 400
    # issue 12 item 16: E to G changes the reporter's level and needs a reason
    assert client.post(f"/events/{event.pk}/classify/", {"event_type": event.event_type_id,
                                                        "severity_level": "G"}).status_code == 400
    client.post(f"/events/{event.pk}/classify/", {"event_type": event.event_type_id, "severity_level": "G",
                                                  "reason": "复核为G级"})
    event.refresh_from_db()
    assert event.status == "classified" and event.interviews.count() == 1
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert 'id="interview-trigger"' in page and "第四十五条" in page
    skipped = client.post(f"/events/{event.pk}/feedback/", {"feedback": "x"})
    assert skipped.status_code == 400 and "根因分析" in skipped.content.decode()
    # a department head sees it but may not classify: 403
    client.force_login(personas["head_cardiology"])
    assert client.post(f"/events/{event.pk}/classify/", {"event_type": event.event_type_id,
                                                         "severity_level": "H", "reason": "x"}).status_code == 403


def test_it_draws_the_statistics_page_with_an_svg_chart(client, report, personas):
    nurse = personas["staff_nurse"]
    report(nurse, level="C")
    report(nurse, level="F", department="GS", event_type="SURG")
    client.force_login(personas["qc_office"])
    page = client.get("/events/statistics/").content.decode()
    assert '<svg' in page and 'id="chart-month"' in page and "手术与操作" in page
    assert '<strong id="stats-total">2</strong>' in page
    client.force_login(personas["qc_office_h002"])
    assert '<strong id="stats-total">0</strong>' in client.get("/events/statistics/").content.decode()


@pytest.mark.parametrize("path", ["/events/", "/events/mine/", "/events/statistics/", "/"])
def test_it_renders_lists_in_a_fixed_number_of_queries(client, report, personas, path,
                                                       django_assert_max_num_queries):
    nurse = personas["staff_nurse"]
    for _ in range(2):
        report(nurse, level="C")
    client.force_login(nurse if path == "/events/mine/" else personas["qc_office"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for i in range(15):
        report(nurse, level="ABCDEFGHI"[i % 6], department=["CARD", "GS", "ICU"][i % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
