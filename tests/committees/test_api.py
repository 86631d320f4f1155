import datetime as dt

import pytest

from committees import services
from committees.models import ActionEvidence, ActionItem, Meeting
from tests.committees.conftest import at


@pytest.fixture
def history(committee, card_body, make_meeting, add_item, bodies):
    """An approved committee meeting, a cardiology meeting, and an H002 committee meeting."""
    meeting = make_meeting(committee, at(2026, 9, 8))
    item = add_item(meeting, dt.date(2026, 10, 30))
    card = make_meeting(card_body, at(2026, 9, 20))
    from committees.models import MeetingBody

    h2 = make_meeting(MeetingBody.objects.get(institution=bodies.institutions["H002"], kind="committee"), at(2026, 9, 9))
    return {"committee": meeting, "item": item, "card": card, "h002": h2}


def _ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.parametrize(
    "who,sees",
    [
        ("qc_office", {"committee", "card"}),
        ("principal", {"committee", "card"}),
        ("head_cardiology", {"committee", "card"}),  # a committee member and the department's head
        ("staff_nurse", {"card"}),  # own department only
        ("qc_office_h002", {"h002"}),
        ("official_jn", {"committee", "h002"}),  # committees of hospitals under JN, not departments' own
        ("official_lx", {"h002"}),
    ],
)
def test_it_scopes_the_meeting_list(history, api, personas, who, sees):
    got = _ids(api(personas[who]).get("/api/v1/meetings/"))
    assert got == {history[k].pk for k in sees}


def test_it_answers_404_outside_reach_and_403_for_visible_but_not_allowed(history, api, personas):
    m = history["committee"]
    assert api(personas["qc_office_h002"]).get(f"/api/v1/meetings/{m.pk}/").status_code == 404
    assert api(personas["official_lx"]).post(f"/api/v1/meetings/{m.pk}/approve/").status_code == 404
    assert api(personas["official_jn"]).post(f"/api/v1/meetings/{m.pk}/approve/").status_code == 403
    assert api(personas["qc_office"]).post(f"/api/v1/meetings/{m.pk}/approve/").status_code == 403
    assert api(personas["staff_nurse"]).get(f"/api/v1/action-items/{history['item'].pk}/").status_code == 200
    assert api(personas["qc_office_h002"]).get(f"/api/v1/action-items/{history['item'].pk}/").status_code == 404


def test_it_plans_records_and_approves_through_the_api(history, api, personas, committee):
    qc = api(personas["qc_office"])
    r = qc.post("/api/v1/meetings/", {"body": committee.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "第一会议室"},
                format="json", HTTP_IDEMPOTENCY_KEY="plan-oct")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["institution"] == "H001" and body["status"] == "planned" and body["chair_name"] == "李建国"
    carried = [a for a in body["agenda_items"] if a["kind"] == "carry_over"]
    assert [a["action_item"] for a in carried] == [history["item"].pk]
    again = qc.post("/api/v1/meetings/", {"body": committee.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "第一会议室"},
                    format="json", HTTP_IDEMPOTENCY_KEY="plan-oct")
    assert again.json()["id"] == body["id"] and Meeting.objects.filter(starts_at__month=10).count() == 1
    mid = body["id"]
    entries = [{"user": a["user"], "status": "present" if i < 10 else "excused"} for i, a in enumerate(body["attendance"])]
    r = qc.post(f"/api/v1/meetings/{mid}/attendance/", {"attendance": entries}, format="json")
    assert r.status_code == 200 and r.json()["quorum"]["met"] is False
    assert qc.post(f"/api/v1/meetings/{mid}/hold/").status_code == 200
    r = api(personas["principal"]).post(f"/api/v1/meetings/{mid}/approve/")
    assert r.status_code == 400 and "不足法定人数" in r.json()["non_field_errors"][0]
    att = qc.get(f"/api/v1/attendance/?meeting={mid}").json()["results"]
    absent = [a for a in att if a["status"] == "excused"][0]
    assert qc.patch(f"/api/v1/attendance/{absent['id']}/", {"status": "present"}, format="json").status_code == 200
    agenda_id = carried[0]["id"]
    assert qc.patch(f"/api/v1/agenda-items/{agenda_id}/", {"minutes": "心内科汇报进展"}, format="json").status_code == 200
    d = qc.post("/api/v1/decisions/", {"meeting": mid, "text": "继续整改"}, format="json")
    assert d.status_code == 201
    r = qc.post("/api/v1/action-items/", {"decision": d.json()["id"], "title": "补充检查记录", "department": "CARD",
                                           "owner": personas["head_cardiology"].pk, "due_on": "2026-11-30"}, format="json")
    assert r.status_code == 201 and r.json()["department"] == "CARD" and r.json()["institution"] == "H001"
    r = api(personas["principal"]).post(f"/api/v1/meetings/{mid}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["minutes_version"] == 1
    r = qc.patch(f"/api/v1/agenda-items/{agenda_id}/", {"minutes": "改"}, format="json")
    assert r.status_code == 400 and "更正" in r.json()["non_field_errors"][0]
    pdf = qc.get(f"/api/v1/meetings/{mid}/minutes.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "x", "department": "NOPE", "owner": None, "due_on": "2026-11-30"}, "department"),
        ({"title": "x", "department": "CARD", "due_on": "2026-11-30"}, "owner"),
        ({"title": "x", "department": "CARD", "owner": "abc", "due_on": "2026-11-30"}, "owner"),
        ({"title": "x", "department": "CARD", "owner": 1, "due_on": "30/11/2026"}, "due_on"),
        ({"title": "x", "department": "CARD", "owner": "USER", "due_on": "2026-09-01"}, "due_on"),
    ],
)
def test_it_answers_field_errors_for_bad_action_items(history, api, personas, payload, field):
    meeting = Meeting.objects.create(
        body=history["committee"].body, institution=history["committee"].institution, title="t",
        starts_at=at(2026, 9, 28), place="p", chair=personas["principal"],
    )
    decision = services.decision_add(meeting=meeting, actor=personas["qc_office"], text="决议")
    if payload.get("owner") == "USER":
        payload = {**payload, "owner": personas["head_cardiology"].pk}
    before = ActionItem.objects.count()
    r = api(personas["qc_office"]).post("/api/v1/action-items/", {"decision": decision.pk, **payload}, format="json")
    assert r.status_code == 400 and field in r.json(), r.content
    assert ActionItem.objects.count() == before


