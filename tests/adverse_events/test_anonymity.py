"""The anonymity proof (SPEC §4): after an anonymous report, no table row written or changed during it, and no
log line emitted during it, carries the reporter's username, name or id."""
import datetime as dt
import logging

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from adverse_events.models import AdverseEvent, EventType
from organizations.models import Department
from qms.core.models import Transition

User = get_user_model()


def _snapshot() -> dict:
    out = {}
    for model in apps.get_models():
        fields = [
            f for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            or (f.is_relation and f.related_model is User)
        ]
        if not fields:
            continue
        rows = model._base_manager.values_list("pk", *[f.attname for f in fields])
        out[model] = (list(fields), {r[0]: r for r in rows})
    return out


def _leaks(before: dict, after: dict, user) -> list[str]:
    needles = [n for n in {user.username, user.first_name, user.last_name, user.get_full_name(), user.email} if n]
    found = []
    for model, (fields, rows) in after.items():
        old_rows = before.get(model, (fields, {}))[1]
        for pk, row in rows.items():
            if old_rows.get(pk) == row:
                continue  # unchanged by the report
            for field, value in zip(fields, row[1:], strict=True):
                if field.is_relation and field.related_model is User:
                    if value == user.pk:
                        found.append(f"{model.__name__}#{pk}.{field.name} = reporter id")
                    continue
                text = str(value)
                for needle in needles:
                    if needle in text:
                        found.append(f"{model.__name__}#{pk}.{field.name} contains {needle!r}")
    return found


def _log_leaks(records, user) -> list[str]:
    needles = [user.username, user.get_full_name(), f"user={user.pk}", f"user_id={user.pk}", f"'id': {user.pk}"]
    return [r.getMessage() for r in records for n in needles if n and n in r.getMessage()]


def test_it_stores_nothing_identifying_for_an_anonymous_browser_report(personas, client, caplog):
    nurse = personas["staff_nurse"]
    assert nurse.get_full_name()
    client.force_login(nurse)
    before = _snapshot()
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    now = timezone.localtime()
    response = client.post("/events/new/", {
        "department": Department.objects.get(institution__code="H001", code="CARD").pk,
        "occurred_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "event_type": EventType.objects.get(code="FALL").pk, "severity_level": "G", "description": "患者跌倒后股骨颈骨折，需手术。",
        "immediate_actions": "制动、通知骨科会诊。", "patient_age": 81, "patient_sex": "F", "anonymous": "on",
    })
    assert response.status_code == 201, response.content.decode()[:2000]
    event = AdverseEvent.objects.get()
    assert event.anonymous and event.reporter_id is None
    assert event.interviews.exists()  # the escalation wrote rows in other apps too: they are searched as well
    assert Transition.objects.filter(actor__isnull=False).count() == 0
    leaks = _leaks(before, _snapshot(), nurse)
    assert leaks == []
    assert _log_leaks(caplog.records, nurse) == []


def test_it_stores_nothing_identifying_for_an_anonymous_api_report_with_a_key(personas, api, payload, caplog):
    nurse = personas["staff_nurse"]
    client = api(nurse)
    before = _snapshot()
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    body = payload(anonymous=True, severity_level="H")
    for _ in range(2):  # the retry must not write the link either
        response = client.post("/api/v1/adverse-events/", body,
                               format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
        assert response.status_code == 201
    assert AdverseEvent.objects.count() == 1
    leaks = _leaks(before, _snapshot(), nurse)
    assert leaks == []
    assert _log_leaks(caplog.records, nurse) == []


def test_it_would_notice_a_named_report(personas, api, payload):
    """The proof can fail: the same search finds the reporter of a named report."""
    nurse = personas["staff_nurse"]
    before = _snapshot()
    assert api(nurse).post("/api/v1/adverse-events/", payload(), format="json").status_code == 201
    assert any("reporter" in leak for leak in _leaks(before, _snapshot(), nurse))


# Every spelling the serializer's BooleanField accepts as true, by JSON, multipart and form (issue 13 item 1).
TRUE_SPELLINGS = [True, "true", "True", "TRUE", "1", 1, "yes", "Yes", "on", "On", "y", "t"]


@pytest.mark.parametrize("spelling", TRUE_SPELLINGS, ids=repr)
def test_it_stores_nothing_identifying_for_every_spelling_of_anonymous_over_json(personas, api, payload, spelling):
    nurse = personas["staff_nurse"]
    client = api(nurse)
    before = _snapshot()
    body = payload(anonymous=spelling)
    for _ in range(2):
        response = client.post("/api/v1/adverse-events/", body, format="json",
                               HTTP_IDEMPOTENCY_KEY=f"k-{spelling!r}")
        assert response.status_code == 201, response.content
    event = AdverseEvent.objects.get()
    assert event.anonymous and event.reporter_id is None
    assert _leaks(before, _snapshot(), nurse) == []


@pytest.mark.parametrize("spelling", [s for s in TRUE_SPELLINGS if isinstance(s, str)])
def test_it_stores_nothing_identifying_for_every_spelling_of_anonymous_over_multipart(personas, api, payload,
                                                                                      spelling):
    nurse = personas["staff_nurse"]
    client = api(nurse)
    before = _snapshot()
    body = {k: ("" if v is None else v) for k, v in payload(anonymous=spelling).items()}
    for _ in range(2):
        response = client.post("/api/v1/adverse-events/", body, format="multipart", HTTP_IDEMPOTENCY_KEY="mp")
        assert response.status_code == 201, response.content
    assert AdverseEvent.objects.get().anonymous
    assert _leaks(before, _snapshot(), nurse) == []


@pytest.mark.parametrize("spelling", ["on", "True", "true", "1", "yes"])
def test_it_stores_nothing_identifying_for_every_spelling_of_anonymous_on_the_page(personas, client, spelling):
    nurse = personas["staff_nurse"]
    client.force_login(nurse)
    before = _snapshot()
    now = timezone.localtime()
    response = client.post("/events/new/", {
        "department": Department.objects.get(institution__code="H001", code="CARD").pk,
        "occurred_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "event_type": EventType.objects.get(code="FALL").pk, "severity_level": "E", "description": "滑倒。",
        "anonymous": spelling,
    })
    assert response.status_code in (201, 302), response.content.decode()[:2000]
    assert AdverseEvent.objects.get().anonymous
    assert _leaks(before, _snapshot(), nurse) == []


def test_it_answers_an_anonymous_report_time_to_the_minute(personas, api, payload):
    response = api(personas["staff_nurse"]).post("/api/v1/adverse-events/", payload(anonymous=True), format="json")
    assert response.status_code == 201
    reported = dt.datetime.fromisoformat(response.json()["reported_at"])
    assert reported.second == 0 and reported.microsecond == 0
    assert AdverseEvent.objects.get().reported_at.second == 0


def test_no_idempotency_record_can_hold_a_caller():
    """By construction: the one record type has no column that could hold a user or a user name."""
    from qms.core.models import IdempotencyRecord

    names = {f.name for f in IdempotencyRecord._meta.concrete_fields}
    assert names == {"id", "digest", "fingerprint", "status_code", "response_body", "created_at"}
    assert not any(f.is_relation for f in IdempotencyRecord._meta.concrete_fields)
