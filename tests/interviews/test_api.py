"""The 约谈 API of API.md: the workflow, its error cases (400 naming the rule, 403, 404) and its lists."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interviews.models import Interview, Participant
from qms.core.models import Deadline, Transition

pytestmark = pytest.mark.django_db
URL = "/api/v1/interviews/"

HOLD = {
    "held_at": "2025-09-16T10:00:00+08:00",
    "interviewers": [{"name": "赵强", "title": "医政医管处处长", "is_head": True}, {"name": "孙伟", "title": "科员"}],
    "interviewees": [{"name": "李建国", "title": "院长", "is_principal": True}, {"name": "张明", "title": "心内科主任"}],
    "record": "约谈记录正文",
    "problem_scale": "general",
    "rectification_deadline": "2025-10-16",
    "form_signed": True,  # Art. 47 (五): recorded as given; the default is now false (issue 12 item 10)
}


def create(api, user, **extra):
    body = {"institution": "H001", "trigger_ground": 3, "trigger_date": "2025-09-01", "problems": "II类不良事件", **extra}
    return api(user).post(URL, body, format="json")


@pytest.fixture
def jn(api, personas):
    return api(personas["official_jn"])


@pytest.fixture
def leader(api, personas):
    """Art. 46: the commission's 负责人 approves; official_jn (a division head) only leads."""
    return api(personas["leader_jn"])


APPROVED_ON = {"approved_on": "2025-09-02"}  # a paper approval entered afterwards (the trigger is 2025-09-01)


@pytest.fixture
def notified(jn, leader, api, personas):
    pk = create(api, personas["official_jn2"]).json()["id"]
    assert leader.post(f"{URL}{pk}/approve/", APPROVED_ON, format="json").status_code == 200
    r = jn.post(f"{URL}{pk}/notify/", {"notified_on": "2025-09-10", "scheduled_at": "2025-09-16T10:00:00+08:00",
                                        "location": "市卫健委会议室", "content": "约谈内容"}, format="json")
    assert r.status_code == 200, r.json()
    return pk


def snapshot(pk):
    i = Interview.objects.get(pk=pk)
    return (i.status, i.updated_at, Transition.objects.filter(object_id=pk).count(),
            Participant.objects.filter(interview=i).count(), Deadline.objects.filter(object_id=pk).count())


def test_it_creates_an_interview_with_its_hold_by(api, personas):
    r = create(api, personas["official_jn2"])
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "triggered"
    assert body["hold_by"] == "2025-10-17" and body["hold_by_confirmed"] is True  # 30 working days over National Day
    assert body["organiser"] == "JN" and body["institution"] == "H001"


