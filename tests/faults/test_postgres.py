"""PostgreSQL drops the application's connections mid-traffic (pg_terminate_backend: what a restart or a
fail-over does to a running app, without disturbing other test runs on the cluster). Requests fail cleanly
(nothing half-written) and the next ones recover (CONN_HEALTH_CHECKS).

Redis down and a worker killed mid-task are the scheduled-work tests: tests/notifications/ and
tests/integration/ (see docs/SECURITY.md).
"""
from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import connection
from django.utils import timezone

IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

if not IS_POSTGRES:
    if os.environ.get("CI"):
        pytest.fail("tests/faults need PostgreSQL: set DATABASE_URL=postgres://…", pytrace=False)
    pytestmark = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite cannot drop "
                                  "a connection from outside)")
else:
    # serialized_rollback: the flush after a transactional test would drop the data migrations' rows
    # (severity classes, event types) that later tests in this process rely on.
    pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _terminate_app_connections() -> int:
    """From a connection of our own, end every other backend on the test database."""
    import psycopg2

    settings = connection.settings_dict
    other = psycopg2.connect(dbname="postgres", user=settings["USER"], password=settings["PASSWORD"] or None,
                             host=settings["HOST"] or None, port=settings["PORT"] or None)
    other.autocommit = True
    try:
        with other.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", [settings["NAME"]])
            return cur.fetchone()[0]
    finally:
        other.close()


@pytest.fixture
def wsgi(django_db_serialized_rollback, transactional_db):
    """The real WSGI handler (not Django's test client, which switches off close_old_connections)."""
    from rest_framework.authtoken.models import Token
    from werkzeug.test import Client

    from organizations import demo as org_demo
    from qms.wsgi import application
    from tests.conftest import DEMO_PASSWORD

    org_demo.seed(org_demo.DemoContext(password=DEMO_PASSWORD))
    from adverse_events.models import EventType, SeverityClass, SeverityLevel

    if not SeverityLevel.objects.exists():  # data migrations are flushed by transactional tests: re-seed
        from importlib import import_module

        from django.apps import apps

        import_module("adverse_events.migrations.0002_seed_severity_and_types").seed(apps, None)
    assert SeverityClass.objects.exists() and EventType.objects.filter(code="FALL").exists()
    token = Token.objects.get(user__username="his_h001").key
    client = Client(application)

    def post(body: dict, key: str):
        return client.post("/api/v1/adverse-events/", json=body,
                           headers={"Authorization": f"Token {token}", "Idempotency-Key": key})

    return post


def _event(text: str) -> dict:
    now = timezone.localtime()
    return {"department": "CARD", "occurred_at": (now - dt.timedelta(hours=2)).isoformat(),
            "discovered_at": (now - dt.timedelta(hours=1)).isoformat(), "event_type": "FALL",
            "severity_level": "D", "description": text}


def _counts() -> tuple[int, int, int]:
    from adverse_events.models import AdverseEvent
    from qms.core.models import Deadline, IdempotencyRecord, Transition

    return (AdverseEvent.objects.count(), Transition.objects.count(),
            Deadline.objects.count() + IdempotencyRecord.objects.count())


def test_it_recovers_when_the_connection_is_dropped_between_requests(wsgi):
    assert wsgi(_event("第一例"), "k1").status_code == 201
    assert _terminate_app_connections() >= 1
    response = wsgi(_event("第二例"), "k2")
    assert response.status_code == 201, response.text[:500]
    assert _counts()[0] == 2


def test_a_request_cut_off_mid_transaction_writes_nothing_then_a_retry_succeeds(wsgi, monkeypatch):
    from adverse_events import services

    before = _counts()
    original = services.deadlines_create
    calls = {"n": 0}

    def cut(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # the event row is written, its deadlines not yet: the worst moment
            _terminate_app_connections()
        return original(**kwargs)

    monkeypatch.setattr(services, "deadlines_create", cut)
    body = _event("断线时的报告")
    failed = wsgi(body, "k-cut")
    assert failed.status_code == 503, failed.text[:500]
    assert failed.json["non_field_errors"]
    assert _counts() == before  # no event without its history and deadlines

    retried = wsgi(body, "k-cut")  # the HIS retries with the same key and body
    assert retried.status_code == 201, retried.text[:500]
    replay = wsgi(body, "k-cut")
    assert replay.status_code == 201 and replay.json == retried.json
    assert _counts()[0] == before[0] + 1
