"""API.md's second-wave rows of issue 19, against the whole demo: `POST /api/v1/case-reviews/` and
`POST /api/v1/safety-information/` (201 with id and status, 400 field errors, Idempotency-Key, outside reach),
and the lists they add (paginated, ?updated_since)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.contract.test_api_md import _idempotent_replay, _is_field_errors, _page
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("contract_api_md_issue19")]
CATEGORIES = ["death", "grade4_surgery", "restricted_technology", "unplanned_reoperation", "discharge_against_advice",
              "malpractice", "high_cost"]
FOCUS = ["core_systems", "diagnosis_treatment", "technology", "pharmacy", "nursing", "records"]


@pytest.fixture
def as_user(seeded, api):  # noqa: F811
    return lambda username, **headers: api(seeded.user(username), **headers)


def test_row_post_case_review(seeded, as_user):  # noqa: F811
    from case_reviews.models import CaseReview

    client = as_user("official_jn")
    body = {"institution": "H001", "category": "death", "record_number": "H1-SJ-0099", "focus": FOCUS[:2]}
    answer = _idempotent_replay(client, "/api/v1/case-reviews/", body, CaseReview.objects.count, expect=201)
    assert {"id", "status"} <= set(answer) and answer["status"] == "pending"
    for category in CATEGORIES:  # every category API.md names is taken
        r = client.post("/api/v1/case-reviews/", {**body, "category": category, "record_number": f"C-{category}"},
                        format="json")
        assert r.status_code == 201, (category, r.content[:300])
    for over, field in [({"category": "surgery"}, "category"), ({"focus": ["ethics"]}, "focus"),
                        ({"record_number": ""}, "record_number"), ({"institution": "NOPE"}, "institution")]:
        bad = client.post("/api/v1/case-reviews/", {**body, **over}, format="json")
        assert bad.status_code == 400 and field in bad.json() and _is_field_errors(bad.json()), (over, bad.json())
    # the county authority does not review the city's hospital: H001 is outside its reach
    assert as_user("official_lx").post("/api/v1/case-reviews/", body, format="json").status_code == 400
    # H002's office sees none of the city's reviews of H001
    assert as_user("qc_office_h002").get(f"/api/v1/case-reviews/{answer['id']}/").status_code == 404


def test_row_post_safety_information(seeded, as_user):  # noqa: F811
    from safety_info.models import SafetyRecord

    client = as_user("qc_office")
    received = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    body = {"institution": "H001", "kind": "complaint", "received_on": received, "department": "CARD",
            "summary": "患者投诉候诊时间过长", "channel": "in_person"}
    answer = _idempotent_replay(client, "/api/v1/safety-information/", body, SafetyRecord.objects.count, expect=201)
    assert {"id", "status"} <= set(answer) and answer["status"] == "received"
    for kind, extra in [("dispute", {}), ("lawsuit", {"court": "历下区人民法院", "case_number": "（2026）鲁0102民初1号"}),
                        ("malpractice", {"determined_by": "济南市医学会", "determined_on": received, "accident_grade": 3,
                                         "responsibility": "minor"})]:
        r = client.post("/api/v1/safety-information/", {**body, "kind": kind, **extra}, format="json")
        assert r.status_code == 201 and r.json()["status"] == "received", (kind, r.content[:300])
    for over, field in [({"kind": "rumour"}, "kind"), ({"received_on": "2099-01-01"}, "received_on"),
                        ({"department": "NOPE"}, "department"), ({"summary": ""}, "summary"),
                        ({"kind": "malpractice"}, "determined_by")]:
        bad = client.post("/api/v1/safety-information/", {**body, **over}, format="json")
        assert bad.status_code == 400 and field in bad.json() and _is_field_errors(bad.json()), (over, bad.json())
    assert as_user("qc_office_h002").get(f"/api/v1/safety-information/{answer['id']}/").status_code == 404
    other = as_user("qc_office_h002").post("/api/v1/safety-information/", body, format="json")
    assert other.status_code == 400 and "institution" in other.json()


@pytest.mark.parametrize("path", ["/api/v1/case-reviews/", "/api/v1/case-pool/", "/api/v1/safety-information/",
                                  "/api/v1/adverse-event-exports/"])
def test_every_list_of_issue19_is_paginated_and_takes_updated_since(seeded, as_user, path):  # noqa: F811
    client = as_user("official_jn")
    assert _page(client.get(path))
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert _page(client.get(path, {"updated_since": future})) == []
