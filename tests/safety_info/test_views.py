import datetime as dt

import pytest
from django.utils import timezone

from safety_info.models import SafetyRecord

pytestmark = pytest.mark.django_db


def test_it_registers_and_runs_the_loop_through_the_pages(demo, personas, client):
    client.force_login(personas["qc_office"])
    assert client.get("/safety-information/new/").status_code == 200
    card = demo.departments[("H001", "CARD")]
    bad = client.post("/safety-information/new/", {"institution": demo.institutions["H001"].pk, "kind": "malpractice",
                                                   "received_on": str(timezone.localdate()), "department": card.pk, "summary": "术后死亡"})
    assert bad.status_code == 400 and "术后死亡" in bad.content.decode()
    r = client.post("/safety-information/new/", {
        "institution": demo.institutions["H001"].pk, "kind": "malpractice", "received_on": str(timezone.localdate() - dt.timedelta(days=1)),
        "department": card.pk, "summary": "术后死亡", "determined_by": "济南市医学会", "determined_on": str(timezone.localdate()),
        "accident_grade": "1", "responsibility": "full"})
    assert r.status_code == 302
    record = SafetyRecord.objects.get()
    page = client.get(f"/safety-information/{record.pk}/").content.decode()
    assert "art45-offer" in page and "trigger-interview" not in page
    assert client.post(f"/safety-information/{record.pk}/", {"text": "调查"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "investigated"
    for url in ["/safety-information/", "/safety-information/exports/"]:
        assert client.get(url).status_code == 200
    client.force_login(personas["official_jn"])
    assert "trigger-interview" in client.get(f"/safety-information/{record.pk}/").content.decode()
    assert client.get("/safety-information/overview/").status_code == 200
    assert client.post(f"/safety-information/{record.pk}/", {"text": "x"}).status_code == 403
