import datetime as dt
import json

import pytest
from django.utils import timezone

from adverse_events.models import AdverseEvent, SeverityClass, SeverityLevel
from interviews.models import Interview
from qms.core.models import Deadline

URL = "/api/v1/adverse-events/"


def test_it_files_a_report_with_the_fields_of_the_contract(personas, api, payload):
    response = api(personas["staff_nurse"]).post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= {"id", "receipt_code", "severity_class", "status", "reported_at", "interview_triggered"}
    assert body["severity_class"] == "II" and body["status"] == "submitted" and body["interview_triggered"] is False
    assert "+08:00" in body["reported_at"]
    assert len(body["receipt_code"]) == 19
    event = AdverseEvent.objects.get(pk=body["id"])
    assert event.reporter == personas["staff_nurse"] and event.institution.code == "H001"
    assert event.is_late is False


def test_it_lists_event_types_by_code(personas, api):
    body = api(personas["staff_nurse"]).get("/api/v1/event-types/").json()
    codes = {t["code"] for t in body}
    assert {"FALL", "MED", "SURG"} <= codes and all(t["name"] for t in body)


def test_it_derives_the_class_from_the_admin_editable_mapping(personas, api, payload):
    SeverityLevel.objects.filter(code="E").update(severity_class=SeverityClass.objects.get(code="III"))
    body = api(personas["staff_nurse"]).post(URL, payload(severity_level="E"), format="json").json()
    assert body["severity_class"] == "III"


def test_it_marks_a_late_report_late_and_accepts_it(personas, api, payload):
    now = timezone.localtime()
    late = payload(severity_level="G", occurred_at=(now - dt.timedelta(hours=40)).isoformat(),
                   discovered_at=(now - dt.timedelta(hours=30)).isoformat())
    response = api(personas["staff_nurse"]).post(URL, late, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["is_late"] is True
    event = AdverseEvent.objects.get(pk=body["id"])
    deadline = Deadline.objects.get(object_id=event.pk, rule="event.report_internal")
    assert deadline.done_at is not None and deadline.due_at < deadline.done_at
    # class III/IV have 5 days: the same delay is on time
    ok = api(personas["staff_nurse"]).post(URL, dict(late, severity_level="C"), format="json").json()
    assert ok["is_late"] is False


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"severity_level": "Z"}, "severity_level", "不存在"),
        ({"patient_age": 300}, "patient_age", "0–130"),
        ({"department": "NK"}, "department", "不属于您所在的医疗机构"),
        ({"department": "NOPE"}, "department", "不存在"),
        ({"event_type": "NOPE"}, "event_type", "不存在"),
        ({"occurred_at": "not a date"}, "occurred_at", ""),
        ({"patient_age": "old"}, "patient_age", ""),
    ],
)
def test_it_refuses_bad_input_with_chinese_field_errors(personas, api, payload, overrides, field, text):
    response = api(personas["staff_nurse"]).post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body and text in body[field][0]
    assert AdverseEvent.objects.count() == 0


