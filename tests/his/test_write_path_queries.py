"""The HIS write path costs what its rules need (issue 16): the queries of an event POST, an indicator-value POST
and the lists HIS clients poll are pinned here, and do not grow with the data.

Counted inside the test's transaction, so each atomic block is a SAVEPOINT/RELEASE pair here (in production the
outermost one is BEGIN/COMMIT, which Django does not count). PostgreSQL sweeps expired idempotency records in
the same statement as the record's INSERT … ON CONFLICT; SQLite needs a second statement.

Event POST, class C, what each query is for: the token with its HIS hospital (auth), the caller's memberships
once (scope), the department with its hospital, the event type, the level → class mapping, the event, its
audit row, its two deadline rows in one INSERT, the idempotency record, the HIS request log; and the savepoints
of the idempotency block and of the service.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adverse_events.models import AdverseEvent
from indicators.models import Indicator, IndicatorValue
from qms.core.models import Deadline, IdempotencyRecord, Transition

pytestmark = pytest.mark.django_db

SWEEP = 0 if connection.vendor == "postgresql" else 1  # the expired-record sweep: in the INSERT on PostgreSQL


def _event(n: int, level: str = "C", **extra) -> dict:
    now = timezone.localtime()
    return {"department": "CARD", "occurred_at": (now - dt.timedelta(hours=2)).isoformat(),
            "discovered_at": (now - dt.timedelta(hours=1)).isoformat(), "event_type": "FALL",
            "severity_level": level, "description": f"患者如厕时跌倒 {n}", "immediate_actions": "扶起",
            "patient_age": 70, "patient_sex": "M", **extra}


@pytest.fixture
def his(demo, api):
    return api(get_user_model().objects.get(username="his_h001"))


def _count(call) -> tuple[int, object, list[str]]:
    with CaptureQueriesContext(connection) as q:
        response = call()
    return len(q), response, [x["sql"][:120] for x in q.captured_queries]


def _indicator() -> Indicator:
    from organizations.models import Institution

    grade = Institution.objects.get(code="H001").grade_level
    return next(i for i in Indicator.objects.filter(kind="proportion", is_active=True).exclude(source="computed")
                .order_by("code") if grade in i.grade_list)


def test_an_event_post_costs_the_queries_its_rules_need(his):
    his.post("/api/v1/adverse-events/", _event(0), format="json", HTTP_IDEMPOTENCY_KEY="warm")  # caches warm
    n, response, sql = _count(lambda: his.post("/api/v1/adverse-events/", _event(1), format="json",
                                               HTTP_IDEMPOTENCY_KEY="k1"))
    assert response.status_code == 201, response.content
    assert n == 14 + SWEEP, "\n".join(sql)
    event = AdverseEvent.objects.get(pk=response.json()["id"])
    # every guarantee is still written: the audit row, both deadlines (the internal one met), the record
    assert Transition.objects.filter(object_id=event.pk, to_status="submitted").count() == 1
    deadlines = {d.rule: d for d in Deadline.objects.filter(object_id=event.pk, rule__startswith="event.")}
    assert set(deadlines) == {"event.report_internal", "event.receive"}
    assert deadlines["event.report_internal"].done_at is not None and deadlines["event.receive"].done_at is None
    assert deadlines["event.receive"].institution_id == event.institution_id
    assert IdempotencyRecord.objects.count() == 2
    assert response.json()["interview_triggered"] is False


def test_an_anonymous_event_post_costs_the_same(his):
    his.post("/api/v1/adverse-events/", _event(0), format="json", HTTP_IDEMPOTENCY_KEY="warm")
    n, response, sql = _count(lambda: his.post("/api/v1/adverse-events/", _event(1, anonymous=True), format="json",
                                               HTTP_IDEMPOTENCY_KEY="anon"))
    assert response.status_code == 201 and n == 14 + SWEEP, "\n".join(sql)
    event = AdverseEvent.objects.get(pk=response.json()["id"])
    assert event.reporter_id is None
    assert Transition.objects.get(object_id=event.pk, to_status="submitted").actor_id is None


def test_a_retried_event_post_replays_with_one_row_and_reruns_nothing_that_stays(his):
    body = _event(1)
    first = his.post("/api/v1/adverse-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="again")
    events, transitions, deadlines = AdverseEvent.objects.count(), Transition.objects.count(), Deadline.objects.count()
    again = his.post("/api/v1/adverse-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="again")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert (AdverseEvent.objects.count(), Transition.objects.count(), Deadline.objects.count()) == (
        events, transitions, deadlines)
    other = his.post("/api/v1/adverse-events/", _event(2), format="json", HTTP_IDEMPOTENCY_KEY="again")
    assert other.status_code == 409 and AdverseEvent.objects.count() == events


def test_a_g_level_event_post_still_escalates(his):
    response = his.post("/api/v1/adverse-events/", _event(1, "G"), format="json", HTTP_IDEMPOTENCY_KEY="g")
    assert response.status_code == 201 and response.json()["interview_triggered"] is True
    assert AdverseEvent.objects.get(pk=response.json()["id"]).interviews.count() == 1


def _value(indicator: Indicator, period: str, numerator: int) -> dict:
    return {"indicator": indicator.code, "institution": "H001", "period": period, "numerator": numerator,
            "denominator": 100}


def test_an_indicator_value_post_costs_the_queries_its_rules_need(his):
    ind = _indicator()
    his.post("/api/v1/indicator-values/", _value(ind, "2026-01", 1), format="json", HTTP_IDEMPOTENCY_KEY="warm")
    # a new slot: token, institution, memberships, indicator, its lock, the current value (none), the insert,
    # the record, the log, the savepoints
    n, response, sql = _count(lambda: his.post("/api/v1/indicator-values/", _value(ind, "2026-02", 5),
                                               format="json", HTTP_IDEMPOTENCY_KEY="new"))
    assert response.status_code == 201, response.content
    assert n == 13 + SWEEP, "\n".join(sql)
    # a revision of the same slot: one UPDATE more (the superseded value), no count of the slot's rows
    n, response, sql = _count(lambda: his.post("/api/v1/indicator-values/", _value(ind, "2026-02", 6),
                                               format="json", HTTP_IDEMPOTENCY_KEY="rev"))
    assert response.status_code == 201 and response.json()["revision"] == 2
    assert n == 14 + SWEEP, "\n".join(sql)
    body = response.json()
    assert (body["indicator"], body["institution"], body["department"], body["entered_by"]) == (
        ind.code, "H001", None, "his_h001")
    assert IndicatorValue.objects.filter(indicator=ind, period=dt.date(2026, 2, 1), is_current=True).count() == 1


@pytest.mark.parametrize("path", [
    "/api/v1/adverse-events/?page_size=20&updated_since=2020-01-01T00:00:00Z",
    "/api/v1/indicator-values/?institution=H001&page_size=20&updated_since=2020-01-01T00:00:00Z",
    "/api/v1/departments/?institution=H001",
])
def test_the_lists_his_clients_poll_cost_five_queries_however_many_rows(his, path):
    """The token, the memberships, the page's count, the page, the request log."""
    ind = _indicator()
    for i in range(3):
        his.post("/api/v1/adverse-events/", _event(i), format="json")
        his.post("/api/v1/indicator-values/", _value(ind, f"2025-{i + 1:02d}", i), format="json")
    few, response, sql = _count(lambda: his.get(path))
    assert response.status_code == 200 and few == 5, "\n".join(sql)
    for i in range(3, 30):
        his.post("/api/v1/adverse-events/", _event(i), format="json")
        his.post("/api/v1/indicator-values/", _value(ind, f"20{24 - i // 12}-{i % 12 + 1:02d}", i), format="json")
    many, response, sql = _count(lambda: his.get(path))
    assert response.status_code == 200 and many == few, "\n".join(sql)
