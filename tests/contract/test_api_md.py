"""API.md, row by row, against the whole demo: paths, methods, fields, status codes, error shapes,
pagination, ?updated_since and Idempotency-Key. A HIS vendor builds against these; each assertion is a
sentence of API.md.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from qms import workdays
from tests.seeded import seeded  # noqa: F401

# One worker per module: the whole demo is seeded once per module (tests/seeded.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("contract_api_md")]

PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def as_user(seeded, api):  # noqa: F811
    def make(username: str, **headers):
        return api(seeded.user(username), **headers)

    return make


def _page(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert set(body) == PAGE_KEYS, body.keys()
    return body["results"]


def _is_field_errors(body: object) -> bool:
    return isinstance(body, dict) and bool(body) and all(
        isinstance(k, str) and isinstance(v, (list, dict)) for k, v in body.items()
    )


def _idempotent_replay(client, path: str, body: dict, count, *, expect: int) -> dict:
    """Same key + same body → the first answer, nothing new; same key + other body → 409."""
    key = f"contract-{uuid.uuid4()}"
    before = count()
    first = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == expect, first.content[:800]
    after_first = count()
    again = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert count() == after_first
    other = dict(body)
    text_field = next((k for k in ("description", "problems", "period", "institution") if k in body), None)
    if text_field == "period":
        other["period"] = "2018-01"
    elif text_field:
        other[text_field] = f"{body[text_field]}（另一内容）"
    else:
        other["other"] = 1
    conflict = client.post(path, other, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert conflict.status_code == 409, conflict.content[:300]
    assert _is_field_errors(conflict.json())
    assert count() == after_first
    assert after_first - before <= 1
    return first.json()


# ---------------------------------------------------------------- conventions


def test_it_answers_401_without_or_with_a_bad_token(seeded, api):  # noqa: F811
    for path in ("/api/v1/institutions/", "/api/v1/adverse-events/", "/api/v1/indicators/"):
        assert api().get(path).status_code == 401
        bad = api()
        bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert bad.get(path).status_code == 401


def test_it_gives_a_token_for_good_credentials_and_400_for_bad(seeded, api):  # noqa: F811
    ok = api().post("/api/v1/auth/token/", {"username": "qc_office", "password": seeded.password}, format="json")
    assert ok.status_code == 200 and set(ok.json()) == {"token"}
    bad = api().post("/api/v1/auth/token/", {"username": "qc_office", "password": "nope"}, format="json")
    assert bad.status_code == 400 and _is_field_errors(bad.json())


def test_it_answers_malformed_json_with_a_400_object(seeded, as_user):  # noqa: F811
    client = as_user("qc_office")
    for path in ("/api/v1/adverse-events/", "/api/v1/indicator-values/", "/api/v1/bulletins/"):
        response = client.generic("POST", path, "{not json", content_type="application/json")
        assert response.status_code == 400, (path, response.content[:300])
        assert "non_field_errors" in response.json()
    official = as_user("official_jn")
    response = official.generic("POST", "/api/v1/interviews/", "[1, 2", content_type="application/json")
    assert response.status_code == 400 and _is_field_errors(response.json())


def test_it_speaks_english_on_request(seeded, as_user):  # noqa: F811
    client = as_user("qc_office", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/indicator-values/", {"indicator": "ZB01"}, format="json")
    assert response.status_code == 400
    assert "This field is required." in str(response.json())
    zh = as_user("qc_office").post("/api/v1/indicator-values/", {"indicator": "ZB01"}, format="json")
    assert "该字段是必填项。" in str(zh.json())


# ---------------------------------------------------------------- calendar


def test_row_add_workdays(seeded, as_user):  # noqa: F811
    client = as_user("staff_nurse")
    response = client.get("/api/v1/calendar/add-workdays/", {"start": "2025-09-30", "days": 1})
    assert response.status_code == 200
    assert response.json() == {"start": "2025-09-30", "days": 1, "date": "2025-10-09", "confirmed": True}
    zero = client.get("/api/v1/calendar/add-workdays/", {"start": "2025-10-01", "days": 0}).json()
    assert zero["days"] == 0 and set(zero) == {"start", "days", "date", "confirmed"}
    far = client.get("/api/v1/calendar/add-workdays/", {"start": "2099-01-05", "days": 3}).json()
    assert far["confirmed"] is False
    for query in ({"start": "2025-10-01", "days": -1}, {"start": "yesterday", "days": 1}, {"days": 1},
                  {"start": "2025-10-01", "days": "x"}):
        bad = client.get("/api/v1/calendar/add-workdays/", query)
        assert bad.status_code == 400 and _is_field_errors(bad.json()), query


# ---------------------------------------------------------------- organisation


def test_row_institutions_and_departments(seeded, as_user):  # noqa: F811
    mine = _page(as_user("qc_office").get("/api/v1/institutions/"))
    assert [i["code"] for i in mine] == ["H001"] and mine[0]["name"]
    seen_by_city = {i["code"] for i in _page(as_user("official_jn").get("/api/v1/institutions/"))}
    assert seen_by_city == {"H001", "H002"}  # H002 is registered with LX, below JN
    seen_by_county = {i["code"] for i in _page(as_user("official_lx").get("/api/v1/institutions/"))}
    assert seen_by_county == {"H002"}

    depts = _page(as_user("official_jn").get("/api/v1/departments/", {"institution": "H002"}))
    assert depts and {d["institution"] for d in depts} == {"H002"} and all(d["code"] and d["name"] for d in depts)
    assert _page(as_user("qc_office").get("/api/v1/departments/", {"institution": "H002"})) == []
    own = _page(as_user("head_cardiology").get("/api/v1/departments/"))
    assert "CARD" in {d["code"] for d in own}


def test_row_event_types(seeded, as_user):  # noqa: F811
    response = as_user("staff_nurse").get("/api/v1/event-types/")
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows and all(set(r) >= {"code", "name"} for r in rows)
    assert "FALL" in {r["code"] for r in rows}


# ---------------------------------------------------------------- adverse events


def _event_body(**over) -> dict:
    now = timezone.localtime()
    body = {
        "department": "CARD",
        "occurred_at": (now - dt.timedelta(hours=3)).isoformat(),
        "discovered_at": (now - dt.timedelta(hours=2)).isoformat(),
        "event_type": "FALL",
        "severity_level": "C",
        "description": "患者如厕时跌倒，未受伤。",
        "immediate_actions": "扶起，测量生命体征。",
        "patient_age": 71,
        "patient_sex": "F",
        "anonymous": False,
    }
    body.update(over)
    return body


def test_row_post_adverse_event(seeded, as_user):  # noqa: F811
    from adverse_events.models import AdverseEvent

    client = as_user("staff_nurse")
    body = _idempotent_replay(client, "/api/v1/adverse-events/", _event_body(), AdverseEvent.objects.count,
                              expect=201)
    assert {"id", "receipt_code", "severity_class", "status", "reported_at", "interview_triggered"} <= set(body)
    assert body["status"] == "submitted" and body["severity_class"] == "III"
    assert body["interview_triggered"] is False
    assert dt.datetime.fromisoformat(body["reported_at"]).utcoffset() == dt.timedelta(hours=8)

    grave = client.post("/api/v1/adverse-events/", _event_body(severity_level="G"), format="json").json()
    assert grave["severity_class"] == "II" and grave["interview_triggered"] is True
    death = client.post("/api/v1/adverse-events/", _event_body(severity_level="I"), format="json").json()
    assert death["severity_class"] == "I"
    caught = client.post("/api/v1/adverse-events/", _event_body(severity_level="A"), format="json").json()
    assert caught["severity_class"] == "IV"


@pytest.mark.parametrize("over, field", [
    ({"severity_level": "J"}, "severity_level"),
    ({"department": "NOPE"}, "department"),
    ({"event_type": "NOPE"}, "event_type"),
    ({"patient_age": -1}, "patient_age"),
    ({"patient_age": "old"}, "patient_age"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"anonymous": "perhaps"}, "anonymous"),
    ({"description": ""}, "description"),
])
def test_row_post_adverse_event_refuses_bad_input_with_field_errors(seeded, as_user, over, field):  # noqa: F811
    response = as_user("staff_nurse").post("/api/v1/adverse-events/", _event_body(**over), format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


def test_row_post_adverse_event_for_another_hospitals_department_is_400(seeded, as_user):  # noqa: F811
    response = as_user("staff_nurse").post(
        "/api/v1/adverse-events/", _event_body(department="CARD", institution="H002"), format="json")
    assert response.status_code == 400


def test_row_list_adverse_events_filters_and_anonymity(seeded, as_user):  # noqa: F811
    client = as_user("qc_office")
    created = as_user("staff_nurse").post(
        "/api/v1/adverse-events/", _event_body(anonymous=True, severity_level="E"), format="json").json()
    rows = _page(client.get("/api/v1/adverse-events/"))
    assert rows and {r["institution"] for r in rows} == {"H001"}
    anon = client.get(f"/api/v1/adverse-events/{created['id']}/").json()
    assert anon["reporter"] is None and anon["anonymous"] is True
    assert "staff_nurse" not in str(anon)

    for status in ("submitted",):
        assert all(r["status"] == status for r in _page(client.get("/api/v1/adverse-events/", {"status": status})))
    for cls in ("I", "II", "III", "IV"):
        assert all(r["severity_class"] == cls
                   for r in _page(client.get("/api/v1/adverse-events/", {"severity_class": cls})))
    card = _page(client.get("/api/v1/adverse-events/", {"department": "CARD"}))
    assert card and all(r["department"] == "CARD" for r in card)
    bad = client.get("/api/v1/adverse-events/", {"severity_class": "V"})
    assert bad.status_code == 400 and _is_field_errors(bad.json())

    mark = timezone.now()
    later = as_user("staff_nurse").post("/api/v1/adverse-events/", _event_body(), format="json").json()
    synced = _page(client.get("/api/v1/adverse-events/", {"updated_since": mark.isoformat()}))
    assert [r["id"] for r in synced] == [later["id"]]


def test_row_adverse_event_of_another_hospital_is_404(seeded, as_user):  # noqa: F811
    from adverse_events.models import AdverseEvent

    # officials see a hospital's class I/II events (adverse_events.selectors), so take one of those
    theirs = AdverseEvent.objects.filter(institution__code="H001", severity_class__in=["I", "II"]).first()
    assert theirs is not None
    assert as_user("qc_office_h002").get(f"/api/v1/adverse-events/{theirs.pk}/").status_code == 404
    assert as_user("official_lx").get(f"/api/v1/adverse-events/{theirs.pk}/").status_code == 404
    assert as_user("official_jn").get(f"/api/v1/adverse-events/{theirs.pk}/").status_code == 200


# ---------------------------------------------------------------- interviews


def _when(day: dt.date, hour: int = 9) -> str:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour))).isoformat()


def _trigger_body(**over) -> dict:
    body = {"institution": "H001", "trigger_ground": 4,
            "trigger_date": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
            "problems": "院感防控存在严重隐患：手卫生依从率连续三个月低于60%。"}
    body.update(over)
    return body


def test_row_interview_lifecycle(seeded, as_user):  # noqa: F811
    from interviews.models import Interview

    official = as_user("official_jn")
    trigger_date = timezone.localdate() - dt.timedelta(days=30)
    created = _idempotent_replay(official, "/api/v1/interviews/", _trigger_body(), Interview.objects.count,
                                 expect=201)
    assert created["status"] == "triggered" and created["id"]
    assert created["hold_by"] == workdays.add_workdays(trigger_date, 30).date.isoformat()
    assert isinstance(created["hold_by_confirmed"], bool)
    pk = created["id"]
    assert pk in {r["id"] for r in _page(official.get("/api/v1/interviews/"))}

    # only the authority's 负责人 approves (Art. 46); a division head may lead but not approve: 403
    assert as_user("official_jn2").post(f"/api/v1/interviews/{pk}/approve/").status_code == 403
    assert official.post(f"/api/v1/interviews/{pk}/approve/").status_code == 403
    assert as_user("qc_office_h002").post(f"/api/v1/interviews/{pk}/approve/").status_code == 404
    leader = as_user("leader_jn")
    approval = {"approved_on": trigger_date.isoformat()}
    approved = leader.post(f"/api/v1/interviews/{pk}/approve/", approval, format="json", HTTP_IDEMPOTENCY_KEY=f"a-{pk}")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = leader.post(f"/api/v1/interviews/{pk}/approve/", approval, format="json", HTTP_IDEMPOTENCY_KEY=f"a-{pk}")
    assert again.status_code == 200 and again.json() == approved.json()

    notified_on = trigger_date + dt.timedelta(days=1)
    third = workdays.add_workdays(notified_on, 3).date
    too_soon = workdays.add_workdays(notified_on, 2).date
    notice = {"notified_on": notified_on.isoformat(), "location": "济南市卫生健康委员会第三会议室",
              "content": "请主要负责人按时参加约谈。"}
    response = official.post(f"/api/v1/interviews/{pk}/notify/", {**notice, "scheduled_at": _when(too_soon)},
                             format="json")
    assert response.status_code == 400 and "scheduled_at" in response.json()
    hold_by = dt.date.fromisoformat(created["hold_by"])
    response = official.post(f"/api/v1/interviews/{pk}/notify/",
                             {**notice, "scheduled_at": _when(hold_by + dt.timedelta(days=1))}, format="json")
    assert response.status_code == 400 and "scheduled_at" in response.json()
    response = official.post(f"/api/v1/interviews/{pk}/notify/", {**notice, "scheduled_at": _when(third)},
                             format="json")
    assert response.status_code == 200, response.content[:500]
    assert response.json()["status"] == "notified"

    held_at = _when(third, 10)
    held_on = third
    people = {
        "interviewers": [{"name": "王处长", "title": "医政医管处处长", "is_head": True},
                         {"name": "李科员", "title": "医政医管处科员", "is_head": False}],
        "interviewees": [{"name": "张院长", "title": "院长", "is_principal": True},
                         {"name": "赵主任", "title": "医务部主任", "is_principal": False}],
    }
    hold = {"held_at": held_at, **people, "record": "通报问题，医院作出说明，提出整改要求。",
            "problem_scale": "general", "rectification_deadline": (held_on + dt.timedelta(days=20)).isoformat(),
            "form_signed": True}
    for broken in (
        {"interviewers": people["interviewers"][:1]},
        {"interviewees": [dict(p, is_principal=False) for p in people["interviewees"]]},
        {"interviewers": [dict(p, is_head=False) for p in people["interviewers"]]},
        {"rectification_deadline": (held_on + dt.timedelta(days=40)).isoformat()},
        {"problem_scale": "huge"},
    ):
        response = official.post(f"/api/v1/interviews/{pk}/hold/", {**hold, **broken}, format="json")
        assert response.status_code == 400 and _is_field_errors(response.json()), broken
    response = official.post(f"/api/v1/interviews/{pk}/hold/", hold, format="json")
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["status"] == "rectifying" and body["rectification_report_due"]
    assert body["upward_report_due"] is None  # JN is a city authority

    pdf = official.get(f"/api/v1/interviews/{pk}/registration-form.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"].startswith("application/pdf")
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    assert as_user("qc_office_h002").get(f"/api/v1/interviews/{pk}/registration-form.pdf").status_code == 404


def test_row_interview_by_a_county_authority_has_an_upward_report_due(seeded, as_user):  # noqa: F811
    official = as_user("official_lx")
    trigger_date = timezone.localdate() - dt.timedelta(days=30)
    pk = official.post("/api/v1/interviews/", _trigger_body(institution="H002"), format="json").json()["id"]
    assert official.post(f"/api/v1/interviews/{pk}/approve/", {"approved_on": trigger_date.isoformat()},
                         format="json").status_code == 200
    notified_on = trigger_date + dt.timedelta(days=1)
    third = workdays.add_workdays(notified_on, 3).date
    assert official.post(f"/api/v1/interviews/{pk}/notify/", {
        "notified_on": notified_on.isoformat(), "scheduled_at": _when(third), "location": "历下区卫健局",
        "content": "约谈通知"}, format="json").status_code == 200
    body = official.post(f"/api/v1/interviews/{pk}/hold/", {
        "held_at": _when(third, 10),
        "interviewers": [{"name": "甲", "is_head": True}, {"name": "乙"}],
        "interviewees": [{"name": "丙", "is_principal": True}, {"name": "丁"}],
        "record": "记录", "problem_scale": "major", "form_signed": True,
        "rectification_deadline": (third + dt.timedelta(days=80)).isoformat()}, format="json")
    assert body.status_code == 200, body.content[:500]
    assert body.json()["upward_report_due"]


@pytest.mark.parametrize("over, field", [
    ({"trigger_ground": 7}, "trigger_ground"),
    ({"trigger_ground": "one"}, "trigger_ground"),
    ({"institution": "NOPE"}, "institution"),
    ({"trigger_date": "2025-02-30"}, "trigger_date"),
    ({"adverse_events": ["x"]}, "adverse_events"),
])
def test_row_post_interview_refuses_bad_input(seeded, as_user, over, field):  # noqa: F811
    response = as_user("official_jn").post("/api/v1/interviews/", _trigger_body(**over), format="json")
    assert response.status_code == 400 and field in response.json(), response.content[:300]


# ---------------------------------------------------------------- indicators


def test_row_indicator_catalogue(seeded, as_user):  # noqa: F811
    rows = _page(as_user("staff_nurse").get("/api/v1/indicators/", {"page_size": 100}))
    assert rows and all({"code", "name", "unit", "direction", "target"} <= set(r) for r in rows)


def _period(months_back: int = 2) -> str:
    today = timezone.localdate()
    y, m = today.year, today.month - months_back
    while m <= 0:
        y, m = y - 1, m + 12
    return f"{y}-{m:02d}"


def test_row_post_indicator_value_and_revision(seeded, as_user):  # noqa: F811
    from indicators.models import Indicator, IndicatorValue

    proportion = Indicator.objects.filter(kind="proportion").order_by("code").first()
    assert proportion is not None
    client = as_user("qc_office")
    period = "2019-03"  # no demo value there
    body = {"indicator": proportion.code, "institution": "H001", "period": period, "numerator": 3, "denominator": 4}
    first = _idempotent_replay(client, "/api/v1/indicator-values/", body, IndicatorValue.objects.count, expect=201)
    assert Decimal(first["rate"]) > 0
    second = client.post("/api/v1/indicator-values/", {**body, "numerator": 1}, format="json")
    assert second.status_code == 201
    assert Decimal(second.json()["rate"]) < Decimal(first["rate"])
    kept = IndicatorValue.objects.filter(indicator=proportion, institution__code="H001", department=None,
                                         period__year=2019, period__month=3)
    assert kept.count() == 2  # the old one is kept as a revision

    for broken in ({"numerator": -1}, {"denominator": 0}, {"numerator": 5, "denominator": 4},
                   {"period": "2019-13"}, {"indicator": "NOPE"}, {"numerator": "many"}):
        response = client.post("/api/v1/indicator-values/", {**body, **broken}, format="json")
        assert response.status_code == 400 and _is_field_errors(response.json()), broken

    rows = _page(client.get("/api/v1/indicator-values/", {"updated_since": timezone.now().isoformat()}))
    assert rows == []
    assert as_user("qc_office_h002").post("/api/v1/indicator-values/", body, format="json").status_code in (400, 404)


# ---------------------------------------------------------------- bulletins


def test_row_bulletin(seeded, as_user):  # noqa: F811
    from bulletins.models import Bulletin

    client = as_user("qc_office")
    body = {"institution": "H001", "period": _period(1)}
    accepted = _idempotent_replay(client, "/api/v1/bulletins/", body, Bulletin.objects.count, expect=202)
    assert accepted["id"] and "/progress/" in accepted["progress"]
    pk = accepted["id"]
    progress = client.get(accepted["progress"])
    assert progress.status_code == 200
    pdf = client.get(f"/api/v1/bulletins/{pk}/pdf/")
    if pdf.status_code == 200:  # tasks run eagerly in tests: the PDF is ready
        assert pdf["Content-Type"].startswith("application/pdf")
    else:
        assert pdf.status_code == 409
    assert pk in {r["id"] for r in _page(client.get("/api/v1/bulletins/"))}
    assert as_user("qc_office_h002").get(f"/api/v1/bulletins/{pk}/").status_code == 404
    assert as_user("qc_office_h002").get(f"/api/v1/bulletins/{pk}/pdf/").status_code == 404
    for broken in ({"period": "2025-13"}, {"institution": "NOPE"}, {"period": "next month"}):
        response = client.post("/api/v1/bulletins/", {**body, **broken}, format="json")
        assert response.status_code == 400 and _is_field_errors(response.json()), broken


# ---------------------------------------------------------------- every list: pagination and updated_since

LISTS = [
    "/api/v1/institutions/", "/api/v1/departments/", "/api/v1/adverse-events/", "/api/v1/interviews/",
    "/api/v1/indicators/", "/api/v1/indicator-values/", "/api/v1/bulletins/",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_paginated_and_takes_updated_since(seeded, as_user, path):  # noqa: F811
    client = as_user("official_jn")
    _page(client.get(path))
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert _page(client.get(path, {"updated_since": future})) == []
    bad = client.get(path, {"updated_since": "not-a-date"})
    assert bad.status_code == 400 and _is_field_errors(bad.json())
