"""The one Idempotency-Key mechanism (qms/core/idempotency.py; issue 13 items 1 and 8, issue 15 item 4)."""
import datetime as dt

from django.utils import timezone

from adverse_events.models import AdverseEvent
from qms.core.models import IdempotencyRecord


def _event_body():
    now = timezone.localtime()
    return {"department": "CARD", "occurred_at": (now - dt.timedelta(hours=3)).isoformat(),
            "discovered_at": (now - dt.timedelta(hours=2)).isoformat(), "event_type": "FALL",
            "severity_level": "E", "description": "滑倒。"}


def test_it_answers_409_when_a_key_is_replayed_on_another_objects_path(personas, api):
    office = api(personas["qc_office"])
    nurse = api(personas["staff_nurse"])
    ids = [nurse.post("/api/v1/adverse-events/", _event_body(), format="json").json()["id"] for _ in range(2)]
    first = office.post(f"/api/v1/adverse-events/{ids[0]}/receive/", {"text": ""}, format="json",
                        HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 200 and first.json()["id"] == ids[0]
    other = office.post(f"/api/v1/adverse-events/{ids[1]}/receive/", {"text": ""}, format="json",
                        HTTP_IDEMPOTENCY_KEY="same")
    assert other.status_code == 409
    assert AdverseEvent.objects.get(pk=ids[1]).status == "submitted"


def test_it_keys_records_per_caller(personas, api):
    body = _event_body()
    a = api(personas["staff_nurse"]).post("/api/v1/adverse-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    b = api(personas["head_cardiology"]).post("/api/v1/adverse-events/", body, format="json",
                                              HTTP_IDEMPOTENCY_KEY="k")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]
    assert IdempotencyRecord.objects.count() == 2


def test_it_forgets_records_after_the_ttl_anonymous_ones_too(personas, api, settings):
    settings.QMS_IDEMPOTENCY_TTL_HOURS = 48
    client = api(personas["staff_nurse"])
    body = _event_body() | {"anonymous": "yes"}
    assert client.post("/api/v1/adverse-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=49))
    # Any later keyed write sweeps what is past the TTL, so an anonymous answer does not stay behind.
    assert client.post("/api/v1/adverse-events/", _event_body(), format="json",
                       HTTP_IDEMPOTENCY_KEY="new").status_code == 201
    assert IdempotencyRecord.objects.count() == 1
    again = client.post("/api/v1/adverse-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