def test_it_runs_the_whole_workflow(jn, notified, api, personas):
    pk = notified
    r = jn.post(f"{URL}{pk}/hold/", HOLD, format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "rectifying"
    assert body["rectification_report_due"] == "2025-10-23"  # 17, 20, 21, 22, 23 Oct
    assert body["upward_report_due"] is None  # JN is a city
    assert body["earliest_hold_on"] == "2025-09-15"
    qc = api(personas["qc_office"])
    r = qc.post(f"{URL}{pk}/plan/", {"measures": [
        {"measure": "修订制度", "department": "PHAR", "deadline": "2025-10-10", "responsible": "董丽华"}]}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["measures"][0]["department"] == "PHAR"
    pdf = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    r = qc.post(f"{URL}{pk}/documents/", {"kind": "report", "file": pdf}, format="multipart")
    assert r.status_code == 201, r.json()
    r = qc.post(f"{URL}{pk}/report/", {"text": "整改已完成"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "report_submitted"
    r = jn.post(f"{URL}{pk}/verify/", {"note": "现场核查，整改到位"}, format="json")
    assert r.json()["status"] == "closed"
    statuses = list(Transition.objects.filter(object_id=pk).exclude(from_status=models_F()).values_list("to_status", flat=True))
    assert statuses == ["triggered", "approved", "notified", "held", "rectifying", "report_submitted", "closed"]
    assert not Deadline.objects.filter(object_id=pk, done_at__isnull=True, rule__startswith="interview.").exclude(rule="interview.half_year_summary").exists()


def models_F():
    from django.db.models import F

    return F("to_status")


def test_it_gives_a_county_interview_its_report_to_the_city(api, personas):
    lx = api(personas["official_lx"])
    pk = lx.post(URL, {"institution": "H002", "trigger_ground": 4, "trigger_date": "2025-09-01", "problems": "x"},
                 format="json").json()["id"]
    lx.post(f"{URL}{pk}/approve/", APPROVED_ON, format="json")
    lx.post(f"{URL}{pk}/notify/", {"notified_on": "2025-09-10", "scheduled_at": "2025-09-16T10:00:00+08:00",
                                    "location": "区卫健局", "content": "c"}, format="json")
    r = lx.post(f"{URL}{pk}/hold/", HOLD, format="json")
    assert r.status_code == 200, r.json()
    # 10 working days after 16 Sep: 17,18,19,22,23,24,25,26,28 (Sun, make-up),29
    assert r.json()["upward_report_due"] == "2025-09-29"
    assert Deadline.objects.filter(rule="interview.upward_report", object_id=pk, authority__code="LX").exists()
    summary = Deadline.objects.get(rule="interview.half_year_summary")
    assert summary.due_on == dt.date(2025, 12, 31) and summary.authority.code == "JN"


BAD_NOTICES = [
    ({"scheduled_at": "2025-09-12T10:00:00+08:00"}, "scheduled_at", "第四十六条（二）"),  # 2 working days only
    ({"scheduled_at": "2025-10-20T10:00:00+08:00"}, "scheduled_at", "第四十五条"),  # past hold-by 17 Oct
    ({"location": ""}, "location", ""),
]


@pytest.mark.parametrize(("change", "field", "article"), BAD_NOTICES)
def test_it_refuses_a_bad_notice_and_changes_nothing(jn, leader, api, personas, change, field, article):
    pk = create(api, personas["official_jn"]).json()["id"]
    leader.post(f"{URL}{pk}/approve/", APPROVED_ON, format="json")
    before = snapshot(pk)
    body = {"notified_on": "2025-09-10", "scheduled_at": "2025-09-16T10:00:00+08:00", "location": "会议室",
            "content": "c", **change}
    r = jn.post(f"{URL}{pk}/notify/", body, format="json")
    assert r.status_code == 400
    assert article in " ".join(r.json()[field])
    assert snapshot(pk) == before


def _people(n, lead, flag):
    return [{"name": f"人员{i}", "title": "职务", flag: lead and i == 0} for i in range(n)]


BAD_HOLDS = [
    ({"interviewers": _people(1, True, "is_head")}, "interviewers", "约谈人一般不少于2人（第四十六条（三））"),
    ({"interviewers": _people(2, False, "is_head")}, "interviewers", "负责人或相关处（科）室主要负责人（第四十六条（三））"),
    ({"interviewees": _people(1, True, "is_principal")}, "interviewees", "约谈对象一般不少于2人"),
    ({"interviewees": _people(3, False, "is_principal")}, "interviewees", "主要负责人或分管负责人（第四十六条（三））"),
    ({"rectification_deadline": "2025-10-17"}, "rectification_deadline", "一般问题整改期限不超过1个月（第四十七条（四））"),
    ({"problem_scale": "major", "rectification_deadline": "2025-12-17"}, "rectification_deadline", "不超过3个月"),
    ({"held_at": "2025-09-12T10:00:00+08:00"}, "held_at", "第四十六条（二）"),
    ({"held_at": "2025-10-20T10:00:00+08:00"}, "held_at", "第四十五条"),
    ({"problem_scale": "huge"}, "problem_scale", ""),
    ({"interviewers": "赵强"}, "interviewers", ""),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_HOLDS)
def test_it_refuses_a_bad_interview_record_and_changes_nothing(jn, notified, change, field, message):
    before = snapshot(notified)
    r = jn.post(f"{URL}{notified}/hold/", {**HOLD, **change}, format="json")
    assert r.status_code == 400
    assert message in " ".join(map(str, r.json()[field]))
    assert snapshot(notified) == before


def test_it_accepts_a_major_deadline_of_exactly_three_months(jn, notified):
    r = jn.post(f"{URL}{notified}/hold/", {**HOLD, "problem_scale": "major", "rectification_deadline": "2025-12-16"},
                format="json")
    assert r.status_code == 200, r.json()


def test_it_refuses_steps_out_of_order(jn, api, personas, notified):
    pk = create(api, personas["official_jn"]).json()["id"]
    before = snapshot(pk)
    r = jn.post(f"{URL}{pk}/notify/", {"notified_on": "2025-09-10", "scheduled_at": "2025-09-16T10:00:00+08:00",
                                        "location": "l", "content": "c"}, format="json")
    assert r.status_code == 400 and "不能发送约谈通知" in r.json()["non_field_errors"][0]
    r = jn.post(f"{URL}{pk}/hold/", HOLD, format="json")
    assert r.status_code == 400 and "第四十七条" in r.json()["non_field_errors"][0]
    assert snapshot(pk) == before
    # a report before the interview
    r = api(personas["qc_office"]).post(f"{URL}{notified}/report/", {"text": "已整改"}, format="json")
    assert r.status_code == 400 and "第五十条" in r.json()["non_field_errors"][0]
    assert Interview.objects.get(pk=notified).status == "notified"


def test_it_lets_only_the_head_approve(api, personas):
    pk = create(api, personas["official_jn2"]).json()["id"]
    before = snapshot(pk)
    r = api(personas["official_jn2"]).post(f"{URL}{pk}/approve/")
    assert r.status_code == 403 and "批准，处（科）室负责人不能批准（第四十六条）" in r.json()["detail"]
    # the division head (处长) may lead the interview but not approve it (Art. 46, 46 (三))
    assert api(personas["official_jn"]).post(f"{URL}{pk}/approve/").status_code == 403
    r = api(personas["qc_office"]).post(f"{URL}{pk}/approve/")
    assert r.status_code == 403
    assert snapshot(pk) == before


def test_it_hides_interviews_outside_reach(api, personas):
    pk = create(api, personas["official_jn"]).json()["id"]
    for name in ("official_lx", "qc_office_h002", "staff_nurse", "head_cardiology", "his_h001"):
        client = api(personas[name])
        assert client.get(f"{URL}{pk}/").status_code == 404, name
        assert client.post(f"{URL}{pk}/approve/").status_code == 404, name
        assert client.get(f"{URL}{pk}/registration-form.pdf").status_code == 404, name
        assert client.get(URL).json()["count"] == 0, name
    for name in ("official_jn", "official_jn2", "qc_office", "principal"):
        assert api(personas[name]).get(f"{URL}{pk}/").status_code == 200, name


def test_it_shows_a_county_interview_to_the_city_above_but_not_a_city_one_to_the_county(api, personas):
    lx = api(personas["official_lx"])
    pk = lx.post(URL, {"institution": "H002", "trigger_ground": 4, "trigger_date": "2025-09-01", "problems": "x"},
                 format="json").json()["id"]
    assert api(personas["official_jn"]).get(f"{URL}{pk}/").status_code == 200
    assert api(personas["official_jn"]).post(f"{URL}{pk}/approve/").status_code == 403  # sees, may not act
    assert api(personas["qc_office_h002"]).get(f"{URL}{pk}/").status_code == 200


def test_it_refuses_bad_create_input(api, personas):
    jn = personas["official_jn"]
    cases = [
        ({"institution": "NOPE"}, "institution"),
        ({"trigger_ground": 7}, "trigger_ground"),
        ({"trigger_ground": "abc"}, "trigger_ground"),
        ({"trigger_date": "2025-13-01"}, "trigger_date"),
        ({"trigger_date": "2099-01-01"}, "trigger_date"),
        ({"problems": ""}, "problems"),
        ({"adverse_events": [999999]}, "adverse_events"),
        ({"institution": "H002", "adverse_events": "x"}, "adverse_events"),
    ]
    for change, field in cases:
        r = create(api, jn, **change)
        assert r.status_code == 400 and field in r.json(), (change, r.content)
    r = api(jn).post(URL, "{not json", content_type="application/json")
    assert r.status_code == 400 and "non_field_errors" in r.json()
    assert Interview.objects.count() == 0
    # a hospital may not open an authority interview of itself
    assert create(api, personas["qc_office"]).status_code == 403


def test_it_replays_an_idempotent_create(api, personas):
    client = api(personas["official_jn"], HTTP_IDEMPOTENCY_KEY="k-1")
    body = {"institution": "H001", "trigger_ground": 3, "trigger_date": "2025-09-01", "problems": "x"}
    first = client.post(URL, body, format="json")
    second = client.post(URL, body, format="json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Interview.objects.count() == 1
    assert client.post(URL, {**body, "problems": "y"}, format="json").status_code == 409


def test_it_filters_the_list_by_status_and_updated_since(api, personas, jn, leader):
    a = create(api, personas["official_jn"]).json()["id"]
    b = create(api, personas["official_jn"], trigger_date=dt.date.today().isoformat()).json()["id"]
    leader.post(f"{URL}{b}/approve/")
    assert [r["id"] for r in jn.get(URL, {"status": "approved"}).json()["results"]] == [b]
    assert [r["id"] for r in jn.get(URL, {"status": "overdue"}).json()["results"]] == [a]  # hold-by 2025-10-17 passed
    assert jn.get(URL, {"status": "bogus"}).status_code == 400
    later = Interview.objects.get(pk=b).updated_at.isoformat()
    ids = [r["id"] for r in jn.get(URL, {"updated_since": later}).json()["results"]]
    assert b in ids and a not in ids
    assert jn.get(URL, {"updated_since": "yesterday"}).status_code == 400


def test_it_lists_in_a_bounded_number_of_queries(api, personas, django_assert_max_num_queries, demo):
    from interviews.services import interview_trigger

    for _ in range(12):
        interview_trigger(institution=demo.institutions["H001"], ground=3, trigger_date=dt.date(2025, 9, 1),
                          problems="x", actor=personas["official_jn"])
    client = api(personas["official_jn"])
    with django_assert_max_num_queries(12):
        r = client.get(URL)
    assert r.json()["count"] == 12


def test_it_serves_the_registration_form_pdf(jn, notified):
    jn.post(f"{URL}{notified}/hold/", HOLD, format="json")
    r = jn.get(f"{URL}{notified}/registration-form.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "attachment" in r["Content-Disposition"]


def test_it_rejects_an_upload_that_is_not_what_it_claims(api, personas, notified):
    qc = api(personas["qc_office"])
    fake = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = qc.post(f"{URL}{notified}/documents/", {"kind": "explanation", "file": fake}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    ok = SimpleUploadedFile("说明.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    r = qc.post(f"{URL}{notified}/documents/", {"kind": "explanation", "file": ok}, format="multipart")
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    # the hospital may not upload the authority's proof of sending
    again = SimpleUploadedFile("凭证.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    r = qc.post(f"{URL}{notified}/documents/", {"kind": "notice_proof", "file": again}, format="multipart")
    assert r.status_code == 403
