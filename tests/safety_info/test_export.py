"""The upward export (Art. 40–42): versioned JSON and xlsx, idempotent by event id, what was sent recorded."""
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from adverse_events.models import EventType
from adverse_events.services import adverse_event_report
from safety_info import services
from safety_info.export import KEYS
from safety_info.models import EventExport, ExportedEvent
from safety_info.selectors import upward_overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(demo, personas):
    now = timezone.now()
    return [adverse_event_report(
        reporter=personas["staff_nurse"], department=demo.departments[("H001", "CARD")], occurred_at=now - dt.timedelta(hours=5),
        discovered_at=now - dt.timedelta(hours=4), event_type=EventType.objects.first(), severity_level="B",
        description=f"给药错误 {i}", patient_record_no="SECRET-123", anonymous=i == 0) for i in range(2)]


def test_it_exports_the_month_and_returns_the_same_export_when_nothing_changed(demo, personas, events):
    period = timezone.localdate().replace(day=1)
    export, created = services.event_export_create(institution=demo.institutions["H001"], period=period, actor=personas["qc_office"])
    assert created and export.event_count == 2 and export.new_count == 2
    assert export.payload["format"] == "qms.adverse-events" and export.payload["version"] == "1.0"
    ids = [e["event_id"] for e in export.payload["events"]]
    assert ids == [f"H001-AE-{e.pk}" for e in events]
    again, created = services.event_export_create(institution=demo.institutions["H001"], period=period, actor=personas["qc_office"])
    assert not created and again.pk == export.pk and EventExport.objects.count() == 1


def test_it_sends_a_new_revision_marking_only_what_changed(demo, personas, events):
    period = timezone.localdate().replace(day=1)
    services.event_export_create(institution=demo.institutions["H001"], period=period, actor=personas["qc_office"])
    events[1].immediate_actions = "已停药观察"
    events[1].save()
    second, created = services.event_export_create(institution=demo.institutions["H001"], period=period, actor=personas["qc_office"])
    assert created and second.revision == 2 and second.event_count == 2 and second.new_count == 1
    assert ExportedEvent.objects.filter(upstream_id=f"H001-AE-{events[1].pk}").count() == 2


def test_it_never_exports_reporter_receipt_or_record_number(demo, personas, events):
    export, _c = services.event_export_create(institution=demo.institutions["H001"], period=timezone.localdate().replace(day=1),
                                              actor=personas["qc_office"])
    text = str(export.payload)
    assert "SECRET-123" not in text and events[0].receipt_code not in text and "reporter" not in text
    assert set(export.payload["events"][0]) == set(KEYS)


def test_it_downloads_json_and_xlsx_through_the_api(demo, personas, events, api):
    client = api(personas["qc_office"])
    r = client.post("/api/v1/adverse-event-exports/", {"institution": "H001", "period": timezone.localdate().strftime("%Y-%m")}, format="json")
    assert r.status_code == 201
    pk = r.json()["id"]
    assert client.post("/api/v1/adverse-event-exports/", {"institution": "H001", "period": timezone.localdate().strftime("%Y-%m")},
                       format="json").status_code == 200
    assert client.get(f"/api/v1/adverse-event-exports/{pk}/json/").json()["count"] == 2
    wb = load_workbook(io.BytesIO(client.get(f"/api/v1/adverse-event-exports/{pk}/xlsx/").content))
    rows = list(wb["events"].iter_rows(values_only=True))
    assert list(rows[0]) == KEYS and len(rows) == 4  # keys, Chinese names, two events
    assert api(personas["qc_office_h002"]).get(f"/api/v1/adverse-event-exports/{pk}/json/").status_code == 404
    assert client.post("/api/v1/adverse-event-exports/", {"institution": "H001", "period": "2026-13"}, format="json").status_code == 400


def test_it_shows_the_authority_a_missing_export_and_the_register(demo, personas):
    rows = {r["institution"].code: r for r in upward_overview(personas["official_jn"], year=timezone.localdate().year)}
    assert set(rows) == {"H001", "H002"} and rows["H001"]["export_missing"]
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    services.event_export_create(institution=demo.institutions["H001"], period=last, actor=personas["qc_office"])
    rows = {r["institution"].code: r for r in upward_overview(personas["official_jn"], year=timezone.localdate().year)}
    assert not rows["H001"]["export_missing"] and rows["H002"]["export_missing"]
    assert [r["institution"].code for r in upward_overview(personas["official_lx"], year=2026)] == ["H002"]