def test_it_answers_400_for_malformed_json_and_unknown_bodies(history, api, personas):
    qc = api(personas["qc_office"])
    r = qc.post("/api/v1/meetings/", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "non_field_errors" in r.json()
    h2_body = history["h002"].body
    r = qc.post("/api/v1/meetings/", {"body": h2_body.pk, "starts_at": "2026-10-09T14:30:00+08:00", "place": "x"}, format="json")
    assert r.status_code == 400 and "body" in r.json()
    r = qc.post("/api/v1/meetings/", {"body": history["committee"].body_id, "starts_at": "yesterday", "place": "x",
                                      "chair": personas["head_cardiology"].pk}, format="json")
    assert r.status_code == 400 and "starts_at" in r.json()
    r = qc.post("/api/v1/meetings/", {"body": history["committee"].body_id, "starts_at": "2026-10-09T14:30:00+08:00",
                                      "place": "x", "chair": personas["head_cardiology"].pk}, format="json")
    assert r.status_code == 400 and "第十二条" in r.json()["chair"][0]


def test_it_marks_done_uploads_evidence_and_verifies_through_the_api(history, api, personas, tmp_path):
    item = history["item"]
    head = api(personas["head_cardiology"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = head.post(f"/api/v1/action-items/{item.pk}/evidence/", {"file": fake}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    good = SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    r = head.post(f"/api/v1/action-items/{item.pk}/evidence/", {"file": good}, format="multipart")
    assert r.status_code == 201, r.content
    download = head.get(r.json()["download"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert api(personas["qc_office_h002"]).get(r.json()["download"]).status_code == 404
    assert head.post(f"/api/v1/action-items/{item.pk}/done/", {"evidence_text": "已整改"}, format="json").status_code == 200
    assert head.post(f"/api/v1/action-items/{item.pk}/verify/", {}, format="json").status_code == 403
    r = api(personas["qc_office"]).post(f"/api/v1/action-items/{item.pk}/verify/", {"note": "属实"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "verified" and len(r.json()["evidence"]) == 1
    assert ActionEvidence.objects.count() == 1


def test_it_filters_lists_by_updated_since_and_paginates(history, api, personas):
    qc = api(personas["qc_office"])
    r = qc.get("/api/v1/action-items/?updated_since=2099-01-01T00:00:00Z")
    assert r.status_code == 200 and r.json()["count"] == 0
    body = qc.get("/api/v1/meetings/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert qc.get("/api/v1/meeting-bodies/?institution=H001").json()["count"] == 19


@pytest.mark.parametrize("path", ["/api/v1/meetings/", "/api/v1/action-items/", "/api/v1/agenda-items/",
                                  "/api/v1/attendance/", "/api/v1/decisions/", "/api/v1/meeting-bodies/"])
def test_it_lists_with_a_fixed_number_of_queries(committee, make_meeting, add_item, api, personas, path, django_assert_max_num_queries):
    for month in (3, 4, 5, 6):
        meeting = make_meeting(committee, at(2026, month, 10))
        add_item(meeting, dt.date(2026, month, 28))
    client = api(personas["qc_office"])
    with django_assert_max_num_queries(9):
        r = client.get(path)
    assert r.status_code == 200 and r.json()["count"] > 0