def test_it_refuses_a_discovery_before_the_event_happened(personas, api, payload):
    now = timezone.localtime()
    body = payload(occurred_at=now.isoformat(), discovered_at=(now - dt.timedelta(hours=5)).isoformat())
    response = api(personas["staff_nurse"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert "发现时间早于发生时间" in response.json()["discovered_at"][0]


def test_it_answers_malformed_json_with_400(personas, api):
    response = api(personas["staff_nurse"]).post(URL, data="{oops", content_type="application/json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_it_creates_one_event_for_a_retried_idempotency_key(personas, api, payload):
    client = api(personas["staff_nurse"])
    body = payload()
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert AdverseEvent.objects.count() == 1
    assert client.post(URL, payload(description="另一件事"), format="json",
                       HTTP_IDEMPOTENCY_KEY="k-1").status_code == 409


def test_it_replays_an_anonymous_report_without_storing_who_sent_it(personas, api, payload):
    from qms.core.models import IdempotencyRecord

    client = api(personas["staff_nurse"])
    body = payload(anonymous=True)
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="anon-1")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="anon-1")
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert AdverseEvent.objects.count() == 1
    assert not any(f.is_relation for f in IdempotencyRecord._meta.concrete_fields)  # no column for a caller
    assert client.post(URL, payload(anonymous=True, description="别的"), format="json",
                       HTTP_IDEMPOTENCY_KEY="anon-1").status_code == 409


def test_it_triggers_the_interview_for_a_g_level_report_once(personas, api, payload):
    response = api(personas["staff_nurse"]).post(URL, payload(severity_level="G"), format="json")
    body = response.json()
    assert body["interview_triggered"] is True and body["severity_class"] == "II"
    event = AdverseEvent.objects.get(pk=body["id"])
    interview = event.interviews.get()
    assert interview.trigger_ground == 3 and interview.status == "triggered"
    assert interview.organiser.code == "JN" and interview.hold_by is not None
    # classifying again at H does not open a second one
    qc = api(personas["qc_office"])
    qc.post(f"{URL}{event.pk}/receive/", {}, format="json")
    assert qc.post(f"{URL}{event.pk}/classify/", {"severity_level": "H", "reason": "复核为H级"}, format="json").status_code == 200
    assert Interview.objects.count() == 1
    listed = qc.get(URL).json()["results"][0]
    assert listed["interview_triggered"] is True


def test_it_shows_no_reporter_on_an_anonymous_event(personas, api, payload):
    api(personas["staff_nurse"]).post(URL, payload(anonymous=True), format="json")
    api(personas["staff_nurse"]).post(URL, payload(), format="json")
    rows = api(personas["qc_office"]).get(URL).json()["results"]
    by_anon = {r["anonymous"]: r for r in rows}
    assert by_anon[True]["reporter"] is None
    assert by_anon[False]["reporter"] == "staff_nurse"


def test_it_filters_the_list_by_status_class_department_and_updated_since(personas, api, payload):
    nurse = api(personas["staff_nurse"])
    nurse.post(URL, payload(severity_level="C"), format="json")
    nurse.post(URL, payload(severity_level="E"), format="json")
    qc = api(personas["qc_office"])
    assert qc.get(URL, {"severity_class": "III"}).json()["count"] == 1
    assert qc.get(URL, {"status": "submitted", "department": "CARD"}).json()["count"] == 2
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert qc.get(URL, {"updated_since": future}).json()["count"] == 0
    assert qc.get(URL, {"severity_class": "X"}).status_code == 400


def test_it_takes_any_offset_python_reads_and_refuses_a_time_outside_the_years(personas, api, payload):
    """PostgreSQL refuses an offset past ±15:59: the filter turns the time into UTC first (it was a 500)."""
    api(personas["staff_nurse"]).post(URL, payload(), format="json")
    qc = api(personas["qc_office"])
    assert qc.get(URL, {"updated_since": "0340-04-22T18:06:55-19:59"}).json()["count"] == 1
    assert qc.get(URL, {"updated_since": "2999-01-01T00:00:00+23:59"}).json()["count"] == 0
    refused = qc.get(URL, {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert refused.status_code == 400 and refused.json()["updated_since"] == ["时间超出可表示的范围。"]


def test_it_lists_with_a_fixed_number_of_queries(personas, api, payload, django_assert_max_num_queries):
    nurse = api(personas["staff_nurse"])
    for _ in range(3):
        nurse.post(URL, payload(), format="json")
    with django_assert_max_num_queries(12):
        assert api(personas["qc_office"]).get(URL).status_code == 200
    for _ in range(12):
        nurse.post(URL, payload(anonymous=True), format="json")
    with django_assert_max_num_queries(12):
        assert api(personas["qc_office"]).get(URL).json()["count"] == 15


def test_it_runs_the_closed_loop_through_the_api(personas, api, payload):
    nurse = api(personas["staff_nurse"])
    qc = api(personas["qc_office"])
    pk = nurse.post(URL, payload(severity_level="E"), format="json").json()["id"]
    assert qc.post(f"{URL}{pk}/receive/", {}, format="json").json()["status"] == "received"
    assert qc.post(f"{URL}{pk}/classify/", {"severity_level": "F", "reason": "复核为F级"}, format="json").json()["severity_class"] == "II"
    skipped = qc.post(f"{URL}{pk}/feedback/", {"feedback": "谢谢"}, format="json")
    assert skipped.status_code == 400 and "根因分析" in json.dumps(skipped.json(), ensure_ascii=False)
    analysed = qc.post(f"{URL}{pk}/analyse/", {"method": "five_whys", "contributing_factors": "夜班人力不足",
                                                "root_causes": "防跌倒评估未落实"}, format="json")
    assert analysed.json()["status"] == "analysed"
    assert qc.post(f"{URL}{pk}/feedback/", {"feedback": "已讨论"}, format="json").json()["status"] == "feedback_given"
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    action = qc.post(f"{URL}{pk}/actions/", {"description": "修订防跌倒流程", "owner_department": "CARD",
                                             "owner": "head_cardiology", "due_on": due}, format="json")
    assert action.status_code == 201, action.json()
    aid = action.json()["id"]
    assert qc.post(f"{URL}{pk}/start-improvement/", {}, format="json").json()["status"] == "improving"
    blocked = qc.post(f"{URL}{pk}/close/", {}, format="json")
    assert blocked.status_code == 400 and "未经验证" in blocked.json()["actions"][0]
    head = api(personas["head_cardiology"])
    assert head.post(f"/api/v1/adverse-event-actions/{aid}/progress/", {"status": "done", "note": "已培训"},
                     format="json").json()["status"] == "done"
    # only the quality office verifies
    assert head.post(f"/api/v1/adverse-event-actions/{aid}/verify/", {"verification": "x"},
                     format="json").status_code == 403
    assert qc.post(f"/api/v1/adverse-event-actions/{aid}/verify/", {"verification": "抽查合格"},
                   format="json").json()["status"] == "verified"
    assert qc.post(f"{URL}{pk}/close/", {}, format="json").json()["status"] == "closed"
    assert not Deadline.objects.filter(object_id=pk, rule__startswith="event.", done_at__isnull=True).exists()


def test_it_answers_403_to_a_head_classifying_and_404_to_another_hospital(personas, api, payload):
    pk = api(personas["staff_nurse"]).post(URL, payload(), format="json").json()["id"]
    assert api(personas["head_cardiology"]).post(f"{URL}{pk}/receive/", {}, format="json").status_code == 403
    assert api(personas["qc_office_h002"]).post(f"{URL}{pk}/receive/", {}, format="json").status_code == 404
    assert api(personas["qc_office_h002"]).get(f"{URL}{pk}/").status_code == 404


def test_it_accepts_a_pdf_attachment_and_refuses_an_exe(personas, api, payload, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pk = api(personas["staff_nurse"]).post(URL, payload(), format="json").json()["id"]
    qc = api(personas["qc_office"])
    ok = qc.post(f"{URL}{pk}/attachments/", {"file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test")},
                 format="multipart")
    assert ok.status_code == 201 and ok.json()["content_type"] == "application/pdf"
    bad = qc.post(f"{URL}{pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")}, format="multipart")
    assert bad.status_code == 400 and "不被接受" in bad.json()["file"][0]
    settings.QMS_UPLOAD_MAX_BYTES = 10
    big = qc.post(f"{URL}{pk}/attachments/", {"file": SimpleUploadedFile("b.pdf", b"%PDF-" + b"x" * 50)},
                  format="multipart")
    assert big.status_code == 400 and "过大" in big.json()["file"][0]
    assert AdverseEvent.objects.get(pk=pk).attachments.count() == 1
